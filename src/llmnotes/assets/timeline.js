/* llmnotes timeline: text filter, tag filter and order toggle over the server-rendered list.
   Without JavaScript the page shows every event, oldest first; this only hides and reorders. */
(function () {
  "use strict";

  function norm(s) {
    return (s || "").normalize("NFKC").toLowerCase();
  }

  function setup(root) {
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    var controls = root.querySelector(".llmnotes-timeline-controls");
    if (!controls) return;
    controls.hidden = false;
    var input = controls.querySelector(".llmnotes-timeline-filter");
    var select = controls.querySelector(".llmnotes-timeline-tag");
    var order = controls.querySelector(".llmnotes-timeline-order");
    var body = root.querySelector(".llmnotes-timeline-body");
    var nomatch = root.querySelector(".llmnotes-timeline-nomatch");
    var items = Array.prototype.slice.call(root.querySelectorAll("li.llmnotes-event"));
    var texts = items.map(function (li) { return norm(li.textContent); });
    var tags = items.map(function (li) {
      try { return JSON.parse(li.dataset.tags || "[]").map(norm); } catch (e) { return []; }
    });

    function apply() {
      var words = norm(input.value).split(/\s+/).filter(Boolean);
      var tag = select ? norm(select.value) : "";
      var shown = 0;
      items.forEach(function (li, i) {
        var ok = (!tag || tags[i].indexOf(tag) >= 0) &&
          words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        li.hidden = !ok;
        if (ok) shown++;
      });
      root.querySelectorAll(".llmnotes-timeline-month, .llmnotes-timeline-year").forEach(function (sec) {
        sec.hidden = !sec.querySelector("li.llmnotes-event:not([hidden])");
      });
      if (nomatch) nomatch.hidden = shown > 0;
    }

    function reverseChildren(parent, selector) {
      var kids = Array.prototype.filter.call(parent.children, function (c) { return c.matches(selector); });
      kids.reverse().forEach(function (c) { parent.appendChild(c); });
    }

    function flip() {
      var desc = root.dataset.order !== "desc";
      root.dataset.order = desc ? "desc" : "asc";
      reverseChildren(body, ".llmnotes-timeline-year");
      body.querySelectorAll(".llmnotes-timeline-year").forEach(function (y) {
        reverseChildren(y, ".llmnotes-timeline-month");
      });
      body.querySelectorAll("ol.llmnotes-timeline-items").forEach(function (ol) {
        reverseChildren(ol, "li.llmnotes-event");
      });
      var nav = root.querySelector(".llmnotes-timeline-years");
      if (nav) reverseChildren(nav, "a");
      order.textContent = desc ? order.dataset.desc : order.dataset.asc;
      order.setAttribute("aria-pressed", desc ? "true" : "false");
    }

    input.addEventListener("input", apply);
    if (select) select.addEventListener("change", apply);
    order.addEventListener("click", flip);
    // A tag link on an event filters by that tag instead of leaving the page.
    root.addEventListener("click", function (ev) {
      var a = ev.target.closest && ev.target.closest(".llmnotes-event .llmnotes-tag");
      if (!a || !select || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      var value = a.textContent.replace(/^#/, "");
      if (!Array.prototype.some.call(select.options, function (o) { return o.value === value; })) return;
      ev.preventDefault();
      select.value = value;
      apply();
    });
    apply();
  }

  function init() {
    setup(document.querySelector(".llmnotes-timeline"));
  }

  // Material's instant navigation swaps pages without a load event: follow its document$ stream.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
