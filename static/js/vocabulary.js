// Term form: show the actor type only for actors, and offer only parents of the chosen kind.
// Without JavaScript the form still works: the server clears an event's actor type and refuses
// a parent of the other kind.
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  var parent = document.getElementById("id_parent");
  var actorType = document.querySelector(".field-actor_type");
  if (!kind) return;

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

  kind.addEventListener("change", sync);
  sync();
})();
