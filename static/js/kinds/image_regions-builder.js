/* The image regions kind's key on the desk's builder (ImageRegions.builder_script; the frame
   and its interface are in static/js/builder.js): the chosen visual source's image under the
   kind's labelled grid, each cell a toggle button (aria-pressed), so a mouse, a finger or
   the keyboard (Tab, then Space or Enter) marks it. The pressed cells, in reading order,
   are written to the plain `regions` field, which is what is saved; a rectangle typed there
   ("B3:D4") presses every cell it covers once the teacher leaves the field. */
(function () {
  "use strict";
  const registry = window.PurgeBuilder = window.PurgeBuilder || {};
  registry.keys = registry.keys || {};
  const REGION = /^([A-L])(\d{1,2})(?::([A-L])(\d{1,2}))?$/;
  const LETTERS = "ABCDEFGHIJKL";

  // The cells the field names, as image_regions.cells_of_regions reads it.
  function cellsOf(text) {
    const cells = new Set();
    text.toUpperCase().split(/[,\n;]+/).forEach((part) => {
      const match = part.replace(/\s+/g, "").match(REGION);
      if (!match) return;
      const col1 = LETTERS.indexOf(match[1]), row1 = Number(match[2]);
      const col2 = match[3] ? LETTERS.indexOf(match[3]) : col1;
      const row2 = match[4] ? Number(match[4]) : row1;
      for (let row = Math.min(row1, row2); row <= Math.max(row1, row2); row++) {
        for (let col = Math.min(col1, col2); col <= Math.max(col1, col2); col++) {
          cells.add(LETTERS[col] + row);
        }
      }
    });
    return cells;
  }

  function pressFromField(api, grid) {
    const cells = cellsOf(api.plainField("regions").value);
    grid.querySelectorAll("[data-cell]").forEach((button) => {
      button.setAttribute("aria-pressed", String(cells.has(button.dataset.cell)));
    });
  }

  function write(api, grid) {
    const pressed = Array.from(grid.querySelectorAll('[aria-pressed="true"]'));
    api.plainField("regions").value = pressed.map((button) => button.dataset.cell).join(", ");
    api.saveSoon();
  }

  function showImage(api, fieldset) {
    const image = fieldset.querySelector("[data-regions-image]");
    const none = fieldset.querySelector("[data-regions-no-image]");
    const visual = api.chosenSources().find((source) => source.image);
    image.hidden = !visual;
    none.hidden = Boolean(visual);
    if (visual) {
      image.src = visual.image;
      image.alt = visual.alt;
    } else {
      image.removeAttribute("src");
      image.alt = "";
    }
  }

  registry.keys.image_regions = {
    setUp(item, api) {
      const grid = item.querySelector("[data-regions-key]");
      const fieldset = grid.closest("fieldset");
      fieldset.hidden = false;
      showImage(api, fieldset);
      pressFromField(api, grid);
      api.onSourcesChange(() => showImage(api, fieldset));
      api.plainField("regions").addEventListener("change", () => pressFromField(api, grid));
      grid.addEventListener("click", (event) => {
        const button = event.target.closest("[data-cell]");
        if (!button) return;
        const pressed = button.getAttribute("aria-pressed") === "true";
        button.setAttribute("aria-pressed", String(!pressed));
        write(api, grid);
      });
    },
  };
})();
