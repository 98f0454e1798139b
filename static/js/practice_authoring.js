// The scenario and drill set editor: links to a line select that line in the text box, and
// the server checks the text as you type, sending back the problems, the preview and the
// map already rendered (and escaped), which this script only puts in place.
(function () {
  "use strict";
  var source = document.getElementById("source");

  // How far down the text box a position is, wrapped lines included: measured on a hidden
  // copy of the box holding the text up to there.
  function offsetOf(position) {
    var copy = document.createElement("textarea");
    copy.className = source.className + " measure";
    copy.setAttribute("aria-hidden", "true");
    copy.tabIndex = -1;
    copy.style.width = source.clientWidth + "px";  // CSSOM, which the CSP allows
    copy.value = source.value.slice(0, position);
    source.parentNode.appendChild(copy);
    var height = copy.scrollHeight;
    copy.parentNode.removeChild(copy);
    return height;
  }

  function selectLine(number) {
    var lines = source.value.split("\n");
    var line = Math.max(1, Math.min(number, lines.length));
    var start = 0;
    for (var i = 0; i < line - 1; i++) {
      start += lines[i].length + 1;
    }
    source.focus();
    source.setSelectionRange(start, start + lines[line - 1].length);
    source.scrollTop = Math.max(0, offsetOf(start) - source.clientHeight / 3);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-line]") : null;
    if (!link || !source) {
      return;
    }
    event.preventDefault();
    selectLine(parseInt(link.getAttribute("data-line"), 10) || 1);
  });

  var form = document.querySelector("form.practice-editor[data-preview-url]");
  var status = document.getElementById("check-status");
  var problems = document.getElementById("problems");
  var preview = document.getElementById("preview");
  var map = document.getElementById("map");
  if (!form || !status || !problems || !preview || !window.fetch || !window.FormData) {
    return;
  }
  var token = document.querySelector('meta[name="csrf-token"]');
  // The words come from the form's data-text-* attributes, in the page's language.
  function words(name, fallback) {
    return form.getAttribute("data-text-" + name) || fallback;
  }
  var timer = null;
  var sent = 0;

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
        return;  // a newer check is on its way
      }
      problems.innerHTML = data.problems_html;  // rendered and escaped on the server
      preview.innerHTML = data.preview_html;
      if (map) {
        map.innerHTML = data.map_html;
      }
      status.textContent = data.summary + " " + words("again", "The checks run again as you type.");
    }).catch(function () {
      if (mine === sent) {
        status.textContent = words("failed", "The checks could not run. Use the Preview button.");
      }
    });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 500);
  });
})();
