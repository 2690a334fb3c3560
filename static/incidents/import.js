// Upload the CSV with a progress bar; the server answers with the result page to open.
(function () {
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("import-progress");
  var bar = document.getElementById("import-progress-bar");
  var label = document.getElementById("import-progress-label");
  var errorBox = document.getElementById("import-error");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    box.classList.remove("d-none");
    errorBox.classList.add("d-none");
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
      bar.removeAttribute("value");
      label.textContent = form.dataset.checkingLabel;
    });
    xhr.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
      if (data && data.redirect) { window.location.assign(data.redirect); return; }
      button.disabled = false;
      box.classList.add("d-none");
      errorBox.textContent = (data && data.errors && data.errors.join(" ")) || xhr.statusText;
      errorBox.classList.remove("d-none");
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      errorBox.textContent = xhr.statusText || "Error";
      errorBox.classList.remove("d-none");
    });
    xhr.send(new FormData(form));
  });
})();
