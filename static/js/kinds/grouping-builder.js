/* The grouping kind's key on the desk's builder (Grouping.builder_script; the frame and its
   interface are in static/js/builder.js): for each chosen source a fieldset of radio
   buttons, one per group named in the plain `groups` field (rebuilt as that changes),
   writing the plain `placements` field in its own line format ("4: Challenges them"). Radio
   buttons, so the arrow keys choose a group as the mouse does. */
(function () {
  "use strict";
  const registry = window.PurgeBuilder = window.PurgeBuilder || {};
  registry.keys = registry.keys || {};
  // As grouping.PLACEMENT_LINE reads a line: "4: name", "Source 4 = name", "4 - name".
  const PLACEMENT = /^\s*(?:source\s*)?(\d+)\s*[:=–-]\s*(.+?)\s*$/i;

  function linesOf(field) {
    return field.value.split("\n").map((line) => line.trim()).filter(Boolean);
  }

  function build(item, api, box) {
    const groups = linesOf(api.plainField("groups"));
    const placed = {};
    linesOf(api.plainField("placements")).forEach((line) => {
      const match = line.match(PLACEMENT);
      if (match) placed[match[1]] = match[2].toLowerCase();
    });
    box.replaceChildren();
    const sources = api.chosenSources();
    if (groups.length < 2 || !sources.length) {
      const note = document.createElement("p");
      note.textContent = groups.length < 2
        ? "Name at least two groups, one per line, to place the sources in them."
        : "Tick the question's sources to place each in a group.";
      box.append(note);
      return;
    }
    sources.forEach((source) => {
      const group = document.createElement("fieldset");
      group.className = "builder-placement";
      const legend = document.createElement("legend");
      legend.textContent = `Source ${source.number}`;
      group.append(legend);
      groups.forEach((name) => {
        const label = document.createElement("label");
        const radio = document.createElement("input");
        radio.type = "radio";
        radio.name = `placement-${item.dataset.question}-${source.number}`;
        radio.value = name;
        radio.dataset.number = source.number;
        radio.checked = placed[source.number] === name.toLowerCase();
        label.append(radio, " ", name);
        group.append(label);
      });
      box.append(group);
    });
  }

  function write(api, box) {
    api.plainField("placements").value = Array.from(box.querySelectorAll("input:checked"))
      .map((radio) => `${radio.dataset.number}: ${radio.value}`).join("\n");
    api.saveSoon();
  }

  registry.keys.grouping = {
    setUp(item, api) {
      const box = item.querySelector("[data-placements]");
      box.closest("fieldset").hidden = false;
      build(item, api, box);
      api.onSourcesChange(() => build(item, api, box));
      // The groups' names are typed: rebuild once the teacher leaves the field, not per key.
      api.plainField("groups").addEventListener("change", () => build(item, api, box));
      api.plainField("placements").addEventListener("change", () => build(item, api, box));
      box.addEventListener("change", () => write(api, box));
    },
  };
})();
