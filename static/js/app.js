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
  // Move focus to a form's error summary so keyboard and screen-reader users hear it.
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
