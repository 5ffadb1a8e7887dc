"""A new actor proposed from the reader: usable at once, marked for a lead, never a second term
for a name the vocabulary already has."""

from __future__ import annotations

from django.urls import reverse

from annotations.models import Alias, Change, Term
from tests.annotated_world import make_term

PROPOSE = reverse("annotations:term-propose")


def test_analyst_proposes_a_new_actor(alice_client, alice):
    response = alice_client.post(PROPOSE, {"label": "  Emmanuel   Macron ", "actor_type": "person"})

    assert response.status_code == 201
    data = response.json()
    term = Term.objects.get(pk=data["id"])
    assert (term.label, term.kind, term.actor_type, term.proposed) == (
        "Emmanuel Macron",
        "actor",
        "person",
        True,
    )
    assert data["slug"] == term.slug == "emmanuel-macron" and data["created"] is True
    assert Alias.objects.filter(term=term, name="Emmanuel Macron").exists()
    change = Change.objects.get(term=term, action="create", object_type="term")
    assert change.actor == alice and "Proposed Emmanuel Macron" in change.summary


def test_a_name_the_vocabulary_has_gives_that_actor(alice_client, db):
    iran = make_term("iran", "Iran")
    Alias.objects.create(term=iran, name="Islamic Republic of Iran")

    response = alice_client.post(PROPOSE, {"label": "islamic republic of IRAN", "actor_type": "state"})

    assert response.status_code == 200
    assert response.json()["id"] == iran.pk and response.json()["created"] is False
    assert Term.objects.count() == 1


def test_bad_proposals_are_refused_with_a_reason(alice_client, db):
    no_type = alice_client.post(PROPOSE, {"label": "Barham Salih", "actor_type": "wizard"})
    no_name = alice_client.post(PROPOSE, {"label": " ... ", "actor_type": "person"})

    assert no_type.status_code == 422 and "Choose what kind of actor" in no_type.json()["error"]
    assert no_name.status_code == 422 and "at least one letter" in no_name.json()["error"]
    assert not Term.objects.exists()


def test_a_retired_actors_name_is_refused_naming_it(alice_client, db):
    old = make_term("old-iraq", "Iraqi Governing Council")
    Alias.objects.create(term=old, name="Iraqi Governing Council")
    Term.objects.filter(pk=old.pk).update(retired_at="2020-01-01T00:00:00Z")

    response = alice_client.post(
        PROPOSE, {"label": "Iraqi Governing Council", "actor_type": "government_body"}
    )

    assert response.status_code == 422 and "Iraqi Governing Council (retired)" in response.json()["error"]


def test_proposing_needs_a_login(client, db):
    response = client.post(PROPOSE, {"label": "Barham Salih", "actor_type": "person"})
    assert response.status_code == 302 and not Term.objects.exists()
