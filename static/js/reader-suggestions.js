/* Marginalia reader: the vocabulary's suggestions (tag, reject, new actor, the card, `s`). Made by reader.js. */
"use strict";

window.MarginaliaSuggestions = function ({ reader, bodyEl, selectForm, spanPanel, hide, place, submitWith, escapeHtml, setLastRect }) {

  let suggestAt = -1; // body offset of the suggestion `s` last moved to
  // A suggestion's end (start + code points) and label (the toggle's list).
  const endOf = (el) => String(+el.dataset.o + Array.from(el.textContent).length);
  function labelOf(el) {
    if (el.classList.contains("new")) return el.dataset.label;
    try { return JSON.parse(document.getElementById("suggestions-toggle").dataset.labels)[el.dataset.term] || "a term"; } catch (e) { return "a term"; }
  }
  const card = document.getElementById("suggest-card"); // the card of the suggestion under the mouse or keyboard
  let cardFor = null;
  let cardTimer = null;

  /* Tag it at once, its term in its default role (the selection form's request); a new actor is
     proposed to the vocabulary first. */
  function tagSuggestion(el) {
    if (el.classList.contains("new")) addActor(el);
    else tagWith(el, el.dataset.term);
  }

  function tagWith(el, termId) {
    if (selectForm.classList.contains("htmx-request")) return; // one at a time: no double tag
    hideCard();
    hide(spanPanel);
    selectForm.reset();
    selectForm.elements.start.value = el.dataset.o;
    selectForm.elements.end.value = endOf(el);
    selectForm.elements.text.value = el.textContent;
    selectForm.querySelector("[data-selection-quote]").textContent = "“" + el.textContent + "”";
    setLastRect(el.getBoundingClientRect());
    suggestAt = +el.dataset.o;
    submitWith(selectForm, termId);
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (err) { return ""; }
  }

  function addActor(el) {
    const type = cardFor === el ? card.querySelector("select[name=actor_type]").value : el.dataset.type;
    const data = new FormData();
    data.append("label", el.dataset.label);
    data.append("actor_type", type);
    fetch(reader.dataset.proposeUrl, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
      .then((r) => r.json().then((json) => ({ ok: r.ok, json: json })))
      .then((answer) => {
        if (answer.ok) tagWith(el, answer.json.id);
        else cardError(el, answer.json.error || "The new actor could not be added.");
      })
      .catch(() => cardError(el, "The server could not be reached; nothing was added."));
  }

  /* Not this term here: hidden in this article for everyone (the paragraphs come back repainted). */
  function rejectSuggestion(el) {
    suggestAt = +el.dataset.o;
    if (cardFor !== el) showCard(el);
    htmx.ajax("POST", reader.dataset.rejectUrl, {
      source: card,
      swap: "none",
      values: { start: el.dataset.o, end: endOf(el), text: el.textContent, term: el.dataset.term || "", label: el.dataset.label || "" },
    });
  }

  function cardError(el, message) {
    if (cardFor !== el) showCard(el);
    card.querySelector("[data-errors]").innerHTML = "<p class=\"error\" role=\"alert\">" + escapeHtml(message) + "</p>";
  }

  function showCard(el) {
    clearTimeout(cardTimer);
    cardFor = el;
    const certainty = el.classList.contains("new") ? "new" : el.classList.contains("confirm") ? "confirm" : "certain";
    const label = labelOf(el);
    card.dataset.certainty = certainty;
    card.querySelector("[data-suggest-what]").textContent = "“" + el.textContent + "” → " + label;
    card.querySelector("[data-suggest-action=accept]").firstChild.textContent = certainty === "new" ? "Add and tag " : "Tag ";
    card.querySelector("[data-suggest-action=reject]").firstChild.textContent = certainty === "new" ? "Not an actor " : "Not this ";
    if (certainty === "new") card.querySelector("select[name=actor_type]").value = el.dataset.type;
    card.querySelector("[data-errors]").innerHTML = "";
    place(card, el.getBoundingClientRect());
  }

  function hideCard() {
    clearTimeout(cardTimer);
    cardFor = null;
    card.hidden = true;
  }

  function hideCardSoon() {
    clearTimeout(cardTimer);
    cardTimer = setTimeout(hideCard, 400);
  }

  bodyEl.addEventListener("mouseover", (e) => {
    const el = e.target.closest && e.target.closest(".suggest");
    if (!el || el === cardFor) return;
    clearTimeout(cardTimer);
    cardTimer = setTimeout(() => showCard(el), 250);
  });
  bodyEl.addEventListener("mouseout", (e) => {
    if (e.target.closest && e.target.closest(".suggest")) hideCardSoon();
  });
  card.addEventListener("mouseenter", () => clearTimeout(cardTimer));
  card.addEventListener("mouseleave", hideCardSoon);
  card.addEventListener("click", (e) => {
    const button = e.target.closest("[data-suggest-action]");
    if (!button || !cardFor || !document.contains(cardFor)) return;
    if (button.dataset.suggestAction === "accept") tagSuggestion(cardFor);
    else rejectSuggestion(cardFor);
  });
  document.body.addEventListener("htmx:afterRequest", (e) => {
    if (e.detail.elt === card && e.detail.successful) hideCard();
  });

  // Before the reader's keys: x or Delete on a focused suggestion rejects it (not the focused passage).
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") hideCard();
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target.closest && e.target.closest("#body .suggest");
    if (el && (e.key === "x" || e.key === "Delete")) {
      e.preventDefault();
      rejectSuggestion(el);
    }
  });

  /* `s`: focus the next suggestion (the first one in view to begin with), wrapping at the end. */
  function nextSuggestion() {
    const all = Array.from(bodyEl.querySelectorAll(".suggest"));
    if (!all.length) return;
    const next = suggestAt < 0
      ? all.find((el) => el.getBoundingClientRect().top >= 0)
      : all.find((el) => +el.dataset.o > suggestAt);
    const el = next || all[0];
    suggestAt = +el.dataset.o;
    el.tabIndex = -1;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
    showCard(el);
  }

  return { tag: tagSuggestion, next: nextSuggestion };
};
