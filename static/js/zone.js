// Time zones, progressive enhancement only: without this file a new account
// takes the inviting coach's zone, and the profile's drop-down works as it is.
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

  const words = (text) => text.toLowerCase().replace(/[_/]+/g, " ");

  // The profile's picker: the detected zone offered first, and a search box
  // that narrows the grouped list (options are rebuilt, not hidden, which
  // phones' native pickers ignore).
  const enhancePicker = (select) => {
    if (detected && select.value !== detected) {
      const group = document.createElement("optgroup");
      group.label = "Detected";
      group.dataset.pinned = "";
      const option = new Option(`Detected: ${detected.replace(/_/g, " ")}`, detected);
      group.append(option);
      select.prepend(group);
    }

    const groups = [...select.querySelectorAll("optgroup")].map((group) => ({
      label: group.label,
      pinned: group.dataset.pinned !== undefined || group.label === "Current",
      options: [...group.querySelectorAll("option")].map((option) => ({
        value: option.value,
        text: option.textContent,
        key: words(`${option.value} ${option.textContent}`),
      })),
    }));

    const box = document.createElement("div");
    box.className = "mb-2";
    const label = document.createElement("label");
    label.className = "form-label small";
    label.htmlFor = `${select.id}-search`;
    label.textContent = "Search time zones";
    const search = document.createElement("input");
    search.type = "search";
    search.id = `${select.id}-search`;
    search.className = "form-control form-control-sm";
    search.autocomplete = "off";
    search.placeholder = "City or region, e.g. Berlin";
    const status = document.createElement("p");
    status.className = "form-text mb-0";
    status.id = `${select.id}-search-status`;
    status.setAttribute("aria-live", "polite");
    search.setAttribute("aria-describedby", status.id);
    box.append(label, search, status);
    // Above the field (its label stays next to the drop-down).
    (select.closest("[id^=div_id_]") || select).before(box);

    const rebuild = (query) => {
      const terms = words(query).split(/\s+/).filter(Boolean);
      const chosen = select.value;
      const matches = (option) => terms.every((term) => option.key.includes(term));
      let found = 0;
      const fragment = document.createDocumentFragment();
      groups.forEach((group) => {
        const kept = group.options.filter(
          (option) => group.pinned || !terms.length || matches(option) || option.value === chosen,
        );
        if (!group.pinned) {
          found += kept.filter((option) => matches(option)).length;
        }
        if (!kept.length) {
          return;
        }
        const element = document.createElement("optgroup");
        element.label = group.label;
        kept.forEach((option) => element.append(new Option(option.text, option.value)));
        fragment.append(element);
      });
      select.replaceChildren(fragment);
      select.value = chosen;
      status.textContent = terms.length
        ? `${found} zone${found === 1 ? "" : "s"} match${found === 1 ? "es" : ""}.`
        : "";
    };

    search.addEventListener("input", () => rebuild(search.value));
    // Enter picks the first match instead of sending the form.
    search.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") {
        return;
      }
      event.preventDefault();
      const terms = words(search.value).split(/\s+/).filter(Boolean);
      const first = groups
        .filter((group) => !group.pinned)
        .flatMap((group) => group.options)
        .find((option) => terms.every((term) => option.key.includes(term)));
      if (first && terms.length) {
        rebuild(search.value);
        select.value = first.value;
        select.focus();
      }
    });
  };

  // Any signed-in page: when this device is in another zone than the
  // profile's, offer to switch (templates/base.html). "Keep" is
  // remembered on this device for that pair of zones, so a traveller is
  // asked once, not on every page.
  const offerZone = (form) => {
    const current = form.dataset.zoneOffer;
    if (!detected || detected === current) {
      return;
    }
    const key = `coachsite:zone-kept:${current}:${detected}`;
    try {
      if (window.localStorage.getItem(key)) {
        return;
      }
    } catch (error) {
      // No storage (a private window): ask, and "Keep" hides it for this page.
    }
    form.querySelectorAll("[data-zone-name]").forEach((name) => {
      name.textContent = detected.replace(/_/g, " ");
    });
    form.querySelector("[data-zone-keep]").addEventListener("click", () => {
      try {
        window.localStorage.setItem(key, "1");
      } catch (error) {
        // Nothing to remember it in; hiding it is enough for now.
      }
      form.hidden = true;
    });
    form.hidden = false;
  };

  ready(() => {
    fillHiddenFields();
    document.querySelectorAll("select[data-zone-picker]").forEach(enhancePicker);
    document.querySelectorAll("form[data-zone-offer]").forEach(offerZone);
  });
})();
