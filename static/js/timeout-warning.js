// The GOV.UK timeout warning. Two minutes (SESSION_TIMEOUT_WARNING) before the session would end, a modal dialog
// says so and offers "Stay signed in" (a request, so the idle time starts again) and "Sign out". The time left is
// asked of the server, which does not count that question as activity, so another tab's work is taken into account.
// Focus moves to the dialog's heading when it opens and back where it was when it closes; screen readers hear the
// warning when it opens and the time left each minute, and every 15 seconds in the last minute, not every second.
(function () {
  "use strict";
  var dialog = document.getElementById("timeout-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) { return; }
  var timeLeftUrl = dialog.getAttribute("data-time-left-url");
  var warningSeconds = parseInt(dialog.getAttribute("data-warning-seconds"), 10);
  var heading = document.getElementById("timeout-warning-heading");
  var countdown = dialog.querySelector(".js-timeout-countdown");
  var countdownText = dialog.querySelector(".js-timeout-countdown-text");
  var announce = dialog.querySelector(".js-timeout-announce");
  var limitNote = dialog.querySelector(".js-timeout-limit");
  var extendForm = dialog.querySelector(".js-timeout-extend");
  var checkTimer = null;
  var tickTimer = null;
  var endsAt = 0;
  var returnFocusTo = null;

  function inWords(seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function signedOut() {
    // The server has ended the session: asking for this page again shows the sign-in page and says why.
    window.location.href = window.location.pathname + window.location.search;
  }

  function schedule(secondsLeft) {
    window.clearTimeout(checkTimer);
    checkTimer = window.setTimeout(check, Math.max(1, secondsLeft - warningSeconds) * 1000);
  }

  function check() {
    fetch(timeLeftUrl, { credentials: "same-origin", redirect: "manual", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 302 || !response.ok) { throw new Error("ended"); }
        return response.json();
      })
      .then(function (state) {
        if (state.seconds_left > warningSeconds + 5) {
          if (dialog.open) { close(); }
          schedule(state.seconds_left);
        } else {
          open(state.seconds_left);
        }
      })
      .catch(signedOut);
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    countdown.textContent = inWords(left);
    // Ask the server rather than assume: it alone ends the session, and a page load before it has would count
    // as activity and start the session again.
    if (left === 0) { check(); return; }
    var minuteMark = left > 60 && left % 60 === 0;
    var lastMinuteMark = left <= 60 && left % 15 === 0;
    if (minuteMark || lastMinuteMark) {
      countdownText.textContent = inWords(left);
      announce.textContent = "We will sign you out in " + inWords(left) + ".";
    }
    tickTimer = window.setTimeout(tick, 1000);
  }

  function open(secondsLeft) {
    endsAt = Date.now() + secondsLeft * 1000;
    window.clearTimeout(tickTimer);
    countdown.textContent = inWords(secondsLeft);
    countdownText.textContent = inWords(secondsLeft);
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
      heading.focus();
      announce.textContent = heading.textContent + ". We will sign you out in " + inWords(secondsLeft) + ".";
    }
    tickTimer = window.setTimeout(tick, 1000);
  }

  function close() {
    window.clearTimeout(tickTimer);
    dialog.close();
    announce.textContent = "";
    if (returnFocusTo && typeof returnFocusTo.focus === "function") { returnFocusTo.focus(); }
  }

  function staySignedIn() {
    fetch(extendForm.action, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json" },
      body: new FormData(extendForm)
    })
      .then(function (response) {
        if (response.type === "opaqueredirect" || !response.ok) { throw new Error("ended"); }
        return response.json();
      })
      .then(function (state) {
        if (state.seconds_left > warningSeconds) {
          close();
          schedule(state.seconds_left);
        } else {
          // The 12-hour limit, not idleness: staying is not possible, so say so and keep counting down.
          limitNote.classList.remove("govuk-!-display-none");
          heading.focus();
        }
      })
      .catch(signedOut);
  }

  extendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    staySignedIn();
  });
  // Escape closes a modal dialog; here it means "Stay signed in", as in the GOV.UK pattern.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    staySignedIn();
  });

  // This page's own request has just restarted the idle time; the page says how long that leaves.
  schedule(parseInt(dialog.getAttribute("data-seconds-left"), 10));
})();
