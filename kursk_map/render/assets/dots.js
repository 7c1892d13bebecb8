// How a settlement's dot shows the age of its claim and where its position comes from; shared by the
// map, timeline and comparison pages. approx: the position is derived from a description (a dashed
// ring in its controller's colour ``fill``, lighter inside, as in the explorer); age: "0" a fresh claim,
// "1" a stale one (older than its kind's threshold: a faded dot with a grey outline), "2" one older than
// the build's maximum age (drawn as the baseline by the page). Returns the Leaflet path options to set on top of the dot's group style.
// This header is dropped when the script goes into a page.
window.__kmDot = window.__kmDot || function (approx, age, fill) {
  const o = {};
  if (age === "1") { o.fillOpacity = 0.3; o.color = "#8c8c8c"; o.weight = 1.5; }
  if (approx) {
    o.dashArray = "3 3"; o.weight = 2;
    if (age !== "1") { o.fillOpacity = 0.45; if (fill) { o.color = fill; } }
  }
  return o;
};
