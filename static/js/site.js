// Progressive enhancement only: every page works without this file.
// Escape hides an open glossary or citation tooltip without moving focus (WCAG 1.4.13).
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".tip-wrap:hover, .tip-wrap:focus-within").forEach(function (wrap) {
    wrap.classList.add("tip-dismissed");
  });
});
document.addEventListener("focusin", function (event) {
  document.querySelectorAll(".tip-dismissed").forEach(function (wrap) {
    if (!wrap.contains(event.target)) wrap.classList.remove("tip-dismissed");
  });
});
document.addEventListener("mouseout", function (event) {
  var wrap = event.target.closest && event.target.closest(".tip-dismissed");
  if (wrap && !wrap.contains(event.relatedTarget)) wrap.classList.remove("tip-dismissed");
});

// "Print this review": the button is hidden in the HTML, so without JavaScript it never shows.
document.querySelectorAll("[data-print-page]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
  button.closest("[hidden]")?.removeAttribute("hidden");
});

// A printed review shows every evidence note; the reader's own open/closed choices come back after.
var openedForPrint = [];
window.addEventListener("beforeprint", function () {
  openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (details) {
    return !details.open;
  });
  openedForPrint.forEach(function (details) {
    details.open = true;
  });
});
window.addEventListener("afterprint", function () {
  openedForPrint.forEach(function (details) {
    details.open = false;
  });
  openedForPrint = [];
});
