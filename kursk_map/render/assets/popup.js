// The popup and tooltip of a settlement on a map page, built in the browser when the settlement is
// pointed at or clicked. D is the page's payload (see kursk_map/render/payload.py, MapPayload), i the
// settlement's position. Every text in D is escaped HTML already. This header is dropped when the
// script goes into a page.
window.__kmLink = window.__kmLink || function (href, text) {
  return href ? "<a href=\"" + href + "\" target=\"_blank\" rel=\"noopener noreferrer\">" + text + "</a>" : text;
};
window.__kmTip = window.__kmTip || function (D, i) {
  return D.n[i] + (D.a[i] === "1" ? " <i>(approx.)</i>" : "") +
    (D.s[i] === "1" ? " <i>(stale claim)</i>" : D.s[i] === "2" ? " <i>(old claim, not coloured)</i>" : "");
};
window.__kmPopup = window.__kmPopup || function (D, i) {
  const approx = D.a[i] === "1", r = D.r[i], link = window.__kmLink;
  const ref = typeof r === "number" ? D.refs[r] : link("https://www.geonames.org/" + r.slice(1), "reference");
  const table = D.cs === undefined ? D.claims : (window.__kmClaims || {})[D.cs];
  const claims = !table ? "<li>(the claims file of this source did not load)</li>" :
    D.c[i].map(function (k) {
      const c = table[k], by = link(c[3], c[4] || D.src) + (c[5] ? " · " + link(c[5], "own publication") : "");
      return "<li><b>" + c[0] + "</b> · " + c[1] + " · " + c[2] + " [" + by + "]</li>";
    }).join("");
  const area = D.ar[i] >= 0 ? "<br><small>" + D.areas[D.ar[i]] + "</small>" : "";
  return "<div class='km-pop'>" + D.n[i] + "<br><small>" + D.places[D.p[i]] + "</small><br>" +
    D.verdicts[D.v[i]] + area + (claims ? "<ul>" + claims + "</ul>" : "") + "<small>" +
    (approx ? "approximate position" : "position") + (D.e[i] ? " ±" + D.e[i] + " km" : "") + " (" + ref +
    ")</small>" + (window.__kmSettlementLink ? window.__kmSettlementLink(D.id[i]) : "") + "</div>";
};
