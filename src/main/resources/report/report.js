"use strict";
// Sortable tables: click a heading (th[data-sort]) to sort its rows by that column, again to reverse.
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.querySelectorAll("th");
  heads.forEach(function (th, column) {
    if (!th.dataset.sort) return;
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[column];
        var v = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
        return th.dataset.sort === "number" ? parseFloat(v) : v.toLowerCase();
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
// A link to evidence inside a collapsed <details> opens it, then shows the target.
function reveal(id) {
  var target = id && document.getElementById(id);
  if (!target) return;
  for (var e = target; e; e = e.parentElement) {
    if (e.tagName === "DETAILS") e.open = true;
  }
  target.scrollIntoView({block: "center"});
}
window.addEventListener("hashchange", function () { reveal(decodeURIComponent(location.hash.slice(1))); });
if (location.hash) reveal(decodeURIComponent(location.hash.slice(1)));
// Printing shows every hypothesis's evidence; the page is as it was afterwards.
var closedBeforePrint = [];
window.addEventListener("beforeprint", function () {
  closedBeforePrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
  closedBeforePrint.forEach(function (d) { d.open = true; });
});
window.addEventListener("afterprint", function () {
  closedBeforePrint.forEach(function (d) { d.open = false; });
});
