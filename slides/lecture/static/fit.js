/* The lecture deck fits every slide into reveal.js's box (1280x800 slide pixels, scaled to the screen).
   1. A printed table's font shrinks (not below 0.9 of its size) until its lines fit the width; longer
      lines, beyond the longest 15% of them, wrap (lecture.css: pre-wrap): nothing runs off the right edge.
   2. A figure shrinks to the height its slide's text leaves it (lecture.css: a flex column), but not
      below 45% of the box or its own height.
   3. A table that runs past the box continues on a slide of its own, under its header row.
   4. A slide whose text still runs past the box gets its text scaled down (--fit, not below 0.8) until
      it fits. A slide that does not fit even then is a slide to split (tests/test_slides.py and
      e2e/test_lecture.py measure every slide). */
(function () {
  "use strict";
  var PRE_FLOOR = 0.9, FIT_FLOOR = 0.8, WRAP_SHARE = 0.15, FIGURE_MIN = 0.45;

  function leaves() {
    return Array.prototype.filter.call(document.querySelectorAll(".reveal .slides section"),
      function (s) { return !s.querySelector("section"); });
  }

  function charWidth(pre) {  // width of one character of the pre's font, per pixel of font size
    var probe = document.createElement("span");
    probe.textContent = "0123456789".repeat(4);
    probe.style.whiteSpace = "pre";
    pre.appendChild(probe);
    var ratio = probe.offsetWidth / 40 / parseFloat(getComputedStyle(pre).fontSize);
    pre.removeChild(probe);
    return ratio;
  }

  function fitPre(pre) {
    var lines = pre.textContent.replace(/\n$/, "").split("\n").map(function (l) { return l.length; });
    lines.sort(function (a, b) { return a - b; });
    var longest = lines[Math.floor((1 - WRAP_SHARE) * (lines.length - 1))];
    pre.style.fontSize = "";
    if (!longest || !pre.clientWidth) return;
    var size = parseFloat(getComputedStyle(pre).fontSize);
    var fit = pre.clientWidth / (longest * charWidth(pre) * size);
    if (fit < 1) {  // in em of the parent's size, so that a slide's --fit scales it too
      var em = size / parseFloat(getComputedStyle(pre.parentElement).fontSize);
      pre.style.fontSize = (em * Math.max(fit, PRE_FLOOR)).toFixed(4) + "em";
    }
  }

  function contentHeight(slide) {  // in slide pixels: from the slide's top to its lowest box
    var box = slide.getBoundingClientRect(), scale = box.height / slide.offsetHeight || 1, bottom = box.top;
    slide.querySelectorAll("*").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.width && r.height) bottom = Math.max(bottom, r.bottom);
    });
    return Math.max(slide.scrollHeight, (bottom - box.top) / scale);
  }

  function measuring(slide, task) {
    // reveal.js lays out only the slides near the present one: show the others, unseen, while measuring
    var shown = [];
    for (var s = slide; s && s.tagName === "SECTION"; s = s.parentElement) {
      if (getComputedStyle(s).display === "none") {
        shown.push([s, s.style.display, s.style.visibility]);
        s.style.display = s === slide ? "flex" : "block";
        s.style.visibility = "hidden";
      }
    }
    try {
      return task();
    } finally {
      shown.forEach(function (s) { s[0].style.display = s[1]; s[0].style.visibility = s[2]; });
    }
  }

  function fitSlide(slide, height) {
    measuring(slide, function () {
      slide.style.removeProperty("--fit");
      slide.querySelectorAll(".jp-OutputArea-output pre").forEach(fitPre);
      slide.querySelectorAll("img").forEach(function (img) {
        img.style.minHeight = Math.min(img.naturalHeight || 0, FIGURE_MIN * height) + "px";
      });
      var fit = 1;
      for (var i = 0, h; i < 8 && (h = contentHeight(slide)) > height + 0.5 && fit > FIT_FLOOR; i++) {
        fit = Math.max(FIT_FLOOR, fit * Math.pow(height / h, i < 4 ? 1 : 0.5) - 0.005);
        slide.style.setProperty("--fit", fit.toFixed(3));
      }
      slide.dataset.fit = fit.toFixed(3);
    });
  }

  function splitTable(slide, height) {  // true if a table's rows past the box moved to a new slide
    slide.style.removeProperty("--fit");
    return measuring(slide, function () { return splitMeasured(slide, height); });
  }

  function splitMeasured(slide, height) {
    var tables = slide.querySelectorAll("table");
    if (tables.length !== 1 || contentHeight(slide) <= height + 0.5) return false;
    var table = tables[0], rows = table.querySelectorAll(":scope > tbody > tr");
    var box = slide.getBoundingClientRect(), scale = box.height / slide.offsetHeight || 1;
    var first = Array.prototype.findIndex.call(rows, function (row) {
      return (row.getBoundingClientRect().bottom - box.top) / scale > height;
    });
    if (first < 1) return false;  // not even one row fits: nothing to gain
    // the new slide: the chain of boxes from the slide down to the table, each without its other content
    var next = slide.cloneNode(false), parent = next;
    var chain = [];
    for (var el = table.parentElement; el !== slide; el = el.parentElement) chain.unshift(el);
    chain.forEach(function (el) { var copy = el.cloneNode(false); parent.appendChild(copy); parent = copy; });
    var rest = table.cloneNode(false);
    if (table.tHead) rest.appendChild(table.tHead.cloneNode(true));
    var body = document.createElement("tbody");
    Array.prototype.slice.call(rows, first).forEach(function (row) { body.appendChild(row); });
    rest.appendChild(body);
    parent.appendChild(rest);
    ["id", "style", "data-fit", "hidden", "aria-hidden"].forEach(function (name) { next.removeAttribute(name); });
    next.classList.remove("present", "past", "future");
    slide.parentElement.insertBefore(next, slide.nextSibling);
    return true;
  }

  var tablesSplit = false;

  function fitAll(Reveal) {
    var height = Reveal.getConfig().height;
    if (!tablesSplit) {  // once: a table runs past the box at full size; continue it on a new slide
      tablesSplit = true;
      var added = 0;
      leaves().forEach(function (s) {
        for (var slide = s; added < 50 && splitTable(slide, height); slide = slide.nextElementSibling) added++;
      });
      if (added) {  // reveal.js learns of the new slides, and gives each its place (past, future)
        var present = Reveal.getCurrentSlide(), f = Reveal.getIndices().f;
        Reveal.sync();
        var at = Reveal.getIndices(present);
        Reveal.slide(at.h, at.v, f);
      }
    }
    leaves().forEach(function (s) { fitSlide(s, height); });
    Reveal.layout();
    document.documentElement.dataset.fitted = (+(document.documentElement.dataset.fitted || 0) + 1).toString();
  }

  window.lectureFit = function (Reveal) {
    var again = function () { fitAll(Reveal); };
    var whenTypeset = function () {
      if (window.MathJax && MathJax.Hub) MathJax.Hub.Queue(again); else again();
    };
    if (Reveal.isReady()) whenTypeset(); else Reveal.on("ready", whenTypeset);
    if (document.fonts) document.fonts.ready.then(whenTypeset);
    Reveal.on("slidechanged", function (event) {
      var slide = event.currentSlide;
      if (window.MathJax && MathJax.Hub && MathJax.Hub.getAllJax(slide).length) {
        MathJax.Hub.Queue(["Rerender", MathJax.Hub, slide], function () {
          fitSlide(slide, Reveal.getConfig().height); Reveal.layout();
        });
      }
    });
  };
})();
