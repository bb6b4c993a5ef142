// Live numbering preview for the secretariat's source editor. Without JavaScript the
// preview is rendered by the server each time the text is saved.
(function () {
  "use strict";
  var form = document.getElementById("source-form");
  var target = document.getElementById("preview");
  if (!form || !target || !window.fetch) return;
  var source = form.querySelector("textarea[name=source]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var timer = null;
  var inFlight = null;

  function refresh() {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    var body = new FormData();
    body.append("source", source.value);
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token.value },
      credentials: "same-origin",
      signal: inFlight.signal,
    })
      .then(function (response) { return response.text(); })
      .then(function (html) { target.innerHTML = html; })
      .catch(function (error) { if (error.name !== "AbortError") throw error; });
  }

  source.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  });
})();
