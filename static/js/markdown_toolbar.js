// A small Markdown toolbar above each <textarea data-markdown-toolbar>: bold, italic, heading,
// lists, link and quote act on the text box's selection, and Ctrl+B / Ctrl+I (Cmd on a Mac)
// work inside the box. Without this script the text box is simply a text box.
//
// Changes go in with document.execCommand("insertText"), which the browser's undo (Ctrl+Z)
// can take back and which fires the input event the live preview listens for; where a
// browser refuses it, setRangeText() makes the same change and the script sends the event.
(function () {
  "use strict";
  if (!document.querySelectorAll || !("selectionStart" in document.createElement("textarea"))) {
    return;
  }

  // The toolbar's words in the page's language: the template writes them in data-text-*
  // attributes of an element marked data-markdown-text (_markdown_toolbar_text.html);
  // without it they are English.
  var texts = document.querySelector("[data-markdown-text]");
  function words(name, fallback) {
    return (texts && texts.getAttribute("data-text-" + name)) || fallback;
  }

  // Replace text[start, end) with `text`, then select [selStart, selEnd) (absolute offsets).
  function replace(box, start, end, text, selStart, selEnd) {
    box.focus();
    box.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (e) {
      done = false;
    }
    if (!done || box.value.slice(start, start + text.length) !== text) {
      box.setRangeText(text, start, end, "end");
      box.dispatchEvent(new Event("input", {bubbles: true}));
    }
    box.setSelectionRange(selStart, selEnd);
  }

  // How many * (at most three) run from `from` in the direction `step`.
  function stars(value, from, step) {
    var count = 0;
    while (count < 3 && value.charAt(from + step * count) === "*") {
      count += 1;
    }
    return count;
  }

  // Whether a run of stars on each side holds the mark: ** in ** or ***, * in * or ***.
  function holds(run, n) {
    return n === 2 ? run >= 2 : run % 2 === 1;
  }

  // Wrap the selection in `mark` (** or *), or take the marks away when they are already
  // round it; with nothing selected, insert a placeholder, selected to type over.
  function wrap(box, mark, placeholder) {
    var start = box.selectionStart;
    var end = box.selectionEnd;
    var value = box.value;
    var chosen = value.slice(start, end);
    var n = mark.length;
    var left = stars(value, start - 1, -1);
    if (chosen && left === stars(value, end, 1) && holds(left, n)) {
      replace(box, start - n, end + n, chosen, start - n, end - n);
      return;
    }
    var first = stars(chosen, 0, 1);
    if (chosen.length > 2 * first && first === stars(chosen, chosen.length - 1, -1) && holds(first, n)) {
      var bare = chosen.slice(n, -n);
      replace(box, start, end, bare, start, start + bare.length);
      return;
    }
    // Spaces selected at either end (a double-clicked word) stay outside the marks.
    var lead = chosen.match(/^\s*/)[0];
    var trail = chosen.slice(lead.length).match(/\s*$/)[0];
    var word = chosen.slice(lead.length, chosen.length - trail.length) || placeholder;
    var text = lead + mark + word + mark + trail;
    var from = start + lead.length + n;
    replace(box, start, end, text, from, from + word.length);
  }

  // The whole lines the selection touches: [start, end) without the final line break.
  function lines(box) {
    var value = box.value;
    var start = value.lastIndexOf("\n", box.selectionStart - 1) + 1;
    var stop = box.selectionEnd;
    if (stop > box.selectionStart && value.charAt(stop - 1) === "\n") {
      stop -= 1;  // a selection ending at a line's start leaves that line alone
    }
    var end = value.indexOf("\n", stop);
    return {start: start, end: end === -1 ? value.length : end};
  }

  // Give each line the prefix `prefixOf(i)`, or take it away when every line has it.
  function prefixLines(box, pattern, prefixOf) {
    var range = lines(box);
    var rows = box.value.slice(range.start, range.end).split("\n");
    var filled = rows.filter(function (row) { return row.trim() !== ""; });
    var all = filled.length > 0 && filled.every(function (row) { return pattern.test(row); });
    var number = 0;
    var changed = rows.map(function (row) {
      if (all) {
        return row.replace(pattern, "");
      }
      if (row.trim() === "" && rows.length > 1) {
        return row;
      }
      number += 1;
      return prefixOf(number) + row.replace(pattern, "");
    });
    var text = changed.join("\n");
    replace(box, range.start, range.end, text, range.start, range.start + text.length);
  }

  function link(box) {
    var start = box.selectionStart;
    var end = box.selectionEnd;
    var chosen = box.value.slice(start, end);
    var url = /^https?:\/\/\S+$/.test(chosen) ? chosen : "https://";
    var sample = words("link-sample", "link text");
    var label = url === chosen ? sample : (chosen || sample);
    var text = "[" + label + "](" + url + ")";
    // Select what is left to type: the address, or the words when the address was selected.
    var from = url === chosen ? start + 1 : start + label.length + 3;
    var to = url === chosen ? from + label.length : from + url.length;
    replace(box, start, end, text, from, to);
  }

  var ACTIONS = [
    {name: words("bold", "Bold"), keys: "Control+B", run: function (box) {
      wrap(box, "**", words("bold-sample", "bold text"));
    }},
    {name: words("italic", "Italic"), keys: "Control+I", run: function (box) {
      wrap(box, "*", words("italic-sample", "italic text"));
    }},
    {name: words("heading", "Heading"), run: function (box) {
      prefixLines(box, /^#{1,6} /, function () { return "## "; });
    }},
    {name: words("bulleted", "Bulleted list"), run: function (box) {
      prefixLines(box, /^[-*+] /, function () { return "- "; });
    }},
    {name: words("numbered", "Numbered list"), run: function (box) {
      prefixLines(box, /^\d+\. /, function (n) { return n + ". "; });
    }},
    {name: words("link", "Link"), run: link},
    {name: words("quote", "Quote"), run: function (box) {
      prefixLines(box, /^> ?/, function () { return "> "; });
    }}
  ];

  function attach(box) {
    var bar = document.createElement("div");
    bar.className = "md-toolbar";
    bar.setAttribute("role", "toolbar");
    // Not the text box's own label: a search for that label must find the box alone.
    bar.setAttribute("aria-label", words("toolbar", "Markdown formatting"));
    if (box.id) {
      bar.setAttribute("aria-controls", box.id);
    }
    var buttons = ACTIONS.map(function (action, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = action.name;
      button.tabIndex = i === 0 ? 0 : -1;  // one tab stop; the arrow keys move along
      if (action.keys) {
        button.setAttribute("aria-keyshortcuts", action.keys);
        button.title = action.name + " (" + action.keys.replace("Control", "Ctrl") + ")";
      }
      // Keep the text box's selection: a mouse press would otherwise move the focus first.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { action.run(box); });
      bar.appendChild(button);
      return button;
    });
    bar.addEventListener("keydown", function (event) {
      var at = buttons.indexOf(document.activeElement);
      var to = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1}[event.key];
      if (at === -1 || to === undefined) {
        return;
      }
      event.preventDefault();
      to = (to + buttons.length) % buttons.length;
      buttons[at].tabIndex = -1;
      buttons[to].tabIndex = 0;
      buttons[to].focus();
    });
    box.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) {
        return;
      }
      var key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        ACTIONS[key === "b" ? 0 : 1].run(box);
      }
    });
    box.parentNode.insertBefore(bar, box);
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-markdown-toolbar]"), attach);
})();
