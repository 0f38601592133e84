/* purgeclass: answering an assignment.
 *
 * Without this file every question still works: each has a Save button that posts the
 * form, and a highlight question's sentence buttons post a toggle. With it:
 *  - answers save themselves a moment after the student stops typing (POST per question,
 *    the form's own CSRF token), with "Saved at 12:03" or an error that says what to do;
 *  - what was typed is kept in localStorage until the server confirms it, so a crash,
 *    a lost connection or a closed tab loses nothing;
 *  - a save refused because another tab saved first (409) keeps the student's text in
 *    the field and shows the newer saved version beside it;
 *  - a save refused because the session ended (403) says so with a link to log in again;
 *    the server keeps the answer until then and saves it after the login, and the draft
 *    on this device is applied again on top of it;
 *  - passages of a source can be marked by selecting words (mouse or touch), or with the
 *    keyboard alone: the text takes focus, the arrow keys move word by word, Shift+arrows
 *    stretch over a phrase and Enter marks it, as precisely as a mouse can.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var SAVE_DELAY = 1200;
  var RETRY_DELAY = 5000;
  var MESSAGES = {
    offline: "Not saved: you are offline. Keep this page open; we'll retry.",
    server: "Not saved: the server had a problem. Keep this page open; we'll retry.",
    loggedOut: "You have been logged out. Log in again: your answer is kept.",
    stalePage:
      "Not saved: this page is out of date (did you log in again in another tab?). Reload it: your text is kept on this device.",
    gone: "Not saved: this question is no longer available. Copy your text, then reload the page.",
    saving: "Saving…",
    conflict: "Not saved: this answer was changed elsewhere. See the message above your answer.",
    unsaved: "Not saved yet…",
  };

  // Drafts on this device -------------------------------------------------------------

  var drafts = {
    read: function (key) {
      try {
        var raw = window.localStorage.getItem(key);
        return raw ? JSON.parse(raw) : null;
      } catch (e) {
        return null;
      }
    },
    write: function (key, value) {
      try {
        window.localStorage.setItem(key, JSON.stringify(value));
      } catch (e) {
        /* storage full or disabled: the server copy is all we have */
      }
    },
    remove: function (key) {
      try {
        window.localStorage.removeItem(key);
      } catch (e) {
        /* nothing to do */
      }
    },
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function timeNow() {
    var now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  // One question's form: autosave, drafts, conflicts ---------------------------------

  var leaving = false;
  var SKIPPED = { csrfmiddlewaretoken: true, owner: true, revision: true, toggle: true, remove: true };

  function AnswerForm(form) {
    this.form = form;
    this.status = form.querySelector(".save-status");
    this.conflictBox = form.querySelector(".answer-conflict");
    this.revision = form.querySelector("input[name=revision]");
    this.draftKey = form.dataset.draftKey;
    this.timer = null;
    this.retryTimer = null;
    this.sending = false;
    this.again = false;
    this.locked = false; // after a conflict or a closed submission: no autosave
    this.failed = false;
    this.savedValues = this.values();
    this.savedStatus = this.status.textContent;
    this.passage = form.querySelector(".passage[data-interactive]")
      ? new Passage(form, this)
      : null;

    var self = this;
    form.addEventListener("input", function () {
      self.changed();
    });
    form.addEventListener("change", function () {
      self.changed();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.saveNow();
    });
    this.restoreDraft();
  }

  /** The answer's fields as [[name, value], …]: what is saved and what a draft keeps. */
  AnswerForm.prototype.values = function () {
    var pairs = [];
    new FormData(this.form).forEach(function (value, name) {
      if (!SKIPPED[name]) pairs.push([name, value]);
    });
    return JSON.stringify(pairs);
  };

  AnswerForm.prototype.isDirty = function () {
    return this.sending || this.values() !== this.savedValues;
  };

  AnswerForm.prototype.show = function (message, kind) {
    this.status.textContent = message;
    this.status.classList.toggle("is-error", kind === "error");
    this.status.classList.toggle("is-saving", kind === "saving");
  };

  /** The session ended: say so, with a link that logs in and comes back to this question. */
  AnswerForm.prototype.showLoggedOut = function (message, loginUrl) {
    this.show(message, "error");
    var link = el("a", { href: loginUrl, text: "Log in again" });
    link.addEventListener("click", function () {
      leaving = true; // the answer is kept by the server and on this device
    });
    this.status.append(" ", link);
    if (this.draftKey) {
      var draft = drafts.read(this.draftKey);
      if (draft) {
        draft.loggedOut = true;
        drafts.write(this.draftKey, draft);
      }
    }
  };

  AnswerForm.prototype.changed = function () {
    var values = this.values();
    if (values === this.savedValues) {
      // Changed back to what is saved (a passage unmarked then marked again): nothing to
      // save, so the status must not stay at "Not saved yet".
      if (!this.sending && !this.failed && !this.locked) {
        window.clearTimeout(this.timer);
        if (this.draftKey) drafts.remove(this.draftKey);
        this.show(this.savedStatus);
      }
      return;
    }
    if (this.draftKey) {
      drafts.write(this.draftKey, { values: values, base: this.revision.value, at: Date.now() });
    }
    if (this.locked) return;
    if (!this.failed) this.show(MESSAGES.unsaved, "saving");
    this.schedule(SAVE_DELAY);
  };

  AnswerForm.prototype.schedule = function (delay) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      self.save();
    }, delay);
  };

  AnswerForm.prototype.saveNow = function () {
    window.clearTimeout(this.timer);
    return this.save(true);
  };

  AnswerForm.prototype.save = function (evenIfUnchanged) {
    var self = this;
    if (this.locked) return Promise.resolve(false);
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    var values = this.values();
    if (values === this.savedValues && !evenIfUnchanged) return Promise.resolve(true);
    window.clearTimeout(this.retryTimer);
    this.show(MESSAGES.saving, "saving");
    var body = new FormData(this.form);
    body.delete("toggle");
    body.delete("remove");
    this.sending = fetch(this.form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(
        function (response) {
          return self.answered(response, values);
        },
        function () {
          self.failed = true;
          self.show(MESSAGES.offline, "error");
          self.retryLater();
          return false;
        }
      )
      .then(function (ok) {
        self.sending = false;
        if (self.again && !self.locked) {
          self.again = false;
          return self.save();
        }
        return ok;
      });
    return this.sending;
  };

  AnswerForm.prototype.retryLater = function () {
    var self = this;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(function () {
      self.save();
    }, RETRY_DELAY);
  };

  AnswerForm.prototype.answered = function (response, sent) {
    var self = this;
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) {
      this.failed = true;
      if (response.redirected && response.url.indexOf("/login") !== -1) {
        this.showLoggedOut(MESSAGES.loggedOut, response.url);
      } else if (response.status === 403) {
        this.show(MESSAGES.stalePage, "error"); // refused by the CSRF check: a new login elsewhere
      } else if (response.status === 404) {
        this.show(MESSAGES.gone, "error");
      } else {
        this.show(MESSAGES.server, "error");
        this.retryLater();
      }
      return false;
    }
    return response.json().then(function (data) {
      if (response.ok && data.ok) {
        self.failed = false;
        self.revision.value = data.revision;
        self.savedValues = sent;
        self.savedStatus = data.status;
        if (self.values() === sent && self.draftKey) drafts.remove(self.draftKey);
        self.show(data.status);
        return true;
      }
      self.failed = true;
      if (response.status === 403 && data.logged_out) {
        self.showLoggedOut(data.error || MESSAGES.loggedOut, data.login_url);
        return false;
      }
      if (response.status === 409 && data.conflict) {
        self.show(MESSAGES.conflict, "error");
        self.showConflict(data);
        return false;
      }
      self.show(data.error || MESSAGES.server, "error");
      if (response.status === 409 && data.closed) self.locked = true;
      else if (response.status >= 500) self.retryLater();
      return false;
    });
  };

  /** Another tab saved first: keep this text in the field, show the newer one beside it. */
  AnswerForm.prototype.showConflict = function (data) {
    var self = this;
    this.locked = true;
    var saved = el("div", { className: "saved-copy" });
    saved.innerHTML = data.saved_html; // rendered by our own server template, escaped there
    var keepMine = el("button", {
      type: "button",
      className: "btn btn-sm btn-outline-danger",
      text: "Keep my version (replace the other)",
    });
    var reload = el("button", {
      type: "button",
      className: "btn btn-sm btn-primary",
      text: "Reload the page",
    });
    keepMine.addEventListener("click", function () {
      self.revision.value = data.revision;
      self.resolveConflict();
      self.saveNow();
    });
    reload.addEventListener("click", function () {
      leaving = true; // the text is kept on this device and offered again after the reload
      window.location.reload();
    });
    this.conflictBox.replaceChildren(
      el("div", { className: "alert alert-warning mb-2", role: "alert" }, [
        el("p", { className: "mb-2", text: data.error }),
        el("p", { className: "mb-1 fw-semibold", text: "The newer version, " + (data.saved_status || "").toLowerCase() + ":" }),
        saved,
        el("div", { className: "d-flex gap-2 flex-wrap mt-2" }, [reload, keepMine]),
      ]),
    );
    this.conflictBox.hidden = false;
  };

  AnswerForm.prototype.resolveConflict = function () {
    this.locked = false;
    this.conflictBox.hidden = true;
    this.conflictBox.replaceChildren();
  };

  /** Restore what this device typed but the server never confirmed. */
  AnswerForm.prototype.restoreDraft = function () {
    if (!this.draftKey) return;
    var draft = drafts.read(this.draftKey);
    if (!draft || typeof draft.values !== "string") return;
    if (draft.values === this.savedValues) {
      drafts.remove(this.draftKey);
      return;
    }
    var restored = this.form.dataset.restoredRevision;
    if (draft.loggedOut && restored === this.revision.value && Number(draft.base) + 1 === Number(restored)) {
      // The server has just saved what it kept from the logged-out save; this device's draft
      // is that, or what was typed after it.
      this.apply(draft.values);
      this.show("Restored your work from before you were logged out; saving…", "saving");
      this.schedule(200);
      return;
    }
    if (String(draft.base) === this.revision.value) {
      // Nothing newer was saved since: the draft simply never reached the server.
      this.apply(draft.values);
      this.show("Restored unsaved work from this device; saving…", "saving");
      this.schedule(200);
      return;
    }
    this.offerOldDraft(draft);
  };

  /** The draft was based on an older version than the one now saved: show it, don't apply. */
  AnswerForm.prototype.offerOldDraft = function (draft) {
    var self = this;
    var when = new Date(draft.at);
    var useIt = el("button", { type: "button", className: "btn btn-sm btn-outline-primary", text: "Use this version" });
    var discard = el("button", { type: "button", className: "btn btn-sm btn-outline-secondary", text: "Discard it" });
    useIt.addEventListener("click", function () {
      self.apply(draft.values);
      self.resolveConflict();
      self.changed();
    });
    discard.addEventListener("click", function () {
      drafts.remove(self.draftKey);
      self.resolveConflict();
    });
    this.conflictBox.replaceChildren(
      el("div", { className: "alert alert-warning mb-2", role: "note" }, [
        el("p", {
          className: "mb-2",
          text:
            "This device kept unsaved work from " +
            when.toLocaleString() +
            ", but a newer version was saved since (shown in the form). Your unsaved work:",
        }),
        el("div", { className: "saved-copy" }, [this.describe(draft.values)]),
        el("div", { className: "d-flex gap-2 flex-wrap mt-2" }, [useIt, discard]),
      ]),
    );
    this.conflictBox.hidden = false;
  };

  /** Put saved field values back into the form. */
  AnswerForm.prototype.apply = function (valuesJson) {
    var byName = {};
    JSON.parse(valuesJson).forEach(function (pair) {
      (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]);
    });
    Array.prototype.forEach.call(this.form.elements, function (field) {
      if (!field.name || SKIPPED[field.name] || field.type === "submit" || field.type === "button") return;
      var values = byName[field.name] || [];
      if (field.type === "radio" || field.type === "checkbox") field.checked = values.indexOf(field.value) !== -1;
      else field.value = values.length ? values[0] : "";
    });
    if (this.passage) this.passage.load();
  };

  /** A readable copy of field values, labelled as in the form. */
  AnswerForm.prototype.describe = function (valuesJson) {
    var form = this.form;
    var list = el("dl", { className: "mb-0" });
    JSON.parse(valuesJson).forEach(function (pair) {
      var name = pair[0];
      var value = pair[1];
      var label = "";
      var shown = value;
      if (name === "ranges" && form.querySelector(".passage")) {
        label = "Marked passages";
        var text = passageText(form.querySelector(".passage"));
        try {
          shown = JSON.parse(value)
            .map(function (r) {
              return "“" + text.slice(r.start, r.end) + "”";
            })
            .join("; ");
        } catch (e) {
          shown = "";
        }
      } else {
        var fields = form.querySelectorAll("[name='" + name + "']");
        var field = fields[0];
        Array.prototype.forEach.call(fields, function (f) {
          if ((f.type === "radio" || f.type === "checkbox") && f.value === value) field = f;
        });
        if (!field) return;
        var own = field.id && form.querySelector("label[for='" + field.id + "']");
        if (field.type === "radio" || field.type === "checkbox") {
          var group = field.closest("fieldset");
          var legend = group && group.querySelector("legend");
          label = legend ? legend.textContent.trim() : name;
          shown = own ? own.textContent.trim() : value;
        } else {
          label = own ? own.textContent.trim() : name;
        }
      }
      if (!shown) return;
      list.appendChild(el("dt", { text: label }));
      list.appendChild(el("dd", { className: "text-pre-wrap", text: shown }));
    });
    return list;
  };

  // Marking passages of a source -------------------------------------------------------

  function passageText(box) {
    return Array.prototype.map
      .call(box.querySelectorAll("[data-offset]"), function (span) {
        return span.textContent;
      })
      .join("");
  }

  function merge(ranges) {
    var sorted = ranges
      .map(function (r) {
        return [r.start, r.end];
      })
      .sort(function (a, b) {
        return a[0] - b[0] || a[1] - b[1];
      });
    var merged = [];
    sorted.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged.map(function (r) {
      return { start: r[0], end: r[1] };
    });
  }

  function covers(ranges, start, end) {
    return merge(ranges).some(function (r) {
      return r.start <= start && end <= r.end;
    });
  }

  function unmark(ranges, start, end) {
    var kept = [];
    merge(ranges).forEach(function (r) {
      if (r.end <= start || r.start >= end) kept.push(r);
      else {
        if (r.start < start) kept.push({ start: r.start, end: start });
        if (r.end > end) kept.push({ start: end, end: r.end });
      }
    });
    return kept;
  }

  var WORD = /[\p{L}\p{N}'’\-]/u;

  /** [start, end] of every word of the text, as the mouse's whole-word widening sees words. */
  function findWords(text) {
    var words = [];
    var pattern = /[\p{L}\p{N}'’\-]+/gu;
    for (var found = pattern.exec(text); found; found = pattern.exec(text)) {
      words.push([found.index, found.index + found[0].length]);
    }
    return words;
  }

  function Passage(form, answer) {
    this.form = form;
    this.answer = answer;
    this.box = form.querySelector(".passage[data-interactive]");
    this.input = form.querySelector("input[name=ranges]");
    this.list = form.querySelector(".marked-list");
    this.markButton = form.querySelector(".mark-selection");
    this.text = passageText(this.box);
    this.sentences = JSON.parse(this.box.dataset.sentences || "[]");
    this.words = findWords(this.text);
    this.cursor = null; // the keyboard's words: {anchor, focus} indexes into this.words
    this.pending = null;
    this.announcer = el("p", { className: "visually-hidden", "aria-live": "polite" });
    this.box.after(this.announcer);
    this.load();
    this.listenToKeys();

    var self = this;
    this.box.addEventListener("click", function (event) {
      var toggle = event.target.closest(".sentence-toggle");
      if (!toggle) return;
      event.preventDefault();
      var span = toggle.value.split("-").map(Number);
      var wasMarked = covers(self.ranges, span[0], span[1]);
      self.ranges = wasMarked
        ? unmark(self.ranges, span[0], span[1])
        : merge(self.ranges.concat([{ start: span[0], end: span[1] }]));
      self.say((wasMarked ? "Unmarked sentence " : "Marked sentence ") + toggle.textContent + ".");
      self.update(toggle.value);
    });
    this.list.addEventListener("click", function (event) {
      var remove = event.target.closest(".remove-passage");
      if (!remove) return;
      event.preventDefault();
      var span = remove.value.split("-").map(Number);
      self.ranges = unmark(self.ranges, span[0], span[1]);
      self.say("Removed “" + self.text.slice(span[0], span[1]) + "”.");
      self.update();
      var next = self.list.querySelector("button") || self.box.querySelector(".sentence-toggle");
      if (next) next.focus();
    });

    var readSoon = null;
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(readSoon);
      readSoon = window.setTimeout(function () {
        self.readSelection();
      }, 120);
    });
    ["mouseup", "touchend", "keyup"].forEach(function (name) {
      self.box.addEventListener(name, function () {
        window.setTimeout(function () {
          self.readSelection();
        }, 0);
      });
    });
    this.markButton.hidden = false;
    this.markButton.addEventListener("click", function () {
      self.markPending();
    });
  }

  /** Keyboard marking, as precise as the mouse: the text itself is one Tab stop; the arrow
   * keys move a word cursor (up and down by sentence, Home and End to the ends), Shift with
   * them stretches it over a phrase, Enter or Space marks the phrase, or unmarks it when it
   * is marked already, Escape shrinks it to one word. Each move is announced. */
  Passage.prototype.listenToKeys = function () {
    var self = this;
    if (!this.words.length) return;
    this.box.tabIndex = 0;
    var help = this.form.querySelector(".keyboard-help");
    if (help) {
      help.hidden = false;
      this.box.setAttribute("aria-describedby", help.id);
    }
    this.box.addEventListener("keydown", function (event) {
      if (event.target !== self.box || event.altKey || event.ctrlKey || event.metaKey) return;
      var last = self.words.length - 1;
      var cursor = self.cursor;
      var at = cursor ? cursor.focus : -1;
      var to;
      switch (event.key) {
        case "ArrowRight":
          to = cursor ? Math.min(at + 1, last) : 0;
          break;
        case "ArrowLeft":
          to = cursor ? Math.max(at - 1, 0) : 0;
          break;
        case "ArrowDown":
          to = self.sentenceStart(at, 1);
          break;
        case "ArrowUp":
          to = self.sentenceStart(at, -1);
          break;
        case "Home":
          to = 0;
          break;
        case "End":
          to = last;
          break;
        case "Enter":
        case " ":
          if (!cursor) return;
          event.preventDefault();
          self.markCursor();
          return;
        case "Escape":
          if (!cursor || cursor.anchor === cursor.focus) return;
          to = at;
          break;
        default:
          return;
      }
      event.preventDefault();
      var anchor = event.shiftKey && cursor && event.key !== "Escape" ? cursor.anchor : to;
      self.moveCursor(anchor, to);
    });
  };

  /** The first word of the next (step 1) or previous (step -1) sentence from word `at`. */
  Passage.prototype.sentenceStart = function (at, step) {
    if (at < 0) return 0;
    var position = this.words[at][0];
    var index = this.sentences.findIndex(function (s) {
      return s[0] <= position && position < s[1];
    });
    if (index === -1) return at;
    // Up from inside a sentence goes to its own start first, as a text editor does.
    if (step < 0 && this.firstWordFrom(this.sentences[index][0]) !== at) step = 0;
    var target = Math.max(0, Math.min(this.sentences.length - 1, index + step));
    return this.firstWordFrom(this.sentences[target][0]);
  };

  Passage.prototype.firstWordFrom = function (position) {
    for (var i = 0; i < this.words.length; i += 1) {
      if (this.words[i][0] >= position) return i;
    }
    return this.words.length - 1;
  };

  /** The characters the keyboard's words cover, from the first word's start to the last's end. */
  Passage.prototype.cursorSpan = function () {
    if (!this.cursor) return null;
    var first = Math.min(this.cursor.anchor, this.cursor.focus);
    var last = Math.max(this.cursor.anchor, this.cursor.focus);
    return { start: this.words[first][0], end: this.words[last][1] };
  };

  Passage.prototype.moveCursor = function (anchor, focus) {
    this.cursor = { anchor: anchor, focus: focus };
    this.render();
    var span = this.cursorSpan();
    var count = Math.abs(focus - anchor) + 1;
    var quote = this.text.slice(span.start, span.end);
    this.say(
      (count > 1 ? count + " words: " : "") +
        quote +
        (covers(this.ranges, span.start, span.end) ? " (marked)" : "")
    );
    var shown = this.box.querySelector(".in-cursor");
    if (shown && shown.scrollIntoView) shown.scrollIntoView({ block: "nearest" });
  };

  Passage.prototype.markCursor = function () {
    var span = this.cursorSpan();
    var quote = "“" + this.text.slice(span.start, span.end) + "”";
    if (covers(this.ranges, span.start, span.end)) {
      this.ranges = unmark(this.ranges, span.start, span.end);
      this.say("Unmarked " + quote + ".");
    } else {
      this.ranges = merge(this.ranges.concat([span]));
      this.say("Marked " + quote + ".");
    }
    this.update();
  };

  /** Read the ranges from the hidden field (on start, and after a draft is restored). */
  Passage.prototype.load = function () {
    var length = this.text.length;
    try {
      this.ranges = JSON.parse(this.input.value || "[]").filter(function (r) {
        return r && 0 <= r.start && r.start < r.end && r.end <= length;
      });
    } catch (e) {
      this.ranges = [];
    }
    this.render();
  };

  Passage.prototype.say = function (message) {
    this.announcer.textContent = message;
  };

  /** The current DOM selection as character offsets of the text, or null. */
  Passage.prototype.selectedSpan = function () {
    var selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    if (!range.intersectsNode(this.box)) return null;
    var start = null;
    var end = null;
    this.box.querySelectorAll("[data-offset]").forEach(function (span) {
      var node = span.firstChild;
      if (!node || !range.intersectsNode(node)) return;
      var from =
        node === range.startContainer
          ? range.startOffset
          : range.comparePoint(node, 0) >= 0
            ? 0
            : node.length;
      var to =
        node === range.endContainer
          ? range.endOffset
          : range.comparePoint(node, node.length) <= 0
            ? node.length
            : 0;
      if (from >= to) return;
      var offset = Number(span.dataset.offset);
      if (start === null || offset + from < start) start = offset + from;
      if (end === null || offset + to > end) end = offset + to;
    });
    if (start === null) return null;
    return this.wholeWords(start, end);
  };

  /** Widen a selection to whole words and drop the spaces at its ends. */
  Passage.prototype.wholeWords = function (start, end) {
    var text = this.text;
    while (start > 0 && WORD.test(text[start - 1]) && WORD.test(text[start])) start -= 1;
    while (end < text.length && WORD.test(text[end]) && WORD.test(text[end - 1])) end += 1;
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    return start < end ? { start: start, end: end } : null;
  };

  Passage.prototype.readSelection = function () {
    var span = this.selectedSpan();
    var selection = document.getSelection();
    if (span) {
      this.pending = span;
    } else if (
      selection &&
      (!selection.isCollapsed || (selection.anchorNode && this.box.contains(selection.anchorNode)))
    ) {
      // Words selected elsewhere, or a click inside the text, end the pending selection.
      // A tap on the Mark button (which collapses the selection on a phone) must not.
      this.pending = null;
    }
    var quote = this.pending ? this.text.slice(this.pending.start, this.pending.end) : "";
    this.markButton.disabled = !this.pending;
    this.markButton.parentElement.classList.toggle("has-selection", !!this.pending);
    this.markButton.textContent = this.pending
      ? "Mark “" + (quote.length > 40 ? quote.slice(0, 39) + "…" : quote) + "”"
      : "Mark selected words";
  };

  Passage.prototype.markPending = function () {
    if (!this.pending) return;
    var span = this.pending;
    this.ranges = merge(this.ranges.concat([span]));
    this.pending = null;
    var selection = document.getSelection();
    if (selection) selection.removeAllRanges();
    this.readSelection();
    this.say("Marked “" + this.text.slice(span.start, span.end) + "”.");
    this.update();
  };

  /** After a change: store, redraw, autosave. */
  Passage.prototype.update = function (focusToggle) {
    this.ranges = merge(this.ranges);
    this.input.value = JSON.stringify(this.ranges);
    this.render(focusToggle);
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
  };

  /** Draw the text as the server does (exercises/templatetags/passages.py). */
  Passage.prototype.render = function (focusToggle) {
    var text = this.text;
    var ranges = merge(this.ranges);
    var cuts = [0, text.length];
    var cursor = this.cursorSpan();
    if (cursor) cuts.push(cursor.start, cursor.end);
    this.sentences.concat(
      ranges.map(function (r) {
        return [r.start, r.end];
      })
    ).forEach(function (pair) {
      cuts.push(pair[0], pair[1]);
    });
    cuts = Array.from(new Set(cuts)).sort(function (a, b) {
      return a - b;
    });
    var starts = {};
    this.sentences.forEach(function (s, index) {
      starts[s[0]] = { number: index + 1, end: s[1] };
    });
    var within = function (start, end) {
      return ranges.some(function (r) {
        return r.start <= start && end <= r.end;
      });
    };
    var fragment = document.createDocumentFragment();
    var sentence = null;
    var sentenceEnd = null;
    for (var i = 0; i + 1 < cuts.length; i += 1) {
      var a = cuts[i];
      var b = cuts[i + 1];
      if (starts[a]) {
        sentenceEnd = starts[a].end;
        sentence = el("span", { className: "sentence", "data-start": a, "data-end": sentenceEnd }, [
          el("button", {
            type: "submit",
            name: "toggle",
            value: a + "-" + sentenceEnd,
            className: "sentence-toggle",
            "aria-pressed": within(a, sentenceEnd) ? "true" : "false",
            "aria-label": "Mark sentence " + starts[a].number,
            text: String(starts[a].number),
          }),
        ]);
        fragment.appendChild(sentence);
      }
      var piece = el("span", { "data-offset": a, text: text.slice(a, b) });
      if (cursor && cursor.start <= a && b <= cursor.end) piece.className = "in-cursor";
      if (within(a, b)) piece = el("mark", {}, [piece]);
      (sentence || fragment).appendChild(piece);
      if (sentenceEnd === b) {
        sentence = null;
        sentenceEnd = null;
      }
    }
    this.box.replaceChildren(fragment);
    if (focusToggle) {
      var again = this.box.querySelector(".sentence-toggle[value='" + focusToggle + "']");
      if (again) again.focus();
    }
    this.renderList(ranges);
  };

  Passage.prototype.renderList = function (ranges) {
    var text = this.text;
    var items = ranges.map(function (r) {
      var quote = text.slice(r.start, r.end);
      var short = quote.length > 40 ? quote.slice(0, 39) + "…" : quote;
      return el("li", {}, [
        el("q", { text: quote }),
        " ",
        el(
          "button",
          {
            type: "submit",
            name: "remove",
            value: r.start + "-" + r.end,
            className: "btn btn-link btn-sm p-0 align-baseline remove-passage",
          },
          ["Remove", el("span", { className: "visually-hidden", text: " “" + short + "”" })]
        ),
      ]);
    });
    if (!items.length) items = [el("li", { className: "nothing-marked text-body-secondary", text: "Nothing yet." })];
    this.list.replaceChildren.apply(this.list, items);
  };

  // The page ---------------------------------------------------------------------------

  var forms = Array.prototype.map.call(document.querySelectorAll("form.answer-form"), function (form) {
    return new AnswerForm(form);
  });

  window.addEventListener("online", function () {
    forms.forEach(function (f) {
      if (f.failed && !f.locked) f.save();
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (
      !leaving &&
      forms.some(function (f) {
        return f.isDirty();
      })
    ) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Before going to the confirmation page, finish every save; stay if one fails.
  document.querySelectorAll("a.review-and-submit, .jump-links a[href$='/submit/']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var pending = forms.filter(function (f) {
        return f.isDirty();
      });
      if (!pending.length) return;
      event.preventDefault();
      Promise.all(
        pending.map(function (f) {
          return f.saveNow();
        })
      ).then(function (results) {
        if (results.every(Boolean)) {
          window.location.href = link.href;
          return;
        }
        var problem = pending.find(function (f) {
          return f.failed || f.locked;
        });
        window.alert(
          "Some answers are not saved yet (" + timeNow() + "). See the message under each one, then try again."
        );
        if (problem) problem.form.closest(".question").scrollIntoView();
      });
    });
  });
})();
