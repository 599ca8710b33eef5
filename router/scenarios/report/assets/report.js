// The scenario report's interactive map (router/scenarios/report/html.py inlines this file).
// Leaflet without any tile server: the base layer is the Natural Earth land GeoJSON embedded in
// the page; flows are polylines with popups; baseline, scenario and difference layers toggle.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var land = JSON.parse(document.getElementById("land-data").textContent);
  var colours = data.colours;

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function num(x, digits) {
    return Number(x).toLocaleString("en", { maximumFractionDigits: digits === undefined ? 1 : digits });
  }
  function signed(x, digits) {
    return (x > 0 ? "+" : "") + num(x, digits);
  }

  var map = L.map("map", { zoomSnap: 0.25, minZoom: 1, maxZoom: 12, worldCopyJump: false });
  map.fitBounds(data.gba); // a view before any layer: vector layers need the map's bounds
  map.getContainer().style.background = colours.sea;
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Land: Natural Earth (public domain)");

  var landStyle = {
    color: colours.coast, weight: 0.6, fillColor: colours.land, fillOpacity: 1,
    interactive: false, className: "land",
  };
  var landLayer = L.layerGroup([
    L.geoJSON(land, { style: landStyle }),
    // the display longitudes reach past 180 degrees (the Americas east of the Pacific)
    L.geoJSON(land, {
      style: landStyle,
      coordsToLatLng: function (c) { return L.latLng(c[1], c[0] + 360); },
    }),
  ]).addTo(map);

  var networkLayer = L.polyline(data.network, {
    color: colours.network, weight: 1, opacity: 0.55, interactive: false, className: "network",
  }).addTo(map);

  var maxTeu = data.max_teu > 0 ? data.max_teu : 1;
  var maxDelta = data.max_delta_teu > 0 ? data.max_delta_teu : 1;
  function width(value, top) { return 1.5 + 10 * Math.abs(value) / top; }

  function flowPopup(f, run) {
    return "<b>" + esc(f.seg) + "</b><br>" + esc(run) + " &middot; " + esc(f.mode) +
      "<br>TEU: " + num(f.teu) + "<br>weight: " + num(f.kg / 1000) + " t" +
      "<br>shipments: " + num(f.n, 0);
  }
  function diffPopup(f, run) {
    return "<b>" + esc(f.seg) + "</b><br>" + esc(run) + " vs baseline &middot; " + esc(f.mode) +
      "<br>TEU: " + num(f.teu_base) + " &rarr; " + num(f.teu_run) + " (" + signed(f.d_teu) + ")" +
      "<br>weight: " + num(f.kg_base / 1000) + " &rarr; " + num(f.kg_run / 1000) + " t (" +
      signed(f.d_kg / 1000) + ")" + "<br>shipments: " + signed(f.d_n, 0);
  }

  function flowLayer(run) {
    var group = L.layerGroup();
    run.flows.forEach(function (f) {
      var loose = f.teu <= 0;
      L.polyline(f.c, {
        color: colours.flow, opacity: 0.8, lineCap: "round",
        weight: loose ? 1.5 : width(f.teu, maxTeu), dashArray: loose ? "2 5" : null,
        className: "flow flow-" + run.slug,
      }).bindPopup(flowPopup(f, run.title)).addTo(group);
    });
    return group;
  }
  function diffLayer(run) {
    var group = L.layerGroup();
    run.diff.forEach(function (f) {
      var loose = f.d_teu === 0;
      var up = loose ? f.d_kg > 0 : f.d_teu > 0;
      L.polyline(f.c, {
        color: up ? colours.more : colours.less, opacity: 0.85, lineCap: "round",
        weight: loose ? 2 : width(f.d_teu, maxDelta), dashArray: loose ? "2 5" : null,
        className: "flow flow-diff diff-" + run.slug,
      }).bindPopup(diffPopup(f, run.title)).addTo(group);
    });
    return group;
  }

  var overlays = { "Land (Natural Earth)": landLayer, "Network links": networkLayer };
  data.runs.forEach(function (run, i) {
    var flows = flowLayer(run);
    overlays["Flows: " + esc(run.title)] = flows;
    if (i === 0) { flows.addTo(map); }
    if (run.diff) { overlays["Change: " + esc(run.title) + " vs baseline"] = diffLayer(run); }
  });

  var nodes = L.layerGroup();
  data.nodes.forEach(function (n) {
    L.circleMarker([n.lat, n.lon], {
      radius: 3, color: "#333", weight: 1, fillColor: "#fff", fillOpacity: 1, className: "node",
    }).bindPopup("<b>" + esc(n.id) + "</b><br>" + esc(n.name) + "<br>" + esc(n.kind)).addTo(nodes);
  });
  nodes.addTo(map);
  overlays["Nodes on flows"] = nodes;
  L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);

  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "legend");
    div.innerHTML =
      '<span class="swatch" style="background:' + colours.flow + '"></span>flow (width: TEU)<br>' +
      '<span class="swatch dotted" style="border-color:' + colours.flow + '"></span>loose cargo only<br>' +
      '<span class="swatch" style="background:' + colours.more + '"></span>more TEU than baseline<br>' +
      '<span class="swatch" style="background:' + colours.less + '"></span>fewer TEU than baseline';
    return div;
  };
  legend.addTo(map);

  var views = L.control({ position: "topleft" });
  views.onAdd = function () {
    var div = L.DomUtil.create("div", "views leaflet-bar");
    [["GBA", data.gba], ["World", data.world]].forEach(function (v) {
      var b = L.DomUtil.create("button", "", div);
      b.type = "button";
      b.textContent = v[0];
      L.DomEvent.on(b, "click", function (e) { L.DomEvent.stop(e); map.fitBounds(v[1]); });
    });
    return div;
  };
  views.addTo(map);

  window.reportMap = map;
  document.body.setAttribute("data-map-ready", "1");
})();
