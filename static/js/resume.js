// "Resume where you left off": remember the section heading the learner is reading.
// The last heading above a line a third of the way down the window (or, at the end of the
// page, the last heading on screen) is the section being read; it is sent when it changes (at most every few seconds) and when the page is left.
// The server checks that the heading belongs to this module before keeping it.
(function () {
  "use strict";
  var article = document.querySelector("article[data-position]");
  if (!article || !window.fetch) { return; }
  var ENDPOINT = article.getAttribute("data-position");
  var CSRF = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var headings = Array.prototype.slice.call(
    article.querySelectorAll("h2[id^='sec-'], h3[id^='sec-']"));
  if (!headings.length) { return; }
  var current = null, sent = null, SEND_MS = 5000;

  function reading() {
    // At the end of the page the last sections cannot scroll up that far: whichever
    // heading is on screen then counts.
    var atEnd = window.innerHeight + window.pageYOffset >= document.documentElement.scrollHeight - 4;
    var line = atEnd ? window.innerHeight : window.innerHeight / 3, found = null;
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top <= line) { found = headings[i].id; } else { break; }
    }
    return found;
  }
  function update() {
    var id = reading();
    if (id) { current = id; }
  }
  function send() {
    if (!current || current === sent) { return; }
    var section = current;
    fetch(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": CSRF },
      body: JSON.stringify({ section: section })
    }).then(function (response) {
      // A refusal is final (the heading is gone, the module closed); retry only 5xx.
      if (response.status < 500) { sent = section; }
    }).catch(function () { /* offline: the timer tries again */ });
  }
  function beacon() {
    if (!current || current === sent || !navigator.sendBeacon) { return; }
    var form = new FormData();
    form.append("csrf_token", CSRF);
    form.append("section", current);
    if (navigator.sendBeacon(ENDPOINT, form)) { sent = current; }
  }

  var pending = false;
  window.addEventListener("scroll", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; update(); });
  }, { passive: true });
  window.addEventListener("hashchange", update);
  setInterval(send, SEND_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { update(); beacon(); }
  });
  window.addEventListener("pagehide", function () { update(); beacon(); });
  update();
  // Tests can force a send.
  window.courseReading = { send: function () { update(); send(); }, current: function () { return current; } };
})();
