// The projector's keys: hidden and revealed by the button or the K key (never while typing).
(function () {
  "use strict";
  const button = document.querySelector("[data-keys-toggle]");
  const main = document.getElementById("main");
  if (!button || !main) return;
  const status = document.getElementById("keys-status");

  function show(hidden) {
    main.classList.toggle("keys-hidden", hidden);
    button.setAttribute("aria-pressed", hidden ? "true" : "false");
    button.textContent = hidden ? "Reveal the keys (K)" : "Hide the keys (K)";
    if (status) status.textContent = hidden ? "Keys hidden." : "Keys shown.";
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    show(!main.classList.contains("keys-hidden"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "k" && event.key !== "K") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    show(!main.classList.contains("keys-hidden"));
  });
})();
