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
  // Tracked per form: submitting one form (the thank-you notes) must still warn
  // about typing left in another (the debrief).
  const dirty = new Set();
  let submitting = null;
  // A mailto: link hands over to the mail program and the page stays, typing
  // and all; Chromium still fires beforeunload for it, so that click is let through.
  let toMailProgram = false;
  document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
    // data-unsaved: the server sent the form back with changes not saved yet
    // (the template editor's Move and Remove buttons).
    if (form.hasAttribute("data-unsaved")) {
      dirty.add(form);
    }
    form.addEventListener("input", () => { dirty.add(form); });
    form.addEventListener("submit", () => { submitting = form; });
    // The checklist saved itself (static/js/autosave.js): nothing left to lose.
    form.addEventListener("autosave:clean", () => { dirty.delete(form); });
  });
  // iOS Safari never fires beforeunload, so the warning never shows there. A
  // form without autosave keeps its typing in sessionStorage when the page is
  // hidden; shown again with other values, the page offers to put it back
  // (the form's [data-restore] banner).
  const keyOf = (form) => `unsaved:${window.location.pathname}#${form.id || form.getAttribute("action")}`;
  const typedFields = (form) => [...form.elements].filter(
    (field) => field.name && field.name !== "csrfmiddlewaretoken" &&
      !["hidden", "submit", "button", "file", "password"].includes(field.type),
  );
  const valuesOf = (form) => Object.fromEntries(typedFields(form).map(
    (field) => [field.name + (field.type === "checkbox" || field.type === "radio" ? `=${field.value}` : ""),
      field.type === "checkbox" || field.type === "radio" ? field.checked : field.value],
  ));
  const keepTyping = () => {
    dirty.forEach((form) => {
      if (form !== submitting && !form.dataset.autosaveUrl) {
        try {
          window.sessionStorage.setItem(keyOf(form), JSON.stringify(valuesOf(form)));
        } catch (error) {
          // Storage full or switched off: the typing cannot be kept.
        }
      }
    });
  };
  window.addEventListener("pagehide", keepTyping);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      keepTyping();
    }
  });
  document.querySelectorAll("form[data-warn-unsaved]:not([data-autosave-url])").forEach((form) => {
    const key = keyOf(form);
    form.addEventListener("submit", () => { window.sessionStorage.removeItem(key); });
    let kept = null;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(key) || "null");
    } catch (error) {
      kept = null;
    }
    const banner = form.querySelector("[data-restore]");
    const now = valuesOf(form);
    const differs = kept && Object.keys(kept).some((name) => name in now && kept[name] !== now[name]);
    if (!differs || !banner) {
      window.sessionStorage.removeItem(key);
      return;
    }
    banner.hidden = false;
    banner.querySelector("[data-restore-put-back]").addEventListener("click", () => {
      typedFields(form).forEach((field) => {
        const checkable = field.type === "checkbox" || field.type === "radio";
        const name = field.name + (checkable ? `=${field.value}` : "");
        if (name in kept) {
          field[checkable ? "checked" : "value"] = kept[name];
        }
      });
      dirty.add(form);
      banner.hidden = true;
      form.dispatchEvent(new Event("input", { bubbles: true }));
    });
    banner.querySelector("[data-restore-discard]").addEventListener("click", () => {
      window.sessionStorage.removeItem(key);
      banner.hidden = true;
    });
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest('a[href^="mailto:"]')) {
      toMailProgram = true;
      setTimeout(() => { toMailProgram = false; }, 0);
    }
  });
  window.addEventListener("beforeunload", (event) => {
    const others = [...dirty].filter((form) => form !== submitting);
    submitting = null;
    if (others.length && !toMailProgram) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Print buttons (data-print) stay hidden without JavaScript: the browser's own Print works.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
  // Thank-you notes (data-note): "Open in my email program" and "Copy text" use
  // the text on screen, not the last saved one. Without this script the open
  // button saves first and the page then offers the saved text's link; the
  // link and the copy button need the script, so they stay hidden without it.
  // The same encoding as lib/drafts.py's mailto_url: only A-Z a-z 0-9 - _ . ~
  // stay as they are (and @ , + in the address).
  const encode = (text) => encodeURIComponent(text).replace(
    /[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const mailtoUrl = (to, subject, body) => {
    const address = encode(to.trim()).replace(/%40/g, "@").replace(/%2C/g, ",").replace(/%2B/g, "+");
    const query = [];
    if (subject) query.push(`subject=${encode(subject)}`);
    if (body) query.push(`body=${encode(body)}`);
    return `mailto:${address}${query.length ? `?${query.join("&")}` : ""}`;
  };
  // A checklist's email item (data-email-item) works the same way, with the
  // item form's own field names.
  const mailBoxes = [
    ...[...document.querySelectorAll("[data-note]")].map(
      (box) => [box, `id_note-${box.dataset.note}-`, ["to", "subject", "body"]],
    ),
    ...[...document.querySelectorAll("[data-email-item]")].map(
      (box) => [box, `id_item-${box.dataset.emailItem}-`, ["email_to", "email_subject", "email_body"]],
    ),
  ];
  document.querySelectorAll("[data-no-script-hint]").forEach((hint) => { hint.hidden = true; });
  mailBoxes.forEach(([note, prefix, names]) => {
    const [to, subject, body] = names.map((name) => document.getElementById(`${prefix}${name}`));
    const link = note.querySelector("[data-mailto]");
    const fallback = note.querySelector("[data-open-fallback]");
    const copy = note.querySelector("[data-copy-text]");
    const status = note.querySelector("[data-copy-status]");
    if (!to || !subject || !body) {
      return;
    }
    if (link) {
      const refresh = () => { link.href = mailtoUrl(to.value, subject.value, body.value); };
      refresh();
      note.addEventListener("input", refresh);
      link.hidden = false;
      if (fallback) {
        fallback.hidden = true;
      }
    }
    if (copy && status) {
      note.addEventListener("input", () => { status.textContent = ""; });
      copy.addEventListener("click", async () => {
        status.textContent = "";
        try {
          await navigator.clipboard.writeText(body.value);
          status.textContent = "Copied";
        } catch {
          // No clipboard access (an insecure page, a refusal): select it for Ctrl+C.
          body.focus();
          body.select();
          status.textContent = "Not copied: the text is selected, press Ctrl+C (⌘C on a Mac) to copy it.";
        }
      });
      copy.hidden = false;
    }
  });
  // The brief's PDF being made (data-pdf-poll): ask the same address every few
  // seconds, for two minutes at most; when it answers with the PDF, say so in
  // the live region and make the button the download. No page refresh.
  const poll = document.querySelector("[data-pdf-poll]");
  if (poll) {
    const url = poll.dataset.pdfPoll;
    const seconds = Number(poll.dataset.pollSeconds) || 3;
    const link = document.querySelector("[data-pdf-link]");
    let tries = Math.ceil(120 / seconds);
    poll.textContent = "It takes a few seconds; this page checks for you and says when it is ready.";
    const check = async () => {
      tries -= 1;
      try {
        const response = await fetch(url, { method: "HEAD", credentials: "same-origin" });
        if (response.status === 200) {
          poll.textContent = "Your PDF is ready.";
          if (link) {
            link.textContent = "Download the PDF";
          }
          return;
        }
      } catch (error) {
        // A network hiccup: the next try may work.
      }
      if (tries > 0) {
        window.setTimeout(check, seconds * 1000);
      } else {
        poll.textContent = "It is taking longer than usual. Press “Check again” in a while.";
      }
    };
    window.setTimeout(check, seconds * 1000);
  }
  // Move focus to a form's error summary so keyboard and screen-reader users hear it.
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
