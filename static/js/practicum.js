// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Guard against double submits: disable the submit button once a form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-allow-resubmit") || form.method.toLowerCase() === "get") return;
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    window.setTimeout(function () {
      buttons.forEach(function (button) {
        button.disabled = true;
        if (button.dataset.busyText) button.textContent = button.dataset.busyText;
      });
    }, 0);
  });
  // After an htmx swap, move focus to the region so screen readers hear the change.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-focus-after-swap")) target.focus({ preventScroll: true });
  });
})();
