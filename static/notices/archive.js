// Builds the district archive one school per request while the page is open, and shows progress.
// Any app server can answer each step: the job's state lives in the database.
(function () {
  "use strict";
  var root = document.getElementById("archive");
  if (!root) { return; }
  var form = document.getElementById("archive-step-form");
  if (!form) { return; }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var progress = document.getElementById("archive-progress");
  function show(state) {
    progress.max = state.total || 1;
    progress.value = state.done;
    progress.textContent = state.percent + "%";
    document.getElementById("archive-status-label").textContent = state.status_label;
    document.getElementById("archive-done").textContent = state.done;
    document.getElementById("archive-total").textContent = state.total;
    if (state.download_url) {
      document.getElementById("archive-download").hidden = false;
      form.hidden = true;
    }
    if (state.status === "failed") { window.location.reload(); }
  }
  function step() {
    fetch(root.getAttribute("data-step-url"), {
      method: "POST",
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (state) {
      show(state);
      if (state.status !== "ready" && state.status !== "failed") {
        window.setTimeout(step, 300);
      }
    }).catch(function () {
      window.setTimeout(step, 3000);
    });
  }
  step();
})();
