/* The sequence kind's key on the desk's builder (Sequence.builder_script; the frame and its
   interface are in static/js/builder.js): the events of the plain `events` field, one per
   line in their right order, moved up and down with buttons. */
(function () {
  "use strict";
  const registry = window.PurgeBuilder = window.PurgeBuilder || {};
  registry.keys = registry.keys || {};

  function eventsOf(api) {
    return api.plainField("events").value.split("\n").map((line) => line.trim()).filter(Boolean);
  }

  function build(api, list, focusIndex, focusWhich) {
    const events = eventsOf(api);
    list.replaceChildren();
    events.forEach((words, index) => {
      const row = document.createElement("li");
      row.append(words, " ");
      [["up", "Move up", index === 0], ["down", "Move down", index === events.length - 1]]
        .forEach(([way, label, disabled]) => {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "button";
          button.textContent = `${label}: ${words}`;
          button.disabled = disabled;
          button.dataset.way = way;
          button.dataset.index = String(index);
          row.append(button, " ");
        });
      list.append(row);
    });
    if (focusIndex !== undefined) {
      // Keep the keyboard on the moved event: the same button, or the other at an end.
      const buttons = Array.from(list.children[focusIndex].querySelectorAll("button"));
      const target = buttons.find((b) => b.dataset.way === focusWhich && !b.disabled)
        || buttons.find((b) => !b.disabled);
      if (target) target.focus();
    }
  }

  function move(api, list, button) {
    const events = eventsOf(api);
    const index = Number(button.dataset.index);
    const other = button.dataset.way === "up" ? index - 1 : index + 1;
    if (other < 0 || other >= events.length) return;
    [events[index], events[other]] = [events[other], events[index]];
    api.plainField("events").value = events.join("\n");
    build(api, list, other, button.dataset.way);
    api.saveSoon();
  }

  registry.keys.sequence = {
    setUp(item, api) {
      const list = item.querySelector("[data-order]");
      list.closest("fieldset").hidden = false;
      build(api, list);
      api.plainField("events").addEventListener("change", () => build(api, list));
      list.addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (button) move(api, list, button);
      });
    },
  };
})();
