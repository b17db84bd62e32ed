// The template editor without page loads: "Move up" / "Move down" swap the
// item with its neighbour on the page, and a mouse or touch user can drag an
// item by its handle. Both rewrite the hidden position numbers and mark the
// form as changed; nothing is saved until Save. Without this file the Move
// buttons post the form and the server sends it back reordered
// (interviews/forms/template_editor.py), so keyboard and no-script users lose nothing.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-template-editor]");
  const list = form && form.querySelector("[data-editor-items]");
  if (!list) {
    return;
  }
  const status = form.querySelector("[data-editor-status]");
  const cards = () => [...list.querySelectorAll("[data-item]")];
  const headingClass = (list.querySelector("[data-section-heading]") || {}).className || "h6";
  const changed = () => form.dispatchEvent(new Event("input", { bubbles: true }));
  const say = (text) => { if (status) { status.textContent = text; } };

  // Number the items 1..n in page order, set the first and last buttons, and
  // put a section heading wherever the section changes (as the server does).
  const refresh = () => {
    const all = cards();
    all.forEach((card, i) => {
      card.querySelector("[data-position]").value = String(i + 1);
      card.querySelector("[data-number]").textContent = String(i + 1);
      card.querySelector('[data-move="up"]').disabled = i === 0;
      card.querySelector('[data-move="down"]').disabled = i === all.length - 1;
    });
    list.querySelectorAll("[data-section-heading]").forEach((heading) => heading.remove());
    let section = null;
    all.forEach((card) => {
      if (card.dataset.section !== section) {
        section = card.dataset.section;
        const heading = document.createElement("h3");
        heading.className = headingClass;
        heading.dataset.sectionHeading = "";
        heading.textContent = card.dataset.sectionTitle;
        card.before(heading);
      }
    });
  };
  const moved = (card) => {
    refresh();
    changed();
    say(`Item moved to position ${cards().indexOf(card) + 1}. Nothing is saved until you press Save.`);
  };

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move]");
    if (!button) {
      return;
    }
    event.preventDefault();
    const card = button.closest("[data-item]");
    const all = cards();
    const at = all.indexOf(card);
    if (button.dataset.move === "up" && at > 0) {
      all[at - 1].before(card);
    } else if (button.dataset.move === "down" && at < all.length - 1) {
      all[at + 1].after(card);
    } else {
      return;
    }
    moved(card);
    // Moving the node takes the focus away: give it back to the same button,
    // or to the other one when the item reached the top or the bottom.
    const same = card.querySelector(`[data-move="${button.dataset.move}"]`);
    (same.disabled ? card.querySelector("[data-move]:not(:disabled)") || same : same).focus();
  });

  // Dragging by the handle (pointer events: mouse, pen and touch alike).
  form.querySelectorAll("[data-drag-handle], [data-drag-hint]").forEach((element) => {
    element.hidden = false;
  });
  let dragging = null;
  list.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest("[data-drag-handle]");
    if (!handle || event.button !== 0) {
      return;
    }
    event.preventDefault();
    dragging = handle.closest("[data-item]");
    dragging.classList.add("dragging");
    handle.setPointerCapture(event.pointerId);
  });
  list.addEventListener("pointermove", (event) => {
    if (!dragging) {
      return;
    }
    if (event.clientY < 40) {
      window.scrollBy(0, -20);
    } else if (event.clientY > window.innerHeight - 40) {
      window.scrollBy(0, 20);
    }
    // Before the first card whose middle is below the pointer, else last.
    const others = cards().filter((card) => card !== dragging);
    const below = others.find((card) => {
      const box = card.getBoundingClientRect();
      return event.clientY < box.top + box.height / 2;
    });
    if (below) {
      if (below.previousElementSibling !== dragging) {
        below.before(dragging);
      }
    } else if (others.length && others[others.length - 1].nextElementSibling !== dragging) {
      others[others.length - 1].after(dragging);
    }
  });
  const drop = () => {
    if (!dragging) {
      return;
    }
    const card = dragging;
    dragging = null;
    card.classList.remove("dragging");
    moved(card);
  };
  // On the document, not the list: moving the dragged card in the page drops
  // its pointer capture, and the pointer may be let go outside the list (above
  // it, once the page has scrolled up under the finger).
  document.addEventListener("pointerup", drop);
  document.addEventListener("pointercancel", drop);
});
