/* The Annotations screen. A filter that can't be applied comes back as a 400 whose body shows what is
   wrong; htmx does not swap error responses by default, so swap that one into the results. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.id === "results") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
