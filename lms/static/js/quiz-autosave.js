// Saves an attempt's answers shortly after each change, so a reload or a lost connection
// loses nothing. Each save sends the next sequence number; the server refuses an older one,
// so a stale tab can never overwrite newer answers. Without JavaScript the page still works
// with its "Save answers" and "Submit" buttons.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var sequence = form.querySelector("input[name=sequence]");
  var timer = null;
  var busy = false;
  var pending = false;
  var stopped = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function save() {
    if (stopped) {
      return;
    }
    if (busy) {
      pending = true;
      return;
    }
    busy = true;
    var data = new FormData(form);
    // The next save, or the submission, must count as newer than this one even while
    // this one is still on its way.
    sequence.value = String(parseInt(sequence.value, 10) + 1);
    fetch(form.dataset.saveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.status === 401) {
        // Signed out: the answers stay on this page until the official signs in again.
        say(form.dataset.signedOutText);
        return null;
      }
      return response.json().then(function (body) {
        if (response.ok && body.saved) {
          sequence.value = String(Math.max(body.sequence + 1, parseInt(sequence.value, 10)));
          say(form.dataset.savedText);
        } else if (response.status === 409) {
          stopped = true;
          say(body.reason === "finished" ? form.dataset.finishedText : form.dataset.staleText);
        } else {
          say(form.dataset.failedText);
        }
      });
    }).catch(function () {
      say(form.dataset.failedText);
    }).then(function () {
      busy = false;
      if (pending) {
        pending = false;
        save();
      }
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 800);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
  form.addEventListener("submit", function () {
    // The submission carries the answers itself; no save may follow it.
    stopped = true;
    window.clearTimeout(timer);
  });
})();
