// Move focus to the error summary when a form comes back with errors (UI.md section 4). Loaded with defer.
function focusErrorSummary() {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
}
if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", focusErrorSummary); } else { focusErrorSummary(); }
