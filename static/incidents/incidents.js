// Move focus to the error summary or the sensitive-text warning so screen readers hear it.
(function () {
  var target = document.getElementById("sensitive-warning") || document.getElementById("form-errors");
  if (target) { target.setAttribute("tabindex", "-1"); target.focus(); }
})();
