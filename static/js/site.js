// Progressive enhancement only: every page works without this file.
// Escape hides an open glossary or citation tooltip without moving focus (WCAG 1.4.13).
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".tip-wrap:hover, .tip-wrap:focus-within, .tip-open").forEach(function (wrap) {
    wrap.classList.remove("tip-open");
    wrap.classList.add("tip-dismissed");
  });
});

// A tip that would run past the right edge of the screen (a term at the end of a line) moves
// left, just enough; on a phone the CSS already spans it across the screen.
function keepTipOnScreen(wrap) {
  var tip = wrap.querySelector(":scope > .tip");
  if (!tip) return;
  tip.style.removeProperty("--tip-shift");
  var box = tip.getBoundingClientRect();
  if (!box.width) return;
  var margin = 8;
  var shift = Math.min(0, document.documentElement.clientWidth - margin - box.right);
  shift = Math.max(shift, margin - box.left);
  if (shift) tip.style.setProperty("--tip-shift", shift + "px");
}
["mouseover", "focusin"].forEach(function (type) {
  document.addEventListener(type, function (event) {
    var wrap = event.target.closest && event.target.closest(".tip-wrap");
    if (wrap) keepTipOnScreen(wrap);
  });
});

// On a touch screen a tap on a glossary term shows its definition in place instead of leaving
// the page; a second tap, a tap elsewhere or Escape closes it. (Without this script, or with a
// mouse or keyboard, the term is a link to its entry in the glossary.)
var lastPointer = "";
document.addEventListener("pointerdown", function (event) {
  lastPointer = event.pointerType;
  document.querySelectorAll(".tip-open").forEach(function (wrap) {
    if (!wrap.contains(event.target)) wrap.classList.remove("tip-open");
  });
});
document.addEventListener("click", function (event) {
  var term = lastPointer === "touch" && event.target.closest && event.target.closest("a.term");
  if (!term || !term.parentElement.classList.contains("tip-wrap")) return;
  event.preventDefault();
  var wrap = term.parentElement;
  var opening = !wrap.classList.contains("tip-open");
  wrap.classList.toggle("tip-open", opening);
  wrap.classList.toggle("tip-dismissed", !opening);
  if (opening) keepTipOnScreen(wrap);
});

// A link back to a citation inside a closed "See more" opens it (where the browser does not).
window.addEventListener("hashchange", function () {
  var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var details = target && target.closest("details:not([open])");
  if (details) {
    details.open = true;
    target.scrollIntoView();
  }
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

// A link to a rating (from "Our ratings in brief") opens its evidence note; without this file the
// link still lands on the rating, with "See more" beside it. A link to the note itself ("Why this
// rating" on the comparison) opens it too, where the browser does not do so on its own.
function openTargetedNote() {
  var target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var note = target && target.classList.contains("rating-row") ? target.querySelector("details.see-more") : target && target.closest("details:not([open])");
  if (note) note.open = true;
}
window.addEventListener("hashchange", openTargetedNote);
openTargetedNote();

// Therapies ticked to compare stay ticked from page to page of the index and back, in this tab:
// the form sends those ticked on other pages too, and says how many are chosen. (Without this
// file each page's ticks go on their own.)
var COMPARE_KEY = "compare-choices";
function compareChoices(slugs) {
  try {
    if (slugs) sessionStorage.setItem(COMPARE_KEY, JSON.stringify(slugs));
    return JSON.parse(sessionStorage.getItem(COMPARE_KEY) || "[]");
  } catch (error) {
    return slugs || [];  // storage refused: this page's ticks still work
  }
}
document.querySelectorAll("form.compare-picker").forEach(function (picker) {
  var boxes = Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox][name=therapies]"));
  var status = document.createElement("p");
  status.className = "compare-status";
  status.setAttribute("role", "status");
  picker.querySelector(".compare-bar")?.prepend(status);
  function update() {
    var chosen = compareChoices();
    boxes.forEach(function (box) {
      var at = chosen.indexOf(box.value);
      if (box.checked && at < 0) chosen.push(box.value);
      if (!box.checked && at >= 0) chosen.splice(at, 1);
    });
    compareChoices(chosen);
    var elsewhere = chosen.filter(function (slug) {
      return !boxes.some(function (box) { return box.value === slug; });
    }).length;
    status.textContent = !chosen.length ? "" : chosen.length + " chosen" + (elsewhere ? " (" + elsewhere + " on other pages)" : "");
    return chosen;
  }
  function restore(exactly) {
    var chosen = compareChoices();
    boxes.forEach(function (box) {
      var wanted = chosen.indexOf(box.value) >= 0;
      if (wanted || exactly) box.checked = wanted;
    });
    update();
  }
  boxes.forEach(function (box) {
    box.addEventListener("change", update);
  });
  restore(false);
  // Back to a page the browser kept whole: what was ticked or unticked elsewhere since counts.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) restore(true);
  });
  picker.addEventListener("submit", function () {
    update().forEach(function (slug) {
      if (boxes.some(function (box) { return box.value === slug; })) return;
      var carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = "therapies";
      carried.value = slug;
      picker.append(carried);
    });
  });
});
