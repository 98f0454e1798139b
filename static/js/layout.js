// Page layout on small screens, loaded on every page (site.css does the rest; without this
// script the menu simply stays open and wide tables scroll with shadows at their edges).
// - The "Menu" button folds the main navigation and the sign-out form on a phone.
// - A table wider than its box gets a written hint and keyboard focus, so it can be
//   scrolled with the arrow keys.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var header = document.querySelector(".site-header");
  var toggle = document.querySelector(".nav-toggle");
  if (header && toggle) {
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("nav-open", open);
    };
    header.classList.add("nav-ready");
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("nav-open")
          && header.contains(document.activeElement)) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  var hints = 0;
  var boxes = [];
  document.querySelectorAll("main table").forEach(function (table) {
    var box = table.parentElement;
    if (!box.classList.contains("table-scroll")) {
      box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
    boxes.push(box);
  });

  function mark(box) {
    var wide = box.scrollWidth > box.clientWidth + 1;
    var hint = box.previousElementSibling;
    var hasHint = hint && hint.classList.contains("scroll-hint");
    box.classList.toggle("is-wide", wide);
    if (wide && !hasHint) {
      hints += 1;
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.id = "scroll-hint-" + hints;
      hint.textContent = "This table is wider than the screen: scroll it sideways to see every column.";
      box.parentNode.insertBefore(hint, box);
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      box.setAttribute("aria-describedby", hint.id);
    } else if (!wide && hasHint) {
      hint.remove();
      ["tabindex", "role", "aria-label", "aria-describedby"].forEach(function (name) {
        box.removeAttribute(name);
      });
    }
  }

  function markAll() {
    boxes.forEach(mark);
  }
  markAll();
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(markAll, 150);
  });
})();
