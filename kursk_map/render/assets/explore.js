/* kursk_map explorer: what did source S claim on date D? (explore.html; see render/explore.py)
 *
 * Data: the page's JSON (#km-explore-data: sources, their dates, colours, border), the shared
 * settlements.js (window.__kmSettlements[sk]: positions, escaped names, places, references), one
 * series per source loaded when picked (explore/<slug>.js: changes per date, escaped claim texts)
 * and the spelling index (explore/search.js). Every text that reaches innerHTML was escaped when
 * the atlas was built; what a user types is only ever compared, never inserted as HTML.
 * The URL hash holds source, date, zoom, centre and the selected settlement.
 */
(function () {
  "use strict";

  performance.mark("km-start");
  var boot = window.__kmExplore || {};
  var CFG = boot.cfg || JSON.parse(document.getElementById("km-explore-data").textContent);
  var S = (window.__kmSettlements || {})[CFG.sk];
  var SERIES = boot.series || "explore/";
  var $ = function (id) { return document.getElementById(id); };
  var GROUP = {U: "UA", u: "UA", R: "RU", r: "RU", C: "contested", c: "contested", "-": "baseline"};
  var ORDER = ["UA", "RU", "contested", "baseline"];
  var COUNTRY = {R: "RU", U: "UA"};
  var api = window.kmExplore = {ready: false, lastDrawMs: null};
  var loading = {};
  if (boot.preload) {  // explore-boot.js started loading this one already
    loading[boot.preload.slug] = boot.preload.done.then(function () { return window.__kmSeries[boot.preload.slug]; });
  }

  if (!S) {
    $("km-verdict").textContent = "settlements.js did not load: keep it beside explore.html.";
    console.error("kursk_map: settlements.js (" + CFG.sk + ") did not load");
    return;
  }
  var N = S.lat.length;
  var sources = {};
  CFG.sources.forEach(function (s) { sources[s.slug] = s; });

  // ---- the map ------------------------------------------------------------------------------
  var map = L.map("km-map", {preferCanvas: true, zoomSnap: 0.5, attributionControl: true});
  api.map = map;
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a> | kursk_map');
  var osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
  }).addTo(map);
  var sat = L.tileLayer(
    "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
    {maxZoom: 18, attribution: "Imagery &copy; Esri, Maxar, Earthstar Geographics"});
  var offline = false;
  osm.on("tileerror", function () {
    if (!offline) { offline = true; $("km-links").insertAdjacentHTML("afterend", "<p class='km-note'>" +
      "The base map did not load (offline?): settlements, border and claims are all drawn.</p>"); }
  });
  var border = L.layerGroup(CFG.border.map(function (line) {
    return L.polyline(line, {color: "#333", weight: 2, dashArray: "8 4", opacity: 0.8, interactive: false});
  })).addTo(map);
  var overlays = {};
  overlays[CFG.border_label || "International border"] = border;
  L.control.layers({"OpenStreetMap": osm, "Satellite (Esri World Imagery)": sat}, overlays,
                   {collapsed: true}).addTo(map);
  L.control.scale({position: "bottomleft"}).addTo(map);

  var renderer = L.canvas({padding: 0.3});
  var markers = new Array(N), drawn = new Array(N);
  // room above a popup for the zoom and layer buttons, so that they never cover its first lines
  var popup = L.popup({maxWidth: 360, autoPanPadding: [10, 20], autoPanPaddingTopLeft: [10, 84]});
  var ring = L.circleMarker([0, 0], {radius: 13, weight: 3, color: "#000", fill: false, interactive: false});
  for (var i = 0; i < N; i++) {
    var opts = style("baseline", S.a[i] === "1", false);  // as a settlement no claim has touched
    opts.renderer = renderer;
    markers[i] = L.circleMarker([S.lat[i], S.lon[i]], opts).addTo(map);
    markers[i].on("click", select.bind(null, i, false));
    markers[i].bindTooltip(tip.bind(null, i));
    drawn[i] = "baseline";
  }
  performance.mark("km-markers");

  // ---- state ----------------------------------------------------------------------------------
  var cur = {slug: null, date: null, k: -1, codes: null, refs: null, sel: null, changed: {}};

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = url;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(s);
    });
  }

  function series(slug) {
    var have = (window.__kmSeries || {})[slug];
    if (have) { return Promise.resolve(have); }
    if (!loading[slug]) {
      loading[slug] = loadScript(SERIES + encodeURIComponent(slug) + ".js").then(function () {
        return window.__kmSeries[slug];
      });
    }
    return loading[slug];
  }

  function indexOfDate(dates, date) {  // the last claim date on or before `date`, or -1
    var lo = 0, hi = dates.length - 1, k = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (dates[mid] <= date) { k = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return k;
  }

  function compute(ser, k) {
    var codes = new Array(N).fill("-"), refs = new Array(N).fill(null), changed = {};
    for (var j = 0; j <= k; j++) {
      var ev = ser.ev[j];
      for (var e = 0; e < ev.length; e++) {
        var x = ev[e];
        if (j === k && GROUP[codes[x[0]]] !== GROUP[x[1]]) { changed[x[0]] = true; }
        codes[x[0]] = x[1];
        refs[x[0]] = x[2];
      }
    }
    return {codes: codes, refs: refs, changed: changed};
  }

  function style(g, approx, moved) {
    var base = g === "baseline", colour = CFG.colours[g];
    return {
      radius: base ? 3.5 : (moved ? 8 : 6),
      color: moved ? "#000" : (approx ? colour : (base ? colour : "#222")),
      weight: moved ? 3 : (approx ? 2 : 1),
      dashArray: approx ? "3 3" : null,
      fillColor: colour,
      fillOpacity: base ? 0.55 : (approx ? 0.45 : 0.9)
    };
  }

  function draw(slug, date) {
    var t0 = performance.now(), ser = window.__kmSeries[slug], k = indexOfDate(ser.dates, date);
    var st = compute(ser, k), counts = {UA: 0, RU: 0, contested: 0, baseline: 0}, front = [];
    for (var i = 0; i < N; i++) {
      var g = GROUP[st.codes[i]], moved = st.changed[i] === true, key = g + (moved ? "*" : "");
      counts[g] += 1;
      if (drawn[i] !== key) {
        markers[i].setStyle(style(g, S.a[i] === "1", moved));
        drawn[i] = key;
        if (g !== "baseline") { front.push(i); }
      }
    }
    front.forEach(function (j) { markers[j].bringToFront(); });
    cur.slug = slug; cur.date = date; cur.k = k;
    cur.codes = st.codes; cur.refs = st.refs; cur.changed = st.changed;
    panel(ser, counts);
    if (cur.sel !== null && map.hasLayer(popup)) { popup.setContent(popupHtml(cur.sel)); }
    api.lastDrawMs = performance.now() - t0;
    writeHash();
  }

  // ---- panel --------------------------------------------------------------------------------
  var picker = $("km-source"), dateInput = $("km-date"), slider = $("km-slider");
  (function fillPicker() {
    var groups = {};
    CFG.sources.forEach(function (s) {
      if (!groups[s.side]) {
        groups[s.side] = document.createElement("optgroup");
        groups[s.side].label = {RU: "Russian side", UA: "Ukrainian side"}[s.side] || "Independent";
      }
      var o = document.createElement("option");
      o.value = s.slug;
      o.innerHTML = s.name + " \u2014 " + s.dates.length + (s.dates.length === 1 ? " date" : " dates");
      groups[s.side].appendChild(o);
    });
    ["RU", "UA", "independent"].concat(Object.keys(groups)).forEach(function (side) {
      if (groups[side] && !groups[side].parentNode) { picker.appendChild(groups[side]); }
    });
  })();
  dateInput.min = CFG.first;
  dateInput.max = CFG.last;

  function panel(ser, counts) {
    var s = sources[cur.slug], k = cur.k, n = ser.dates.length;
    picker.value = cur.slug;
    dateInput.value = cur.date;
    slider.max = String(n - 1);
    slider.value = String(Math.max(k, 0));
    $("km-t0").textContent = ser.dates[0];
    $("km-t1").textContent = ser.dates[n - 1];
    $("km-prev").disabled = k <= 0 && !(k === 0 && cur.date > ser.dates[0]);
    $("km-next").disabled = k >= n - 1;
    $("km-who").innerHTML = s.what + " \u00b7 " + s.claims + (s.claims === 1 ? " claim" : " claims") + ", " +
      ser.dates[0] + " to " + ser.dates[n - 1] + (s.url ? " \u00b7 <a href=\"" + s.url +
      "\" target=\"_blank\" rel=\"noopener noreferrer\">about</a>" : "");
    var verdict;
    if (k < 0) {
      verdict = "<b>" + s.name + "</b> made no claim on or before " + cur.date + "; its first is of " +
        ser.dates[0] + ". Every settlement is shown at its de jure country (grey).";
    } else {
      verdict = "<b>" + s.name + "</b>, as of <b>" + cur.date + "</b>" +
        (ser.dates[k] === cur.date ? " (a date of its claims)" : " (its latest claims before it: " + ser.dates[k] + ")") +
        ".";
    }
    $("km-verdict").innerHTML = verdict;
    $("km-legend").innerHTML = ORDER.map(function (g) {
      return "<li><span class='km-dot' style='background:" + CFG.colours[g] + "'></span>" + CFG.labels[g] +
        ": <b>" + counts[g].toLocaleString("en") + "</b></li>";
    }).join("") + "<li><span class='km-dot km-approx'></span>dashed ring: approximate position</li>" +
      "<li><span class='km-dot km-moved'></span>black ring: changed on " + (k >= 0 ? ser.dates[k] : "this date") +
      "</li>";
    var moved = Object.keys(cur.changed).map(Number);
    $("km-changes").innerHTML = k < 0 ? "<li>no claim yet</li>" : (moved.length ? moved.map(function (i) {
      return "<li>" + S.n[i] + " &rarr; " + CFG.labels[GROUP[cur.codes[i]]] + "</li>";
    }).slice(0, 40).join("") + (moved.length > 40 ? "<li>and " + (moved.length - 40) + " more</li>" : "")
      : "<li>no settlement changed group on " + ser.dates[k] + "</li>");
    $("km-changes-box").querySelector("summary").textContent =
      "Changed on " + (k >= 0 ? ser.dates[k] : "this date") + " (" + moved.length + ")";
    var figs = ser.figs.filter(function (f) { return f[0] <= cur.date; }).reverse();
    $("km-figs").innerHTML = figs.length ? figs.map(function (f) { return "<li>" + f[1] + "</li>"; }).join("")
      : "<li>none up to this date</li>";
    var links = [];
    if (k >= 0) {
      var day = ser.dates[k];
      links.push("<a href='" + cur.slug + "/" + day + ".html'>this map as a page</a> (to embed or print)");
      links.push("<a href='" + cur.slug + "/" + day + ".geojson'>data</a>");
      if (CFG.compare[day]) { links.push("<a href='" + CFG.compare[day] + "'>all sources on " + day + "</a>"); }
    }
    if (s.timeline) { links.push("<a href='" + s.timeline + "'>timeline</a>"); }
    $("km-links").innerHTML = links.join(" \u00b7 ");
  }

  function tip(i) {
    return S.n[i] + (S.a[i] === "1" ? " <i>(approx.)</i>" : "");
  }

  function popupHtml(i) {
    var s = sources[cur.slug], ser = window.__kmSeries[cur.slug], code = cur.codes[i], g = GROUP[code];
    var refs = cur.refs[i] || [], country = COUNTRY[(searchData && searchData.country[i]) || ""];
    var verdict;
    if (g === "baseline") {
      verdict = "No claim by " + s.name + " on or before " + cur.date + "; shown at its de jure country" +
        (country ? " (" + country + ")." : ".");
    } else {
      verdict = "<b>" + CFG.labels[g] + "</b> according to " + s.name + " on " + cur.date + " (" +
        (code === code.toLowerCase() ? "region-wide claim" : "claim") + " of " + ser.claims[refs[0]][0] + ").";
    }
    var lines = refs.map(function (k) {
      var c = ser.claims[k], by = c[3] ? "<a href=\"" + c[3] + "\" target=\"_blank\" rel=\"noopener noreferrer\">" +
        s.name + "</a>" : s.name;
      return "<li><b>" + c[0] + "</b> \u00b7 " + c[1] + " \u00b7 " + c[2] + " [" + by + "]</li>";
    }).join("");
    var r = S.r[i], ref = typeof r === "number" ? S.refs[r] : "<a href=\"https://www.geonames.org/" + r.slice(1) +
      "\" target=\"_blank\" rel=\"noopener noreferrer\">GeoNames</a>";
    return "<div class='km-pop'>" + S.n[i] + "<br><small>" + S.places[S.p[i]] + "</small><br>" + verdict +
      (lines ? "<ul>" + lines + "</ul>" : "") + "<small>" + (S.a[i] === "1" ? "approximate position" : "position") +
      (S.e[i] ? " \u00b1" + S.e[i] + " km" : "") + " (" + ref + ")</small></div>";
  }

  function select(i, fly) {
    cur.sel = i;
    var ll = [S.lat[i], S.lon[i]];
    ring.setLatLng(ll).addTo(map);
    function open() {
      // a popup taller than the map scrolls; one that does not fit where it is moves the map (Leaflet's autoPan)
      var size = map.getSize();
      popup.options.maxHeight = Math.max(100, size.y - 150);
      popup.options.maxWidth = Math.max(200, Math.min(360, size.x - 60));
      popup.setLatLng(ll).setContent(popupHtml(i)).openOn(map);
      writeHash();
    }
    if (fly) {
      var z = Math.max(map.getZoom(), 12);
      map.once("moveend", open);
      map.flyTo(ll, z, {duration: 0.6});
    } else {
      open();
    }
  }
  map.on("popupclose", function () { cur.sel = null; ring.remove(); writeHash(); });

  // ---- search -------------------------------------------------------------------------------
  var searchData = null, index = null;

  function fold(s) {
    return s.toLowerCase().replace(/[\u2019\u2018'`\u02b9\u02ba\u02bc"\u00ab\u00bb]/g, "").normalize("NFKD")
      .replace(/\p{M}/gu, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function search(text, limit) {
    var q = fold(text || ""), best = {};
    if (!q || !index) { return []; }
    for (var j = 0; j < index.length; j++) {
      var e = index[j], at = e.k.indexOf(q), score;
      if (at < 0) { continue; }
      score = e.k === q ? 0 : (at === 0 ? 1 : (e.k.charAt(at - 1) === " " ? 2 : 3));
      var had = best[e.i];
      if (had === undefined || score < had.score) { best[e.i] = {i: e.i, score: score, as: e.s}; }
    }
    return Object.keys(best).map(function (i) { return best[i]; }).sort(function (a, b) {
      return a.score - b.score || (S.n[a.i] < S.n[b.i] ? -1 : S.n[a.i] > S.n[b.i] ? 1 : a.i - b.i);
    }).slice(0, limit || 12);
  }
  api.search = function (text, limit) { return search(text, limit).map(function (r) { return r.i; }); };

  var box = $("km-search"), results = $("km-results"), hits = [];
  function plain(i) {  // a settlement's name as text (S.n holds escaped HTML; a template's content is inert)
    var el = document.createElement("template");
    el.innerHTML = S.n[i];
    return el.content.textContent;
  }
  function listResults() {
    hits = search(box.value, 10);
    results.hidden = !box.value;
    results.textContent = "";
    hits.forEach(function (h) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-i", String(h.i));
      li.innerHTML = S.n[h.i] + "<br><small>" + S.places[S.p[h.i]] + "</small>";
      if (fold(plain(h.i)).indexOf(fold(box.value)) < 0) {  // the spelling that matched, as text
        var as = document.createElement("i");
        as.textContent = " (as \u201c" + h.as + "\u201d)";
        li.insertBefore(as, li.querySelector("br"));
      }
      results.appendChild(li);
    });
    if (!hits.length) {
      var none = document.createElement("li");
      none.className = "km-none";
      none.textContent = index ? "no settlement of the gazetteer has that name" : "loading the names\u2026";
      results.appendChild(none);
    }
    list.reset();
  }
  function pick(j) {
    var h = hits[j];
    if (!h) { return; }
    results.hidden = true;
    box.value = plain(h.i);
    select(h.i, true);
  }
  box.addEventListener("input", listResults);
  box.addEventListener("focus", function () { loadSearch(); if (box.value) { listResults(); } });
  var list = window.kmListbox(box, results, function () { return hits.length; }, pick);  // listbox.js

  var searchLoading = null;
  function loadSearch() {
    if (!searchLoading) {
      searchLoading = loadScript(SERIES + "search.js").then(function () {
        searchData = window.__kmSearch;
        if (!searchData || searchData.sk !== CFG.sk) { throw new Error("explore/search.js is of another build"); }
        index = searchData.s.map(function (p) { return {k: fold(p[0]), s: p[0], i: p[1]}; });
        if (box.value) { listResults(); }
        return searchData;
      });
      searchLoading.catch(function (err) { console.error("kursk_map: " + err.message); });
    }
    return searchLoading;
  }

  // ---- the URL hash ---------------------------------------------------------------------------
  var written = "";
  var viewSet = false;  // the map has a centre and zoom (markers are added to it from then on)
  map.whenReady(function () { viewSet = true; });
  function writeHash() {
    if (!cur.slug || !viewSet) { return; }
    var c = map.getCenter(), parts = [
      "source=" + encodeURIComponent(cur.slug), "date=" + cur.date, "zoom=" + map.getZoom(),
      "center=" + c.lat.toFixed(4) + "," + c.lng.toFixed(4)
    ];
    if (cur.sel !== null && searchData) { parts.push("place=" + encodeURIComponent(searchData.ids[cur.sel])); }
    written = "#" + parts.join("&");
    if (location.hash !== written) {
      try { history.replaceState(null, "", written); } catch (err) { location.replace(written); }
    }
  }
  function readHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var at = kv.indexOf("=");
      if (at > 0) { out[kv.slice(0, at)] = decodeURIComponent(kv.slice(at + 1)); }
    });
    return out;
  }
  map.on("moveend", writeHash);

  // ---- actions --------------------------------------------------------------------------------
  function go(slug, date) {
    if (!sources[slug]) { slug = CFG.default; }
    var s = sources[slug];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date || "")) { date = s.dates[s.dates.length - 1]; }
    return series(slug).then(function () { draw(slug, date); }, function (err) {
      $("km-verdict").textContent = err.message + " (keep the explore/ folder beside explore.html)";
      console.error("kursk_map: " + err.message);
    });
  }
  api.go = go;
  api.state = function () {
    return {slug: cur.slug, date: cur.date, k: cur.k, codes: cur.codes && cur.codes.join(""), sel: cur.sel};
  };
  api.select = function (id, centre) {  // centre: bring it to the middle (a permalink without a view)
    return loadSearch().then(function (d) {
      var i = d.ids.indexOf(id);
      if (i >= 0 && centre) { map.setView([S.lat[i], S.lon[i]], Math.max(map.getZoom(), 12), {animate: false}); }
      if (i >= 0) { select(i, false); }
      return i;
    });
  };

  picker.addEventListener("change", function () { go(picker.value, cur.date); });
  dateInput.addEventListener("change", function () { if (dateInput.value) { go(cur.slug, dateInput.value); } });
  slider.addEventListener("input", function () {
    go(cur.slug, window.__kmSeries[cur.slug].dates[Number(slider.value)]);
  });
  function step(by) {
    var dates = window.__kmSeries[cur.slug].dates, k = cur.k;
    var to = by < 0 ? (dates[k] === cur.date ? k - 1 : k) : k + 1;
    if (to >= 0 && to < dates.length) { go(cur.slug, dates[to]); }
  }
  $("km-prev").addEventListener("click", function () { step(-1); });
  $("km-next").addEventListener("click", function () { step(1); });

  var app = $("km-app"), fold_ = $("km-fold");
  fold_.addEventListener("click", function () {
    var folded = app.classList.toggle("km-folded");
    fold_.setAttribute("aria-expanded", String(!folded));
    map.invalidateSize();
  });

  function restore() {
    var h = readHash(), s = sources[h.source] || sources[CFG.default];
    var zoom = Number(h.zoom), c = (h.center || "").split(",").map(Number);
    var view = isFinite(zoom) && h.zoom && c.length === 2 && isFinite(c[0]) && isFinite(c[1]);
    function fitAll() {
      map.fitBounds(L.latLngBounds(S.lat.map(function (lat, i) { return [lat, S.lon[i]]; })), {padding: [10, 10]});
    }
    var first;  // the view comes first: markers are drawn once the map has one
    if (view) {
      map.setView(c, zoom, {animate: false});
      first = Promise.resolve();
    } else {  // none asked: the settlements the source claims (its series knows where), else all
      first = series(s.slug).then(function (ser) {
        if (ser.bbox) { map.fitBounds(ser.bbox, {padding: [30, 30], maxZoom: 11, animate: false}); } else { fitAll(); }
      }, fitAll);
    }
    return first.then(function () { return go(s.slug, h.date); }).then(function () {
      if (h.place) { return api.select(h.place, !view); }
      if (cur.sel !== null) { map.closePopup(); }
      return -1;
    });
  }
  window.addEventListener("hashchange", function () { if (location.hash !== written) { restore(); } });
  restore().then(function () {
    api.ready = true;
    api.readyAt = performance.now();
    performance.mark("km-ready");
    document.body.setAttribute("data-km-ready", "1");
    loadSearch();
  });
})();
