/* purgeclass: printing an assignment.
 *
 * A printed worksheet must show every source a question names, in full, under the
 * question: the "Read Source n" boxes are opened just before printing and closed again
 * after, as the student left them (print.css also opens them where ::details-content is
 * supported). A source printed under a question is not printed a second time in the
 * Sources section at the end; that section keeps the sources no question printed.
 */
(function () {
  "use strict";

  var pane = document.querySelector(".reading-pane");
  if (pane) {
    var printed = {};
    document.querySelectorAll("details.source-inline[data-source]").forEach(function (box) {
      printed[box.dataset.source] = true;
    });
    var cards = pane.querySelectorAll(".source-card[data-source]");
    var left = 0;
    cards.forEach(function (card) {
      if (printed[card.dataset.source]) card.classList.add("printed-with-question");
      else left += 1;
    });
    if (cards.length && !left) pane.classList.add("all-printed-with-questions");
  }

  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (box) {
      box.open = true;
      opened.push(box);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (box) {
      box.open = false;
    });
    opened = [];
  });
})();
