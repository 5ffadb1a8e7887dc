/* Marginalia claim form: its type-aheads, its keys, new actors from any type-ahead.
 *
 * Loaded on first use by static/js/claims.js (which opens the form, places it and owns the `c` key),
 * using what reader.js shares (window.marginaliaReader). Plain JS, no build, CSP-safe. The form is a
 * partial of templates/annotations/claims.html swapped into #span-panel; the server checks every value
 * again (annotations/models/claim_values.py).
 *
 * Keys in the claim form: type a name (↑ ↓ Enter or Tab to choose), a number picks a choice of the
 * focused field, Backspace clears it, Tab moves on, Ctrl+Enter saves, Esc closes.
 */
(function () {
  "use strict";
  const api = window.marginaliaReader;
  const spanPanel = document.getElementById("span-panel");
  if (!api || !spanPanel || window.MarginaliaClaimForm) return;
  let typeTimer = null;

  /* ---------- type-aheads: speaker, the group an unnamed source belongs to, target ---------- */

  const listOf = (input) => document.getElementById(input.getAttribute("aria-controls"));
  const options = (list) => Array.from(list.querySelectorAll(".suggestion"));

  function highlight(list, index) {
    const all = options(list);
    all.forEach((o, k) => o.setAttribute("aria-selected", k === index ? "true" : "false"));
    if (all[index]) all[index].scrollIntoView({ block: "nearest" });
  }

  function loadOptions(input) {
    clearTimeout(typeTimer);
    const list = listOf(input);
    const q = input.value;
    const url = input.form.dataset.termsUrl + "?field=" + input.dataset.claimTypeahead + "&q=" + encodeURIComponent(q);
    return api.loadList(list, url).then(() => { // one request at a time per list (reader.js)
      list.dataset.q = q;
      highlight(list, 0);
      input.setAttribute("aria-expanded", "true");
    });
  }

  function closeOptions(input) {
    const list = listOf(input);
    list.innerHTML = "";
    delete list.dataset.q;
    input.setAttribute("aria-expanded", "false");
  }

  /* The highlighted option of this input, waiting for the list of what was typed if needed. */
  function pending(input) {
    const list = listOf(input);
    const ready = list.dataset.q === input.value ? Promise.resolve() : loadOptions(input);
    return ready.then(() => list.querySelector('.suggestion[aria-selected="true"]') || list.querySelector(".suggestion"));
  }

  function field(el) {
    return el.closest(".claim-field");
  }

  function confirmed(el) {
    const box = field(el);
    if (box) box.classList.remove("suggested");
  }

  function setSpeaker(input, kind, id, label, text) {
    const box = field(input);
    box.querySelector("[data-speaker-kind]").value = kind;
    box.querySelector("input[name=speaker]").value = kind === "actor" ? id : "";
    const unnamed = box.querySelector("[data-unnamed]");
    unnamed.hidden = kind !== "unnamed";
    if (kind !== "unnamed") {
      unnamed.querySelectorAll("input").forEach((i) => { i.value = ""; });
    } else if (text) {
      unnamed.querySelector("input[name=unnamed_speaker]").value = text;
    }
    input.value = kind === "unnamed" ? "Unnamed source" : label;
    input.dataset.chosen = input.value;
  }

  function setTerm(input, id, label) {
    field(input).querySelector("input[name=" + input.dataset.claimTypeahead + "]").value = id;
    input.value = label;
    input.dataset.chosen = label;
  }

  /* Take an option. Returns the element to focus next, if the choice calls for one. */
  function choose(input, option) {
    if (!option) return null;
    if (option.hasAttribute("data-new-actor")) {
      askActorType(option, (term) => {
        const next = choose(input, fakeOption(term));
        (next || input).focus();
      });
      return null;
    }
    const kind = option.dataset.kind;
    if (input.dataset.claimTypeahead === "speaker") {
      const speakerKind = kind === "author" || kind === "unnamed" ? kind : "actor";
      setSpeaker(input, speakerKind, option.dataset.term, option.dataset.label, option.dataset.text);
    } else {
      setTerm(input, option.dataset.term, option.dataset.label);
    }
    closeOptions(input);
    confirmed(input);
    return kind === "unnamed" ? field(input).querySelector("input[name=unnamed_speaker]") : null;
  }

  function fakeOption(term) {
    const li = document.createElement("li");
    li.dataset.kind = "actor";
    li.dataset.term = term.id;
    li.dataset.label = term.label;
    return li;
  }

  /* Before saving: a name typed but not yet chosen is chosen now (its highlighted option). */
  function settle(form) {
    const open = Array.from(form.querySelectorAll("[data-claim-typeahead]"))
      .filter((input) => input.value.trim() && input.value !== input.dataset.chosen && input.dataset.typed);
    return Promise.all(open.map((input) => pending(input).then((option) => choose(input, option))));
  }

  document.addEventListener("input", (e) => {
    const input = e.target;
    if (input.matches && input.matches("[data-claim-typeahead]")) {
      input.dataset.typed = "1";
      if (!input.value.trim()) {
        // Emptied: nothing chosen any more.
        if (input.dataset.claimTypeahead === "speaker") setSpeaker(input, "", "", "", "");
        else setTerm(input, "", "");
        input.value = "";
      }
      confirmed(input);
      clearTimeout(typeTimer);
      typeTimer = setTimeout(() => loadOptions(input), 120);
    } else if (input.closest && input.closest("form[data-claim-form]")) {
      confirmed(input);
    }
  });

  document.addEventListener("change", (e) => {
    if (e.target.closest && e.target.closest("form[data-claim-form]")) confirmed(e.target);
  });

  document.addEventListener("focusin", (e) => {
    const input = e.target;
    const box = input.closest && input.closest("form[data-claim-form] .claim-field");
    const line = box && box.closest("form").querySelector("[data-claim-help]");
    const help = box && box.querySelector(".help");
    if (line && help && help.textContent.trim()) line.textContent = help.textContent;
    if (!input.matches || !input.matches("[data-claim-typeahead]")) return;
    input.dataset.chosen = input.dataset.chosen || input.value;
    input.select();
    if (input.dataset.claimTypeahead === "speaker" && !input.value.trim()) loadOptions(input);
  });

  /* ---------- new actors, from any type-ahead (tags and claims) ---------- */

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (err) {
      return "";
    }
  }

  function showError(near, text) {
    const box = (near.closest(".span-card") || near.closest(".panel") || document).querySelector("[data-errors]");
    if (box) box.innerHTML = "<p class=\"error\" role=\"alert\"></p>";
    if (box) box.firstChild.textContent = text;
  }

  let asking = null; // {option, done}

  function askActorType(option, done) {
    const types = option.querySelector(".new-actor-types");
    types.hidden = false;
    option.classList.add("choosing");
    asking = { option, done };
    types.querySelector("button").focus();
  }

  function stopAsking(focusBack) {
    if (!asking) return;
    const { option } = asking;
    option.querySelector(".new-actor-types").hidden = true;
    option.classList.remove("choosing");
    asking = null;
    const input = option.closest("form") && option.closest("form").querySelector("[data-typeahead], [data-claim-typeahead]");
    if (focusBack && input) input.focus();
  }

  function propose(button) {
    const { option, done } = asking;
    const body = new URLSearchParams({ label: option.dataset.newActor, actor_type: button.dataset.actorType });
    fetch(option.dataset.proposeUrl, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
    }).then((response) => response.json().then((data) => ({ ok: response.ok, data })))
      .then(({ ok, data }) => {
        stopAsking(false);
        if (!ok) showError(option, data.error || "The new actor was refused.");
        else done(data);
      })
      .catch(() => { stopAsking(true); showError(option, "The server could not be reached; nothing was saved."); });
  }

  /* The tag type-ahead's "Add … as a new actor": propose it, then tag the selection with it. */
  function newActorForTag(option) {
    const form = option.closest("form");
    askActorType(option, (term) => {
      form.querySelector("[data-term-input]").value = term.id;
      form.requestSubmit();
    });
  }

  /* ---------- clicks ---------- */

  document.addEventListener("click", (e) => {
    const t = e.target;
    const typeButton = t.closest && t.closest("[data-actor-type]");
    if (typeButton && asking) {
      e.stopPropagation();
      propose(typeButton);
      return;
    }
    const option = t.closest && t.closest(".claim-options .suggestion");
    if (option) {
      e.stopPropagation();
      const input = document.querySelector("[aria-controls=\"" + option.closest(".claim-options").id + "\"]");
      const next = choose(input, option);
      (next || input).focus();
      return;
    }
  }, true);

  /* ---------- keys ---------- */

  function radios(fieldset) {
    return Array.from(fieldset.querySelectorAll("input[type=radio]"));
  }

  // Capture: these keys mean something else in the claim form than in the rest of the reader.
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (asking && t.closest && t.closest(".new-actor-types")) {
      if (/^[1-9]$/.test(e.key)) {
        const button = asking.option.querySelectorAll("[data-actor-type]")[+e.key - 1];
        e.preventDefault();
        e.stopPropagation();
        if (button) propose(button);
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        stopAsking(true);
      }
      return;
    }
    const form = t.closest && t.closest("form[data-claim-form]");
    if (!form) return;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.stopPropagation();
      settle(form).then(() => form.requestSubmit());
      return;
    }
    if (t.matches("[data-claim-typeahead]")) {
      const list = listOf(t);
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const all = options(list);
        if (!all.length) { loadOptions(t); return; }
        const at = all.findIndex((o) => o.getAttribute("aria-selected") === "true");
        highlight(list, (at + (e.key === "ArrowDown" ? 1 : -1) + all.length) % all.length);
      } else if (e.key === "Enter") {
        e.preventDefault();
        e.stopPropagation();
        pending(t).then((option) => {
          const next = choose(t, option);
          if (next) next.focus();
        });
      } else if (e.key === "Tab" && !e.shiftKey && t.value.trim() && t.value !== t.dataset.chosen) {
        // Tab takes the highlighted option as it moves on.
        const option = list.dataset.q === t.value ? list.querySelector('.suggestion[aria-selected="true"]') : null;
        if (option && !option.hasAttribute("data-new-actor")) choose(t, option);
        else if (!option) pending(t).then((o) => { if (o && !o.hasAttribute("data-new-actor")) choose(t, o); });
      } else if (e.key === "Escape" && list.children.length) {
        e.preventDefault();
        e.stopPropagation();
        closeOptions(t);
      }
      return;
    }
    if (t.type === "radio") {
      const fieldset = t.closest("fieldset.choices");
      const all = radios(fieldset).filter((r) => r.value !== ""); // "—" (not coded) is Backspace
      let chosen = null;
      if (/^[0-9]$/.test(e.key) && !e.altKey) chosen = all[(+e.key || 10) - 1];
      else if (e.key === "Backspace" || e.key === "Delete") chosen = fieldset.querySelector("input[value='']");
      if (chosen) {
        e.preventDefault();
        e.stopPropagation();
        chosen.checked = true;
        chosen.focus();
        confirmed(chosen);
      } else if (e.key === "Enter") {
        e.preventDefault(); // Enter never saves half a claim: Ctrl+Enter does
      }
      return;
    }
    if (e.key === "Enter" && t.matches("input[type=text]")) e.preventDefault();
  }, true);

  /* ---------- htmx: a refused claim shows its form again ---------- */

  document.body.addEventListener("htmx:beforeSwap", (e) => {
    const elt = e.detail.requestConfig ? e.detail.requestConfig.elt : e.detail.elt;
    const status = e.detail.xhr.status;
    if (status >= 400 && status < 500 && elt && elt.closest && elt.closest(".claim-card") && /claim-card/.test(e.detail.xhr.responseText)) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  /* A claim form just swapped in: its speaker field takes the keyboard. */
  function ready(card) {
    const first = card && card.querySelector("[data-claim-typeahead=speaker]:not(:disabled)");
    if (first) first.focus({ preventScroll: true });
  }

  /* A "new actor" option was taken (click or Enter) in any type-ahead. */
  function newActor(option) {
    if (asking) return;
    const list = option.closest(".claim-options");
    if (list) choose(document.querySelector("[aria-controls=\"" + list.id + "\"]"), option);
    else newActorForTag(option);
  }

  window.MarginaliaClaimForm = { ready, newActor };
  ready(spanPanel.querySelector(".claim-card"));
})();
