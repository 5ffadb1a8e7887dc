/* Marginalia reader: selection → offsets → panel → htmx. Plain JS, no build, CSP-safe.
 *
 * Offsets are Unicode code points into Article.body. Every text node inside #body sits in an
 * element carrying data-o (the body offset of its first character) and holds body characters
 * 1:1; paragraphs are separated by "\n\n", which is not in the DOM, so gaps are refilled with
 * "\n" when the quote is rebuilt. The server checks the quote against the body anyway.
 *
 * Marks name no passage (annotations/rendering.py): a click asks the server what lies at the
 * mark's offset; a passage's marks lie between its start and end (panel data-start/end); an empty
 * <a id="span-ID"> stands where each starts. A save answers with all it changed, out of band
 * (views/repaint.py); requests say which side list is shown (X-Side-List, views/side_list.py).
 * Other scripts use window.marginaliaReader (at the end). Loaded before it: reader-selection.js,
 * reader-answers.js, reader-caret.js, reader-suggestions.js.
 */
(function () {
  "use strict";
  const reader = document.getElementById("reader");
  if (!reader) return;
  const bodyEl = document.getElementById("body");
  const selectPanel = document.getElementById("select-panel");
  const selectForm = document.getElementById("select-form");
  const spanPanel = document.getElementById("span-panel");
  const shortcuts = document.getElementById("shortcuts");
  const narrow = window.matchMedia("(max-width: 48rem)");
  let focusedId = null;
  let lastRect = null; // where the span panel last opened, for a passage no longer in the text
  let typeTimer = null;

  /* ---------- the selection in body offsets (reader-selection.js) ---------- */
  const selectionInBody = window.MarginaliaSelection(bodyEl);
  /* ---------- what a save's answer means, and its repainted parts (reader-answers.js) ---------- */
  const { escapeHtml, message: answerMessage } = window.MarginaliaAnswers;

  /* ---------- panels ---------- */

  /* Where a panel opens: on a narrow screen a bottom sheet (CSS), the page scrolled so the selection
   * stays above it; on a wide one the tagging panels dock in the side column, level with the
   * selection's line, so they cover no text; others open under what they are about. */
  function place(panel, rect) {
    panel.hidden = false;
    const docks = panel === selectPanel || panel === spanPanel;
    const side = reader.querySelector(".sidebar").getBoundingClientRect();
    panel.classList.toggle("docked", docks && !narrow.matches && side.width >= 256);
    panel.style.top = panel.style.left = panel.style.width = "";
    if (!rect) return;
    if (narrow.matches) {
      const sheet = panel.getBoundingClientRect().top;
      if (docks && rect.bottom > sheet - 8) window.scrollBy(0, Math.min(rect.bottom - sheet + 16, rect.top - 8));
      return;
    }
    if (panel.classList.contains("docked")) {
      panel.style.left = side.left + window.scrollX + "px";
      panel.style.width = Math.min(side.width, 448) + "px";
      // Level with the line, but lifted as far as needed to end inside the window (the column covers no text).
      const top = Math.max(8, Math.min(rect.top, window.innerHeight - panel.offsetHeight - 8));
      panel.style.top = top + window.scrollY + "px";
      return;
    }
    const width = panel.offsetWidth || 360;
    const left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    panel.style.top = rect.bottom + window.scrollY + 8 + "px";
    panel.style.left = left + "px";
  }

  /* Keep the pending selection visible while focus is in the panel (CSS Custom Highlight API). */
  function showPending(range) {
    if (!window.Highlight || !CSS.highlights) return;
    if (range) CSS.highlights.set("pending", new Highlight(range));
    else CSS.highlights.delete("pending");
  }

  let returnTo = null; // where focus was before a panel took it

  /* `opening`: no tagging panel was open, so where focus is now is where it goes back to. */
  function focusInto(el, opening) {
    const was = document.activeElement;
    if (opening) returnTo = was && was !== document.body && !was.closest(".panel") ? was : null;
    el.focus({ preventScroll: true });
  }

  function hide(panel) {
    if (panel === selectPanel) showPending(null);
    if (panel.contains(document.activeElement)) {
      if (returnTo && document.contains(returnTo)) returnTo.focus({ preventScroll: true });
      else document.activeElement.blur();
    }
    panel.hidden = true;
    panel.querySelectorAll("[data-typeahead]").forEach((input) => input.setAttribute("aria-expanded", "false"));
    panel.querySelectorAll("[data-errors]").forEach((box) => { box.innerHTML = ""; });
  }

  function openSelectPanel(selection) {
    if (!selection) return false;
    hide(spanPanel);
    selectForm.reset();
    selectForm.elements.start.value = selection.start;
    selectForm.elements.end.value = selection.end;
    selectForm.elements.text.value = selection.text;
    selectForm.querySelector("[data-selection-quote]").textContent =
      "“" + (selection.text.length > 90 ? selection.text.slice(0, 88) + "…" : selection.text) + "”";
    const list = selectForm.querySelector(".suggestions");
    list.innerHTML = "";
    delete list.dataset.q;
    combo(selectForm.elements.q);
    place(selectPanel, selection.rect);
    showPending(selection.range);
    focusInto(selectForm.elements.q, true);
    return true;
  }

  function spanUrl(id) {
    return reader.dataset.panelUrl.replace("/0/", "/" + id + "/");
  }

  function openSpan(id, scroll) {
    focusSpan(id, !!scroll);
    return htmx.ajax("GET", spanUrl(id), { target: "#span-panel", swap: "innerHTML" });
  }

  /* ---------- marks and focus ---------- */

  /* The first piece of text after a passage's anchor (other passages' anchors may stand between). */
  function firstPiece(id) {
    let el = document.getElementById("span-" + id);
    while (el && el.matches("a[id^=span-]")) el = el.nextElementSibling;
    return el || document.getElementById("span-" + id);
  }

  function anchorRect(id) {
    const piece = firstPiece(id);
    return piece ? piece.getBoundingClientRect() : null;
  }

  /* The marks between two body offsets (a passage's runs): bisect the paragraphs, then look inside. */
  function marksBetween(start, end) {
    const paragraphs = bodyEl.children;
    let lo = 0, hi = paragraphs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (+paragraphs[mid].dataset.o <= start) lo = mid; else hi = mid - 1;
    }
    const found = [];
    for (let i = lo; i < paragraphs.length && +paragraphs[i].dataset.o < end; i++) {
      paragraphs[i].querySelectorAll("mark.hl").forEach((m) => {
        const o = +m.dataset.o;
        if (o >= start && o < end) found.push(m);
      });
    }
    return found;
  }

  /* Focus a passage: its side-list item, its place (scrolled to), its marks once the range is known. */
  function focusSpan(id, scroll, range) {
    bodyEl.querySelectorAll("mark.focused").forEach((m) => m.classList.remove("focused"));
    document.querySelectorAll(".passage.current").forEach((m) => m.classList.remove("current"));
    focusedId = id;
    if (!id) return;
    if (range) marksBetween(range.start, range.end).forEach((m) => m.classList.add("focused"));
    const item = document.getElementById("passage-" + id);
    if (item) item.classList.add("current");
    const piece = firstPiece(id);
    if (scroll && piece) piece.scrollIntoView({ block: "center" });
  }

  function cardRange(card) {
    return card && card.dataset.start ? { start: +card.dataset.start, end: +card.dataset.end } : null;
  }

  /* ---------- side list and activity ---------- */

  const sideFilter = document.getElementById("side-filter");

  /* The side list shown: its filter, and the last passage loaded while more remain. */
  function sideListState() {
    const params = new URLSearchParams();
    new FormData(sideFilter).forEach((value, name) => { if (value) params.set(name, value); });
    const more = document.getElementById("side-list-more");
    if (more) params.set("after", more.dataset.after);
    return params.toString();
  }

  /* Load the side list's next page, if any (as scrolling to its end does). */
  function loadMorePassages() {
    const more = document.querySelector("#side-list-more a");
    if (more) htmx.trigger(more, "click");
  }

  /* The term just used goes first in the analyst's last terms (keys 1–9). */
  function rememberTerm(termId, card) {
    const list = document.getElementById("recent-terms");
    const tag = termId && card && card.querySelector('.tag[data-term="' + termId + '"]');
    if (!list || !tag) return;
    let item = list.querySelector('[data-term="' + termId + '"]');
    if (!item) {
      item = document.createElement("li");
      item.dataset.term = termId;
      item.dataset.label = tag.dataset.label;
      item.className = tag.querySelector(".term").className;
      item.append(document.createElement("kbd"), " " + tag.dataset.label);
    }
    list.prepend(item);
    Array.from(list.children).forEach((li, i) => {
      if (i < 9) li.querySelector("kbd").textContent = i + 1; else li.remove();
    });
  }

  /* A term just used may be new here: offer it in the side list's term menu. */
  function offerTerms(card) {
    const menu = document.getElementById("side-filter-term");
    if (!menu || !card) return;
    card.querySelectorAll(".tag[data-term]").forEach((tag) => {
      if (menu.querySelector('option[value="' + tag.dataset.term + '"]')) return;
      const option = document.createElement("option");
      option.value = tag.dataset.term;
      option.textContent = tag.dataset.label;
      menu.appendChild(option);
    });
  }

  /* ---------- vocabulary suggestions (reader-suggestions.js): their keys come before ours ---------- */
  const suggestions = window.MarginaliaSuggestions({
    reader, bodyEl, selectForm, spanPanel, hide, place, submitWith, escapeHtml,
    setLastRect: (rect) => { lastRect = rect; },
  });


  /* ---------- type-ahead ---------- */

  /* A type-ahead's list, one request at a time per list: htmx resolves a request made while another is in
   * flight at once, before its answer, and the caller would read the older list. */
  function loadList(list, url) {
    return (list.pending = (list.pending || Promise.resolve()).catch(() => {})
      .then(() => htmx.ajax("GET", url, { target: list, swap: "innerHTML" })));
  }

  function suggest(input) {
    const form = input.form;
    const list = form.querySelector(".suggestions");
    const q = input.value;
    clearTimeout(typeTimer);
    return loadList(list, reader.dataset.suggestUrl + "?q=" + encodeURIComponent(q))
      .then(() => {
        list.dataset.q = q;
        const first = list.querySelector(".suggestion");
        if (first) fitRoles(form, first.dataset.kind);
        combo(input);
      });
  }

  /* The type-ahead as an ARIA combobox: expanded while its list shows, the highlighted term active. */
  function combo(input) {
    const list = input.form.querySelector(".suggestions");
    list.querySelectorAll(".suggestion").forEach((o, i) => { o.id = list.id + "-" + i; });
    const current = list.querySelector('.suggestion[aria-selected="true"]');
    input.setAttribute("aria-expanded", list.children.length > 0 && !input.closest("[hidden]") ? "true" : "false");
    if (current) input.setAttribute("aria-activedescendant", current.id);
    else input.removeAttribute("aria-activedescendant");
  }

  function moveChoice(input, step) {
    const options = Array.from(input.form.querySelectorAll(".suggestion"));
    if (!options.length) return;
    let i = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
    i = (i + step + options.length) % options.length;
    options.forEach((o, k) => o.setAttribute("aria-selected", k === i ? "true" : "false"));
    options[i].scrollIntoView({ block: "nearest" });
    fitRoles(input.form, options[i].dataset.kind);
    combo(input);
  }

  /* The role menu offers only the roles that fit the highlighted term's kind (the server checks too). */
  function fitRoles(form, kind) {
    const select = form.querySelector("select[name=role]");
    if (!select || !kind) return;
    select.querySelectorAll("option[value]").forEach((o) => {
      o.disabled = !!o.value && (kind === "event") !== (o.value === "event");
    });
    if (select.selectedOptions[0] && select.selectedOptions[0].disabled) select.value = "";
  }

  function submitWith(form, termId) {
    form.querySelector("[data-term-input]").value = termId;
    form.requestSubmit();
  }

  /* Enter in a type-ahead: take the highlighted term (waiting for the list if it is not there yet). */
  function choose(input) {
    const form = input.form;
    const list = form.querySelector(".suggestions");
    if (!input.value.trim()) {
      showError(form, "<p class=\"error\" role=\"alert\">Type part of a term's name, then choose it.</p>");
      return;
    }
    const ready = list.dataset.q === input.value ? Promise.resolve() : suggest(input);
    ready.then(() => {
      const option = list.querySelector('.suggestion[aria-selected="true"]') || list.querySelector(".suggestion");
      if (option && option.hasAttribute("data-new-actor")) option.click(); // claims.js proposes it first
      else if (option) submitWith(form, option.dataset.term);
      else showError(form, "<p class=\"error\" role=\"alert\">No term matches “" + escapeHtml(input.value) + "”.</p>");
    });
  }

  function showError(elt, html) {
    const form = elt && elt.closest ? elt.closest("form") : null;
    const box = (form && form.querySelector("[data-errors]")) ||
      (elt && elt.closest && elt.closest(".panel, .span-card") && elt.closest(".panel, .span-card").querySelector("[data-errors]")) ||
      spanPanel.querySelector("[data-errors]") || selectForm.querySelector("[data-errors]");
    if (box) box.innerHTML = html;
  }

  document.addEventListener("input", (e) => {
    if (!e.target.matches("[data-typeahead]")) return;
    const input = e.target;
    input.form.querySelector("[data-term-input]").value = "";
    clearTimeout(typeTimer);
    typeTimer = setTimeout(() => suggest(input), 120);
  });

  document.addEventListener("keydown", (e) => {
    const t = e.target;
    // Ctrl+Enter saves from anywhere in a tagging form (the role menu, the note).
    const tagging = t.closest && t.closest("form.typeahead");
    if (tagging && e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      const input = tagging.querySelector("[data-typeahead]");
      if (tagging.querySelector("[data-term-input]").value) tagging.requestSubmit();
      else choose(input);
      return;
    }
    if (t.matches && t.matches("[data-typeahead]")) {
      const recent = !t.value && /^[1-9]$/.test(e.key) && document.querySelectorAll("#recent-terms [data-term]")[+e.key - 1];
      if (recent) { // an empty type-ahead: a digit is one of the last terms, not a name
        e.preventDefault();
        submitWith(t.form, recent.dataset.term);
      } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        moveChoice(t, e.key === "ArrowDown" ? 1 : -1);
      } else if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(typeTimer);
        choose(t);
      }
    }
  });

  /* ---------- htmx: the side list's state, errors, swaps ---------- */

  document.body.addEventListener("htmx:configRequest", (e) => {
    e.detail.headers["X-Side-List"] = sideListState();
  });

  document.body.addEventListener("htmx:beforeRequest", (e) => {
    const form = e.detail.elt.closest && e.detail.elt.closest("form");
    const box = form && form.querySelector("[data-errors]");
    if (box) box.innerHTML = "";
  });

  function showAnswer(e, xhr) {
    const config = e.detail.requestConfig || {};
    const elt = config.elt || e.detail.elt;
    showError(elt, answerMessage(xhr, (config.verb || "").toLowerCase()));
    // A suggestion is tagged without opening the panel: open it to show what happened.
    if (elt === selectForm && selectPanel.hidden) place(selectPanel, lastRect);
  }

  document.body.addEventListener("htmx:beforeSwap", (e) => {
    const xhr = e.detail.xhr;
    if (xhr.getResponseHeader("Marginalia-Shown") === "stored") { // refused as stale: what is stored now
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    } else if (xhr.status >= 400 || xhr.getResponseHeader("Marginalia-Shown") === "no") {
      e.detail.shouldSwap = false;
      e.detail.isError = false;
      showAnswer(e, xhr);
    }
  });

  // No answer at all (connection refused or cut): nobody knows whether it was saved.
  document.body.addEventListener("htmx:sendError", (e) => showAnswer(e, null));

  document.body.addEventListener("htmx:afterSwap", (e) => {
    const item = focusedId && document.getElementById("passage-" + focusedId);
    if (item) item.classList.add("current"); // a side-list page may have brought it
    if (e.detail.target !== spanPanel) return;
    const opening = spanPanel.hidden && selectPanel.hidden;
    const card = spanPanel.querySelector(".span-card[data-span]");
    const id = card ? card.dataset.span : null;
    if (id) focusSpan(id, false, cardRange(card));
    offerTerms(card);
    const tagging = e.detail.requestConfig && e.detail.requestConfig.elt;
    const term = tagging && tagging.querySelector && tagging.querySelector("[data-term-input]");
    if (term) rememberTerm(term.value, card);
    place(spanPanel, (id && anchorRect(id)) || lastRect || null);
    if (id && anchorRect(id)) lastRect = anchorRect(id);
    const head = spanPanel.firstElementChild;
    if (head && !spanPanel.contains(document.activeElement)) {
      head.tabIndex = -1;
      focusInto(head, opening);
    }
  });

  document.body.addEventListener("htmx:afterRequest", (e) => {
    if (e.detail.elt === selectForm && e.detail.successful && e.detail.xhr.status < 400) {
      if (e.detail.xhr.getResponseHeader("Marginalia-Shown") === "no") {
        selectForm.reset(); // saved: keep the message in view, and nothing to save twice
        return;
      }
      hide(selectPanel);
      selectForm.reset();
      selectForm.querySelector(".suggestions").innerHTML = "";
      combo(selectForm.elements.q);
      const sel = window.getSelection();
      if (sel) sel.removeAllRanges();
    }
  });

  /* A submit with text typed but no term chosen yet: choose first, then submit. */
  document.addEventListener("submit", (e) => {
    const form = e.target;
    const term = form.querySelector("[data-term-input]");
    const input = form.querySelector("[data-typeahead]");
    if (term && !term.value && input && input.value.trim()) {
      e.preventDefault();
      e.stopPropagation();
      choose(input);
    }
  }, true);

  /* ---------- mouse ---------- */

  // On the document, not the body: a drag may start in the text and end beside it.
  document.addEventListener("mouseup", (e) => {
    if (e.target.closest && e.target.closest(".panel")) return;
    setTimeout(() => {
      const selection = selectionInBody();
      if (selection) caret.drop();
      if (selection) openSelectPanel(selection);
      else if (bodyEl.contains(e.target) && !e.target.closest("mark.hl")) hide(selectPanel);
    }, 0);
  });

  /* ---------- touch: a finger's selection fires no mouseup; open the panel once the selection rests ---------- */
  let touching = false;
  let resting = 0;
  document.addEventListener("pointerdown", (e) => { touching = e.pointerType === "touch"; });
  document.addEventListener("selectionchange", () => {
    if (!touching) return;
    clearTimeout(resting);
    resting = setTimeout(() => {
      const selection = selectionInBody();
      const f = selectForm.elements;
      if (!selection || (!selectPanel.hidden && (f.q.value || (+f.start.value === selection.start && +f.end.value === selection.end)))) return;
      caret.drop();
      openSelectPanel(selection);
    }, 500);
  });

  document.addEventListener("click", (e) => {
    const t = e.target;
    const close = t.closest("[data-action=close]");
    if (close) {
      hide(close.closest(".panel"));
      return;
    }
    const suggestion = t.closest(".suggestion");
    if (suggestion) {
      submitWith(suggestion.closest("form"), suggestion.dataset.term);
      return;
    }
    const recent = t.closest("#recent-terms [data-term]");
    if (recent) {
      submitWith(selectForm, recent.dataset.term);
      return;
    }
    const choice = t.closest("[data-open-span]");
    if (choice) {
      openSpan(choice.dataset.openSpan);
      return;
    }
    const link = t.closest(".passage-link");
    if (link) {
      e.preventDefault();
      const id = link.dataset.span;
      history.replaceState(null, "", "#span-" + id);
      openSpan(id, true);
      return;
    }
    const suggested = t.closest("#body .suggest");
    if (suggested) {
      const sel = window.getSelection();
      if (sel && !sel.isCollapsed) return; // the end of a drag, not a click
      suggestions.tag(suggested);
      return;
    }
    const mark = t.closest("#body mark.hl");
    if (mark) {
      const sel = window.getSelection();
      if (sel && !sel.isCollapsed) return; // the end of a drag, not a click
      // The server says which passages lie here: the one's panel, or a choice between several.
      lastRect = mark.getBoundingClientRect();
      hide(selectPanel);
      htmx.ajax("GET", reader.dataset.chooseUrl + "?at=" + mark.dataset.o, { target: "#span-panel", swap: "innerHTML" });
    }
  });

  /* ---------- keyboard selection (reader-caret.js) ---------- */
  const caret = window.MarginaliaCaret({ bodyEl, status: document.getElementById("caret-status"), focusedSpan: () => focusedId });

  /* ---------- keyboard ---------- */

  function passageIds() {
    return Array.from(bodyEl.querySelectorAll("a[id^=span-]"), (a) => a.id.slice(5));
  }

  function clickInPanel(selector) {
    const button = spanPanel.querySelector(selector);
    if (button) button.click();
    return !!button;
  }

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    const typing = t.closest && t.closest("input, textarea, select, [contenteditable]");
    if (e.key === "Escape") {
      if (!shortcuts.hidden) hide(shortcuts);
      else if (!selectPanel.hidden) hide(selectPanel);
      else if (!spanPanel.hidden) hide(spanPanel);
      else if (caret.active() && !typing) {
        caret.drop();
        window.getSelection().removeAllRanges();
      }
      if (typing) t.blur();
      return;
    }
    if (typing) return;
    const key = e.key;
    if (/^Arrow/.test(key) && (e.shiftKey || caret.active()) && !t.closest(".panel, a, button, summary")) {
      e.preventDefault();
      caret.move(key, e.shiftKey);
    } else if (key === "?") {
      shortcuts.hidden = !shortcuts.hidden;
      if (!shortcuts.hidden) place(shortcuts, { left: 24, bottom: 80 });
    } else if (key === "Enter" && t.closest("#body .suggest")) {
      e.preventDefault();
      suggestions.tag(t.closest("#body .suggest"));
    } else if (key === "s") {
      e.preventDefault();
      suggestions.next();
    } else if (key === "t" || (key === "Enter" && !t.closest("a, button, summary"))) {
      if (openSelectPanel(selectionInBody())) e.preventDefault();
    } else if (/^[1-9]$/.test(key)) {
      const recent = document.querySelectorAll("#recent-terms [data-term]")[+key - 1];
      const selection = selectionInBody();
      if (recent && selection) {
        e.preventDefault();
        openSelectPanel(selection);
        submitWith(selectForm, recent.dataset.term);
      }
    } else if (key === "j" || key === "k") {
      const ids = passageIds();
      if (!ids.length) return;
      const at = ids.indexOf(String(focusedId));
      const next = at < 0 ? (key === "j" ? 0 : ids.length - 1) : Math.max(0, Math.min(ids.length - 1, at + (key === "j" ? 1 : -1)));
      lastRect = anchorRect(ids[next]);
      openSpan(ids[next], true);
      if (!document.getElementById("passage-" + ids[next])) loadMorePassages();
    } else if (key === "x" || key === "Delete") {
      if (!focusedId) return;
      const card = spanPanel.querySelector(".span-card[data-span]");
      if (!spanPanel.hidden && card && card.dataset.span === String(focusedId)) clickInPanel("[data-action=delete]");
      else openSpan(focusedId).then(() => clickInPanel("[data-action=delete]"));
    } else if (key === "u") {
      clickInPanel("[data-action=undo]");
    }
  });

  /* ---------- links to a passage: /articles/<id>/#span-<id> ---------- */

  function followHash() {
    const match = /^#span-(\d+)$/.exec(window.location.hash);
    if (match && document.getElementById("span-" + match[1])) {
      lastRect = anchorRect(match[1]);
      openSpan(match[1], true);
    }
  }
  window.addEventListener("hashchange", followHash);
  followHash();

  /* ---------- for other scripts (claims.js, claim-form.js): the reader's helpers ---------- */

  window.marginaliaReader = {
    selectionInBody, place, hide, showPending, marksBetween, focusSpan, openSpan, loadList, focusedSpan: () => focusedId,
  };
})();
