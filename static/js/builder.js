/* The assignment builder (exercises/desk/builder.py): the page's forms sent with fetch and
   JSON, so the teacher stays on the page; without this script they post as they are.
   Saving: a question saves itself shortly after each change, one request at a time (a
   change made while one is on its way is sent after it), and says so in its status line.
   Order: "Move up"/"Move down" buttons, or dragging a question onto another. Deleting: the
   question's "Delete…" disclosure and its "Yes, delete" button (the confirmation is on the
   page, with or without the script). Changing kind: the question comes back from the
   server as the new kind's form and takes the old one's place.

   Keys: this script is only the frame; each kind that sets its key beside the sources has
   its own script (QuestionKind.builder_script, loaded after this one), which registers

     PurgeBuilder.keys[<kind>] = {setUp(item, api)}

   and is called once for each question of its kind on the page (`item`: the question's
   <li>, holding the kind's builder_key.html). `api` gives it:
     plainField(name)   the question's plain field `name` (an input, textarea or select);
     chosenSources()    the sources ticked, in the list's order: {id, number, label, image,
                        alt} (image and alt are "" for a document);
     onSourcesChange(f) f() after the ticked sources change (their texts are shown by then);
     texts              the element holding the chosen sources' texts beside the question;
     saveSoon()         save the question shortly (after writing its plain fields);
     say(words)         the question's polite status line.
   A key widget writes the kind's plain fields, which are what is posted and checked. */
(function () {
  "use strict";
  const registry = window.PurgeBuilder = window.PurgeBuilder || {};
  registry.keys = registry.keys || {};
  const root = document.querySelector(".builder");
  if (!root) return;
  const url = root.dataset.url;
  const list = document.getElementById("builder-questions");
  const status = document.getElementById("builder-status");

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
      item.querySelector(".builder-side").setAttribute("aria-label", `Sources and key of question ${number}`);
      item.querySelectorAll("[data-question-number]").forEach((node) => { node.textContent = String(number); });
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

  // Deleting a question, changing its kind -------------------------------------------------
  async function remove(item, form) {
    const button = form.querySelector("button");
    button.disabled = true;
    item.querySelector("[data-saves]").dropWaiting();
    const result = await send(form);
    button.disabled = false;
    if (!result.ok) { say(status, result.data.error || "Not deleted."); return; }
    const number = Array.from(list.children).indexOf(item) + 1;
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    renumber();
    say(status, `Question ${number} deleted; the questions after it moved up.`);
    // The keyboard goes on where the question was: the next question's title, or adding one.
    const title = next ? next.querySelector(".builder-handle") : document.getElementById("builder-add-title");
    title.tabIndex = -1;
    title.focus();
  }

  async function changeKind(item, form) {
    await item.querySelector("[data-saves]").saveWaiting();
    const result = await send(form);
    if (!result.ok) { say(status, result.data.error || "The kind did not change."); return; }
    const holder = document.createElement("template");
    holder.innerHTML = result.data.html;
    const fresh = holder.content.querySelector(".builder-question");
    item.replaceWith(fresh);
    setUp(fresh);
    renumber();
    const number = Array.from(list.children).indexOf(fresh) + 1;
    say(status, `Question ${number} is now of the kind: ${fresh.querySelector("[data-changes-kind] select").selectedOptions[0].textContent}.`);
    fresh.querySelector("[data-changes-kind] select").focus();
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
      timer = null;
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
    // Before the question changes kind, a change still waiting is saved (under the old kind,
    // whose fields it holds); before it is deleted, it is dropped.
    form.saveWaiting = async () => { if (timer !== null) { clearTimeout(timer); timer = null; await save(); } };
    form.dropWaiting = () => { clearTimeout(timer); timer = null; };
  }

  // Sources beside the question, and the kind's key set on them ---------------------------
  function chosenSources(item) {
    return Array.from(item.querySelectorAll('.builder-source-list input[type="checkbox"]:checked'))
      .map((box) => ({
        id: box.value,
        number: box.dataset.number,
        label: box.labels && box.labels[0] ? box.labels[0].textContent.trim() : `Source ${box.dataset.number}`,
        image: box.dataset.image || "",
        alt: box.dataset.alt || "",
      }));
  }

  function plainField(item, name) { return item.querySelector(`[name$="-${name}"]`); }

  function showSources(item) {
    const texts = item.querySelector(".builder-texts");
    texts.replaceChildren();
    chosenSources(item).forEach((source) => {
      const template = document.getElementById(`source-text-${source.id}`);
      if (template) texts.append(template.content.cloneNode(true));
    });
    item.dispatchEvent(new CustomEvent("builder:sources"));
  }

  function keyApi(item) {
    const form = item.querySelector("[data-saves]");
    return {
      item,
      texts: item.querySelector(".builder-texts"),
      plainField: (name) => plainField(item, name),
      chosenSources: () => chosenSources(item),
      onSourcesChange: (then) => item.addEventListener("builder:sources", () => then()),
      saveSoon: () => form.saveSoon(),
      say: (words) => say(item.querySelector(".builder-save-state"), words),
    };
  }

  function setUpKey(item) {
    const key = registry.keys[item.dataset.kind];
    if (key) key.setUp(item, keyApi(item));
  }

  function setUp(item) {
    setUpSaving(item);
    setUpKey(item);
    item.addEventListener("change", (event) => {
      if (event.target.closest(".builder-source-list")) showSources(item);
    });
    const deleting = item.querySelector("[data-deletes]");
    if (deleting) deleting.addEventListener("submit", (event) => { event.preventDefault(); remove(item, deleting); });
    const changing = item.querySelector("[data-changes-kind]");
    if (changing) changing.addEventListener("submit", (event) => { event.preventDefault(); changeKind(item, changing); });
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

  // The kinds' scripts come after this one, all deferred: DOMContentLoaded follows them.
  document.addEventListener("DOMContentLoaded", () => Array.from(list.children).forEach(setUp));
})();
