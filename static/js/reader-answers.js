/* Marginalia reader: what the server's answer to a change means (a refusal, or whether it was saved)
 * and the repaint of a crowded paragraph's changed parts. Loaded before reader.js, which uses it. */
"use strict";

window.MarginaliaAnswers = (function () {
  function escapeHtml(s) {
    const div = document.createElement("div");
    div.textContent = s;
    return div.innerHTML;
  }

  /* What is known after a save, from what the server said (ops/saving.py): a refusal (4xx) is shown
   * as written; otherwise the Marginalia-Saved header tells whether the change was committed. */
  function message(xhr, verb) {
    const alert = (text) => "<p class=\"error\" role=\"alert\">" + escapeHtml(text) + "</p>";
    const status = xhr ? xhr.status : 0;
    if (status >= 400 && status < 500) return xhr.responseText;
    if (status >= 200 && status < 300) return xhr.responseText; // saved, not shown: the server's words
    const saved = xhr ? xhr.getResponseHeader("Marginalia-Saved") : null;
    const id = xhr && xhr.getResponseHeader("X-Request-ID") ? " (request " + xhr.getResponseHeader("X-Request-ID") + ")" : "";
    if (verb === "get") return alert((status ? "The server failed" + id : "The server did not answer") + "; try again.");
    if (saved === "yes") return alert("The server failed after saving" + id + "; reload to see the passage.");
    if (saved === "no") return alert("The server failed" + id + "; nothing was saved. Try again.");
    return alert("The server did not answer" + (status ? " (" + status + ")" : "") + "; reload to see whether it was saved.");
  }

  /* A save on a crowded paragraph answers with only the parts it changed: <template data-repaint="p-N"
   * data-from="START" data-to="END"> (views/repaint.py). They replace the paragraph's parts at offsets
   * START to END (an anchor belongs to the offset of the mark after it); END empty: to its end. If the
   * paragraph shown has no boundary there (a colleague's passage came meanwhile), it is fetched whole. */
  function repaintRange(t) {
    const p = document.getElementById(t.dataset.repaint);
    if (!p) return;
    const from = +t.dataset.from;
    const to = t.dataset.to === "" ? Infinity : +t.dataset.to;
    const kids = Array.from(p.children);
    const at = new Array(kids.length);
    for (let i = kids.length - 1, next = Infinity; i >= 0; i--) {
      if (kids[i].hasAttribute("data-o")) next = +kids[i].dataset.o;
      at[i] = next;
    }
    const inside = kids.filter((k, i) => at[i] >= from && at[i] < to);
    const bounded = (o) => kids.some((k) => k.hasAttribute("data-o") && +k.dataset.o === o);
    if (!bounded(from) || (to !== Infinity && !bounded(to))) {
      htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#" + p.id, select: "#" + p.id, swap: "outerHTML" });
      return;
    }
    p.insertBefore(t.content, inside[0]);
    inside.forEach((k) => k.remove());
  }

  document.body.addEventListener("htmx:afterSwap", (e) => {
    e.detail.target.querySelectorAll("template[data-repaint]").forEach((t) => {
      repaintRange(t);
      t.remove();
    });
  });

  return { escapeHtml, message };
})();
