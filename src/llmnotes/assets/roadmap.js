/* llmnotes roadmap page: filter the trees, plans and steps; fold or unfold every branch. */
(function () {
  "use strict";

  function norm(s) {
    return (s || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ");
  }

  function ownText(li) {
    var label = li.querySelector(":scope > details > summary, :scope > .llmnotes-leaf");
    return norm(label ? label.textContent : li.textContent);
  }

  function childItems(li) {
    return li.querySelectorAll(":scope > details > ul > li");
  }

  /* A node stays when it, an ancestor or a descendant matches; branches leading to a match open. */
  function visit(li, q, ancestorMatched) {
    var own = q !== "" && ownText(li).indexOf(q) >= 0;
    var below = false;
    childItems(li).forEach(function (c) {
      if (visit(c, q, ancestorMatched || own)) below = true;
    });
    var show = q === "" || ancestorMatched || own || below;
    li.hidden = !show;
    li.classList.toggle("llmnotes-match", own);
    var details = li.querySelector(":scope > details");
    if (details && q !== "") details.open = below || own;
    return own || below;
  }

  /* Folding is the reader's: remember it when a filter starts, give it back when the filter is cleared. */
  function rememberFolding(root, q) {
    var active = root.dataset.filtering === "1";
    if (q !== "" && !active) {
      root.querySelectorAll("details").forEach(function (d) { d.dataset.wasOpen = d.open ? "1" : "0"; });
      root.dataset.filtering = "1";
    } else if (q === "" && active) {
      root.querySelectorAll("details").forEach(function (d) { d.open = d.dataset.wasOpen !== "0"; });
      root.dataset.filtering = "0";
    }
  }

  function filter(root, q) {
    rememberFolding(root, q);
    var shown = 0;
    root.querySelectorAll(".llmnotes-roadmap-note").forEach(function (section) {
      var title = section.querySelector("h2");
      var titleMatch = q !== "" && title && norm(title.textContent).indexOf(q) >= 0;
      var sq = titleMatch ? "" : q;
      var visible = 0;
      section.querySelectorAll(".llmnotes-tree-block, .llmnotes-steps-block").forEach(function (block) {
        var hit = false;
        block.querySelectorAll(":scope > ul > li, :scope > ol > li").forEach(function (li) {
          if (visit(li, sq, false) || sq === "") hit = true;
        });
        block.hidden = !hit;
        if (hit) visible++;
      });
      section.querySelectorAll(".llmnotes-plan-wrap").forEach(function (wrap) {
        var rows = 0;
        wrap.querySelectorAll("tbody tr").forEach(function (tr) {
          var ok = sq === "" || norm(tr.textContent).indexOf(sq) >= 0;
          tr.hidden = !ok;
          if (ok) rows++;
        });
        wrap.hidden = rows === 0;
        if (rows) visible++;
      });
      section.querySelectorAll("h3").forEach(function (h) {
        var next = h.nextElementSibling, any = false;
        while (next && next.tagName !== "H3") {
          if (!next.hidden) any = true;
          next = next.nextElementSibling;
        }
        h.hidden = !any;
      });
      section.hidden = visible === 0;
      if (visible) shown++;
    });
    var none = root.querySelector(".llmnotes-no-match");
    if (none) none.hidden = shown > 0;
  }

  function init() {
    var root = document.querySelector(".llmnotes-roadmap");
    if (!root) return;
    var setAll = function (open) {
      root.querySelectorAll("details").forEach(function (d) { d.open = open; });
    };
    var expand = root.querySelector(".llmnotes-expand-all");
    var collapse = root.querySelector(".llmnotes-collapse-all");
    if (expand) expand.addEventListener("click", function () { setAll(true); });
    if (collapse) collapse.addEventListener("click", function () { setAll(false); });
    var input = root.querySelector(".llmnotes-roadmap-filter");
    if (input) {
      input.addEventListener("input", function () { filter(root, norm(input.value.trim())); });
      if (input.value) filter(root, norm(input.value.trim()));
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
