// Live preview for the lesson editor: the server renders and sanitises, this only asks it
// again a moment after the trainer stops typing. Without JavaScript the Preview button works.
(function () {
  "use strict";
  var form = document.getElementById("lesson-form");
  var output = document.getElementById("preview-output");
  if (!form || !output || !window.fetch || !window.FormData) { return; }
  var body = form.querySelector("textarea[name=body]");
  var token = form.querySelector("input[name=csrf_token]");
  if (!body) { return; }
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("body", body.value);
    if (token) { data.append("csrf_token", token.value); }
    fetch(output.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null) { output.innerHTML = html; }
    }).catch(function () { /* keep the last preview when offline */ });
  }
  body.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
})();
