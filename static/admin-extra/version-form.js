/* The review version's change form: never lose an edit, and move around a long form.
 *
 * - Unsaved changes are noticed (every field and inline, compared with the form as loaded): the
 *   save bar says so, and leaving the page by a link asks first. The save bar's preview and
 *   workflow buttons save the edits, then open the preview or the step; with nothing to save
 *   they go straight there. Ctrl+S (Cmd+S) saves and stays.
 * - Each part (fieldset, inline, each rating and sub-page) gets a Hide/Show button; the parts
 *   hidden are remembered for this tab. A part holding an error message always shows, and a
 *   link of the jump list opens the part it leads to.
 * Without this script the form works as plain HTML: every part shows, and the preview and step
 * buttons save first.
 */
"use strict";

(function () {
  const form = document.getElementById("reviewversion_form");
  if (!form) {
    return;
  }
  const storageKey = "version-form-hidden:" + window.location.pathname;
  const ERRORS = ".errorlist, .errornote, .errors";

  /* Unsaved changes */

  function snapshot() {
    const pairs = [];
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") {
        pairs.push(name + "=" + value.replace(/\r\n/g, "\n"));
      }
    }
    // The admin's two-box selector (cancer types) selects its chosen options only on submit.
    for (const chosen of form.querySelectorAll("select.filtered[id$='_to']")) {
      for (const option of chosen.options) {
        pairs.push(chosen.name + "~" + option.value);
      }
    }
    return pairs.join("\n");
  }

  let loaded = null;
  let submitting = false;
  const note = form.querySelector(".unsaved-note");

  // A save refused (stale, or the version moved on) shows the person's text again, unsaved.
  const refused = document.querySelector(".stale-changes") !== null;

  function isDirty() {
    return refused || (loaded !== null && snapshot() !== loaded);
  }

  function showState() {
    if (note) {
      const text = isDirty() ? "Unsaved changes" : "";
      if (note.textContent !== text) {
        note.textContent = text;
      }
    }
  }

  window.addEventListener("load", () => {
    // After the admin's own scripts (the two-box selector builds itself on load).
    loaded = snapshot();
    showState();
  });
  form.addEventListener("input", showState);
  form.addEventListener("change", showState);
  // The two-box selector's arrows, "Add another", "Remove" and the person search (its list
  // opens outside the form) change the form without an input event of their own.
  document.addEventListener("click", () => window.setTimeout(showState, 0));
  document.addEventListener("keyup", () => window.setTimeout(showState, 0));
  form.addEventListener("submit", () => {
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  for (const button of form.querySelectorAll("button[data-next-url]")) {
    button.addEventListener("click", (event) => {
      if (!isDirty()) {
        event.preventDefault();
        window.location.assign(button.dataset.nextUrl);
      }
    });
  }

  // Ctrl+S (Cmd+S) saves and stays, instead of the browser saving the page as a file.
  document.addEventListener("keydown", (event) => {
    const save = form.querySelector("input[name=_continue]");
    if (save && (event.ctrlKey || event.metaKey) && !event.altKey && event.key === "s") {
      event.preventDefault();
      save.click();
    }
  });

  /* Collapsible parts */

  function hiddenIds() {
    try {
      return new Set(JSON.parse(window.sessionStorage.getItem(storageKey) || "[]"));
    } catch {
      return new Set();
    }
  }

  function remember(part, hidden) {
    const ids = hiddenIds();
    if (hidden) {
      ids.add(part.id);
    } else {
      ids.delete(part.id);
    }
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify([...ids]));
    } catch {
      // Storage may be off: the parts are then simply not remembered.
    }
  }

  function setHidden(part, hidden) {
    if (hidden && part.querySelector(ERRORS)) {
      hidden = false; // an error message is never hidden
    }
    part.classList.toggle("part-hidden", hidden);
    const toggle = toggles.get(part);
    toggle.setAttribute("aria-expanded", String(!hidden));
    toggle.firstChild.textContent = hidden ? "Show" : "Hide";
  }

  const parts = [];
  const toggles = new Map();
  const headings = form.querySelectorAll(
    "fieldset.module > h2, .inline-related:not(.empty-form) > h3"
  );
  for (const heading of headings) {
    const part = heading.parentElement;
    if (!part.id) {
      part.id = heading.id ? heading.id.replace(/-heading$/, "") : "";
    }
    if (!part.id) {
      continue;
    }
    const name = heading.querySelector(".inline_label") || heading;
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "part-toggle";
    toggle.setAttribute("aria-controls", part.id);
    toggle.append(document.createTextNode("Hide"));
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = " " + name.textContent.trim().replace(/\s+/g, " ");
    toggle.append(label);
    if (heading.tagName === "H3") {
      heading.append(toggle); // beside the row's Delete box, which floats right in it
    } else {
      heading.after(toggle);
    }
    toggles.set(part, toggle);
    part.classList.add("part");
    toggle.addEventListener("click", () => {
      const hidden = !part.classList.contains("part-hidden");
      setHidden(part, hidden);
      remember(part, hidden);
    });
    parts.push(part);
  }
  // A refused save shows everything: the person's text is there to copy from.
  const hidden = refused ? new Set() : hiddenIds();
  for (const part of parts) {
    setHidden(part, hidden.has(part.id));
  }

  function reveal(target) {
    // The part the target is (a rating), is in (a heading), or holds (an inline's group).
    const start = target.closest(".part") || target.querySelector(".part") || target;
    for (let node = start; node && node !== form; node = node.parentElement) {
      if (node.classList.contains("part-hidden")) {
        setHidden(node, false);
        remember(node, false);
      }
    }
  }

  function revealHash() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (target && form.contains(target)) {
      reveal(target);
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", revealHash);
  revealHash();
  document.addEventListener("click", (event) => {
    // A jump to the part already in the address does not change it: open the part anyway.
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target && form.contains(target)) {
      reveal(target);
    }
  });

  const nav = document.getElementById("version-parts");
  if (nav) {
    const actions = document.createElement("p");
    actions.className = "parts-actions";
    for (const [text, hide] of [["Hide all parts", true], ["Show all parts", false]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.addEventListener("click", () => {
        for (const part of parts) {
          setHidden(part, hide);
          remember(part, part.classList.contains("part-hidden"));
        }
      });
      actions.append(button);
    }
    nav.append(actions);
  }
})();
