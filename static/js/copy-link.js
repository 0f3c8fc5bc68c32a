// "Copy link" buttons (templates/includes/copy_link.html). Loaded with defer. The buttons stay hidden where the
// browser does not let a page write to the clipboard (or without this script): the link itself is still there.
(function () {
  "use strict";

  function enable(button) {
    var status = document.getElementById(button.dataset.status);
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copyLink).then(function () {
        // Emptied first, so that a second copy is announced again.
        status.textContent = "";
        window.setTimeout(function () { status.textContent = button.dataset.copiedText; }, 100);
      }, function () {});
    });
  }

  function setUp() {
    if (!navigator.clipboard || !navigator.clipboard.writeText) { return; }
    document.querySelectorAll("button[data-copy-link]:not([data-ready])").forEach(function (button) {
      button.dataset.ready = "";
      enable(button);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
}());
