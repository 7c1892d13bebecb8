// The popup of a settlement on a map page, built in the browser when the settlement is clicked.
// D is the page's payload (see kursk_map/render/payload.py, MapPayload), i the settlement's position.
// Every text in D is escaped HTML already. This header is dropped when the script goes into a page.
window.__kmPopup = window.__kmPopup || function (D, i) {
  const approx = D.a[i] === "1", r = D.r[i];
  const ref = typeof r === "number" ? D.refs[r]
    : "<a href=\"https://www.geonames.org/" + r.slice(1) +
      "\" target=\"_blank\" rel=\"noopener noreferrer\">reference</a>";
  const table = D.cs === undefined ? D.claims : (window.__kmClaims || {})[D.cs];
  const claims = !table ? "<li>(the claims file of this source did not load)</li>" :
    D.c[i].map(function (k) {
      const c = table[k], by = c[3] ? "<a href=\"" + c[3] +
        "\" target=\"_blank\" rel=\"noopener noreferrer\">" + D.src + "</a>" : D.src;
      return "<li><b>" + c[0] + "</b> · " + c[1] + " · " + c[2] + " [" + by + "]</li>";
    }).join("");
  return "<div class='km-pop'>" + D.n[i] + "<br><small>" + D.places[D.p[i]] + "</small><br>" +
    D.verdicts[D.v[i]] + (claims ? "<ul>" + claims + "</ul>" : "") + "<small>" +
    (approx ? "approximate position" : "position") + (D.e[i] ? " ±" + D.e[i] + " km" : "") + " (" + ref +
    ")</small>" + (window.__kmSettlementLink ? window.__kmSettlementLink(D.id[i]) : "") + "</div>";
};
