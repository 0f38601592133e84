// Question page: show only the fields of the chosen kind of question. Without JavaScript
// every kind's fields show, each headed by the kinds it is for.
(function () {
  "use strict";

  function update() {
    var select = document.querySelector("select.question-kind");
    if (!select) return;
    document.querySelectorAll("fieldset.kind-fields").forEach(function (fieldset) {
      var fits = select.value === "" || fieldset.classList.contains("kind-" + select.value);
      fieldset.classList.toggle("desk-hidden", !fits);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    update();
    var select = document.querySelector("select.question-kind");
    if (select) select.addEventListener("change", update);
  });
})();
