// Live preview for the module editor: the server renders the fields exactly as publishing
// would (sanitized), so this script only sends the form and shows what comes back.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var target = document.getElementById("preview");
  var status = document.getElementById("preview-status");
  var problems = document.getElementById("preview-problems");
  if (!form || !target || !status || !problems || !window.fetch) {
    return;
  }
  var token = document.querySelector('meta[name="csrf-token"]');
  var timer = null;
  var sent = 0;

  function showProblems(errors) {
    problems.textContent = "";
    errors.forEach(function (error) {
      var item = document.createElement("li");
      item.className = "error";
      item.textContent = (error.line ? "Module text, line " + error.line + ": " : "") + error.message;
      problems.appendChild(item);
    });
  }

  function refresh() {
    var mine = ++sent;
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.content : "", "Accept": "application/json"}
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("status " + response.status);
      }
      return response.json();
    }).then(function (data) {
      if (mine !== sent) {
        return;  // a newer preview is on its way
      }
      var errors = data.errors || [];
      var count = errors.length === 1 ? "1 problem" : errors.length + " problems";
      showProblems(errors);
      if (data.html) {
        target.innerHTML = data.html;  // sanitized on the server, like the published page
        status.textContent = errors.length ?
          "Preview updated. Fix " + count + " before publishing:" : "Preview updated.";
      } else {
        status.textContent = "Preview not updated: fix " + count + " in the module text:";
      }
    }).catch(function () {
      if (mine === sent) {
        status.textContent = "The preview could not be updated. Use the Preview button.";
      }
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
