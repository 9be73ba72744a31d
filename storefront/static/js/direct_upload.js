// With S3 storage, an upload form marked data-direct-upload sends its file straight to the bucket instead of through
// the app: ask the app for a pre-signed POST (a fresh key and the size limit, plus a ticket), send the file there with
// its progress shown, then ask the app to finish (it checks the file and attaches it) and swap the editor with the
// answer, as the plain form would. Without this script the same form posts the file through the app.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function say(form, text) {
    var status = form.querySelector(".upload-status");
    if (status) {
      status.textContent = text;
    }
  }

  function failed(form, text) {
    say(form, text);
    form.querySelector('button[type="submit"]').disabled = false;
  }

  function startUpload(form) {
    var body = new FormData();
    body.append("purpose", form.dataset.purpose);
    body.append("file_id", form.dataset.fileId || "");
    return fetch(form.dataset.directUpload, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) {
          throw new Error(answer.error || "The upload could not start.");
        }
        return answer;
      });
    });
  }

  function sendToBucket(form, file, upload, done) {
    var progress = form.querySelector("progress");
    var body = new FormData();
    Object.keys(upload.fields).forEach(function (name) {
      body.append(name, upload.fields[name]);
    });
    body.append("file", file); // last: S3 ignores every field after the file
    var request = new XMLHttpRequest();
    request.open("POST", upload.url);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        progress.max = event.total;
        progress.value = event.loaded;
      }
    });
    request.addEventListener("load", function () {
      if (request.status >= 200 && request.status < 300) {
        done();
      } else {
        failed(form, "Storage refused the file (HTTP " + request.status + "); nothing was added.");
      }
    });
    request.addEventListener("error", function () {
      failed(form, "The upload was interrupted; nothing was added. Try again.");
    });
    progress.value = 0;
    progress.hidden = false;
    request.send(body);
  }

  function finish(form, file, upload) {
    var alt = form.querySelector('[name="alt_text"]');
    say(form, "Checking " + file.name + "…");
    var stuck = function () {
      // The editor (this form included) is swapped for the answer, refusals included; still here, nothing came back.
      if (document.body.contains(form)) {
        failed(form, "The shop could not finish the upload; try again.");
      }
    };
    htmx
      .ajax("POST", form.dataset.finish, {
        target: "#product-editor",
        swap: "outerHTML",
        values: { ticket: upload.ticket, file_name: file.name, alt_text: alt ? alt.value : "" },
      })
      .then(stuck, stuck);
  }

  function upload(form, file) {
    if (file.size > Number(form.dataset.maxBytes)) {
      say(form, "That file is larger than the upload limit.");
      return;
    }
    form.querySelector('button[type="submit"]').disabled = true;
    say(form, "Uploading " + file.name + "…");
    startUpload(form)
      .then(function (started) {
        sendToBucket(form, file, started, function () {
          finish(form, file, started);
        });
      })
      .catch(function (problem) {
        failed(form, problem.message);
      });
  }

  // Capture phase: this runs before htmx's own submit handler on the form, which must not send the file as well.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var input = form.dataset && form.dataset.directUpload && form.querySelector('input[type="file"]');
      if (!input || !input.files.length) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      upload(form, input.files[0]);
    },
    true
  );
})();
