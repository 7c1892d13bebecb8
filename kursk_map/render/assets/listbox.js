// The keys and clicks of a search box's list of results, shared by map pages (map.js) and the explorer
// (explore.js): window.kmListbox(input, results, count, pick). The arrow keys move the highlight over
// the options (li[role=option]), Enter picks the highlighted one (the first when none is), Escape
// closes the list, a click picks an option. count() is the number of options; pick(j) acts on the
// j-th. Returns {reset}: call reset() after refilling the list, to highlight its first option.
window.kmListbox = window.kmListbox || function (input, results, count, pick) {
  "use strict";
  var active = -1;
  function mark() {
    Array.prototype.forEach.call(results.querySelectorAll("li[role=option]"), function (li, j) {
      li.className = j === active ? "km-on" : "";
    });
  }
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      var n = count();
      if (!n) { return; }
      active = (active + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
      mark();
    } else if (e.key === "Enter") {
      e.preventDefault();
      pick(Math.max(active, 0));
    } else if (e.key === "Escape") {
      results.hidden = true;
    }
  });
  results.addEventListener("click", function (e) {
    var li = e.target.closest("li[role=option]");
    if (li) { pick(Array.prototype.indexOf.call(results.querySelectorAll("li[role=option]"), li)); }
  });
  return {reset: function () { active = count() ? 0 : -1; mark(); }};
};
