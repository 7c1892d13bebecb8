/* kursk_map explorer, first thing in the page: read the page's data and start loading the series of
 * the source to show (the permalink's, else the default) while Leaflet and the rest still load. */
(function () {
  "use strict";
  var x = window.__kmExplore = window.__kmExplore || {};
  var cfg = x.cfg = JSON.parse(document.getElementById("km-explore-data").textContent);
  var slug = cfg.default, m = /(?:^#|&)source=([^&]*)/.exec(location.hash);
  if (m) {
    try {
      var asked = decodeURIComponent(m[1]);
      if (cfg.sources.some(function (s) { return s.slug === asked; })) { slug = asked; }
    } catch (err) { /* a malformed permalink: show the default source */ }
  }
  var s = document.createElement("script");
  x.preload = {slug: slug, done: new Promise(function (ok, ko) {
    s.onload = ok;
    s.onerror = function () { ko(new Error("could not load " + s.src)); };
  })};
  x.preload.done.catch(function () {});  // explore.js reports it
  s.src = (x.series || "explore/") + encodeURIComponent(slug) + ".js";
  document.head.appendChild(s);
})();
