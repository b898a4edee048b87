// Small progressive enhancement; every page works without it.
(function () {
  "use strict";
  // Show times on the viewer's own clock: remember the browser's time zone, and draw the
  // page again once if it was written for another zone.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var shown = document.documentElement.getAttribute("data-time-zone");
    if (zone && zone !== shown && document.cookie.indexOf("civic_tz=") === -1) {
      document.cookie = "civic_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax; secure";
      if (document.cookie.indexOf("civic_tz=") !== -1) { window.location.reload(); }
    }
  } catch (e) { /* no Intl: times stay in the zone the page names */ }
  // Move focus to the summary of a form's errors, so that it is read first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
