/* llmnotes paper index: sort by a column header, filter by text and tag.
   Without JavaScript the table shows every paper, newest first; this only reorders and hides rows. */
(function () {
  "use strict";

  function norm(s) {
    return (s || "").normalize("NFKC").toLowerCase();
  }

  function setup(root) {
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    var table = root.querySelector(".llmnotes-papers-table");
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var texts = rows.map(function (tr) { return norm(tr.textContent); });
    var tags = rows.map(function (tr) {
      try { return JSON.parse(tr.dataset.tags || "[]").map(norm); } catch (e) { return []; }
    });
    var controls = root.querySelector(".llmnotes-papers-controls");
    var input = controls && controls.querySelector(".llmnotes-papers-filter");
    var select = controls && controls.querySelector(".llmnotes-papers-tag");
    var shownLabel = controls && controls.querySelector(".llmnotes-papers-shown");
    var nomatch = root.querySelector(".llmnotes-papers-nomatch");

    function filter() {
      var words = norm(input ? input.value : "").split(/\s+/).filter(Boolean);
      var tag = select ? norm(select.value) : "";
      var shown = 0;
      rows.forEach(function (tr, i) {
        var ok = (!tag || tags[i].indexOf(tag) >= 0) &&
          words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        tr.hidden = !ok;
        if (ok) shown++;
      });
      if (nomatch) nomatch.hidden = shown > 0;
      if (shownLabel) shownLabel.textContent = shown < rows.length ? shown + " / " + rows.length : "";
    }

    // Sorting: a click on a header sorts by its column; a second click reverses.
    // Rows without a value (an undated paper) always go last.
    function sortBy(th) {
      var key = th.dataset.key;
      var current = th.getAttribute("aria-sort");
      var dir = current === "ascending" ? "descending" :
        current === "descending" ? "ascending" : (key === "date" ? "descending" : "ascending");
      table.querySelectorAll("th[data-key]").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      var sorted = rows.slice().sort(function (a, b) {
        var x = a.dataset[key] || "", y = b.dataset[key] || "";
        if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1);
        return sign * x.localeCompare(y);
      });
      sorted.forEach(function (tr) { body.appendChild(tr); });
    }

    table.querySelectorAll("th[data-key]").forEach(function (th) {
      var button = th.querySelector("button") || th;
      button.addEventListener("click", function () { sortBy(th); });
    });
    if (controls) {
      controls.hidden = false;
      if (input) input.addEventListener("input", filter);
      if (select) select.addEventListener("change", filter);
    }
  }

  function init() {
    document.querySelectorAll(".llmnotes-papers").forEach(setup);
  }

  // Material's instant navigation swaps pages without a load event.
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
