/* purgeclass: the highlight question's widget on the answering page (the highlight kind's
 * script, exercises/kinds/highlight.py; the page loads it after js/answering.js).
 *
 * Without it the question still works: its sentence buttons and Remove buttons post the
 * form. With it, passages of a source can be marked by selecting words (mouse or touch), or
 * with the keyboard alone: the text takes focus, the arrow keys move word by word,
 * Shift+arrows stretch over a phrase and Enter marks it, as precisely as a mouse can. The
 * marked ranges go into the form's hidden `ranges` field and are saved through
 * purgeclass.answering (autosave, drafts kept on this device, conflicts: see answering.js).
 */
(function () {
  "use strict";

  var answering = window.purgeclass && window.purgeclass.answering;
  if (!answering) return; // the page is not being answered (a preview, handed-in work)
  var el = answering.el;

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

  function Passage(form) {
    this.form = form;
    this.box = form.querySelector(".passage[data-interactive]");
    this.input = form.querySelector("input[name=ranges]");
    this.list = form.querySelector(".marked-list");
    this.markButton = form.querySelector(".mark-selection");
    this.text = passageText(this.box);
    this.sentences = JSON.parse(this.box.dataset.sentences || "[]");
    this.words = findWords(this.text);
    this.cursor = null; // the keyboard's words: {anchor, focus} indexes into this.words
    this.pending = null;
    this.say = answering.announcer(this.box);
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
    answering.requestSave(this.form);
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

  answering.register({
    selector: ".passage[data-interactive]",
    start: function (form) {
      return new Passage(form);
    },
    /** A kept draft's marked passages, quoted from the source text. */
    describe: function (form, name, value) {
      if (name !== "ranges" || !form.querySelector(".passage")) return null;
      var text = passageText(form.querySelector(".passage"));
      var shown;
      try {
        shown = JSON.parse(value)
          .map(function (r) {
            return "“" + text.slice(r.start, r.end) + "”";
          })
          .join("; ");
      } catch (e) {
        shown = "";
      }
      return { label: "Marked passages", shown: shown };
    },
  });
})();
