// "Print" buttons (data-print), e.g. a walk-in's check-in code (templates/backoffice/walk_in_done.html). Loaded
// with defer; without this script the buttons stay hidden and the browser's own print command still works.
(function () {
  "use strict";

  function setUp() {
    if (typeof window.print !== "function") { return; }
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
}());
