// Progressive enhancement only: every flow works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before actions that are hard to undo (buttons with data-confirm).
  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
  // Warn before leaving a page whose form has unsaved typing (data-warn-unsaved).
  let dirty = false;
  document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("submit", () => { dirty = false; });
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Print buttons (data-print) stay hidden without JavaScript: the browser's own Print works.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
  // Move focus to a form's error summary so keyboard and screen-reader users hear it.
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
