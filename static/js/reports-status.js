// Report page: while a report is being made, ask for its state every few seconds and say how it is going in
// the aria-live region. When it is finished, load the page again to show the download link or the reason.
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var text = document.getElementById("report-progress-text");
  var bar = document.getElementById("report-progress");
  var refresh = document.getElementById("report-refresh");
  var last = "";
  var delay = 2000;
  if (refresh) { refresh.hidden = true; }

  function say(message) {
    if (text && message !== last) {
      last = message;
      text.innerHTML = "";
      var p = document.createElement("p");
      p.className = "govuk-body";
      p.textContent = message;
      text.appendChild(p);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        if (bar) { bar.value = status.progress; bar.textContent = status.progress + "%"; }
        if (status.finished) {
          say(status.state === "done" ? "The report is ready. Loading the download link." : "The report could not be made.");
          window.setTimeout(function () { window.location.reload(); }, 1000);
          return;
        }
        say(status.state === "queued" ? "Waiting for a worker to start on it." : (status.note || "Being made") + ": " + status.progress + "% done.");
        delay = Math.min(delay + 500, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        if (refresh) { refresh.hidden = false; }
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, delay);
})();
