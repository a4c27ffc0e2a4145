// Triage suggestions: "Accept" puts the suggested value in the form's field; nothing is saved
// until the person submits the form (docs/triage.md).
(function () {
  "use strict";
  if (window.redressTriage) { return; }
  window.redressTriage = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-triage-accept]") : null;
    if (!button) { return; }
    event.preventDefault();
    var form = button.closest("form");
    var field = form ? form.querySelector('[name="' + button.dataset.field + '"]') : null;
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
    button.setAttribute("aria-pressed", "true");
    button.textContent = button.dataset.done;
  });
})();
