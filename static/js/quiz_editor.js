// The quiz editor's folded questions (<details>, which work without this script): buttons to
// open or fold them all, and a link to a field inside a folded question opens it first.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-editor");
  if (!form) {
    return;
  }
  var panels = form.querySelectorAll("details.question-panel");
  var tools = form.querySelector(".question-tools");
  if (tools && panels.length > 1) {
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-questions]") : null;
      if (!button) {
        return;
      }
      var open = button.getAttribute("data-questions") === "open";
      Array.prototype.forEach.call(panels, function (panel) {
        panel.open = open;
      });
    });
  }

  function reveal(id) {
    var target = id ? document.getElementById(id) : null;
    var panel = target && target.closest ? target.closest("details.question-panel") : null;
    if (panel && !panel.open) {
      panel.open = true;
    }
    return target;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (link) {
      reveal(decodeURIComponent(link.getAttribute("href").slice(1)));
    }
  });
  window.addEventListener("hashchange", function () {
    reveal(decodeURIComponent(window.location.hash.slice(1)));
  });
  reveal(decodeURIComponent(window.location.hash.slice(1)));
})();
