/* Marginalia claims in the reader: open the claim form (`c`, the Claim button), place it, and load the
 * form's own script (claim-form.js) on first use, so the reader's first load stays small.
 * Uses what reader.js shares (window.marginaliaReader). Plain JS, CSP-safe. */
(function () {
  "use strict";
  const reader = document.getElementById("reader");
  const api = window.marginaliaReader;
  const script = document.currentScript;
  if (!reader || !api || !script) return;
  const spanPanel = document.getElementById("span-panel");
  const selectPanel = document.getElementById("select-panel");
  const selectForm = document.getElementById("select-form");
  const button = document.querySelector("[data-action=claim-selection]");
  let loading = null;
  let placeAt = null; // where a claim on a selection opens

  function formScript() {
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = script.dataset.formSrc;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function openForm(params, rect, range) {
    placeAt = rect || null;
    api.hide(selectPanel);
    formScript();
    const url = button.dataset.url + "?" + new URLSearchParams(params).toString();
    return htmx.ajax("GET", url, { target: "#span-panel", swap: "innerHTML" })
      .then(() => { if (range) api.showPending(range); });
  }

  // `c`: a claim on the selection, or on the passage whose panel is open (or which j/k focused).
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && spanPanel.querySelector(".claim-card")) api.showPending(null);
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.key !== "c") return;
    const t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    const selection = api.selectionInBody();
    const card = spanPanel.hidden ? null : spanPanel.querySelector(".span-card[data-span]");
    const id = selection ? null : card ? card.dataset.span : api.focusedSpan();
    if (selection) openForm({ start: selection.start, end: selection.end, text: selection.text }, selection.rect, selection.range);
    else if (id) openForm({ span: id });
    else return;
    e.preventDefault();
  });

  document.addEventListener("click", (e) => {
    const t = e.target;
    if (!t.closest) return;
    const option = t.closest("[data-new-actor]");
    if (option) {
      // "Add … as a new actor" in any type-ahead: the form's script asks its type and proposes it.
      e.stopPropagation();
      formScript().then(() => window.MarginaliaClaimForm.newActor(option));
    } else if (t.closest(".claim-card [data-action=close]")) {
      api.showPending(null);
    } else if (t.closest("[data-action=claim-selection]")) {
      const els = selectForm.elements;
      if (els.start.value) openForm({ start: els.start.value, end: els.end.value, text: els.text.value }, selectPanel.getBoundingClientRect());
    }
  }, true);

  document.body.addEventListener("htmx:afterSwap", (e) => {
    const target = e.detail.target;
    if (target === spanPanel) {
      const card = spanPanel.querySelector(".claim-card");
      if (!card) return;
      if (!card.dataset.span && placeAt) api.place(spanPanel, placeAt);
      formScript().then(() => window.MarginaliaClaimForm.ready(card));
    } else if (target.querySelector && target.querySelector("[data-new-actor]")) {
      formScript(); // ready before the analyst takes the option
    }
  });

  document.body.addEventListener("claimSaved", () => {
    api.showPending(null);
    const sel = window.getSelection();
    if (sel) sel.removeAllRanges();
    placeAt = null;
  });
})();
