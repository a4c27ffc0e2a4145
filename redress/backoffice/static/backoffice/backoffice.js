// Redress staff site: keyboard shortcuts and small helpers. Everything works without it.
(function () {
  "use strict";
  // "/" focuses the search box (unless typing in a field); Escape leaves a field.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    var typing = tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable;
    if (event.key === "/" && !typing) {
      var box = document.getElementById("q");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    } else if (event.key === "Escape" && typing) {
      event.target.blur();
    }
  });
  // The navigation (and a queue's filters) fold on narrow screens and stay open on wide ones
  // (without JavaScript they stay open everywhere).
  var folds = document.querySelectorAll("[data-fold-narrow]");
  if (folds.length && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 1101px)");
    var fit = function () { folds.forEach(function (fold) { fold.open = wide.matches; }); };
    fit();
    if (wide.addEventListener) { wide.addEventListener("change", fit); }
  }
  // "Select all" on a queue page.
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll("input[name=ref]").forEach(function (box) { box.checked = all.checked; });
    }
    // Assessment: the proposed priority follows the severity, impact and health/safety chosen
    // (the server proposes the same when the priority is left blank; this only shows it).
    var assess = event.target.form && event.target.form.querySelector("[data-priority-matrix]");
    if (assess && /^(severity|impact|health_safety)$/.test(event.target.name)) {
      var form = event.target.form;
      var ranks = ["low", "normal", "high", "urgent"];
      var matrix = JSON.parse(assess.getAttribute("data-priority-matrix"));
      var labels = JSON.parse(assess.getAttribute("data-priority-labels"));
      var row = matrix[form.querySelector("[name=severity]").value] || {};
      var proposed = row[form.querySelector("[name=impact]").value || "medium"] || "normal";
      var safety = form.querySelector("[name=health_safety]");
      var floor = safety && safety.checked ? "urgent" : assess.getAttribute("data-priority-floor");
      if (ranks.indexOf(floor) > ranks.indexOf(proposed)) { proposed = floor; }
      var blank = assess.querySelector("option[value='']");
      blank.text = blank.text.replace(/\([^()]*\)\s*$/, "(" + labels[proposed] + ")");
    }
    var picker = event.target.closest("[data-reply-template]");
    if (picker && picker.value) {
      var url = picker.getAttribute("data-reply-template") + "?template=" + encodeURIComponent(picker.value);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (!data) { return; }
        var form = picker.form;
        form.querySelector("[name=subject]").value = data.subject;
        var body = form.querySelector("[name=body]");
        body.value = data.body;
        body.focus();
      });
    }
  });
  // After an action form is loaded, focus its first field so the keyboard can go on at once.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "action-panel") {
      var field = target.querySelector("input:not([type=hidden]), select, textarea, button");
      if (field) { field.focus(); }
    }
  });
  // Cancel closes an action form without leaving the page.
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-cancel]");
    if (cancel && window.htmx) {
      var panel = document.getElementById("action-panel");
      if (panel) { event.preventDefault(); panel.innerHTML = ""; }
    }
  });
})();
// Bulk assign: the owner list offers only the people who may take every complaint ticked
// (asked of the server each time the selection changes; assigning checks again).
(function () {
  "use strict";
  var pending = null;
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !(box.matches("input[name=ref]") || box.matches("[data-select-all]"))) { return; }
    var select = document.querySelector("select[data-owners-url]");
    if (!select || !box.form || box.form !== select.form) { return; }
    var params = new URLSearchParams();
    select.form.querySelectorAll("input[name=ref]:checked").forEach(function (ref) { params.append("ref", ref.value); });
    var request = pending = fetch(select.getAttribute("data-owners-url") + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && request === pending) { select.innerHTML = html; } });
  });
})();
