// The Vocabulary pages. Without JavaScript both still work: the forms post and the server answers a page.
(function () {
  "use strict";

  // Term form: show the actor type only for actors, and offer only parents of the chosen kind.
  // The server clears an event's actor type and refuses a parent of the other kind anyway.
  var kind = document.getElementById("id_kind");
  var parent = document.getElementById("id_parent");
  var actorType = document.querySelector(".field-actor_type");

  function sync() {
    var isActor = kind.value === "actor";
    if (actorType) actorType.hidden = !isActor;
    if (!parent) return;
    var wanted = isActor ? "Actors" : "Events";
    Array.prototype.forEach.call(parent.querySelectorAll("optgroup"), function (group) {
      var fits = group.label === wanted;
      group.hidden = !fits;
      group.disabled = !fits;
    });
    var chosen = parent.options[parent.selectedIndex];
    if (chosen && chosen.parentNode.disabled) parent.value = "";
  }

  if (kind) {
    kind.addEventListener("change", sync);
    sync();
  }

  // A term's aliases (add, remove) are htmx forms, and htmx swaps only successful answers. For any
  // other answer, say what is known, from what the server said (ops/saving.py): a refusal in its own
  // words; after a server failure, whether the change was committed (Marginalia-Saved); a change saved
  // but not shown (Marginalia-Shown: no). What was typed stays in the form.
  var aliases = document.getElementById("aliases");
  if (!aliases) return;

  function serverWords(xhr) {
    var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var said = page.querySelector("[role=alert], .error, main p");
    return said ? said.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function answerText(xhr) {
    var status = xhr ? xhr.status : 0;
    if (!status) return "The server did not answer; reload to see whether it was saved.";
    if (status < 300) return serverWords(xhr) || "Saved, but the server failed while showing it; reload to see it.";
    var request = xhr.getResponseHeader("X-Request-ID");
    var id = request ? " (request " + request + ")" : "";
    if (status < 500) {
      var refusal = status === 404 ? "It is no longer there: someone changed it meanwhile" : serverWords(xhr);
      return (refusal.replace(/[.\s]+$/, "") || "Refused (" + status + ")") + ". Nothing was saved; reload the page.";
    }
    var saved = xhr.getResponseHeader("Marginalia-Saved");
    if (saved === "yes") return "The server failed after saving" + id + "; reload to see the aliases.";
    if (saved === "no") return "The server failed" + id + "; nothing was saved. Try again.";
    return "The server did not answer (" + status + "); reload to see whether it was saved.";
  }

  function show(text) {
    var section = document.getElementById("aliases");
    var box = section.querySelector("[data-answer]");
    if (!box) {
      box = document.createElement("p");
      box.className = "error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-answer", "");
      var title = section.querySelector("h2");
      section.insertBefore(box, title ? title.nextSibling : section.firstChild);
    }
    box.textContent = text;
  }

  function inAliases(event) {
    var elt = event.detail.elt;
    return elt && elt.closest && elt.closest("#aliases");
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (!inAliases(event)) return;
    var box = document.querySelector("#aliases [data-answer]");
    if (box) box.remove();
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (!inAliases(event)) return;
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 || xhr.getResponseHeader("Marginalia-Shown") === "no") {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      show(answerText(xhr));
    }
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    if (inAliases(event)) show(answerText(null));
  });
})();
