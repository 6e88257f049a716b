// The gap analysis page's Leaflet map: loaded only when a tile server is configured
// (COMMONWEAL_MAP_TILE_URL). It replaces the server-drawn SVG point map with the same dots
// over map tiles; without JavaScript, or if Leaflet fails, the SVG map stays.
(function () {
  "use strict";

  function label(text) {
    // A text node, never HTML: Leaflet would read a string tooltip as markup.
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function enhance(root) {
    var box = root.querySelector ? root.querySelector("[data-gap-leaflet]") : null;
    if (!box || !window.L || box.getAttribute("data-ready")) {
      return;
    }
    // In an attribute, not a <script type="application/json">: htmx (allowScriptTags off)
    // drops script elements from swapped-in results.
    var data = JSON.parse(box.getAttribute("data-points") || "{\"areas\": []}");
    if (!data.areas.length) {
      return;
    }
    box.hidden = false;
    box.setAttribute("data-ready", "1");
    var map = window.L.map(box, { scrollWheelZoom: false });
    window.L.tileLayer(box.getAttribute("data-tiles"), {
      attribution: box.getAttribute("data-attribution") || "",
      maxZoom: 18,
    }).addTo(map);
    var bounds = [];
    data.areas.forEach(function (a) {
      window.L.circleMarker([a[0], a[1]], {
        radius: 5, color: "#333", weight: 1, fillColor: a[2], fillOpacity: 0.9,
      }).bindTooltip(label(a[3])).addTo(map);
      bounds.push([a[0], a[1]]);
    });
    data.sites.forEach(function (s) {
      window.L.circleMarker([s[0], s[1]], {
        radius: 3, color: "#000", weight: 2, fillColor: "#000", fillOpacity: 1,
      }).addTo(map);
    });
    map.fitBounds(bounds);
    var svg = root.querySelector("[data-gap-svg]");
    if (svg) {
      // An <svg> has no .hidden property (HTML elements only): set the attribute.
      svg.setAttribute("hidden", "");
    }
    document.documentElement.setAttribute("data-gap-map", "leaflet");
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  // htmx swaps in new results: draw their map (the old one went with the old results).
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
})();
