// searchkit serve: enhancements only; every control also works as a plain link or form.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Ticking a facet value submits the search form at once.
  function submitOnChange() {
    var form = document.getElementById("search");
    if (!form) return;
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type === "checkbox" && box.form === form) form.submit();
    });
  }

  // Dragging across histogram bars selects since..until; a click still follows the bar's link.
  function histogramDrag() {
    var svg = document.querySelector("svg.bars");
    if (!svg) return;
    var bars = Array.prototype.slice.call(svg.querySelectorAll("a.bar"));
    var start = -1, end = -1, moved = false;
    function barAt(event) {
      var el = document.elementFromPoint(event.clientX, event.clientY);
      var bar = el && el.closest ? el.closest("a.bar") : null;
      return bar ? bars.indexOf(bar) : -1;
    }
    function paint() {
      var lo = Math.min(start, end), hi = Math.max(start, end);
      bars.forEach(function (bar, i) {
        bar.classList.toggle("dragging", start >= 0 && i >= lo && i <= hi);
      });
    }
    svg.addEventListener("pointerdown", function (event) {
      var i = barAt(event);
      if (i < 0) return;
      start = end = i; moved = false;
      svg.setPointerCapture(event.pointerId);
      event.preventDefault();
      paint();
    });
    svg.addEventListener("pointermove", function (event) {
      if (start < 0) return;
      var i = barAt(event);
      if (i >= 0 && i !== end) { end = i; moved = moved || end !== start; paint(); }
    });
    svg.addEventListener("pointerup", function () {
      if (start < 0) return;
      var lo = Math.min(start, end), hi = Math.max(start, end);
      var target = moved ? null : bars[start].getAttribute("href");
      start = end = -1;
      paint();
      if (target) { window.location.assign(target); return; }
      var base = svg.getAttribute("data-base");
      var sep = base.indexOf("?") >= 0 ? "&" : "?";
      window.location.assign(base + sep + "since=" + encodeURIComponent(bars[lo].dataset.bucket) +
        "&until=" + encodeURIComponent(bars[hi].dataset.bucket));
    });
    svg.addEventListener("click", function (event) { event.preventDefault(); });
  }

  // Typing in a facet's search box lists the matching values from /api/facets/NAME.
  function facetSearch() {
    var forms = document.querySelectorAll("form.facet-search");
    Array.prototype.forEach.call(forms, function (form) {
      var input = form.querySelector("input[name=prefix]");
      var facet = form.dataset.facet;
      var list = document.querySelector('ul.values[data-facet="' + facet + '"]');
      var timer = null, seq = 0;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var mine = ++seq;
          var url = "/api/facets/" + encodeURIComponent(facet) + "?" + form.dataset.state +
            (form.dataset.state ? "&" : "") + "limit=20&prefix=" + encodeURIComponent(input.value);
          fetch(url, { headers: { Accept: "application/json" } })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (data) { if (data && mine === seq) render(list, facet, data.values); });
        }, 150);
      });
    });
  }

  function render(list, facet, values) {
    // Selected values stay listed (and in the form) whatever was typed.
    var kept = Array.prototype.filter.call(list.querySelectorAll("li"), function (li) {
      var box = li.querySelector("input");
      return box && box.checked && !values.some(function (v) { return v.value === box.value; });
    });
    while (list.firstChild) list.removeChild(list.firstChild);
    kept.forEach(function (li) { list.appendChild(li); });
    values.forEach(function (v) {
      var li = document.createElement("li");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox"; box.name = facet; box.value = v.value; box.checked = v.selected;
      box.setAttribute("form", "search");
      var name = document.createElement("span");
      name.className = "label"; name.dir = "auto";
      name.textContent = facet === "country" && v.label !== v.value ? v.label + " (" + v.value + ")" : v.label;
      var count = document.createElement("span");
      count.className = "count"; count.textContent = v.count.toLocaleString("en");
      label.appendChild(box); label.appendChild(name); label.appendChild(count);
      li.appendChild(label); list.appendChild(li);
    });
  }

  ready(function () { submitOnChange(); histogramDrag(); facetSearch(); });
})();
