/* purgeclass: the sequence question's widget on the answering page (the sequence kind's
 * script, exercises/kinds/sequence.py; the page loads it after js/answering.js).
 *
 * Without it the question still works: each event's Move up / Move down button posts the
 * form and the page comes back with the event moved. With it, the same buttons move the
 * event in place (focus stays on the button pressed, so the keyboard can keep moving it,
 * and a screen reader hears where it went), and an event can be dragged with a mouse. The
 * order is the order of the hidden `order` fields, one in each event, saved through
 * purgeclass.answering (autosave, drafts, conflicts: see answering.js).
 */
(function () {
  "use strict";

  var answering = window.purgeclass && window.purgeclass.answering;
  if (!answering) return; // the page is not being answered (a preview, handed-in work)

  function Sequence(form) {
    var self = this;
    this.form = form;
    this.list = form.querySelector(".sequence-list[data-sequence]");
    this.say = answering.announcer(this.list);
    this.dragged = null;
    this.list.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=move]");
      if (!button || button.disabled) return;
      event.preventDefault(); // moved here, not posted
      var parts = button.value.split(":");
      self.move(self.item(parts[1]), parts[0], button);
    });
    this.list.addEventListener("dragstart", function (event) {
      self.dragged = event.target.closest(".sequence-item");
      if (!self.dragged) return;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", self.dragged.dataset.id);
      self.dragged.classList.add("is-dragged");
    });
    this.list.addEventListener("dragover", function (event) {
      var over = event.target.closest(".sequence-item");
      if (!self.dragged || !over || over === self.dragged) return;
      event.preventDefault();
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      self.list.insertBefore(self.dragged, after ? over.nextSibling : over);
    });
    this.list.addEventListener("drop", function (event) {
      if (self.dragged) event.preventDefault();
    });
    this.list.addEventListener("dragend", function () {
      if (!self.dragged) return;
      self.dragged.classList.remove("is-dragged");
      var moved = self.dragged;
      self.dragged = null;
      self.changed(moved);
    });
    this.refresh();
  }

  Sequence.prototype.items = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll(".sequence-item"));
  };

  Sequence.prototype.item = function (id) {
    return this.items().filter(function (li) {
      return li.dataset.id === id;
    })[0];
  };

  Sequence.prototype.move = function (li, direction, button) {
    if (!li) return;
    if (direction === "up" && li.previousElementSibling) {
      this.list.insertBefore(li, li.previousElementSibling);
    } else if (direction === "down" && li.nextElementSibling) {
      this.list.insertBefore(li.nextElementSibling, li);
    }
    this.changed(li);
    if (button.disabled) {
      // At the top or the bottom now: keep the keyboard on the other button.
      var other = li.querySelector("button[name=move]:not([disabled])");
      if (other) other.focus();
    } else {
      button.focus();
    }
  };

  Sequence.prototype.changed = function (li) {
    this.refresh();
    var items = this.items();
    var text = li.querySelector(".sequence-text").textContent;
    this.say(text + ": now " + (items.indexOf(li) + 1) + " of " + items.length + ".");
    answering.requestSave(this.form);
  };

  /** Number the events and enable only the moves that can be made. */
  Sequence.prototype.refresh = function () {
    var items = this.items();
    items.forEach(function (li, index) {
      li.querySelector(".sequence-place").textContent = String(index + 1);
      li.querySelector("button[value^='up:']").disabled = index === 0;
      li.querySelector("button[value^='down:']").disabled = index === items.length - 1;
    });
  };

  /** A restored draft put its order into the hidden fields: move the events to match. */
  Sequence.prototype.load = function () {
    var self = this;
    var order = this.items().map(function (li) {
      return li.querySelector("input[name=order]").value;
    });
    order.forEach(function (id) {
      var li = self.item(id);
      if (li) self.list.appendChild(li);
    });
    this.items().forEach(function (li) {
      li.querySelector("input[name=order]").value = li.dataset.id;
    });
    this.refresh();
  };

  answering.register({
    selector: ".sequence-list[data-sequence]",
    start: function (form) {
      return new Sequence(form);
    },
  });
})();
