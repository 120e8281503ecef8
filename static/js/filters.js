// Progressive enhancement only: on a phone, fold the filter panel so the results come
// first. Without JavaScript the panel simply stays open.
(function () {
  if (window.matchMedia && window.matchMedia("(max-width: 52rem)").matches) {
    document.querySelectorAll("details.filter-panel").forEach(function (panel) {
      panel.open = false;
    });
  }
})();
