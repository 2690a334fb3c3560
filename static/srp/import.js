// Upload a bulk import's CSV with a progress bar, then open the result page the server names.
// Without JavaScript the form posts as usual and the server redirects to the same page.
(function () {
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("import-progress");
  var bar = document.getElementById("import-progress-bar");
  var label = document.getElementById("import-progress-label");
  var errorBox = document.getElementById("import-error");
  var buttons = form.querySelectorAll("button[type=submit]");

  function setBusy(busy) {
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = busy; }
    box.classList.toggle("d-none", !busy);
  }

  function showError(text) {
    setBusy(false);
    errorBox.textContent = text;
    errorBox.classList.remove("d-none");
    errorBox.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    // Which button was pressed: "check" or "import" (FormData leaves the submitter out).
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    errorBox.classList.add("d-none");
    bar.value = 0;
    setBusy(true);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "fetch");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        label.textContent = form.dataset.progressLabel + " " + percent + "%";
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");  // indeterminate while the server checks the rows
      label.textContent = form.dataset.checkingLabel;
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = null; }
      if (answer && answer.redirect) { window.location.assign(answer.redirect); return; }
      showError((answer && answer.errors && answer.errors.join(" ")) || form.dataset.failedLabel);
    });
    xhr.addEventListener("error", function () { showError(form.dataset.failedLabel); });
    xhr.send(data);
  });
})();
