// The chrome of a map page and a comparison page (<source>/<date>.html, compare/<date>.html): a
// collapsible panel sized to the screen, the embed mode (#embed or ?embed=1), search in every spelling
// (explore/search.js when the atlas has it, else the names on the page), the URL hash (zoom, centre,
// selected settlement), settlement labels at higher zoom, and dots of one place spread apart.
// The page calls window.kmChrome(map, opts) once its layers are filled. Every text that reaches
// innerHTML was escaped when the atlas was built; what the user types is only ever set as text.
(function () {
  "use strict";
  var NARROW = 800, LOW = 640;  // below these (px) the panel starts folded

  function plainName(html) {  // "<b>Sudzha</b> · Суджа" -> "Sudzha" (a template's content is inert)
    var el = document.createElement("template");
    el.innerHTML = html;
    var b = el.content.querySelector("b");
    return (b || el.content).textContent;
  }
  function plainAll(html) {
    var el = document.createElement("template");
    el.innerHTML = html;
    return el.content.textContent;
  }
  function fold(s) {  // as explore.js and kursk_map.render.explore._key: case, accents, quotes, dashes
    return s.toLowerCase().replace(/[\u2019\u2018'`\u02b9\u02ba\u02bc"\u00ab\u00bb]/g, "").normalize("NFKD")
      .replace(/\p{M}/gu, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }
  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = url;
      s.onload = function () { resolve(); };
      s.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(s);
    });
  }
  function readHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      if (!kv) { return; }
      var at = kv.indexOf("=");
      if (at > 0) { out[kv.slice(0, at)] = decodeURIComponent(kv.slice(at + 1)); } else { out[kv] = "1"; }
    });
    return out;
  }
  function embedAsked() {
    return readHash().embed === "1" || /(^|[?&])embed=(1|true|yes)(&|$)/.test(location.search.slice(1));
  }

  window.kmChrome = function (map, opts) {
    opts = opts || {};
    var box = map.getContainer(), corners = map._controlCorners;
    var D = opts.kind === "compare" ? (window.__kmCmp || {})[opts.key]
      : opts.kind === "map" ? (window.__km || {})[opts.key] : null;
    var panel = box.querySelector(".km-panel");
    var embed = embedAsked();
    var api = {map: map, ready: false};
    if (opts.hash !== false) { window.kmMap = api; }
    var viewport = document.querySelector("meta[name=viewport]");  // folium forbids zooming the page
    if (viewport) { viewport.setAttribute("content", "width=device-width, initial-scale=1"); }
    if (embed) { document.documentElement.classList.add("km-embedded"); }

    // ---- settlements: their markers (one per layer they are in) and plain names ----------------
    var n = D ? D.lat.length : 0, names = [], markers = [];
    for (var i = 0; i < n; i++) { names.push(plainName(D.n[i])); markers.push([]); }
    var CL = opts.kind === "compare" ? (window.__kmCmpLayers || {})[opts.key] : null;
    map.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (p && p.k === opts.key && typeof p.i === "number" && layer.getLatLng && !(CL && CL.dis.hasLayer(layer))) {
        layer._kmHome = layer.getLatLng();
        markers[p.i].push(layer);
      }
    });
    function shown(i) { return markers[i].filter(function (m) { return !!m._map; }); }
    function claimedAt(i) {
      if (opts.kind === "compare") { return D.src.some(function (s) { return s[1][i] !== "-"; }); }
      return D.g[i] !== "-";
    }

    // ---- the panel: fold button, search box, size ----------------------------------------------
    var search = null, results = null, foldBtn = null;
    if (panel) {
      var body = panel.querySelector(".km-panel-body"), title = panel.querySelector(".km-title");
      foldBtn = document.createElement("button");
      foldBtn.type = "button";
      foldBtn.className = "km-fold";
      foldBtn.title = "Show or hide the details";
      panel.appendChild(foldBtn);  // placed top right by the stylesheet; read after the panel's text
      if (n) {  // a timeline draws its own dots: nothing to find there
        var findBox = document.createElement("div");
        findBox.className = "km-find";
        findBox.innerHTML = "<input type='search' class='km-search' autocomplete='off' spellcheck='false' " +
          "placeholder='Find a settlement (any spelling)' aria-label='Find a settlement'>" +
          "<ul class='km-results' role='listbox' hidden></ul>";
        if (title && title.nextSibling) { body.insertBefore(findBox, title.nextSibling); } else { body.appendChild(findBox); }
        search = findBox.querySelector("input");
        results = findBox.querySelector("ul");
      }
      if (embed) {
        var full = document.createElement("a");
        full.className = "km-full";
        full.href = location.href.split("#")[0].replace(/([?&])embed=[^&]*&?/, "$1").replace(/[?&]$/, "");
        full.target = "_blank";
        full.rel = "noopener";
        full.textContent = "open the full map \u2197";
        body.appendChild(full);
      }
      var small = box.clientWidth < NARROW || box.clientHeight < LOW;
      setFolded(small || embed);
      foldBtn.addEventListener("click", function () { setFolded(!panel.classList.contains("km-folded")); });
    }
    function setFolded(folded) {
      panel.classList.toggle("km-folded", folded);
      foldBtn.setAttribute("aria-expanded", String(!folded));
      foldBtn.textContent = folded ? "\u25be more" : "\u25b4 less";
      fit();
    }
    function cornerTop(c) {  // the top of a bottom corner's controls, relative to the map
      var top = box.clientHeight, r0 = box.getBoundingClientRect();
      Array.prototype.forEach.call(c.children, function (el) {
        var r = el.getBoundingClientRect();
        if (r.height) { top = Math.min(top, r.top - r0.top); }
      });
      return top;
    }
    function fit() {  // the panel ends above the scale and attribution, left of the layer button
      if (!panel) { return; }
      var r0 = box.getBoundingClientRect(), layers = corners.topright.getBoundingClientRect();
      var right = layers.width ? layers.left - r0.left : box.clientWidth;
      var left = panel.getBoundingClientRect().left - r0.left;
      panel.style.maxWidth = Math.max(160, Math.min(360, right - left - 10)) + "px";
      var top = panel.getBoundingClientRect().top - r0.top;
      var bottom = Math.min(cornerTop(corners.bottomleft), cornerTop(corners.bottomright));
      panel.style.maxHeight = Math.max(60, bottom - top - 8) + "px";
    }
    function fitCredits() {  // the credits keep to the right of the scale, on one line unless opened
      var right = 0, r0 = box.getBoundingClientRect();
      Array.prototype.forEach.call(corners.bottomleft.children, function (el) {
        right = Math.max(right, el.getBoundingClientRect().right - r0.left);
      });
      if (attr) { attr.style.maxWidth = Math.max(120, box.clientWidth - right - 8) + "px"; }
    }
    api.fit = fit;

    // ---- the attribution: one line, the whole text on a tap -------------------------------------
    var attr = corners.bottomright.querySelector(".leaflet-control-attribution");
    map.on("resize", function () { fitCredits(); fit(); });
    map.on("zoomend moveend", fitCredits);  // after the scale has its new width
    map.whenReady(function () { fitCredits(); fit(); });
    if (attr) {
      attr.classList.add("km-attr");
      attr.title = "Credits (tap to show them all)";
      attr.addEventListener("click", function (e) {
        if (e.target.tagName !== "A") { attr.classList.toggle("km-attr-open"); fit(); }
      });
    }

    // ---- dots of one place: spread in a ring around it ----------------------------------------
    var rings = CL ? CL.dis.getLayers() : [];  // the disagreement rings grow around a spread stack
    function spread() {
      var ringAt = {};
      rings.forEach(function (r) { ringAt[r.feature.properties.i] = r; });
      for (var i = 0; i < n; i++) {
        var here = shown(i), k = here.length, ring = ringAt[i];
        if (k < 2 && !markers[i].some(function (m) { return m._kmMoved; })) {
          if (ring) { ring.setRadius(11); }
          continue;
        }
        var home = markers[i][0]._kmHome, c = map.latLngToLayerPoint(home), rad = k < 2 ? 0 : Math.max(7, 14 * k / 6.283);
        markers[i].forEach(function (m) {
          var j = here.indexOf(m);
          if (j < 0 || k < 2) { m.setLatLng(m._kmHome); m._kmMoved = false; return; }
          var a = 6.283 * j / k - 1.571;
          m.setLatLng(map.layerPointToLatLng(c.add(L.point(Math.cos(a) * rad, Math.sin(a) * rad))));
          m._kmMoved = true;
        });
        if (ring) { ring.setRadius(k < 2 ? 11 : rad + 10); }
      }
    }
    api.spread = spread;

    // ---- labels: claimed settlements first, none over another label or dot ---------------------
    var pane = map.createPane("km-labels");
    pane.style.zIndex = 350;  // under the dots (overlay pane, 400): a name never hides a dot
    pane.style.pointerEvents = "none";
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = "600 12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    var widths = names.map(function (s) { return Math.ceil(measure.measureText(s).width) + 4; });
    var weight = names.map(function (_s, i) {  // how much was said about a place: claims, or sources claiming it
      if (opts.kind === "compare") { return D.src.filter(function (s) { return s[1][i] !== "-"; }).length; }
      return D.c[i].length;
    });
    function labels() {
      pane.textContent = "";
      var z = map.getZoom(), size = map.getSize(), placed = [], grid = {}, CELL = 64, out = [];
      if (z < 9) { api.labels = []; return; }
      function cells(b, add) {
        var hit = false;
        for (var x = Math.floor(b[0] / CELL); x <= Math.floor(b[2] / CELL); x++) {
          for (var y = Math.floor(b[1] / CELL); y <= Math.floor(b[3] / CELL); y++) {
            var key = x + ":" + y, list = grid[key];
            if (add) { (grid[key] = list || []).push(b); continue; }
            if (list) {
              for (var q = 0; q < list.length && !hit; q++) {
                var o = list[q];
                if (o[4] !== b[4] && !(o[5] && b[5]) && b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) {
                  hit = true;  // o[5]: a grey dot, which a claimed settlement's name (b[5]) may pass under
                }
              }
            }
          }
        }
        return hit;
      }
      var r0 = box.getBoundingClientRect();  // no label under a control
      box.querySelectorAll(".leaflet-control").forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (r.width) { cells([r.left - r0.left - 2, r.top - r0.top - 2, r.right - r0.left + 2, r.bottom - r0.top + 2, -1], true); }
      });
      var seen = [];
      for (var i = 0; i < n; i++) {
        var here = shown(i);
        if (!here.length) { continue; }
        here.forEach(function (m) {
          var p = map.latLngToContainerPoint(m.getLatLng()), r = (m.options.radius || 5) + 1;
          if (p.x < -50 || p.y < -50 || p.x > size.x + 50 || p.y > size.y + 50) { return; }
          cells([p.x - r, p.y - r, p.x + r, p.y + r, i, !claimedAt(i)], true);
        });
        seen.push(i);
      }
      var order = seen.filter(function (i) { return claimedAt(i); }).sort(function (a, b) {
        return weight[b] - weight[a] || a - b;  // the most talked-about first (Sudzha before its hamlets)
      });
      if (z >= 12) { order = order.concat(seen.filter(function (i) { return !claimedAt(i); })); }
      order.forEach(function (i) {
        var home = markers[i][0]._kmHome, p = map.latLngToContainerPoint(home), w = widths[i], h = 14;
        var r = 8 + (shown(i).length > 1 ? Math.max(7, 14 * shown(i).length / 6.283) : 0);
        if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) { return; }
        var d = r * 0.7, tries = [[p.x + r, p.y - h / 2], [p.x - r - w, p.y - h / 2], [p.x - w / 2, p.y - r - h],
          [p.x - w / 2, p.y + r], [p.x + d, p.y - d - h], [p.x + d, p.y + d], [p.x - d - w, p.y - d - h], [p.x - d - w, p.y + d]];
        for (var t = 0; t < tries.length; t++) {
          var b = [tries[t][0], tries[t][1], tries[t][0] + w, tries[t][1] + h, i, claimedAt(i)];
          if (b[0] < 0 || b[1] < 0 || b[2] > size.x || b[3] > size.y || cells(b, false)) { continue; }
          cells([b[0], b[1], b[2], b[3], i, false], true);
          placed.push([i, b]);
          break;
        }
      });
      var origin = map.containerPointToLayerPoint([0, 0]);
      placed.forEach(function (pl) {
        var el = document.createElement("span");
        el.className = "km-label" + (claimedAt(pl[0]) ? " km-label-claim" : "");
        el.textContent = names[pl[0]];
        el.style.left = (pl[1][0] + origin.x) + "px";
        el.style.top = (pl[1][1] + origin.y) + "px";
        pane.appendChild(el);
        out.push(pl[0]);
      });
      api.labels = out;
    }
    api.labelsNow = labels;
    map.on("zoomstart", function () { pane.style.display = "none"; });
    map.on("zoomend", function () { spread(); pane.style.display = ""; });
    map.on("moveend", labels);
    map.on("overlayadd overlayremove", function () { spread(); labels(); });

    // ---- search ---------------------------------------------------------------------------------
    var index = null, ids = null, hits = [], list = null;
    function ownIndex() {  // the names on the page (and their Cyrillic), when the atlas's index is absent
      index = [];
      for (var i = 0; i < n; i++) {
        plainAll(D.n[i]).split(" \u00b7 ").concat(plainAll(D.n[i]).split(" \u00b7 ").join(" ").split(" / "))
          .forEach(function (s) { if (s) { index.push({k: fold(s), s: s, i: i}); } });
      }
    }
    var loading = null;
    function loadIndex() {
      if (loading) { return loading; }
      var mine = D && D.sk;
      loading = (opts.search ? loadScript(opts.search) : Promise.reject(new Error("no index"))).then(function () {
        var S = window.__kmSearch;
        if (!S || !mine || S.sk !== mine || S.ids.length !== n) { throw new Error("the spelling index is of another build"); }
        ids = S.ids;
        index = S.s.map(function (p) { return {k: fold(p[0]), s: p[0], i: p[1]}; });
      }).catch(function () { ownIndex(); }).then(function () {
        if (search && search.value) { listResults(); }
        return index;
      });
      return loading;
    }
    function find(text, limit) {
      var q = fold(text || ""), best = {};
      if (!q || !index) { return []; }
      for (var j = 0; j < index.length; j++) {
        var e = index[j], at = e.k.indexOf(q), score;
        if (at < 0) { continue; }
        score = e.k === q ? 0 : (at === 0 ? 1 : (e.k.charAt(at - 1) === " " ? 2 : 3));
        var had = best[e.i];
        if (had === undefined || score < had.score) { best[e.i] = {i: e.i, score: score, as: e.s}; }
      }
      return Object.keys(best).map(function (k) { return best[k]; }).sort(function (a, b) {
        return a.score - b.score || (names[a.i] < names[b.i] ? -1 : names[a.i] > names[b.i] ? 1 : a.i - b.i);
      }).slice(0, limit || 12);
    }
    api.search = function (text, limit) {
      return loadIndex().then(function () { return find(text, limit).map(function (h) { return h.i; }); });
    };
    function listResults() {
      hits = find(search.value, 8);
      results.hidden = !search.value;
      results.textContent = "";
      hits.forEach(function (h) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = names[h.i];
        if (fold(names[h.i]).indexOf(fold(search.value)) < 0) {
          var as = document.createElement("i");
          as.textContent = " (as \u201c" + h.as + "\u201d)";
          li.appendChild(as);
        }
        results.appendChild(li);
      });
      if (!hits.length) {
        var none = document.createElement("li");
        none.className = "km-none";
        none.textContent = index ? "no settlement of the map has that name" : "loading the names\u2026";
        results.appendChild(none);
      }
      list.reset();
      fit();
    }
    function pick(j) {
      var h = hits[j];
      if (!h) { return; }
      results.hidden = true;
      search.value = names[h.i];
      select(h.i, true);
    }
    if (search) {
      search.addEventListener("focus", function () { loadIndex(); });
      search.addEventListener("input", listResults);
      list = window.kmListbox(search, results, function () { return hits.length; }, pick);  // listbox.js
    }

    // ---- comparison: one source, or two; the disagreements among those shown, one after another --
    var dis = D && D.dis ? D.dis.slice() : [], at = -1;
    if (CL && panel) {
      var tools = document.createElement("div"), opt = D.src.map(function (s, j) {
        return "<option value='" + j + "'>" + s[0] + "</option>";  // s[0] is escaped HTML
      }).join("");
      tools.className = "km-tools";
      tools.innerHTML = "<label>Show <select class='km-only'><option value=''>every source</option>" + opt +
        "</select></label><label>and <select class='km-and'><option value=''>—</option>" + opt +
        "</select></label><button type='button' class='km-next'>next disagreement →</button>" +
        "<span class='km-discount'></span>";
      var legend = panel.querySelector(".km-legend");
      legend.parentNode.insertBefore(tools, legend.nextSibling);
      var only = tools.querySelector(".km-only"), and = tools.querySelector(".km-and");
      var count = tools.querySelector(".km-discount");
      var chosen = function () {
        if (only.value === "") { return D.src.map(function (_s, j) { return j; }); }
        var on = [Number(only.value)];
        if (and.value !== "" && and.value !== only.value) { on.push(Number(and.value)); }
        return on;
      };
      var apply = function () {
        var on = chosen();
        D.src.forEach(function (_s, j) {
          Object.keys(CL.src[j]).forEach(function (code) {
            var l = CL.src[j][code];
            if (on.indexOf(j) >= 0) { map.addLayer(l); } else { map.removeLayer(l); }
          });
        });
        dis = [];
        for (var i = 0; i < n; i++) {
          var codes = {};
          on.forEach(function (j) { var c = D.src[j][1][i]; if (c !== "-") { codes[c] = 1; } });
          if (Object.keys(codes).length > 1) { dis.push(i); }
        }
        CL.dis.clearLayers();
        CL.dis.addData(dis.map(function (i) { return CL.feature(i, 1, -1); }));
        rings = CL.dis.getLayers();
        at = -1;
        count.textContent = dis.length + " disagreement" + (dis.length === 1 ? "" : "s") + " among them";
        spread();
        labels();
      };
      only.addEventListener("change", apply);
      and.addEventListener("change", apply);
      tools.querySelector(".km-next").addEventListener("click", function () {
        if (!dis.length) { return; }
        at = (at + 1) % dis.length;
        select(dis[at], true);
      });
      api.show = function (a, b) {
        only.value = a === undefined || a === null ? "" : String(a);
        and.value = b === undefined || b === null ? "" : String(b);
        apply();
        return dis.slice();
      };
      api.disagreements = function () { return dis.slice(); };
    }

    // ---- selecting a settlement: fly there, open its popup --------------------------------------
    var sel = null;
    function popupOf(i) {
      var all = shown(i).concat(markers[i]);
      for (var k = 0; k < all.length; k++) { if (all[k].getPopup() && all[k]._map) { return all[k]; } }
      return null;
    }
    function select(i, fly) {
      var m = popupOf(i);
      sel = i;
      if (!m) { writeHash(); return false; }
      var open = function () { m.openPopup(); writeHash(); };
      if (fly) {
        var z = Math.max(Math.round(map.getZoom()), 12), to = markers[i][0]._kmHome;
        var arrived = function () {  // other moves may end first (a pan the flight stopped)
          if (Math.abs(map.getZoom() - z) > 0.01) { return; }
          map.off("moveend", arrived);
          spread();
          open();
        };
        map.on("moveend", arrived);
        map.flyTo(to, z, {duration: 0.6});
      } else { open(); }
      return true;
    }
    api.select = function (i, fly) { return loadIndex().then(function () { return select(i, fly); }); };
    function fitPopup(popup) {  // the popup fits the map beside the panel; on a small screen the panel steps aside
      var size = map.getSize(), small = size.x < NARROW || size.y < LOW, r0 = box.getBoundingClientRect();
      if (panel) { panel.classList.toggle("km-aside", small); }
      var left = panel && !small ? panel.getBoundingClientRect().right - r0.left + 10 : 10;
      if (size.x - left < 300) { left = 10; }  // too narrow beside it: over it
      popup.options.maxWidth = Math.max(200, Math.min(popup.options.maxWidth || 380, size.x - left - 60));  // + its padding
      popup.options.maxHeight = Math.max(160, size.y - 85 - 50);
      popup.options.autoPanPaddingTopLeft = L.point(left, 85);  // below the zoom buttons
      popup.options.autoPanPaddingBottomRight = L.point(10, 30);  // above the credits
      popup.update();
    }
    map.on("popupclose", function () { if (panel) { panel.classList.remove("km-aside"); } });
    map.on("popupopen", function (e) {
      fitPopup(e.popup);
      var p = e.popup._source && e.popup._source.feature && e.popup._source.feature.properties;
      if (p && p.k === opts.key && typeof p.i === "number") { sel = p.i; writeHash(); }
    });
    map.on("popupclose", function () { sel = null; writeHash(); });

    // ---- the URL hash: zoom, centre, selected settlement (and embed) ---------------------------
    var written = "", restoring = true;
    function writeHash() {
      if (opts.hash === false || restoring) { return; }
      if (sel !== null && !index) { loadIndex().then(writeHash); return; }  // the settlement's id is in the index
      var c = map.getCenter(), parts = ["zoom=" + map.getZoom(), "center=" + c.lat.toFixed(4) + "," + c.lng.toFixed(4)];
      if (sel !== null) { parts.push("place=" + encodeURIComponent(ids ? ids[sel] : "@" + sel)); }
      if (readHash().embed === "1") { parts.push("embed"); }
      written = "#" + parts.join("&");
      if (location.hash !== written) {
        try { history.replaceState(null, "", written); } catch (err) { location.replace(written); }
      }
    }
    map.on("moveend", writeHash);
    function restore() {
      restoring = true;
      var h = readHash(), zoom = Number(h.zoom), c = (h.center || "").split(",").map(Number);
      var view = h.zoom && isFinite(zoom) && c.length === 2 && isFinite(c[0]) && isFinite(c[1]);
      if (view) { map.setView(c, zoom, {animate: false}); } else if (opts.kind === "compare" && D && D.dis.length) {
        map.fitBounds(D.dis.map(function (i) { return [D.lat[i], D.lon[i]]; }), {padding: [40, 40], maxZoom: 11, animate: false});
      }
      var done = h.place ? loadIndex().then(function () {
        var i = h.place.charAt(0) === "@" ? Number(h.place.slice(1)) : (ids ? ids.indexOf(h.place) : -1);
        if (i >= 0 && i < n) {
          if (!view) { map.setView(markers[i][0]._kmHome, Math.max(map.getZoom(), 12), {animate: false}); }
          spread();
          select(i, false);
        }
      }) : Promise.resolve();
      return done.then(function () { restoring = false; spread(); labels(); writeHash(); });
    }
    if (opts.hash !== false) {
      window.addEventListener("hashchange", function () { if (location.hash !== written) { restore(); } });
      restore().then(function () { api.ready = true; document.documentElement.setAttribute("data-km-ready", "1"); });
    } else {
      restoring = false;
      spread();
      labels();
      api.ready = true;
    }
    return api;
  };
})();
