// Time zones, progressive enhancement only: without this file a new account
// takes the inviting coach's zone.
(() => {
  let detected = "";
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    detected = "";
  }

  const ready = (callback) => {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  };

  // A new account (invitation, practice join): the browser's zone goes with
  // the form; the server checks it against the zone database.
  const fillHiddenFields = () => {
    document.querySelectorAll("input[data-detect-zone]").forEach((input) => {
      if (!input.value) {
        input.value = detected;
      }
    });
  };

  ready(() => {
    fillHiddenFields();
  });
})();
