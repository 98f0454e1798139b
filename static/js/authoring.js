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
  // The words come from the form's data-text-* attributes, in the page's language.
  function words(name, fallback) {
    return form.getAttribute("data-text-" + name) || fallback;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }
  var timer = null;
  var sent = 0;

  function showProblems(errors) {
    problems.textContent = "";
    errors.forEach(function (error) {
      var item = document.createElement("li");
      item.className = "error";
      var where = error.line ?
        fill(words("line", "Module text, line {line}:"), {line: error.line}) + " " : "";
      item.textContent = where + error.message;
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
      var count = errors.length === 1 ? words("problem", "1 problem") :
        fill(words("problems", "{count} problems"), {count: errors.length});
      showProblems(errors);
      if (data.html) {
        target.innerHTML = data.html;  // sanitized on the server, like the published page
        status.textContent = errors.length ?
          fill(words("updated-fix", "Preview updated. Fix {count} before publishing:"), {count: count}) :
          words("updated", "Preview updated.");
      } else {
        status.textContent = fill(
          words("not-updated", "Preview not updated: fix {count} in the module text:"), {count: count});
      }
    }).catch(function () {
      if (mine === sent) {
        status.textContent = words("failed", "The preview could not be updated. Use the Preview button.");
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
