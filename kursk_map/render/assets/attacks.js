// The attack layer of a map page: one small marker per settlement near which the source reported an
// attack or a strike (never a claim of control: the marker is not in a controller's colour). rows are
// [lat, lon, tooltip, popup] (escaped HTML), see kursk_map/render/maps.py, attack_markers. The marker
// sits at the upper right of the settlement's dot, so that both stay visible. Its look is the CSS
// class km-attack (map.css). This header is dropped when the script goes into a page.
window.__kmAttacks = window.__kmAttacks || function (layer, rows) {
  rows.forEach(function (r) {
    const icon = L.divIcon({className: "km-attack", html: "<span></span>", iconSize: [10, 10], iconAnchor: [-3, 13]});
    L.marker([r[0], r[1]], {icon: icon, keyboard: false}).bindTooltip(r[2]).bindPopup(r[3], {maxWidth: 380})
      .addTo(layer);
  });
};
