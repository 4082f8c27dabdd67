/* llmnotes links page: filter the links by any word of their title, URL, site or citing notes. */
(function () {
  "use strict";

  function norm(s) {
    return (s || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ");
  }

  function filter(root, q) {
    var total = 0;
    root.querySelectorAll(".llmnotes-site").forEach(function (site) {
      var name = norm(site.querySelector("h2").textContent);
      var siteMatch = q !== "" && name.indexOf(q) >= 0;
      var shown = 0;
      site.querySelectorAll(".llmnotes-link").forEach(function (li) {
        var ok = q === "" || siteMatch || norm(li.textContent).indexOf(q) >= 0;
        li.hidden = !ok;
        if (ok) shown++;
      });
      site.hidden = shown === 0;
      var index = root.querySelector('.llmnotes-site-index a[href="#' + site.id + '"]');
      if (index) index.hidden = shown === 0;
      total += shown;
    });
    var none = root.querySelector(".llmnotes-no-match");
    if (none) none.hidden = total > 0;
  }

  function init() {
    var root = document.querySelector(".llmnotes-links");
    if (!root) return;
    var input = root.querySelector(".llmnotes-links-filter");
    if (!input) return;
    input.addEventListener("input", function () { filter(root, norm(input.value.trim())); });
    if (input.value) filter(root, norm(input.value.trim()));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
