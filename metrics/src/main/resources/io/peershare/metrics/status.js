// The status page reloads itself every few seconds, but never while someone types in it.
(function () {
  "use strict";
  var every = 5000;
  function busy() {
    var a = document.activeElement;
    return a && (a.tagName === "INPUT" || a.tagName === "SELECT" || a.tagName === "TEXTAREA");
  }
  function tick() {
    if (busy() || document.hidden) {
      setTimeout(tick, every);
    } else {
      location.reload();
    }
  }
  setTimeout(tick, every);
})();
