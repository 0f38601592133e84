// Grading page: choosing a rubric level fills in its marks (the top of its band) and the
// score (the levels' total). The grader may still change a mark; one outside its level's
// band is outlined, and the server then asks for a reason.
(function () {
  "use strict";

  function number(value) {
    var parsed = parseFloat(value);
    return isNaN(parsed) ? null : parsed;
  }

  function band(select) {
    var option = select.options[select.selectedIndex];
    if (!option || option.value === "") return null;
    return { min: number(option.dataset.min), max: number(option.dataset.max) };
  }

  function refresh(section) {
    var rows = section.querySelectorAll(".desk-rubric tbody tr");
    var total = 0;
    var chosen = 0;
    rows.forEach(function (row) {
      var select = row.querySelector("select.grade-level");
      var points = row.querySelector("input.grade-points");
      if (!select || !points) return;
      var levelBand = band(select);
      var marks = number(points.value);
      points.classList.toggle(
        "desk-outside-band",
        levelBand !== null && marks !== null && (marks < levelBand.min || marks > levelBand.max)
      );
      if (levelBand !== null && marks !== null) {
        total += marks;
        chosen += 1;
      }
    });
    var score = section.querySelector("input.grade-score");
    if (score && chosen > 0) score.value = String(Math.round(total * 100) / 100);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var section = target.closest(".desk-answer");
    if (!section) return;
    if (target.matches("select.grade-level")) {
      var row = target.closest("tr");
      var points = row && row.querySelector("input.grade-points");
      var levelBand = band(target);
      if (points) points.value = levelBand === null ? "" : String(levelBand.max);
      refresh(section);
    } else if (target.matches("input.grade-points")) {
      refresh(section);
    }
  });
})();
