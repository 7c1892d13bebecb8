// The age of a settlement's claim on a timeline's date, computed in the page as the slider moves.
// D is the timeline's payload (see kursk_map/render/payload.py, TimelinePayload): D.cdates gives the
// date of each claim line, D.ageing the days after which a claim is stale (presence: contested; control:
// held) and its maximum age (null: none). Returns [days, code]: days since the claim (-1 without one)
// and "0" fresh, "1" stale, "2" older than the maximum age (the page then draws it as the baseline).
// This header is dropped when the script goes into a page.
window.__kmAgeAt = window.__kmAgeAt || function (D, day, ref, code) {
  if (ref < 0 || code === "-") { return [-1, "0"]; }
  const days = Math.round((Date.parse(day) - Date.parse(D.cdates[ref])) / 864e5);
  if (D.ageing.max !== null && days > D.ageing.max) { return [days, "2"]; }
  return [days, days > (code === "c" ? D.ageing.presence : D.ageing.control) ? "1" : "0"];
};
