// Uploads with a progress bar; without JavaScript the form posts normally.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var percent = document.getElementById("upload-percent");
  var error = document.getElementById("id_file-error");
  var done = document.getElementById("upload-done");
  var file = document.getElementById("id_file");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    var button = form.querySelector("button[type=submit]");
    error.hidden = true;
    done.hidden = true;
    box.hidden = false;
    bar.value = 0;
    button.disabled = true;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        percent.textContent = bar.value + " %";
      }
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      var data = {};
      try { data = JSON.parse(xhr.responseText); } catch (ignored) { data = {}; }
      if (xhr.status >= 200 && xhr.status < 300 && data.ok) {
        window.location.reload();
        return;
      }
      box.hidden = true;
      error.textContent = data.error || form.getAttribute("data-failed") || xhr.statusText;
      error.hidden = false;
      file.setAttribute("aria-invalid", "true");
      file.focus();
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      box.hidden = true;
      error.textContent = form.getAttribute("data-failed");
      error.hidden = false;
    });
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.send(new FormData(form));
  });
}());
