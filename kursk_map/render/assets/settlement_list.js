// The filter of the list of settlement pages (settlements/index.html): shows the rows whose names contain what
// is typed, compared in lower case without accents (each row's data-s holds its names folded the same way).
// Without scripts the whole list shows. This header is dropped when the script goes into the page.
(function () {
  const box = document.getElementById("km-q"), count = document.getElementById("km-n");
  const rows = Array.prototype.slice.call(document.querySelectorAll("#km-settlements tbody tr"));
  function fold(s) { return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
  function filter() {
    const q = fold(box.value.trim());
    let shown = 0;
    rows.forEach(function (r) {
      const hit = !q || r.getAttribute("data-s").indexOf(q) >= 0;
      r.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = String(shown);
  }
  document.getElementById("km-find").hidden = false;
  box.addEventListener("input", filter);
  filter();
})();
