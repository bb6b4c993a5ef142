// A digest's page while the worker builds it: ask the API for its progress every second and
// show it; reload the page once it is ready or has failed (or, on a ready digest, once its
// comment matrix files are there). Without this script the page refreshes itself every five
// seconds.
(function () {
  "use strict";
  var panel = document.querySelector(".digest-progress");
  if (!panel) return;
  var bar = document.getElementById("digest-progress-bar");
  var stage = document.getElementById("digest-stage");
  var text = document.getElementById("digest-progress-text");
  var url = panel.getAttribute("data-status-url");
  var matrixOnly = panel.getAttribute("data-wait-for") === "matrix";

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (digest) {
        if (!digest) return setTimeout(poll, 3000);
        if (matrixOnly) {
          if (digest.matrix_ready) window.location.reload();
          else setTimeout(poll, 2000);
          return;
        }
        if (digest.status === "ready" || digest.status === "failed") {
          window.location.reload();
          return;
        }
        bar.value = digest.progress;
        bar.textContent = digest.progress + " %";
        stage.textContent = digest.stage || panel.getAttribute("data-waiting");
        text.textContent = panel.getAttribute("data-done").replace("{progress}", digest.progress + " %");
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
