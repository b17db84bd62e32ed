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
  // Tracked per form: submitting one form (a thank-you note) must still warn
  // about typing left in another (the next note, the debrief).
  const dirty = new Set();
  let submitting = null;
  document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
    form.addEventListener("input", () => { dirty.add(form); });
    form.addEventListener("submit", () => { submitting = form; });
  });
  window.addEventListener("beforeunload", (event) => {
    const others = [...dirty].filter((form) => form !== submitting);
    submitting = null;
    if (others.length) {
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
