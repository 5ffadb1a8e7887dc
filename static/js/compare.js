/* Compare mode (templates/analysis/compare.html): keys for the lead, and decisions swapped in place.
 *
 * Without this script the page works as it is: each button posts its form and the page comes back at the
 * unit. With it:
 *   j / k      next / previous unit (the current one is outlined and scrolled to)
 *   1–9        keep that analyst's version of the current unit
 *   e          open the current unit's edit form (Esc closes it)
 *   r          reject every version of the current unit
 * A decision is posted with htmx and only its unit (and the progress line) is swapped; the next unit then
 * becomes the current one. A refused edit (422) comes back in the unit with its message and what was typed.
 */
(function () {
  "use strict";

  var units = function () { return Array.prototype.slice.call(document.querySelectorAll("[data-unit]")); };
  var current = null;

  function focusUnit(unit) {
    if (!unit) return;
    if (current) current.classList.remove("current");
    current = unit;
    unit.classList.add("current");
    unit.focus({ preventScroll: true });
    unit.scrollIntoView({ block: "start", behavior: "auto" });
    if (history.replaceState) history.replaceState(null, "", "#" + unit.id);
  }

  function step(by) {
    var list = units();
    if (!list.length) return;
    var at = list.indexOf(current);
    var next = at < 0 ? (by > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + by));
    focusUnit(list[next]);
  }

  function typing(target) {
    return target && (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable);
  }

  function press(selector) {
    if (!current) step(1);
    var button = current && current.querySelector(selector);
    if (button && !button.disabled) button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      var open = document.activeElement && document.activeElement.closest("details.edit[open]");
      if (open) {
        open.open = false;
        focusUnit(open.closest("[data-unit]"));
        event.preventDefault();
      }
      return;
    }
    if (typing(event.target)) return;
    if (event.key === "j") { step(1); event.preventDefault(); }
    else if (event.key === "k") { step(-1); event.preventDefault(); }
    else if (/^[1-9]$/.test(event.key)) { press('button[data-key="' + event.key + '"]'); event.preventDefault(); }
    else if (event.key === "r") { press('button[data-key="r"]'); event.preventDefault(); }
    else if (event.key === "e") {
      if (!current) step(1);
      var details = current && current.querySelector("details.edit");
      if (details) {
        details.open = true;
        var first = details.querySelector("input:not([type=hidden]), select");
        if (first) first.focus();
        event.preventDefault();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var unit = event.target.closest && event.target.closest("[data-unit]");
    if (unit && unit !== current) {
      if (current) current.classList.remove("current");
      current = unit;
      unit.classList.add("current");
    }
  });

  /* Decisions with htmx: post the form, take its unit (and the progress line) from the page that
     comes back. A refusal (409, 422) is shown in the unit too. */
  function wire(root) {
    if (!window.htmx) return;
    Array.prototype.forEach.call(root.querySelectorAll("form[data-decide]"), function (form) {
      var unit = form.closest("[data-unit]");
      form.setAttribute("hx-post", form.getAttribute("action"));
      form.setAttribute("hx-target", "#" + unit.id);
      form.setAttribute("hx-select", "#" + unit.id);
      form.setAttribute("hx-swap", "outerHTML");
      form.setAttribute("hx-select-oob", "#compare-progress");
      window.htmx.process(form);
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var unit = event.detail.target && document.getElementById(event.detail.target.id);
    if (!unit || !unit.hasAttribute("data-unit")) return;
    wire(unit);
    current = unit;
    if (event.detail.xhr.status < 400 && !unit.querySelector(".error")) step(1);
    else focusUnit(unit);
  });

  document.addEventListener("DOMContentLoaded", function () {
    wire(document);
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.hasAttribute("data-unit")) focusUnit(target);
  });
})();
