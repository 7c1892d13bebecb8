// A source's drawn areas (its own map of a day) on a map, timeline or comparison page: hatched in the
// controller's colour inside a dashed outline, so that they read as the source's drawing (not as the
// translucent areas this tool derives from named settlements) and the settlements' dots stay readable
// above them; the tooltip says whose drawing it is. f.properties: t (tooltip, escaped HTML), c (colour,
// "#rrggbb"). The hatch is an SVG pattern, made once per colour (Leaflet draws paths as SVG here).
// This header is dropped when the script goes into a page.
window.__kmHatch = window.__kmHatch || function (colour) {
  const id = "km-hatch-" + colour.replace(/[^0-9a-fA-F]/g, "");
  if (!document.getElementById(id)) {
    const NS = "http://www.w3.org/2000/svg";
    let defs = document.getElementById("km-hatches");
    if (!defs) {
      const svg = document.createElementNS(NS, "svg");
      svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
      svg.setAttribute("aria-hidden", "true"); svg.style.position = "absolute";
      defs = document.createElementNS(NS, "defs"); defs.id = "km-hatches";
      svg.appendChild(defs); document.body.appendChild(svg);
    }
    const p = document.createElementNS(NS, "pattern");
    p.id = id; p.setAttribute("patternUnits", "userSpaceOnUse");
    p.setAttribute("width", "8"); p.setAttribute("height", "8"); p.setAttribute("patternTransform", "rotate(45)");
    const bg = document.createElementNS(NS, "rect");
    bg.setAttribute("width", "8"); bg.setAttribute("height", "8");
    bg.setAttribute("fill", colour); bg.setAttribute("fill-opacity", "0.08");
    const line = document.createElementNS(NS, "rect");
    line.setAttribute("width", "2.5"); line.setAttribute("height", "8");
    line.setAttribute("fill", colour); line.setAttribute("fill-opacity", "0.45");
    p.appendChild(bg); p.appendChild(line); defs.appendChild(p);
  }
  return "url(#" + id + ")";
};
window.__kmDrawnStyle = window.__kmDrawnStyle || function (f, layer) {
  if (layer.setStyle) {
    layer.setStyle({color: f.properties.c, fillColor: window.__kmHatch(f.properties.c), weight: 2, opacity: 0.9,
                    fillOpacity: 1, dashArray: "6 4"});
  }
  layer.bindTooltip(f.properties.t, {sticky: true});
};
