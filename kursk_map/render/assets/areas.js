// A source's drawn areas (its own map of a day) on a map, timeline or comparison page: dashed outlines
// in the controller's colour over a light fill, so that the settlements' dots stay readable above them;
// the tooltip says whose drawing it is. f.properties: t (tooltip, escaped HTML), c (colour).
// This header is dropped when the script goes into a page.
window.__kmDrawnStyle = window.__kmDrawnStyle || function (f, layer) {
  if (layer.setStyle) {
    layer.setStyle({color: f.properties.c, fillColor: f.properties.c, weight: 2, opacity: 0.9, fillOpacity: 0.1,
                    dashArray: "6 4"});
  }
  layer.bindTooltip(f.properties.t, {sticky: true});
};
