/* The search page's small enhancements; the page works the same without them.
   - "Use my location": the browser's position (rounded to about a kilometre) goes into
     the hidden lat/lon fields and the search runs; a refusal is said in plain words.
   - The filter panel starts open on wide screens (it is a <details> to save room on phones).
   No inline script: this file is loaded with `defer` (CSP-friendly). */
(function () {
  "use strict";

  function setUpNearMe() {
    var button = document.querySelector("[data-near-me]");
    if (!button || !("geolocation" in navigator)) return;
    var form = button.closest("form");
    var near = form.querySelector("[name=near]");
    var lat = form.querySelector("[name=lat]");
    var lon = form.querySelector("[name=lon]");
    var status = document.getElementById("near-me-status");
    if (!near || !lat || !lon || !status) return;

    function say(text) { status.textContent = text; }

    button.hidden = false;
    button.addEventListener("click", function () {
      say(button.getAttribute("data-locating"));
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        button.disabled = false;
        lat.value = position.coords.latitude.toFixed(2);
        lon.value = position.coords.longitude.toFixed(2);
        near.value = "";
        say(button.getAttribute("data-found"));
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }, function (error) {
        button.disabled = false;
        lat.value = "";
        lon.value = "";
        say(button.getAttribute(error.code === 1 ? "data-refused" : "data-failed"));
        near.focus();
      }, { timeout: 15000, maximumAge: 600000 });
    });
    // A typed place replaces the browser's position.
    near.addEventListener("input", function () {
      if (lat.value || lon.value) {
        lat.value = "";
        lon.value = "";
        say("");
      }
    });
  }

  function openFiltersOnWideScreens() {
    var panel = document.querySelector("details.filters");
    if (panel && window.matchMedia && window.matchMedia("(min-width: 60em)").matches) {
      panel.open = true;
    }
  }

  setUpNearMe();
  openFiltersOnWideScreens();
})();
