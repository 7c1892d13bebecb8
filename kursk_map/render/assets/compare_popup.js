// The popup of a settlement on a comparison page (what every source claims), and the binder of its layers.
// D is the page's payload (see kursk_map/render/payload.py, ComparePayload), i the settlement's position.
// Every text in D is escaped HTML already. This header is dropped when the script goes into a page.
window.__kmCmpPopup = window.__kmCmpPopup || function (D, i) {
  const VERDICT = {U: "UA", R: "RU", c: "contested", "-": "no claim"};
  if (!D.at) {  // for each source: settlement -> its entry in refs, or -1 (built on the first click)
    D.at = D.src.map(function (s) {
      const at = new Int32Array(s[1].length);
      let k = 0;
      for (let j = 0; j < at.length; j++) { at[j] = s[1][j] === "-" && s[3][j] !== "2" ? -1 : k++; }
      return at;
    });
  }
  const spoke = [], silent = [];  // the sources that spoke, earliest claim first; the others in one line
  D.src.forEach(function (s, j) {
    const code = s[1][i], ref = D.at[j][i] < 0 ? -1 : s[2][D.at[j][i]];
    if (code === "-" && s[3][i] !== "2") { silent.push(s[0]); return; }
    const line = ref < 0 ? "" : D.lines[ref];
    const said = s[3][i] === "2" ? "older than " + D.maxAge + " days" : VERDICT[code] + (s[3][i] === "1" ? " (stale)" : "");
    spoke.push([line.slice(0, 10), "<tr><td>" + s[0] + "</td><td><b style='color:" + D.colours[code] + "'>" +
      said + "</b></td><td>" + line + "</td></tr>"]);
  });
  spoke.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
  const rows = spoke.map(function (r) { return r[1]; });
  if (silent.length) {
    rows.push("<tr><td colspan='3'><small>No claim: " + silent.join(", ") + "</small></td></tr>");
  }
  // the link to the settlement's page goes above the table, which can be taller than the map
  return "<div class='km-pop'>" + D.n[i] + "<br><small>What each source claims as of " + D.date +
    " (earliest claim first)</small>" + (window.__kmSettlementLink ? window.__kmSettlementLink(D.id[i]) : "") +
    "<table class='km-cmp'>" + rows.join("") + "</table></div>";
};
window.__kmCmpBind = window.__kmCmpBind || function (f, layer) {
  const D = window.__kmCmp[f.properties.k], i = f.properties.i, j = f.properties.j;
  layer.bindTooltip(function () { return D.n[i]; });
  if (f.properties.p) { layer.bindPopup(function () { return window.__kmCmpPopup(D, i); }, {maxWidth: 520}); }
  if (j >= 0 && D.src[j][3][i] === "1" && layer.setStyle) { layer.setStyle(window.__kmDot(false, "1")); }
};
