/* The search page's small enhancements; the page works the same without them.
   - "Use my location": the browser's position (rounded to about a kilometre) goes into
     the hidden lat/lon fields and the search runs; a refusal is said in plain words.
   - The filter panel starts open on wide screens (it is a <details> to save room on phones).
   - Results being fetched are marked busy, and a failed fetch is said.
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

  // While htmx fetches results the list is marked busy, so a screen reader waits for the
  // new list; a failed fetch is said instead of leaving old results looking current.
  // (A fetch replaced by a newer one ends with afterRequest too: hence the count.)
  function watchResultUpdates() {
    var results = document.getElementById("results");
    var failure = document.getElementById("results-error");
    if (!results || !failure) return;
    var pending = 0;
    function on(name, handler) {
      document.body.addEventListener(name, function (event) {
        if (event.detail && event.detail.target === results) handler(event);
      });
    }
    function failed() {
      failure.textContent = failure.getAttribute("data-message");
      failure.hidden = false;
    }
    on("htmx:beforeRequest", function () {
      pending += 1;
      results.setAttribute("aria-busy", "true");
      failure.hidden = true;
      failure.textContent = "";
    });
    on("htmx:afterRequest", function () {
      pending = Math.max(pending - 1, 0);
      if (!pending) results.removeAttribute("aria-busy");
    });
    on("htmx:responseError", failed);
    on("htmx:sendError", failed);
    on("htmx:timeout", failed);
  }

  setUpNearMe();
  openFiltersOnWideScreens();
  watchResultUpdates();
})();
