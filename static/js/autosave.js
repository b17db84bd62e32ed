// Checklist drafts save themselves (the form with data-autosave-url): a few
// seconds after typing stops in an answer field, the answers go to the autosave
// address. Never the reply boxes: posting a reply stays a press of a button.
// Each save brings back the new versions of the items it changed; the hidden
// version fields take them, so the next save (automatic or pressed) does not
// meet its own text as a conflict. Without this script the buttons save as
// they always did.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosave-url]");
  if (!form) {
    return;
  }
  const url = form.dataset.autosaveUrl;
  const status = form.querySelector("[data-autosave-status]");
  const hint = document.querySelector("[data-autosave-hint]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]");
  const DELAY = 2500;
  const CONFLICT =
    "This checklist was changed in another tab or by someone else. Press Save draft to see " +
    "both versions; nothing you typed is lost.";
  const OFFLINE =
    "Not saved yet: you seem to be offline. Your typing is kept on this page; it will be " +
    "saved when you are back online.";
  const LOGGED_OUT =
    "Not saved: you are no longer logged in. Log in again in another tab, then type here " +
    "to save; your typing is kept on this page.";
  const REFUSED =
    "Not saved: this page can no longer save the checklist (it may have been withdrawn, or " +
    "you logged out elsewhere). Copy what you typed, then reload the page.";
  if (hint) {
    hint.textContent =
      "Drafts save themselves a few seconds after you stop typing. A reply typed in a " +
      "comment box is posted only when you press a button.";
  }

  const isAnswer = (field) => /^item-\d+-/.test(field.name || "") && !/-version$/.test(field.name);
  const isReply = (field) => /^comment-\d+-/.test(field.name || "");
  let timer = null;
  let saving = false; // a request is on its way
  let again = false; // typing came while it was: save once more after it
  let unsaved = false; // answers typed since the last save was sent
  let stopped = false; // a conflict or a closed checklist: the buttons take over
  let leaving = false; // a button is posting the whole form
  let heldSubmit = null; // a button pressed while a save was on its way
  let retries = 0;

  const say = (text) => {
    if (status) {
      status.textContent = text;
    }
  };
  const answers = () => {
    const data = new FormData(form);
    for (const name of [...data.keys()]) {
      // Files go with a button's post only ("Save and attach"), never with an autosave.
      if (name === "action" || name.startsWith("comment-") || name.startsWith("file-")) {
        data.delete(name);
      }
    }
    return data;
  };
  // Nothing left to lose: app.js then lets the page go without asking.
  const markClean = () => {
    const replyTyped = [...form.elements].some(
      (field) => isReply(field) && field.value !== field.defaultValue,
    );
    if (!unsaved && !replyTyped) {
      form.dispatchEvent(new CustomEvent("autosave:clean"));
    }
  };
  const schedule = (delay) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => { save(); }, delay);
  };
  const post = (keepalive) => fetch(url, {
    method: "POST",
    body: answers(),
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
    // A login page instead of JSON: the session has ended.
    redirect: "manual",
    keepalive,
  });

  async function save({ keepalive = false } = {}) {
    window.clearTimeout(timer);
    timer = null;
    if (stopped || leaving || !unsaved) {
      return;
    }
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    unsaved = false;
    say("Saving…");
    let response = null;
    let body = null;
    try {
      try {
        response = await post(keepalive);
      } catch (error) {
        // keepalive refuses bodies over 64 kB: send it the ordinary way.
        response = keepalive ? await post(false) : null;
      }
      if (response && response.headers.get("Content-Type") === "application/json") {
        body = await response.json();
      }
    } catch (error) {
      response = null; // offline, or the connection dropped
    }
    saving = false;
    if (response && body && body.saved) {
      retries = 0;
      Object.entries(body.versions).forEach(([pk, version]) => {
        const field = form.querySelector(`input[name="item-${pk}-version"]`);
        if (field) {
          field.value = version;
        }
      });
      say(`Saved ${body.saved_at}`);
      markClean();
    } else if (response && body && response.status === 409) {
      stopped = true;
      unsaved = true;
      say(body.conflict ? CONFLICT : body.message);
    } else if (response && body && response.status === 400) {
      unsaved = true; // saved again after the next typing
      say(body.message);
    } else if (response && response.type === "opaqueredirect") {
      unsaved = true;
      say(LOGGED_OUT);
    } else if (response && response.status >= 400 && response.status < 500) {
      // Not the script's JSON (a 404, a refused CSRF token): trying again will not help.
      stopped = true;
      unsaved = true;
      say(REFUSED);
    } else {
      unsaved = true;
      say(OFFLINE);
      retries += 1;
      schedule(Math.min(60000, 2000 * 2 ** retries));
    }
    if (heldSubmit) {
      // The button pressed meanwhile posts now, with the versions just saved.
      const button = heldSubmit;
      heldSubmit = null;
      leaving = true;
      form.requestSubmit(button.form === form ? button : undefined);
    } else if (again) {
      again = false;
      save();
    }
  }

  const typed = (event) => {
    if (!isAnswer(event.target)) {
      return;
    }
    unsaved = true;
    if (!stopped) {
      schedule(DELAY);
    }
  };
  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  form.addEventListener("submit", (event) => {
    window.clearTimeout(timer);
    if (saving && !leaving) {
      // Posted now, the page's versions would be older than the save on its way.
      event.preventDefault();
      heldSubmit = event.submitter || form.querySelector("button[value=save]");
      return;
    }
    leaving = true;
  });
  window.addEventListener("online", () => { save(); });
  // iOS Safari never fires beforeunload: send the answers when the page is
  // hidden (another app, another tab, leaving) instead of waiting.
  const hidden = () => { save({ keepalive: true }); };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      hidden();
    }
  });
  window.addEventListener("pagehide", hidden);
  // Back from the browser's page cache after a button posted: the page is live again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      leaving = false;
    }
  });
});
