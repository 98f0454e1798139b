// Module progress: active time, video playback, sent in batches with ids so resends are no-ops.
// Our own script (no third-party code): HTML5 video directly, YouTube and Vimeo players
// through their documented postMessage interfaces.
(function () {
  "use strict";
  var panel = document.getElementById("checklist");
  if (!panel) { return; }
  var MODULE = panel.getAttribute("data-module");
  var REVISION = parseInt(panel.getAttribute("data-revision"), 10);
  // The content language of this page (en, fr): each event records the language it happened in.
  var LANGUAGE = panel.getAttribute("data-language") || undefined;
  var ENDPOINT = panel.getAttribute("data-endpoint");
  var CSRF = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  // One queue per learner for every module page, so a shared browser never mixes people.
  var STORE = "course-progress-queue:" + panel.getAttribute("data-learner");
  // The checklist's words in the page's language (the server writes them on the panel).
  function text(name, fallback) { return panel.getAttribute("data-text-" + name) || fallback; }
  var TEXT = {
    done: text("done", "Done:"), todo: text("todo", "To do:"), complete: text("complete", "Complete"),
    percent: text("percent", "{percent}% done"), item: text("item", "{label}: {status}")
  };
  var IDLE_MS = 60000, TICK_MS = 1000, FLUSH_MS = 15000, SEGMENT_MS = 5000, MAX_QUEUE = 5000;

  // ---- the queue: kept in localStorage until the server acknowledges it ----
  // Entries are {module, revision, language, event}; a page also sends what other pages left
  // behind. A batch holds entries of one module revision and one page language.
  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function save(entries) {
    try { localStorage.setItem(STORE, JSON.stringify(entries.slice(-MAX_QUEUE))); } catch (e) { /* private mode */ }
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function push(event) {
    event.id = newId();
    event.at = new Date().toISOString();
    var entries = load();
    entries.push({ module: MODULE, revision: REVISION, language: LANGUAGE, event: event });
    save(entries);
  }
  function nextBatch() {
    var entries = load();
    if (!entries.length) { return null; }
    var first = entries[0];
    var events = entries.filter(function (x) {
      return x.module === first.module && x.revision === first.revision &&
        x.language === first.language;
    }).slice(0, 200).map(function (x) { return x.event; });
    // An entry queued before pages stated their language has none: the server then takes
    // the language of the request (JSON.stringify leaves an undefined key out).
    return { module: first.module, revision: first.revision, language: first.language, events: events };
  }
  function forget(batch) {
    var sent = {};
    batch.events.forEach(function (e) { sent[e.id] = true; });
    save(load().filter(function (x) { return !sent[x.event.id]; }));
  }

  var sending = false;
  function flush() {
    var batch = nextBatch();
    if (sending || !batch) { return; }
    sending = true;
    fetch(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": CSRF },
      body: JSON.stringify(batch)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        // 5xx, 429 and network errors keep the events for the next try; any other refusal
        // is final (a bad or locked event must not block the rest of the queue).
        if (response.status >= 500 || response.status === 429) { throw new Error("retry later"); }
        forget(batch);
        if (response.ok && batch.module === MODULE && batch.revision === REVISION) { show(body); }
        if (nextBatch()) { setTimeout(flush, 0); }
      });
    }).catch(function () { /* kept; the timers send it again */ }).then(function () {
      sending = false;
    });
  }
  function beacon() {
    var batch = nextBatch();
    if (!batch || !navigator.sendBeacon) { return; }
    var form = new FormData();
    form.append("csrf_token", CSRF);
    form.append("payload", JSON.stringify(batch));
    navigator.sendBeacon(ENDPOINT, form);  // kept in the queue: a resend next visit is a no-op
  }

  // ---- the checklist shown on the page ----
  function show(body) {
    if (!body.checklist) { return; }
    var list = document.getElementById("checklist-items");
    list.textContent = "";
    body.checklist.forEach(function (item) {
      var li = document.createElement("li");
      li.className = item.done ? "done" : "todo";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = (item.done ? TEXT.done : TEXT.todo) + " ";
      li.appendChild(hidden);
      li.appendChild(document.createTextNode(
        TEXT.item.replace("{label}", item.label).replace("{status}", item.status)));
      list.appendChild(li);
    });
    var status = document.getElementById("module-status");
    var text = body.complete ? TEXT.complete : TEXT.percent.replace("{percent}", body.percent);
    if (status.textContent !== text) { status.textContent = text; }
  }

  // ---- active time: visible tab and a recent interaction (or a playing video) ----
  var lastInteraction = Date.now(), activeSeconds = 0, playing = 0;
  ["mousemove", "keydown", "scroll", "touchstart", "click", "focusin"].forEach(function (name) {
    window.addEventListener(name, function () { lastInteraction = Date.now(); }, { passive: true });
  });
  setInterval(function () {
    var visible = document.visibilityState === "visible", acting = Date.now() - lastInteraction < IDLE_MS;
    if (visible && (playing > 0 || acting)) {
      activeSeconds += TICK_MS / 1000;
    }
    var reading = visible && acting ? readingTranscript() : null;
    if (reading) { transcriptSeconds[reading] = (transcriptSeconds[reading] || 0) + TICK_MS / 1000; }
  }, TICK_MS);
  function recordActive() {
    if (activeSeconds >= 1) {
      push({ type: "active", seconds: Math.round(activeSeconds) });
      activeSeconds = 0;
    }
    Object.keys(transcriptSeconds).forEach(function (key) {
      if (transcriptSeconds[key] >= 1) {
        push({ type: "transcript", video: key, seconds: Math.round(transcriptSeconds[key]) });
        transcriptSeconds[key] = 0;
      }
    });
  }

  // ---- transcripts: time with one open and on screen, while the person is active ----
  // One person reads one transcript at a time: the one opened last that is still open.
  var transcriptSeconds = {}, opened = [], onScreen = {};
  Array.prototype.forEach.call(document.querySelectorAll("details.transcript[data-video-key]"), function (details) {
    var key = details.getAttribute("data-video-key");
    onScreen[key] = !window.IntersectionObserver;
    if (window.IntersectionObserver) {
      new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) { onScreen[key] = entry.isIntersecting; });
      }).observe(details);
    }
    details.addEventListener("toggle", function () {
      opened = opened.filter(function (k) { return k !== key; });
      if (details.open) { opened.push(key); lastInteraction = Date.now(); }
    });
    if (details.open) { opened.push(key); }
  });
  function readingTranscript() {
    for (var i = opened.length - 1; i >= 0; i--) { if (onScreen[opened[i]]) { return opened[i]; } }
    return null;
  }

  // ---- videos: one tracker per player; only continuous playback counts ----
  function Tracker(key) {
    this.key = key; this.start = null; this.last = null; this.duration = 0; this.openedAt = 0; this.isPlaying = false;
  }
  Tracker.prototype.close = function () {
    if (this.start !== null && this.last !== null && this.last - this.start > 0.25) {
      push({ type: "played", video: this.key, from: round(this.start), to: round(this.last), duration: round(this.duration) });
    }
    this.start = null;
  };
  Tracker.prototype.tick = function (time, duration, rate) {
    if (duration) { this.duration = duration; }
    var now = Date.now();
    var wall = this.lastWall ? (now - this.lastWall) / 1000 : 0;
    this.lastWall = now;
    if (!this.isPlaying) { this.last = time; return; }
    var step = time - (this.last === null ? time : this.last);
    // Media time may advance only as fast as the clock (times the playback rate);
    // anything more is a jump, and what lies between was not watched.
    var allowed = wall * Math.max(1, rate || 1) * 1.5 + 0.3;
    if (this.start === null || step < 0 || step > allowed) {
      this.close();
      this.start = time;
      this.openedAt = now;
    }
    this.last = time;
    if (Date.now() - this.openedAt > SEGMENT_MS) {  // report long viewing as it happens
      this.close();
      this.start = time;
      this.openedAt = Date.now();
    }
  };
  Tracker.prototype.play = function (time) {
    if (!this.isPlaying) { playing += 1; }
    this.isPlaying = true; this.last = time; this.start = time; this.openedAt = Date.now();
    this.lastWall = Date.now();
    push({ type: "play", video: this.key, position: round(time), duration: round(this.duration) || undefined });
  };
  Tracker.prototype.pause = function (time, ended) {
    if (this.isPlaying) { playing -= 1; }
    if (time !== undefined && time !== null) { this.tick(time, 0, 1); }
    this.close();
    this.isPlaying = false;
    push({ type: ended ? "ended" : "pause", video: this.key, position: round(this.last || 0), duration: round(this.duration) || undefined });
  };
  function round(x) { return Math.round(x * 100) / 100; }

  function trackHtml5(figure, video) {
    var t = new Tracker(figure.getAttribute("data-video-key"));
    video.addEventListener("loadedmetadata", function () { t.duration = video.duration; });
    video.addEventListener("play", function () { t.duration = video.duration || t.duration; t.play(video.currentTime); });
    video.addEventListener("timeupdate", function () { t.tick(video.currentTime, video.duration, video.playbackRate); });
    video.addEventListener("seeking", function () {
      var from = t.last;
      t.close();
      if (from !== null && Math.abs(video.currentTime - from) > 0.5) {
        push({ type: "seek", video: t.key, from: round(from), to: round(video.currentTime), duration: round(video.duration) || undefined });
      }
      t.last = video.currentTime;
      t.start = t.isPlaying ? video.currentTime : null;
      t.openedAt = Date.now();
    });
    video.addEventListener("pause", function () { if (!video.ended) { t.pause(video.currentTime, false); } });
    video.addEventListener("ended", function () { t.pause(video.currentTime, true); flush(); });
  }

  function trackFrame(figure, iframe, kind) {
    var t = new Tracker(figure.getAttribute("data-video-key"));
    var origin = kind === "youtube" ? "https://www.youtube-nocookie.com" : "https://player.vimeo.com";
    function hello() {
      if (!iframe.contentWindow) { return; }
      frames_set(iframe.contentWindow, { tracker: t, kind: kind, state: -1 });
      if (kind === "youtube") {
        iframe.contentWindow.postMessage(JSON.stringify({ event: "listening", id: figure.getAttribute("data-video-key"), channel: "widget" }), origin);
      } else {
        ["play", "pause", "seeked", "timeupdate", "ended"].forEach(function (name) {
          iframe.contentWindow.postMessage(JSON.stringify({ method: "addEventListener", value: name }), origin);
        });
      }
    }
    iframe.addEventListener("load", hello);
    hello();
  }
  var frameList = [];
  function frames_set(win, info) {
    for (var i = 0; i < frameList.length; i++) { if (frameList[i].win === win) { frameList[i].info = info; return; } }
    frameList.push({ win: win, info: info });
  }
  function frameFor(win) {
    for (var i = 0; i < frameList.length; i++) { if (frameList[i].win === win) { return frameList[i].info; } }
    return null;
  }
  window.addEventListener("message", function (message) {
    if (message.origin !== "https://www.youtube-nocookie.com" && message.origin !== "https://player.vimeo.com") { return; }
    var info = frameFor(message.source);
    if (!info) { return; }
    var data;
    try { data = typeof message.data === "string" ? JSON.parse(message.data) : message.data; } catch (e) { return; }
    var t = info.tracker;
    if (info.kind === "youtube" && data && data.event === "infoDelivery" && data.info) {
      var state = data.info.playerState;
      if (typeof data.info.duration === "number") { t.duration = data.info.duration; }
      if (typeof data.info.currentTime === "number") { t.tick(data.info.currentTime, t.duration, data.info.playbackRate || 1); }
      if (state !== undefined && state !== info.state) {
        if (state === 1) { t.play(t.last || 0); }
        if (state === 2) { t.pause(t.last, false); }
        if (state === 0) { t.pause(t.last, true); }
        info.state = state;
      }
    } else if (info.kind === "vimeo" && data && data.event) {
      var d = data.data || {};
      if (typeof d.duration === "number") { t.duration = d.duration; }
      if (data.event === "timeupdate") { t.tick(d.seconds, d.duration, 1); }
      if (data.event === "play") { t.play(d.seconds || t.last || 0); }
      if (data.event === "pause") { t.pause(d.seconds, false); }
      if (data.event === "ended") { t.pause(d.seconds, true); }
      if (data.event === "seeked") { t.close(); t.last = d.seconds; t.start = t.isPlaying ? d.seconds : null; }
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll("figure.video[data-video-key]"), function (figure) {
    var kind = figure.getAttribute("data-video-kind");
    var video = figure.querySelector("video");
    var iframe = figure.querySelector("iframe");
    if (kind === "file" && video) { trackHtml5(figure, video); }
    if ((kind === "youtube" || kind === "vimeo") && iframe) { trackFrame(figure, iframe, kind); }
  });

  // ---- the rhythm: record time, send batches, send what is left when leaving ----
  setInterval(function () { recordActive(); flush(); }, FLUSH_MS);
  setInterval(flush, 5000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { recordActive(); beacon(); }
  });
  window.addEventListener("pagehide", function () { recordActive(); beacon(); });
  window.addEventListener("online", flush);
  flush();  // anything left from an earlier visit or an outage
  // Tests and the page's own links can force a send.
  window.courseProgress = { flush: function () { recordActive(); flush(); }, pending: function () { return load().length; } };
})();
