/* The marking workspace (exercises/desk/workspace.py): levels by keyboard, saving without
 * a page load, the comment bank, comments on selected words.
 *
 * Without this script the page still works: every form posts and the page comes back at
 * the answer; bank codes typed as #P1 are expanded by the server on save.
 *
 * Keys (documented on the page), never while typing in a text field:
 *   1-9  pick that level of the current criterion, fill in the top of its band, move on
 *   J/K  next/previous answer (saving what changed first)
 *   F    focus the feedback; S save; ? open the help
 * In the feedback box: Ctrl+Enter saves and goes to the next answer waiting for a mark;
 * Escape leaves the box; "#code" then a space inserts a comment of the bank.
 */
(function () {
  "use strict";

  const root = document.querySelector(".ws");
  if (!root) return;
  const status = document.getElementById("ws-status");
  const answers = Array.from(root.querySelectorAll(".ws-answer"));

  function announce(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 30);
  }

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable) return true;
    const tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") return true;
    if (tag !== "input") return false;
    return !["radio", "checkbox", "button", "submit", "hidden"].includes(target.type);
  }

  function currentAnswer() {
    const active = document.activeElement;
    return (active && active.closest && active.closest(".ws-answer")) || null;
  }

  function criteriaOf(section) {
    return Array.from(section.querySelectorAll(".ws-criterion"));
  }

  function focusCriterion(fieldset) {
    const radio = fieldset.querySelector("input[type=radio]:checked") ||
      fieldset.querySelector("input[type=radio]");
    if (radio) radio.focus();
  }

  function feedbackOf(section) {
    return section.querySelector("[data-ws-feedback]");
  }

  function stateOf(form) {
    return form.querySelector(".ws-state");
  }

  function setState(form, text, isError) {
    const state = stateOf(form);
    state.textContent = text;
    state.classList.toggle("ws-error", Boolean(isError));
  }

  // The score follows the levels' marks unless the teacher typed a score of their own.
  function recompute(form) {
    const score = form.querySelector("input[name$='-score']");
    if (!score || score.dataset.manual === "1") return;
    let total = 0;
    let any = false;
    form.querySelectorAll(".ws-criterion").forEach(function (fieldset) {
      if (!fieldset.querySelector("input[type=radio]:checked")) return;
      const points = fieldset.querySelector("input[name*='-points_']");
      const value = parseFloat(points && points.value);
      if (!isNaN(value)) { total += value; any = true; }
    });
    if (any) score.value = String(Math.round(total * 100) / 100);
  }

  function pick(fieldset, radio) {
    radio.checked = true;
    const points = fieldset.querySelector("input[name*='-points_']");
    if (points && radio.dataset.max !== undefined) points.value = radio.dataset.max;
    const form = fieldset.closest("form");
    form.dataset.dirty = "1";
    recompute(form);
    setState(form, "Not saved yet");
    const legend = fieldset.querySelector("legend").textContent;
    const label = radio.closest("label").textContent.replace(/^\s*\d+\s*/, "").trim();
    announce(legend + ": " + label + ", " + (points ? points.value : "") + " marks");
  }

  function advance(fieldset) {
    const section = fieldset.closest(".ws-answer");
    const list = criteriaOf(section);
    const next = list[list.indexOf(fieldset) + 1];
    if (next) focusCriterion(next);
    else if (feedbackOf(section)) feedbackOf(section).focus();
  }

  // Saving ------------------------------------------------------------------------------

  function save(form) {
    if (form.dataset.saving === "1") return form.pending || Promise.resolve(false);
    form.dataset.saving = "1";
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    setState(form, "Saving…");
    const body = new FormData(form);
    form.pending = fetch(window.location.pathname + window.location.search, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": body.get("csrfmiddlewaretoken") || "",
      },
    }).then(function (response) {
      return response.json().catch(function () { return { saved: false, error: "The server did not answer as expected." }; });
    }).then(function (data) {
      if (data.saved) {
        afterSave(form, data);
        return true;
      }
      const errors = data.errors ? Object.values(data.errors).flat().join(" ") : data.error;
      setState(form, "Not saved: " + errors, true);
      announce("Not saved: " + errors);
      return false;
    }).catch(function () {
      setState(form, "Not saved: no connection. Try again.", true);
      return false;
    }).finally(function () {
      form.dataset.saving = "0";
      button.disabled = false;
    });
    return form.pending;
  }

  // The page now holds what was saved: the version, and the values the next save compares with.
  function afterSave(form, data) {
    form.querySelector("input[name$='-version']").value = data.version;
    const feedback = form.querySelector("[data-ws-feedback]");
    if (feedback) feedback.value = data.feedback;
    const score = form.querySelector("input[name$='-score']");
    if (score && data.score !== "") score.value = data.score;
    form.querySelectorAll("input[type=hidden][name^='initial-']").forEach(function (hidden) {
      const name = hidden.name.slice("initial-".length);
      const field = form.querySelector("[name='" + name + "']:not([type=radio]), [name='" + name + "'][type=radio]:checked");
      hidden.value = field ? field.value : "";
    });
    form.dataset.dirty = "0";
    const section = form.closest(".ws-answer");
    if (data.score !== "") section.dataset.marked = "1";
    const now = new Date();
    const time = String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
    setState(form, "Saved " + time);
    announce("Saved: score " + (data.score || "none"));
  }

  root.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.classList.contains("ws-form")) return;
    event.preventDefault();
    save(form);
  });

  root.addEventListener("change", function (event) {
    const target = event.target;
    const form = target.closest && target.closest(".ws-form");
    if (!form) return;
    if (target.type === "radio") {
      pick(target.closest(".ws-criterion"), target);
      return;
    }
    // A change event also comes when a box is left, after a save: only a value other
    // than the saved one is unsaved work.
    const saved = form.querySelector("input[type=hidden][name='initial-" + target.name + "']");
    if (saved && saved.value === target.value) return;
    if (target.name && target.name.endsWith("-score")) target.dataset.manual = "1";
    if (target.name && target.name.indexOf("-points_") !== -1) recompute(form);
    form.dataset.dirty = "1";
    setState(form, "Not saved yet");
  });

  root.addEventListener("input", function (event) {
    const target = event.target;
    if (target.matches && target.matches("[data-ws-feedback]")) {
      expandCode(target);
      const form = target.closest("form");
      form.dataset.dirty = "1";
      setState(form, "Not saved yet");
    }
  });

  // Moving between answers ----------------------------------------------------------------

  function goTo(section) {
    if (!section) return;
    const first = criteriaOf(section)[0];
    if (first) focusCriterion(first);
    else section.focus();
    section.scrollIntoView({ block: "start" });
    const title = section.querySelector("h2").textContent;
    announce(title);
    const url = new URL(window.location.href);
    url.searchParams.set("at", section.dataset.answer);
    url.hash = "";  // a fragment would have the browser move focus to the section on load
    window.history.replaceState(null, "", url);
  }

  function saveThen(section, then) {
    const form = section && section.querySelector(".ws-form");
    if (form && form.dataset.dirty === "1") {
      save(form).then(function (ok) { if (ok) then(); });
    } else {
      then();
    }
  }

  function move(step) {
    const here = currentAnswer();
    const index = here ? answers.indexOf(here) : -1;
    const next = answers[index + step];
    saveThen(here, function () { goTo(next); });
  }

  function nextWaiting(from) {
    const index = answers.indexOf(from);
    return answers.slice(index + 1).find(function (s) { return s.dataset.marked !== "1"; }) ||
      answers.slice(0, index).find(function (s) { return s.dataset.marked !== "1"; });
  }

  function saveAndNext(section) {
    saveThen(section, function () {
      const next = nextWaiting(section);
      if (next) goTo(next);
      else {
        const link = document.getElementById("ws-next-question");
        announce("Every answer here has a mark." + (link ? " " + link.textContent : ""));
        if (link) link.focus();
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (target.matches && target.matches("[data-ws-feedback]")) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        saveAndNext(target.closest(".ws-answer"));
      } else if (event.key === "Escape") {
        target.closest(".ws-answer").focus();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(target)) return;
    const section = currentAnswer();
    const key = event.key;
    if (/^[1-9]$/.test(key) && section) {
      const fieldset = (target.closest && target.closest(".ws-criterion")) ||
        criteriaOf(section).find(function (f) { return !f.querySelector("input:checked"); });
      if (!fieldset) return;
      const radio = fieldset.querySelectorAll("input[type=radio]")[Number(key) - 1];
      if (!radio) { announce(fieldset.querySelector("legend").textContent + " has no level " + key); return; }
      event.preventDefault();
      pick(fieldset, radio);
      advance(fieldset);
    } else if (key === "j" || key === "J") {
      event.preventDefault();
      move(1);
    } else if (key === "k" || key === "K") {
      event.preventDefault();
      move(-1);
    } else if ((key === "f" || key === "F") && section && feedbackOf(section)) {
      event.preventDefault();
      feedbackOf(section).focus();
    } else if ((key === "s" || key === "S") && section && section.querySelector(".ws-form")) {
      event.preventDefault();
      save(section.querySelector(".ws-form"));
    } else if (key === "?") {
      const help = document.getElementById("ws-help");
      help.open = !help.open;
    }
  });

  // The comment bank ----------------------------------------------------------------------

  function bankOf(form) {
    return Array.from(form.querySelectorAll(".ws-bank-item"));
  }

  function insert(textarea, text) {
    const start = textarea.selectionStart;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(textarea.selectionEnd);
    const gap = before && !/\s$/.test(before) ? " " : "";
    textarea.value = before + gap + text + after;
    const caret = (before + gap + text).length;
    textarea.setSelectionRange(caret, caret);
  }

  function expandCode(textarea) {
    const upto = textarea.value.slice(0, textarea.selectionStart);
    const match = /(^|\s)#([A-Za-z0-9]{1,12})\s$/.exec(upto);
    if (!match) return;
    const entry = bankOf(textarea.closest("form")).find(function (button) {
      return button.dataset.code.toLowerCase() === match[2].toLowerCase();
    });
    if (!entry) return;
    const start = upto.length - match[2].length - 2;
    textarea.value = textarea.value.slice(0, start) + entry.dataset.text + " " + textarea.value.slice(upto.length);
    const caret = start + entry.dataset.text.length + 1;
    textarea.setSelectionRange(caret, caret);
    announce("Inserted " + entry.dataset.code);
  }

  root.querySelectorAll(".ws-bank").forEach(function (bank) { bank.hidden = false; });
  root.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest(".ws-bank-item");
    if (!button) return;
    const form = button.closest("form");
    const feedback = form.querySelector("[data-ws-feedback]");
    insert(feedback, button.dataset.text);
    form.dataset.dirty = "1";
    setState(form, "Not saved yet");
    announce("Inserted " + button.dataset.code + " in the feedback");
  });

  // Comments on selected words ------------------------------------------------------------

  function offsetIn(container, node, offset) {
    const range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  document.addEventListener("selectionchange", function () {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    const start = range.startContainer.parentElement && range.startContainer.parentElement.closest(".ws-text");
    const end = range.endContainer.parentElement && range.endContainer.parentElement.closest(".ws-text");
    if (!start || start !== end) return;
    const form = root.querySelector(".ws-comment-form[data-answer='" + start.dataset.answer + "']");
    if (!form) return;
    form.querySelector("[name=quote]").value = range.toString();
    form.querySelector("[name=start]").value = offsetIn(start, range.startContainer, range.startOffset);
    form.querySelector("[name=field]").value = start.dataset.field;
  });

  function postComment(form) {
    const body = new FormData(form);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken") || "" },
    }).then(function (response) { return response.json(); });
  }

  root.addEventListener("submit", function (event) {
    const form = event.target;
    const isAdd = form.classList.contains("ws-comment-form");
    const isDelete = form.classList.contains("ws-delete-comment");
    if (!isAdd && !isDelete) return;
    event.preventDefault();
    const section = form.closest(".ws-answer");
    postComment(form).then(function (data) {
      if (!data.saved) { announce("Not saved: " + data.error); return; }
      section.querySelectorAll(".ws-part").forEach(function (part, index) {
        if (index > 0) part.remove();
      });
      section.querySelector(".ws-part").outerHTML = data.html;
      if (isAdd) {
        form.querySelector("[name=comment]").value = "";
        form.querySelector("[name=quote]").value = "";
        const greenPen = form.querySelector("[name=response_required]");
        if (greenPen) greenPen.checked = false;
      }
      announce(isAdd ? "Comment added" : "Comment deleted");
    }).catch(function () { announce("Not saved: no connection. Try again."); });
  });

  // Where the teacher was: the answer named in the address, else the first waiting one.
  const wanted = window.location.hash && document.getElementById(window.location.hash.slice(1));
  const start = (wanted && wanted.classList.contains("ws-answer")) ? wanted :
    answers.find(function (s) { return s.dataset.marked !== "1"; });
  // After the load: the browser's own move to an address's #answer-N comes first.
  if (start) {
    if (document.readyState === "complete") goTo(start);
    else window.addEventListener("load", function () { goTo(start); });
  }
})();
