/* The assignment builder (exercises/desk/builder.py): the page's forms sent with fetch and
   JSON, so the teacher stays on the page; without this script they post as they are.
   Saving: a question saves itself shortly after each change, one request at a time (a
   change made while one is on its way is sent after it), and says so in its status line.
   Keys: words selected in a source become a highlight's key passage; a choice per source
   sets the key's verdict on it. Both write the question's plain fields, which are what is
   posted. Order: "Move up"/"Move down" buttons, or dragging a question onto another. */
(function () {
  "use strict";
  const root = document.querySelector(".builder");
  if (!root) return;
  const url = root.dataset.url;
  const list = document.getElementById("builder-questions");
  const status = document.getElementById("builder-status");
  const VERDICTS = [["supports", "Supports"], ["challenges", "Challenges"], ["silent", "Says nothing"]];

  async function send(form, submitter) {
    const body = form instanceof FormData ? form : new FormData(form, submitter);
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: {Accept: "application/json"},
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {error: "The server did not answer."}; }
    return {ok: response.ok, data};
  }

  function say(where, words) { where.textContent = words; }

  // Numbers and move buttons follow the questions' order on the page.
  function renumber() {
    const items = Array.from(list.children);
    items.forEach((item, index) => {
      const number = index + 1;
      item.querySelector(".builder-number").textContent = String(number);
      const up = item.querySelector('[data-moves="up"]');
      const down = item.querySelector('[data-moves="down"]');
      up.querySelector('[name="position"]').value = String(number - 1);
      down.querySelector('[name="position"]').value = String(number + 1);
      up.querySelector("button").disabled = number === 1;
      down.querySelector("button").disabled = number === items.length;
      up.querySelector("button").textContent = `Move question ${number} up`;
      down.querySelector("button").textContent = `Move question ${number} down`;
      item.querySelector('.builder-save button[type="submit"]').textContent = `Save question ${number}`;
    });
  }

  async function moveTo(item, position) {
    const form = item.querySelector('[data-moves="up"]');
    form.querySelector('[name="position"]').value = String(position);
    const result = await send(form);
    if (!result.ok) { say(status, result.data.error || "Not moved."); renumber(); return; }
    const others = Array.from(list.children).filter((other) => other !== item);
    list.insertBefore(item, others[result.data.position - 1] || null);
    renumber();
    say(status, `Question moved to number ${result.data.position}.`);
  }

  // Saving a question -----------------------------------------------------------------
  function setUpSaving(item) {
    const form = item.querySelector("[data-saves]");
    const state = item.querySelector(".builder-save-state");
    let timer = null, sending = false, again = false;

    function showErrors(errors) {
      form.querySelectorAll(".builder-error").forEach((node) => node.remove());
      Object.entries(errors || {}).forEach(([name, messages]) => {
        const field = form.querySelector(`[name$="-${name}"]`);
        const note = document.createElement("p");
        note.className = "builder-error errornote";
        note.textContent = messages.join(" ");
        const row = field ? field.closest(".form-row, fieldset") : null;
        (row || form).prepend(note);
      });
    }

    async function save() {
      if (sending) { again = true; return; }
      sending = true;
      say(state, "Saving…");
      const result = await send(form);
      sending = false;
      if (result.ok) {
        showErrors({});
        const points = form.querySelector('[name$="-points"]');
        if (points && result.data.points) points.value = result.data.points;
        const left = result.data.problems || [];
        say(state, "Saved" + (left.length ? ". To finish: " + left.join(" ") : "."));
      } else {
        showErrors(result.data.errors);
        say(state, "Not saved: " + (result.data.error || Object.values(result.data.errors || {}).flat().join(" ")));
      }
      if (again) { again = false; save(); }
    }

    function soon() {
      clearTimeout(timer);
      say(state, "Changed: saving soon…");
      timer = setTimeout(save, 700);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(timer); save(); });
    form.saveSoon = soon;
  }

  // Sources beside the question, and the key set on them --------------------------------
  function chosenSources(item) {
    return Array.from(item.querySelectorAll('.builder-source-list input[type="checkbox"]:checked'));
  }

  function showSources(item) {
    const texts = item.querySelector(".builder-texts");
    texts.replaceChildren();
    chosenSources(item).forEach((box) => {
      const template = document.getElementById(`source-text-${box.value}`);
      if (template) texts.append(template.content.cloneNode(true));
    });
    buildVerdicts(item);
  }

  function plainField(item, name) { return item.querySelector(`[name$="-${name}"]`); }

  function buildVerdicts(item) {
    const box = item.querySelector("[data-verdicts]");
    if (!box) return;
    box.closest("fieldset").hidden = false;
    const field = plainField(item, "verdicts");
    const current = {};
    field.value.split("\n").forEach((line) => {
      const match = line.match(/(\d+)\s*[:=]\s*(\w+)/);
      if (match) current[match[1]] = match[2].toLowerCase();
    });
    box.replaceChildren();
    chosenSources(item).forEach((source) => {
      const number = source.dataset.number;
      const group = document.createElement("fieldset");
      group.className = "builder-verdict";
      const legend = document.createElement("legend");
      legend.textContent = `Source ${number}`;
      group.append(legend);
      VERDICTS.forEach(([value, words]) => {
        const label = document.createElement("label");
        const radio = document.createElement("input");
        radio.type = "radio";
        radio.name = `verdict-${item.dataset.question}-${number}`;
        radio.value = value;
        radio.dataset.number = number;
        radio.checked = current[number] === value;
        label.append(radio, " ", words);
        group.append(label);
      });
      box.append(group);
    });
  }

  // A sequence's key: its events, one per line, moved up and down with buttons.
  function buildOrder(item, focusIndex, focusWhich) {
    const list = item.querySelector("[data-order]");
    if (!list) return;
    list.closest("fieldset").hidden = false;
    const field = plainField(item, "events");
    const events = field.value.split("\n").map((line) => line.trim()).filter(Boolean);
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

  function moveEvent(item, button) {
    const field = plainField(item, "events");
    const events = field.value.split("\n").map((line) => line.trim()).filter(Boolean);
    const index = Number(button.dataset.index);
    const other = button.dataset.way === "up" ? index - 1 : index + 1;
    if (other < 0 || other >= events.length) return;
    [events[index], events[other]] = [events[other], events[index]];
    field.value = events.join("\n");
    buildOrder(item, other, button.dataset.way);
    item.querySelector("[data-saves]").saveSoon();
  }

  function writeVerdicts(item) {
    const lines = Array.from(item.querySelectorAll("[data-verdicts] input:checked"))
      .map((radio) => `${radio.dataset.number}: ${radio.value}`);
    const field = plainField(item, "verdicts");
    field.value = lines.join("\n");
    item.querySelector("[data-saves]").saveSoon();
  }

  // The words last selected in a question's source: pressing the button may move the
  // selection (focus, a touch screen), so it is kept as it is made.
  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    const texts = selection.anchorNode && selection.anchorNode.parentElement
      ? selection.anchorNode.parentElement.closest(".builder-texts") : null;
    if (!texts || !texts.contains(selection.focusNode)) return;
    texts.dataset.selected = selection.toString().replace(/\s+/g, " ").trim();
  });

  function usePassage(item) {
    const texts = item.querySelector(".builder-texts");
    const state = item.querySelector(".builder-save-state");
    const words = texts.dataset.selected || "";
    if (!words) {
      say(state, "First select words in the source beside the question.");
      return;
    }
    const field = plainField(item, "key_passages");
    field.value = (field.value.trim() ? field.value.trim() + "\n" : "") + words;
    delete texts.dataset.selected;
    const selection = window.getSelection();
    if (selection) selection.removeAllRanges();
    item.querySelector("[data-saves]").saveSoon();
  }

  function setUp(item) {
    setUpSaving(item);
    const help = item.querySelector(".builder-key-help");
    if (help) help.hidden = false;
    if (item.querySelector("[data-verdicts]")) buildVerdicts(item);
    buildOrder(item);
    item.addEventListener("change", (event) => {
      if (event.target.closest(".builder-source-list")) showSources(item);
      if (event.target.closest("[data-verdicts]")) writeVerdicts(item);
      if (event.target.matches('[name$="-events"]')) buildOrder(item);
    });
    item.addEventListener("click", (event) => {
      if (event.target.closest("[data-key-passage]")) usePassage(item);
      const move = event.target.closest("[data-order] button");
      if (move) moveEvent(item, move);
    });
    item.querySelectorAll("[data-moves]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const position = Number(form.querySelector('[name="position"]').value);
        moveTo(item, position).then(() => {
          const button = item.querySelector(`[data-moves="${form.dataset.moves}"] button`);
          if (!button.disabled) button.focus(); else item.querySelector("[data-moves] button:not([disabled])").focus();
        });
      });
    });
    // Only the title drags (the rest of the question is for selecting words and typing).
    item.addEventListener("dragstart", (event) => {
      if (!event.target.classList || !event.target.classList.contains("builder-handle")) return;
      event.dataTransfer.setData("text/plain", item.dataset.question);
      item.classList.add("builder-dragging");
    });
    item.addEventListener("dragend", () => item.classList.remove("builder-dragging"));
    item.addEventListener("dragover", (event) => event.preventDefault());
    item.addEventListener("drop", (event) => {
      event.preventDefault();
      const moved = document.getElementById(`question-${event.dataTransfer.getData("text/plain")}`);
      if (!moved || moved === item) return;
      moveTo(moved, Array.from(list.children).indexOf(item) + 1);
    });
  }

  // Adding and publishing ------------------------------------------------------------
  root.querySelectorAll("[data-adds]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const buttons = form.querySelectorAll("button");
      if (form.dataset.busy) return;  // a double click adds one question
      form.dataset.busy = "yes";
      const body = new FormData(form, event.submitter);  // before the buttons are disabled
      buttons.forEach((button) => { button.disabled = true; });
      say(status, "Adding a question…");
      const result = await send(body);
      buttons.forEach((button) => { button.disabled = false; });
      delete form.dataset.busy;
      if (!result.ok) { say(status, result.data.error || "Not added."); return; }
      const holder = document.createElement("template");
      holder.innerHTML = result.data.html;
      const item = holder.content.querySelector(".builder-question");
      list.append(item);
      const empty = document.getElementById("builder-empty");
      if (empty) empty.remove();
      setUp(item);
      renumber();
      say(status, `Question ${list.children.length} added.`);
      const prompt = plainField(item, "prompt");
      prompt.focus();
    });
  });

  const publishing = root.querySelector("[data-publishes]");
  publishing.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = publishing.querySelector("button");
    if (button.disabled) return;
    button.disabled = true;
    say(status, "Publishing…");
    const result = await send(publishing);
    button.disabled = false;
    if (result.ok) say(status, "Published: the class can see it from its opening date.");
    else say(status, `${result.data.error || "Not published."} ${(result.data.problems || []).join(" ")}`);
  });

  Array.from(list.children).forEach(setUp);
})();
