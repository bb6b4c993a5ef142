// Reading and commenting where the reader is. A line's comment count opens that line's
// comments in a panel under the line, without leaving the page; on narrow screens (a phone, or
// a desktop at 200% zoom) tapping a line number also opens the comment form there, instead of
// at the foot of the page. Focus moves into the panel; Escape or its Close button shuts it and
// gives the focus back to what opened it. The quoted phrases of the comments shown stay marked
// in the text. Without this script the count links to ?line=N and the form sits in the side
// panel (or on its own page), as before.
(function () {
  "use strict";
  var text = document.querySelector(".draft-text");
  if (!text || !window.fetch || !window.DOMParser) return;
  var narrow = window.matchMedia("(max-width: 64rem)");
  var formSection = document.querySelector("[data-comment-form-section]");
  var formHome = null;
  var panel = null;
  var trigger = null;
  // The shortest piece of a quoted line still marked when the line no longer reads as quoted.
  var MIN_PIECE = 4;
  // The panel's words, in the page's language (data-* attributes of the comment panel).
  var wording = document.querySelector("[data-comment-panel]") || document.body;
  function words(name, values) {
    return (wording.getAttribute("data-" + name) || "").replace(/\{(\w+)\}/g, function (all, key) {
      return values[key];
    });
  }

  function lineNumber(line) { return parseInt(line.id.slice(1), 10); }

  function setExpanded(element, expanded) {
    element.setAttribute("aria-expanded", expanded ? "true" : "false");
    if (expanded) element.setAttribute("aria-controls", "line-panel");
    else element.removeAttribute("aria-controls");
  }

  function markTriggers() {
    text.querySelectorAll(".note-count").forEach(function (link) { setExpanded(link, false); });
    text.querySelectorAll(".ln").forEach(function (link) {
      if (formSection && narrow.matches) setExpanded(link, false);
      else link.removeAttribute("aria-expanded");
    });
  }

  function close(giveFocusBack) {
    if (!panel) return;
    if (formHome && formSection.parentNode === panel) {
      formHome.parentNode.insertBefore(formSection, formHome);
    }
    panel.remove();
    panel = null;
    var opener = trigger;
    trigger = null;
    if (opener) {
      setExpanded(opener, false);
      if (giveFocusBack) opener.focus();
    }
  }

  function open(line, opener, label) {
    close(false);
    panel = document.createElement("section");
    panel.className = "line-panel";
    panel.id = "line-panel";
    panel.setAttribute("aria-label", label);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary line-panel-close";
    button.textContent = words("close", {});
    button.setAttribute("aria-label", words("close-label", { label: label }));
    button.addEventListener("click", function () { close(true); });
    panel.appendChild(button);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(true); }
    });
    line.insertAdjacentElement("afterend", panel);
    trigger = opener;
    setExpanded(opener, true);
    return panel;
  }

  function focusInside(target) {
    target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    panel.scrollIntoView({ block: "nearest" });
    var top = panel.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight / 2) panel.scrollIntoView({ block: "start" });
  }

  function lineTextOf(number) {
    var line = document.getElementById("L" + number);
    return line && line.querySelector(".lt");
  }

  // Wrap the characters [at, at + length) of a line's readable text in <mark class="quote">,
  // once.
  function markSpan(lt, at, length) {
    var key = at + ":" + length;
    if (length <= 0 || lt.querySelector('mark.quote[data-at="' + key + '"]')) return;
    var walker = document.createTreeWalker(lt, NodeFilter.SHOW_TEXT);
    var range = document.createRange();
    var seen = 0;
    var started = false;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var size = node.data.length;
      if (!started && at < seen + size) { range.setStart(node, at - seen); started = true; }
      if (started && at + length <= seen + size) {
        range.setEnd(node, at + length - seen);
        var mark = document.createElement("mark");
        mark.className = "quote";
        mark.setAttribute("data-at", key);
        mark.appendChild(range.extractContents());
        range.insertNode(mark);
        return;
      }
      seen += size;
    }
  }

  // The runs of whole words of a quote's part, longest first; on a tie, the run that keeps the
  // end of the part (on the quote's first line, which it ends) or its start (on the others).
  function wordRuns(part, keepEnd) {
    var spans = [];
    var re = /\S+/g;
    for (var m = re.exec(part); m; m = re.exec(part)) spans.push([m.index, m.index + m[0].length]);
    var runs = [];
    for (var i = 0; i < spans.length; i++) {
      for (var j = i; j < spans.length; j++) {
        var text = part.slice(spans[i][0], spans[j][1]);
        var kept = keepEnd ? j === spans.length - 1 : i === 0;
        if (text.length >= MIN_PIECE) runs.push({ text: text, kept: kept });
      }
    }
    return runs.sort(function (a, b) {
      return b.text.length - a.text.length || Number(b.kept) - Number(a.kept);
    });
  }

  // Where one line of a quote that spans lines sits in that line's text: where it was filed if
  // the line still reads so (the end of the first line, the whole of those between, the start
  // of the last); else the longest run of its words the line still holds, so a line that was
  // re-worded keeps the part of the quote that still matches. Nothing if no run of at least
  // MIN_PIECE characters is left.
  function placeOfPart(content, part, first, start) {
    if (first && content.substr(start, part.length) === part) return [start, part.length];
    var runs = [{ text: part }].concat(wordRuns(part, first));
    for (var i = 0; i < runs.length; i++) {
      var at = first ? content.lastIndexOf(runs[i].text) : content.indexOf(runs[i].text);
      if (runs[i].text && at >= 0) return [at, runs[i].text.length];
    }
    return null;
  }

  // The spans to mark for a quote whose parts (its text split at new lines) run from line
  // lineNo on: one per line that still holds some of its part.
  function spansAcross(lineNo, parts, start) {
    var spans = [];
    for (var i = 0; i < parts.length; i++) {
      var lt = lineTextOf(Number(lineNo) + i);
      if (!lt) break;
      var place = placeOfPart(lt.textContent, parts[i], i === 0, start);
      if (place) spans.push([lt, place[0], place[1]]);
    }
    return spans;
  }

  // Mark each comment's quoted phrase in its line (or lines): at its recorded offset when the
  // line still reads the same there, else at its first occurrence in the line.
  function markQuote(lineNo, exact, start) {
    var lt = lineTextOf(lineNo);
    if (!lt || !exact) return;
    var parts = exact.split("\n");
    if (parts.length > 1) {
      spansAcross(lineNo, parts, start).forEach(function (span) { markSpan(span[0], span[1], span[2]); });
      return;
    }
    var content = lt.textContent;
    var at = content.substr(start, exact.length) === exact ? start : content.indexOf(exact);
    if (at >= 0) markSpan(lt, at, exact.length);
  }

  function markQuotes(scope) {
    scope.querySelectorAll("[data-quote-exact]").forEach(function (item) {
      var start = parseInt(item.getAttribute("data-quote-start"), 10);
      markQuote(item.getAttribute("data-line"), item.getAttribute("data-quote-exact"), start || 0);
    });
  }

  function showThread(link) {
    var line = link.closest(".line");
    var n = lineNumber(line);
    var region = open(line, link, words("thread-label", { n: n }));
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    status.textContent = words("loading", { n: n });
    region.appendChild(status);
    focusInside(status);
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var thread = page.querySelector(".line-comments");
        if (!thread || panel !== region) throw new Error("no thread");
        thread.querySelectorAll("a[href$='#L" + n + "']").forEach(function (closeLink) {
          if (closeLink.textContent.trim() === words("close", {})) closeLink.parentElement.remove();
        });
        var heading = thread.querySelector("#line-comments-h");
        heading.id = "line-panel-h";
        thread.setAttribute("aria-labelledby", "line-panel-h");
        thread = document.importNode(thread, true);
        region.replaceChild(thread, status);
        markQuotes(thread);
        focusInside(heading === null ? thread : thread.querySelector("#line-panel-h"));
      })
      .catch(function () { if (panel === region) window.location.href = link.href; });
  }

  function showForm(link) {
    var line = link.closest(".line");
    var region = open(line, link, words("form-label", { n: lineNumber(line) }));
    if (!formHome) {
      formHome = document.createComment("comment form");
      formSection.parentNode.insertBefore(formHome, formSection);
    }
    region.appendChild(formSection);
    focusInside(formSection.querySelector("h3") || formSection);
  }

  text.addEventListener("click", function (event) {
    var count = event.target.closest(".note-count");
    if (count && text.contains(count)) {
      event.preventDefault();
      if (trigger === count) close(true);
      else showThread(count);
      return;
    }
    var number = event.target.closest(".ln");
    if (number && formSection && narrow.matches && !event.shiftKey) {
      event.preventDefault();
      showForm(number);
    }
  });

  narrow.addEventListener("change", function () {
    if (panel && formSection && formSection.parentNode === panel) close(false);
    markTriggers();
  });

  markTriggers();
  markQuotes(document);
})();
