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
 *  - a question kind with a widget of its own (a highlight question's passage marking) has
 *    its script in static/js/kinds/<kind>.js, which the page loads after this file; it uses
 *    the interface below, window.purgeclass.answering, and names no kind here.
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

  function AnswerForm(form) {
    var skipped = (this.skipped = {}); // the form's fields that are not the answer
    (form.dataset.controlFields || "").split(" ").forEach(function (name) {
      if (name) skipped[name] = true;
    });
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
    // The kinds' widgets in this form (started after the fields are read, as before).
    this.widgets = [];

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
    widgets.forEach(function (widget) {
      if (form.querySelector(widget.selector)) self.widgets.push(widget.start(form));
    });
    this.restoreDraft();
  }

  /** The answer's fields as [[name, value], …]: what is saved and what a draft keeps. */
  AnswerForm.prototype.values = function () {
    var pairs = [];
    var skipped = this.skipped;
    new FormData(this.form).forEach(function (value, name) {
      if (!skipped[name]) pairs.push([name, value]);
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
    var seen = {}; // a name posted several times (an order) gets its values in turn
    var skipped = this.skipped;
    JSON.parse(valuesJson).forEach(function (pair) {
      (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]);
    });
    Array.prototype.forEach.call(this.form.elements, function (field) {
      if (!field.name || skipped[field.name] || field.type === "submit" || field.type === "button") return;
      var values = byName[field.name] || [];
      if (field.type === "radio" || field.type === "checkbox") field.checked = values.indexOf(field.value) !== -1;
      else {
        seen[field.name] = (seen[field.name] || 0) + 1;
        field.value = values.length ? values[Math.min(seen[field.name], values.length) - 1] : "";
      }
    });
    this.widgets.forEach(function (widget) {
      if (widget.load) widget.load(); // the widget reads its fields again
    });
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
      var told = null;
      widgets.forEach(function (widget) {
        if (!told && widget.describe) told = widget.describe(form, name, value);
      });
      if (told) {
        label = told.label;
        shown = told.shown;
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

  // The interface for a kind's widget script ---------------------------------------------
  //
  // static/js/kinds/<kind>.js runs after this file (the page loads it through the kind's
  // `script`) and calls purgeclass.answering.register({...}) with:
  //   selector: what in an answer form shows the widget is there;
  //   start(form): builds the widget in that form; may return {load()}, called when saved
  //     or kept values are put back into the form's fields (a restored draft);
  //   describe(form, name, value): optional, {label, shown} for one of its fields in a kept
  //     draft's readable copy, or null to leave the field to the generic description.
  // The widget writes its answer into the form's fields, then calls requestSave(form): the
  // same autosave, draft and conflict handling as typing in a field.

  var widgets = [];
  var forms = [];
  window.purgeclass = window.purgeclass || {};
  window.purgeclass.answering = {
    register: function (widget) {
      widgets.push(widget);
    },
    /** The form's fields changed: keep a draft and save soon, as after typing. */
    requestSave: function (form) {
      forms.forEach(function (f) {
        if (f.form === form) f.changed();
      });
    },
    /** A polite live region after `node`; returns say(message) for screen readers. */
    announcer: function (node) {
      var region = el("p", { className: "visually-hidden", "aria-live": "polite" });
      node.after(region);
      return function (message) {
        region.textContent = message;
      };
    },
    el: el,
  };

  // The page ---------------------------------------------------------------------------

  // Deferred scripts all run before DOMContentLoaded, so every kind's widget has
  // registered by the time the forms start.
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.answer-form"), function (form) {
      forms.push(new AnswerForm(form));
    });
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
