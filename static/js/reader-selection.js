/* Marginalia reader: the selection as body offsets (code points into Article.body) on whole grapheme
 * clusters, its quote rebuilt from the text (the markup: reader.js). Made by reader.js. */
"use strict";

window.MarginaliaSelection = function (bodyEl) {
  const bodyLength = +bodyEl.dataset.length;

  const codePoints = (s) => Array.from(s).length;

  function textWalker() {
    // Only text inside data-o elements is body text (whitespace between paragraphs is not).
    return document.createTreeWalker(bodyEl, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement && n.parentElement.hasAttribute("data-o") ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP),
    });
  }

  function offsetOfText(node) {
    const el = node.parentElement;
    return el && el.hasAttribute("data-o") ? +el.dataset.o : null;
  }

  /* The first text node at or after a DOM boundary point (node, offset), or null. */
  function textAtOrAfter(node, offset) {
    const walker = textWalker();
    if (node.nodeType === Node.TEXT_NODE && offsetOfText(node) !== null) return node;
    if (node.nodeType === Node.TEXT_NODE) {
      walker.currentNode = node;
      return walker.nextNode();
    }
    if (offset < node.childNodes.length) {
      const child = node.childNodes[offset];
      if (child.nodeType === Node.TEXT_NODE && offsetOfText(child) !== null) return child;
      walker.currentNode = child;
      return walker.nextNode();
    }
    // After the node's last child: the first text after the node's subtree.
    let last = node;
    while (last.lastChild) last = last.lastChild;
    walker.currentNode = last;
    return walker.nextNode();
  }

  function pointOffset(node, offset) {
    if (node.nodeType === Node.TEXT_NODE && offsetOfText(node) !== null) {
      return offsetOfText(node) + codePoints(node.data.slice(0, offset));
    }
    const text = textAtOrAfter(node, offset);
    return text ? offsetOfText(text) : bodyLength;
  }

  /* {start, end, text} of the current selection inside #body, or null. */
  function selectionInBody() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0).cloneRange();
    const whole = document.createRange();
    whole.selectNodeContents(bodyEl);
    if (range.compareBoundaryPoints(Range.END_TO_START, whole) >= 0) return null; // starts after body
    if (range.compareBoundaryPoints(Range.START_TO_END, whole) <= 0) return null; // ends before body
    if (range.compareBoundaryPoints(Range.START_TO_START, whole) < 0) range.setStart(whole.startContainer, whole.startOffset);
    if (range.compareBoundaryPoints(Range.END_TO_END, whole) > 0) range.setEnd(whole.endContainer, whole.endOffset);
    let start = pointOffset(range.startContainer, range.startOffset);
    let end = pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || start >= end) return null;
    // Half a flag or an accent alone: take the whole character (the server insists).
    [start, end] = [snapToCluster(start, true), snapToCluster(end, false)];
    return { start, end, text: bodySlice(start, end), rect: range.getBoundingClientRect(), range };
  }

  /* ---------- user-perceived characters (annotations/graphemes.py is the server's side) ---------- */

  const graphemes = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  /* The paragraphs (p[data-o]) whose text holds body characters 1:1, with their offsets. */
  function paragraphsFrom(offset) {
    const all = Array.from(bodyEl.querySelectorAll("p[data-o]"));
    let i = all.length - 1;
    while (i > 0 && +all[i].dataset.o > offset) i--;
    return all.slice(Math.max(i, 0));
  }

  /* The body offset moved out of any grapheme cluster it cuts: down to its start, or up to its end. */
  function snapToCluster(offset, down) {
    const p = graphemes && paragraphsFrom(offset)[0];
    if (!p || +p.dataset.o > offset) return offset;
    let pos = +p.dataset.o;
    for (const { segment } of graphemes.segment(p.textContent)) {
      const next = pos + codePoints(segment);
      if (offset < next) return offset > pos ? (down ? pos : next) : offset;
      pos = next;
    }
    return offset;
  }

  /* body[start:end] from the paragraphs' text (body characters 1:1), "\n" for the breaks between them. */
  function bodySlice(start, end) {
    let out = "", pos = start;
    for (const p of paragraphsFrom(start)) {
      const o = +p.dataset.o;
      if (o >= end) break;
      const chars = Array.from(p.textContent);
      const a = Math.max(start, o), b = Math.min(end, o + chars.length);
      if (b > a) {
        out += "\n".repeat(Math.max(0, a - pos)) + chars.slice(a - o, b - o).join("");
        pos = b;
      }
    }
    return out + "\n".repeat(Math.max(0, end - pos));
  }

  return selectionInBody;
};
