// Triage suggestions: "Accept" puts the suggested value in the form's field; nothing is saved
// until the person submits the form (docs/triage.md).
(function () {
  "use strict";
  if (window.redressTriage) { return; }
  window.redressTriage = true;

  function fieldOf(button) {
    var form = button.closest("form");
    return form ? form.querySelector('[name="' + button.dataset.field + '"]') : null;
  }

  function holds(field, value) {
    if (!field) { return false; }
    return field.type === "checkbox" ? field.checked === (value === "true") : field.value === value;
  }

  function markAccepted(button) {
    button.setAttribute("aria-pressed", "true");
    button.textContent = button.dataset.done;
  }

  // A panel asked again (the text changed) shows as accepted what the form already holds.
  document.addEventListener("htmx:afterSwap", function (event) {
    var buttons = event.target.querySelectorAll ? event.target.querySelectorAll("[data-triage-accept]") : [];
    Array.prototype.forEach.call(buttons, function (button) {
      if (holds(fieldOf(button), button.dataset.value)) { markAccepted(button); }
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-triage-accept]") : null;
    if (!button) { return; }
    event.preventDefault();
    var field = fieldOf(button);
    if (field && field.type === "checkbox") {
      field.checked = button.dataset.value === "true";
    } else if (field) {
      field.value = button.dataset.value;
      if (field.value !== button.dataset.value) { field = null; }
    }
    if (!field) {
      button.disabled = true;
      button.title = button.dataset.missing;
      button.textContent = button.dataset.missing;
      return;
    }
    field.dispatchEvent(new Event("change", { bubbles: true }));
    markAccepted(button);
  });
})();
