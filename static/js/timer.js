/* The clock of timed work (templates/exercises/_clock.html).
 *
 * The deadline is the server's: the page counts down to it, correcting for this device's
 * clock by the server's time when the page was sent. Time left is shown every second but
 * announced to screen readers only at 10 minutes, 1 minute and at the end. At zero the
 * answers not yet saved are sent (static/js/answering.js saves a form on "submit"), then
 * the work is handed in. The server enforces the deadline whatever this script does.
 */
(function () {
  "use strict";

  var clock = document.querySelector(".timed-clock[data-deadline]");
  if (!clock) return;
  var deadline = Date.parse(clock.dataset.deadline);
  var skew = Date.parse(clock.dataset.serverNow) - Date.now(); // server minus device
  var shown = clock.querySelector(".time-left");
  var announcer = clock.querySelector(".clock-announce");
  var handIn = clock.querySelector("form.clock-hand-in");
  var ANNOUNCE_AT = [10 * 60, 60]; // seconds left
  var announced = {};
  var finished = false;
  var SETTLE_MS = 250;
  var MAX_WAIT_MS = 8000;

  function left() {
    return Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
  }

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  function announce(text) {
    announcer.textContent = text;
  }

  function saving() {
    return document.querySelector(".answer-form .save-status.is-saving");
  }

  /** Send what is not saved yet, wait for the saves (not forever), then hand in. */
  function finish() {
    finished = true;
    shown.textContent = "0:00";
    announce("Time is up. Your work is being handed in.");
    clock.classList.replace("alert-info", "alert-warning");
    document.querySelectorAll("form.answer-form").forEach(function (form) {
      var status = form.querySelector(".save-status.is-saving");
      if (status) form.dispatchEvent(new Event("submit", { cancelable: true }));
    });
    var waited = 0;
    (function wait() {
      if (saving() && waited < MAX_WAIT_MS) {
        waited += SETTLE_MS;
        window.setTimeout(wait, SETTLE_MS);
        return;
      }
      handIn.submit();
    })();
  }

  function tick() {
    if (finished) return;
    var seconds = left();
    shown.textContent = format(seconds);
    ANNOUNCE_AT.forEach(function (mark) {
      // Only on crossing the mark: a page opened with 5 minutes left says nothing.
      if (seconds <= mark && seconds > mark - 5 && !announced[mark]) {
        announced[mark] = true;
        announce(mark >= 120 ? mark / 60 + " minutes left." : "1 minute left.");
      }
    });
    if (seconds <= 0) finish();
  }

  tick();
  window.setInterval(tick, 1000);
})();
