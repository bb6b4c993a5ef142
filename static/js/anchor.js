// Anchoring a comment on the draft page: click a line number, shift-click to extend the
// range, or select a phrase in the text. The comment form works without this script: its
// "lines from / to" fields and the quote field can be filled by hand, by keyboard alone.
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  var text = document.querySelector(".draft-text");
  if (!form || !text) return;

  var fields = {};
  ["line_start", "line_end", "quote_exact", "quote_prefix", "quote_suffix", "quote_start"].forEach(
    function (name) { fields[name] = form.elements[name]; }
  );
  var citation = document.getElementById("anchor-citation");
  // The words of the citation, in the page's language (data-* attributes of the citation).
  function words(name, values) {
    return (citation.getAttribute("data-" + name) || "").replace(/\{(\w+)\}/g, function (all, key) {
      return values[key];
    });
  }
  var CONTEXT = 32;
  var first = null;

  function lineOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest(".line") : null;
  }
  function numberOf(line) { return parseInt(line.id.slice(1), 10); }
  function textOf(line) { var lt = line.querySelector(".lt"); return lt ? lt.textContent : ""; }
  function sectionOf(line) {
    var section = line.closest(".draft-section");
    return section ? section.getAttribute("aria-label") : "";
  }

  function highlight(start, end) {
    text.querySelectorAll(".line.selected").forEach(function (el) { el.classList.remove("selected"); });
    for (var n = start; n <= end; n++) {
      var el = document.getElementById("L" + n);
      if (el) el.classList.add("selected");
    }
  }

  function describe() {
    var start = parseInt(fields.line_start.value, 10);
    var end = parseInt(fields.line_end.value, 10) || start;
    if (!start) { citation.textContent = words("none", {}); return; }
    var line = document.getElementById("L" + start);
    var where = line ? sectionOf(line) + ", " : "";
    var lines = start === end ? words("line", { start: start }) : words("lines", { start: start, end: end });
    var quote = fields.quote_exact.value;
    if (quote.length > 80) quote = quote.slice(0, 77) + "…";
    citation.textContent = where + lines + (quote ? ", “" + quote + "”" : "");
    highlight(start, end);
  }

  function setRange(start, end, keepQuote) {
    fields.line_start.value = Math.min(start, end);
    fields.line_end.value = Math.max(start, end);
    if (!keepQuote) {
      ["quote_exact", "quote_prefix", "quote_suffix", "quote_start"].forEach(function (name) {
        fields[name].value = "";
      });
    }
    describe();
    form.hidden = false;
    form.closest("[data-comment-panel]").classList.add("active");
  }

  text.addEventListener("click", function (event) {
    var number = event.target.closest(".ln");
    if (!number) return;
    event.preventDefault();
    var line = lineOf(number);
    var n = numberOf(line);
    if (event.shiftKey && first !== null) {
      setRange(first, n);
    } else {
      first = n;
      setRange(n, n);
    }
    history.replaceState(null, "", "#L" + n);
    fields.line_start.focus({ preventScroll: true });
  });

  document.addEventListener("mouseup", function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    var startLine = lineOf(range.startContainer);
    var endLine = lineOf(range.endContainer);
    if (!startLine || !endLine || !text.contains(startLine)) return;
    var startText = startLine.querySelector(".lt");
    if (!startText || !startText.contains(range.startContainer)) return;

    // Character offset of the selection inside the line's readable text.
    var before = document.createRange();
    before.selectNodeContents(startText);
    before.setEnd(range.startContainer, range.startOffset);
    var offset = before.toString().length;

    var exact = selection.toString();
    var lineText = textOf(startLine);
    if (startLine !== endLine) {
      // Join the lines' readable text with newlines, as the server does, and cut the quote
      // out of that, so line numbers in the gutter never end up inside it.
      var joined = [];
      for (var n = numberOf(startLine); n < numberOf(endLine); n++) {
        var el = document.getElementById("L" + n);
        if (el) joined.push(textOf(el));
      }
      var endText = endLine.querySelector(".lt");
      var upToEnd = document.createRange();
      upToEnd.selectNodeContents(endText);
      if (endText.contains(range.endContainer)) upToEnd.setEnd(range.endContainer, range.endOffset);
      var prefixLength = joined.join("\n").length + 1;
      joined.push(textOf(endLine));
      lineText = joined.join("\n");
      exact = lineText.slice(offset, prefixLength + upToEnd.toString().length);
    }
    exact = exact.trim() ? exact : "";
    if (!exact) return;
    setRange(numberOf(startLine), numberOf(endLine), true);
    fields.quote_exact.value = exact;
    fields.quote_start.value = offset;
    fields.quote_prefix.value = lineText.slice(Math.max(0, offset - CONTEXT), offset);
    fields.quote_suffix.value = lineText.slice(offset + exact.length, offset + exact.length + CONTEXT);
    describe();
  });

  ["line_start", "line_end", "quote_exact"].forEach(function (name) {
    fields[name].addEventListener("input", describe);
  });
  describe();
})();
