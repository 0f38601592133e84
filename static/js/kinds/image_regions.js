/* purgeclass: the image regions question's widget on the answering page (the image_regions
 * kind's script, exercises/kinds/image_regions.py; the page loads it after js/answering.js).
 *
 * Without it the question still works: every cell of the grid over the image is a checkbox,
 * which a keyboard, a mouse or a finger ticks. With it, a rectangle dragged across the image
 * (mouse, pen or finger: pointer events) ticks every cell it covers, or unticks them if the
 * drag started on a ticked cell; a tap on one cell stays the checkbox's own click. The
 * answer is the ticked checkboxes, saved through purgeclass.answering.
 */
(function () {
  "use strict";

  var answering = window.purgeclass && window.purgeclass.answering;
  if (!answering) return; // the page is not being answered (a preview, handed-in work)

  function Regions(form) {
    var self = this;
    this.form = form;
    this.grid = form.querySelector("[data-regions] .regions-grid");
    this.say = answering.announcer(form.querySelector("[data-regions]"));
    this.start = null;
    this.grid.addEventListener("pointerdown", function (event) {
      var cell = self.cellAt(event);
      if (!cell || cell.querySelector("input").disabled) return;
      self.start = cell;
      self.current = cell;
      self.ticking = !cell.querySelector("input").checked;
      self.grid.setPointerCapture(event.pointerId);
    });
    this.grid.addEventListener("pointermove", function (event) {
      if (!self.start) return;
      var cell = self.cellAt(event);
      if (cell && cell !== self.current) {
        self.current = cell;
        self.preview();
      }
    });
    this.grid.addEventListener("pointerup", function () {
      if (!self.start) return;
      var covered = self.covered();
      self.clearPreview();
      self.start = null;
      if (covered.length < 2) return; // a tap: the checkbox's own click ticks it
      self.suppressClick = true;
      covered.forEach(function (cell) {
        cell.querySelector("input").checked = self.ticking;
      });
      self.refresh();
      self.say(covered.length + " cells " + (self.ticking ? "marked" : "unmarked") + ".");
      answering.requestSave(self.form);
    });
    this.grid.addEventListener("pointercancel", function () {
      self.clearPreview();
      self.start = null;
    });
    this.grid.addEventListener(
      "click",
      function (event) {
        if (self.suppressClick) {
          event.preventDefault(); // the drag that ended here already set the cells
          self.suppressClick = false;
        }
      },
      true
    );
    this.grid.addEventListener("change", function () {
      self.refresh();
    });
  }

  Regions.prototype.cells = function () {
    return Array.prototype.slice.call(this.grid.querySelectorAll(".regions-cell"));
  };

  Regions.prototype.cellAt = function (event) {
    var el = document.elementFromPoint(event.clientX, event.clientY);
    return el && el.closest ? el.closest(".regions-cell") : null;
  };

  /** [row, column] of a cell, from its place in the grid. */
  Regions.prototype.place = function (cell) {
    var columns = getComputedStyle(this.grid).gridTemplateColumns.split(" ").length;
    var index = this.cells().indexOf(cell);
    return [Math.floor(index / columns), index % columns];
  };

  /** The cells inside the rectangle from the first cell dragged to the current one. */
  Regions.prototype.covered = function () {
    if (!this.start || !this.current) return [];
    var a = this.place(this.start);
    var b = this.place(this.current);
    var self = this;
    return this.cells().filter(function (cell) {
      var p = self.place(cell);
      return (
        p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) &&
        p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1])
      );
    });
  };

  Regions.prototype.preview = function () {
    var covered = this.covered();
    this.cells().forEach(function (cell) {
      cell.classList.toggle("is-dragging", covered.indexOf(cell) !== -1);
    });
  };

  Regions.prototype.clearPreview = function () {
    this.cells().forEach(function (cell) {
      cell.classList.remove("is-dragging");
    });
  };

  /** Shade the ticked cells. */
  Regions.prototype.refresh = function () {
    this.cells().forEach(function (cell) {
      cell.classList.toggle("is-marked", cell.querySelector("input").checked);
    });
  };

  /** A restored draft ticked its cells: shade them again. */
  Regions.prototype.load = function () {
    this.refresh();
  };

  answering.register({
    selector: "[data-regions] .regions-grid",
    start: function (form) {
      return new Regions(form);
    },
  });
})();
