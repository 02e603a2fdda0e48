// Live messages on a thread page: new messages and read receipts arrive over a web socket
// and are added to the list. Without this script the page works the same, one reload at a
// time. Text is always set with textContent, never as HTML.
(function () {
  "use strict";
  var list = document.getElementById("thread-messages");
  if (!list || !window.WebSocket) { return; }
  var thread = list.getAttribute("data-engagement");
  var me = list.getAttribute("data-me");
  var readForm = document.getElementById("read-form");
  var retry = 1000;

  var unreadWaiting = false;

  // Marks the thread read only while the page is in view; a tab in the background waits.
  function markRead() {
    if (!readForm || !window.fetch) { return; }
    if (document.visibilityState === "hidden") { unreadWaiting = true; return; }
    unreadWaiting = false;
    fetch(readForm.action, { method: "POST", body: new FormData(readForm), credentials: "same-origin" });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && unreadWaiting) { markRead(); }
  });

  // The newest message shown, to ask for what came after it.
  function newest() {
    var items = list.querySelectorAll("li[data-sent]");
    return items.length ? items[items.length - 1].getAttribute("data-sent") : "";
  }

  function timeText(iso) {
    var date = new Date(iso);
    return isNaN(date) ? "" : date.toLocaleString([document.documentElement.lang || "en"], {
      dateStyle: "medium", timeStyle: "short"
    });
  }

  function add(event) {
    if (document.getElementById("m-" + event.id)) { return; }
    var empty = document.getElementById("no-messages");
    if (empty) { empty.parentNode.removeChild(empty); }
    var item = document.createElement("li");
    item.className = "message" + (event.senderId === me ? " mine" : "");
    item.id = "m-" + event.id;
    item.setAttribute("data-sent", event.sentAt);
    var meta = document.createElement("p");
    meta.className = "message-meta";
    var who = document.createElement("strong");
    who.textContent = event.senderName;
    var when = document.createElement("span");
    when.textContent = timeText(event.sentAt);
    meta.appendChild(who);
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(when);
    if (event.senderId === me && list.getAttribute("data-seen-label")) {
      var mark = document.createElement("span");
      mark.className = "seen";
      mark.hidden = true;
      mark.textContent = list.getAttribute("data-seen-label");
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(mark);
    }
    var body = document.createElement("p");
    body.className = "prewrap";
    body.textContent = event.body;
    item.appendChild(meta);
    item.appendChild(body);
    list.appendChild(item);
    if (event.senderId !== me) { markRead(); }
  }

  // Someone else read the thread up to `readAt`: the reader's own messages sent by then
  // have been seen.
  function seenUpTo(readAt) {
    var read = new Date(readAt);
    if (isNaN(read)) { return; }
    var waiting = list.querySelectorAll("li.mine");
    for (var i = 0; i < waiting.length; i++) {
      var mark = waiting[i].querySelector(".seen[hidden]");
      var sent = new Date(waiting[i].getAttribute("data-sent"));
      if (mark && !isNaN(sent) && sent <= read) { mark.hidden = false; }
    }
  }

  function seen(event) {
    if (event.readerId !== me) { seenUpTo(event.readAt); }
  }

  // What happened while the page was loading or the socket was away: ask once it is open.
  function catchUp() {
    if (!window.fetch) { return; }
    var since = newest();
    fetch("/messages/" + thread + "/receipt" + (since ? "?since=" + encodeURIComponent(since) : ""),
      { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (receipt) {
        if (!receipt) { return; }
        (receipt.messages || []).forEach(add);
        if (receipt.othersReadAt) { seenUpTo(receipt.othersReadAt); }
      })
      .catch(function () {});
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + location.host + "/messages/live");
    socket.onopen = function () {
      retry = 1000;
      catchUp();
      list.setAttribute("data-live", "on");
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.engagementId !== thread) { return; }
      if (event.type === "message") { add(event); }
      if (event.type === "read") { seen(event); }
    };
    socket.onclose = function () {
      list.setAttribute("data-live", "off");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  connect();
})();
