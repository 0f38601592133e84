/* purgeclass: a question's "Read: Source n" links scroll the reading pane beside the
 * questions, not the whole page, so the student keeps their place in the question. The
 * links are plain anchors and work without this file. */
(function () {
  "use strict";
  var pane = document.querySelector(".reading-pane");
  if (!pane) return;
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".question-sources a[href^='#source-']");
    if (!link || window.getComputedStyle(pane).overflowY !== "auto") return;
    var card = document.getElementById(link.getAttribute("href").slice(1));
    if (!card || !pane.contains(card)) return;
    event.preventDefault();
    var top = pane.scrollTop + card.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    pane.scrollTo({ top: top - 8, behavior: "smooth" });
    card.setAttribute("tabindex", "-1");
    card.focus({ preventScroll: true });
  });
})();
