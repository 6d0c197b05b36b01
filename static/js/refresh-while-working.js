// A page about work a worker is doing (a subject access bundle): while the element marked
// data-refresh-while-working is on the page, ask for the page again every few seconds and put the new state into
// the element's aria-live region; once the work is finished (the new page has no such element), load it. Without
// JavaScript the page's own "Refresh" link does the same by hand.
(function () {
  "use strict";
  var box = document.querySelector("[data-refresh-while-working]");
  if (!box || !window.fetch || !window.DOMParser) { return; }
  var delay = 3000;

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-refresh-while-working]");
        if (!fresh) { window.location.reload(); return; }
        if (fresh.textContent !== box.textContent) { box.textContent = fresh.textContent; }
        delay = Math.min(delay + 1000, 8000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
})();
