// Fields marked data-select-on-focus (the new API token) select their whole value when they
// get the focus, ready to copy. Without this script the value can be selected by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
