// The line of a popup that links a settlement's own page (its claim history across every source), or says that
// no claim names it. Part of settlements/pages.js (inlined into a self-contained page), after the table of pages:
// window.__kmSettlementPages, a Map from a settlement's escaped id to [page path from the atlas's root, claims
// naming it, their sources]. The page's <script> element carries data-root, the atlas's root relative to the page ("../").
// Popups call window.__kmSettlementLink(id) when it exists (pages outside an atlas have no such script).
(function () {
  const me = document.currentScript, root = (me && me.getAttribute("data-root")) || "";
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  window.__kmSettlementLink = function (id) {
    const e = window.__kmSettlementPages.get(id);
    if (!e) { return "<div class='km-hist'>No source has named this settlement in a claim.</div>"; }
    return "<div class='km-hist'><a href='" + root + e[0] + "'>Claim history across sources</a> (named in " +
      plural(e[1], "claim") + " by " + plural(e[2], "source") + ")</div>";
  };
})();
