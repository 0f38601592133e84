/* The highlight kind's key on the desk's builder (Highlight.builder_script; the frame and
   its interface are in static/js/builder.js): words selected in a source beside the
   question, then the button, add a line to the plain `key_passages` field. */
(function () {
  "use strict";
  const registry = window.PurgeBuilder = window.PurgeBuilder || {};
  registry.keys = registry.keys || {};

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

  function usePassage(api) {
    const words = api.texts.dataset.selected || "";
    if (!words) {
      api.say("First select words in the source beside the question.");
      return;
    }
    const field = api.plainField("key_passages");
    field.value = (field.value.trim() ? field.value.trim() + "\n" : "") + words;
    delete api.texts.dataset.selected;
    const selection = window.getSelection();
    if (selection) selection.removeAllRanges();
    api.saveSoon();
  }

  registry.keys.highlight = {
    setUp(item, api) {
      const help = item.querySelector(".builder-key-help");
      help.hidden = false;
      help.querySelector("[data-key-passage]").addEventListener("click", () => usePassage(api));
    },
  };
})();
