// The review page's quick verdict without a round trip. "Mark the unreviewed
// items OK" checks the OK button of every item still "Not reviewed", and the
// count beside it follows each mark as the coach sets it. Without this file
// the same button asks the server, which sends the form back filled in the
// same way; either way nothing is stored until the coach approves or asks for
// changes.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("review-form");
  const count = form && form.querySelector("[data-unmarked-count]");
  const button = form && form.querySelector('button[name="action"][value="mark_unreviewed_ok"]');
  const status = form && form.querySelector("[data-mark-status]");
  if (!count || !button || !status) {
    return;
  }
  const groups = [...form.querySelectorAll("fieldset.choice-buttons")];
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const unmarked = () => groups.filter((group) => {
    const checked = group.querySelector("input:checked");
    return !checked || checked.value === "";
  });
  const refresh = () => {
    const left = unmarked().length;
    count.textContent = left
      ? `${left} of ${plural(groups.length, "item")} not marked yet.`
      : "Every item is marked.";
  };
  form.addEventListener("change", (event) => {
    if (event.target.matches(".btn-check")) {
      refresh();
    }
  });
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const rest = unmarked();
    rest.forEach((group) => {
      const ok = group.querySelector('input[value="ok"]');
      if (ok) {
        ok.checked = true;
      }
    });
    refresh();
    status.textContent = rest.length
      ? `${plural(rest.length, "item")} marked OK. Nothing is saved until you approve or request changes.`
      : "Every item was already marked.";
  });
});
