/* Marginalia reader: the keyboard caret (words, sentences). reader.js makes it, before its own keys. */
"use strict";

window.MarginaliaCaret = function ({ bodyEl, status, focusedSpan }) {

  /* The caret is the page's own selection, a word or a sentence at a time, so `t`, Enter, 1–9 and `c`
   * take it as they take the mouse's. Units are [start, end) in a paragraph's text (UTF-16), kept with
   * the paragraph's offset, so a repaint of the paragraph after a save does not lose it. */
  let caret = null; // {a: the unit it started on, f: the unit it moved to}, each {o, s, e}
  const caretStatus = status;
  const seg = (g) => (window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: g }) : null);
  const segmenters = { word: seg("word"), sentence: seg("sentence") };
  const paragraphs = () => Array.from(bodyEl.querySelectorAll("p[data-o]")).filter((p) => p.textContent.trim());
  const paragraphAt = (o) => bodyEl.querySelector('p[data-o="' + o + '"]');

  function units(p, sentence) {
    const text = p.textContent, out = [];
    const parts = segmenters[sentence ? "sentence" : "word"];
    const found = parts ? Array.from(parts.segment(text)) :
      Array.from(text.matchAll(sentence ? /[^.!?]+[.!?]*\s*/g : /[\p{L}\p{N}][\p{L}\p{N}'’]*/gu), (m) => ({ segment: m[0], index: m.index, isWordLike: true }));
    for (const { segment, index, isWordLike } of found) {
      if (sentence ? !segment.trim() : !isWordLike) continue;
      const lead = segment.length - segment.trimStart().length;
      out.push({ o: +p.dataset.o, s: index + lead, e: index + segment.trimEnd().length });
    }
    return out;
  }

  /* The next unit after (dir 1) or before (dir -1) `from`, across paragraphs; `from` itself at the ends. */
  function step(from, dir, sentence) {
    const ps = paragraphs();
    for (let i = ps.findIndex((p) => +p.dataset.o === from.o); i >= 0 && i < ps.length; i += dir) {
      const same = +ps[i].dataset.o === from.o;
      const list = units(ps[i], sentence);
      const hit = dir > 0
        ? list.find((u) => !same || (sentence ? u.e > from.e : u.s >= from.e))
        : list.reverse().find((u) => !same || (sentence ? u.s < from.s : u.e <= from.s));
      if (hit) return hit;
    }
    return from;
  }

  /* Where a new caret starts: the selection, else the focused passage, else the first paragraph in view. */
  function caretStart(sentence) {
    const sel = window.getSelection();
    const at = sel && sel.rangeCount && bodyEl.contains(sel.anchorNode) ? [sel.getRangeAt(0).startContainer, sel.getRangeAt(0).startOffset]
      : focusedSpan() && document.getElementById("span-" + focusedSpan()) ? [document.getElementById("span-" + focusedSpan()), 0] : null;
    const p = at ? (at[0].nodeType === Node.TEXT_NODE ? at[0].parentElement : at[0]).closest("p[data-o]")
      : paragraphs().find((el) => el.getBoundingClientRect().bottom > 40);
    if (!p) return null;
    const r = document.createRange();
    r.setStart(p, 0);
    if (at) r.setEnd(at[0], at[1]);
    const index = at ? r.toString().length : 0;
    const list = units(p, sentence);
    return list.find((u) => u.e > index) || step({ o: +p.dataset.o, s: index, e: index }, 1, sentence);
  }

  function domPoint(o, index) {
    const walker = document.createTreeWalker(paragraphAt(o), NodeFilter.SHOW_TEXT);
    let node, last = null;
    while ((node = walker.nextNode())) {
      if (index <= node.data.length) return [node, index];
      index -= node.data.length;
      last = node;
    }
    return [last, last ? last.data.length : 0];
  }

  const before = (x, y, key) => x.o < y.o || (x.o === y.o && x[key] < y[key]);

  function showCaret() {
    const { a, f } = caret;
    const first = before(f, a, "s") ? f : a, last = before(a, f, "e") ? f : a;
    const range = document.createRange();
    range.setStart(...domPoint(first.o, first.s));
    range.setEnd(...domPoint(last.o, last.e));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    const unit = document.createRange();
    unit.setStart(...domPoint(f.o, f.s));
    unit.setEnd(...domPoint(f.o, f.e));
    const box = unit.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) window.scrollBy(0, box.top - window.innerHeight / 3);
    const text = range.toString();
    caretStatus.textContent = "Selected: " + (text.length > 120 ? text.slice(0, 118) + "…" : text);
  }

  /* Arrows: ←/→ a word, ↑/↓ a sentence; with Shift the selection grows (or shrinks) from where it began. */
  function moveCaret(key, extend) {
    const sentence = key === "ArrowUp" || key === "ArrowDown";
    const dir = key === "ArrowRight" || key === "ArrowDown" ? 1 : -1;
    if (!caret) {
      const start = caretStart(sentence);
      if (!start) return;
      caret = { a: start, f: start };
    } else {
      // Growing or shrinking by a word from a sentence: from its last word (or first, on the left side).
      const { a } = caret;
      const words = sentence ? [] : units(paragraphAt(caret.f.o), false).filter((w) => w.s >= caret.f.s && w.e <= caret.f.e);
      const base = extend && words.length && (dir < 0 ? before(a, caret.f, "e") : before(caret.f, a, "s"))
        ? words[dir < 0 ? words.length - 1 : 0] : caret.f;
      const f = step(base, dir, sentence);
      caret = { a: extend ? a : f, f };
    }
    showCaret();
  }

  function dropCaret() {
    caret = null;
    caretStatus.textContent = "";
  }

  return { move: moveCaret, drop: dropCaret, active: () => caret !== null };
};
