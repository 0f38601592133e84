/* The matrix kind's key on the desk's builder (Matrix.builder_script; the frame and its
   interface are in static/js/builder.js): a fieldset of radio buttons per chosen source,
   one per verdict, writing the plain `verdicts` field ("5: supports", a line each). */
(function () {
  "use strict";
  const registry = window.PurgeBuilder = window.PurgeBuilder || {};
  registry.keys = registry.keys || {};
  const VERDICTS = [["supports", "Supports"], ["challenges", "Challenges"], ["silent", "Says nothing"]];

  function build(item, api, box) {
    const current = {};
    api.plainField("verdicts").value.split("\n").forEach((line) => {
      const match = line.match(/(\d+)\s*[:=]\s*(\w+)/);
      if (match) current[match[1]] = match[2].toLowerCase();
    });
    box.replaceChildren();
    api.chosenSources().forEach((source) => {
      const group = document.createElement("fieldset");
      group.className = "builder-verdict";
      const legend = document.createElement("legend");
      legend.textContent = `Source ${source.number}`;
      group.append(legend);
      VERDICTS.forEach(([value, words]) => {
        const label = document.createElement("label");
        const radio = document.createElement("input");
        radio.type = "radio";
        radio.name = `verdict-${item.dataset.question}-${source.number}`;
        radio.value = value;
        radio.dataset.number = source.number;
        radio.checked = current[source.number] === value;
        label.append(radio, " ", words);
        group.append(label);
      });
      box.append(group);
    });
  }

  function write(api, box) {
    api.plainField("verdicts").value = Array.from(box.querySelectorAll("input:checked"))
      .map((radio) => `${radio.dataset.number}: ${radio.value}`).join("\n");
    api.saveSoon();
  }

  registry.keys.matrix = {
    setUp(item, api) {
      const box = item.querySelector("[data-verdicts]");
      box.closest("fieldset").hidden = false;
      build(item, api, box);
      api.onSourcesChange(() => build(item, api, box));
      box.addEventListener("change", () => write(api, box));
    },
  };
})();
