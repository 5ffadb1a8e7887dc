"""Claims through HTTP and their rules: every field accepted and refused (422, nothing saved), the three
speaker kinds, who may change a claim, a stale save, delete and undo, the history, the form."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from annotations.models import Alias, Change, Claim, Refused, Span, Term
from tests.annotated_world import build_world, make_term


@pytest.fixture
def world(alice, bob):
    return build_world(alice, bob)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hx(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, headers={"HX-Request": "true"})


def create(client: Client, world, **fields):
    """A claim on alice's passage “The United States killed Soleimani” (FRANCE 24, no by-line)."""
    data = {"span": world.us_kills.pk, "speaker_kind": "author", **fields}
    return hx(client, f"/articles/{world.killing.pk}/claims/", data)


def stored(world, alice, **fields) -> Claim:
    values = {"speaker_kind": "author", **fields}
    return Claim.create_on(world.us_kills, values, by=alice)


ALL_FIELDS = {
    "speaker_kind": "actor",
    "speaker_role": "named_official",
    "attribution_type": "indirect_quote_paraphrase",
    "reporting_verb": "killed",
    "claim_type": "factual_assertion",
    "stance": "opposed",
    "certainty": "probable",
    "hedge_cues": "Soleimani; drone",
    "event_modality": "actual",
    "evidence_cited": "named_evidence",
    "contested": "1",
}


def test_every_field_is_stored_as_coded(alice_client, world, alice):
    data = {**ALL_FIELDS, "speaker": world.usa.pk, "target": world.soleimani.pk}
    response = create(alice_client, world, **data)

    assert response.status_code == 200
    claim = Claim.objects.get()
    body = world.killing.body
    assert (claim.speaker, claim.target, claim.created_by, claim.article) == (
        world.usa,
        world.soleimani,
        alice,
        world.killing,
    )
    for name in ("speaker_role", "attribution_type", "claim_type", "stance", "certainty", "event_modality"):
        assert getattr(claim, name) == ALL_FIELDS[name]
    assert claim.evidence_cited == "named_evidence" and claim.contested is True
    # The reporting verb and each cue found in the body carry their offsets.
    assert body[claim.reporting_verb_start : claim.reporting_verb_end] == "killed"
    assert [(c["text"], body[c["start"] : c["end"]]) for c in claim.hedge_cues] == [
        ("Soleimani", "Soleimani"),
        ("drone", "drone"),
    ]
    change = Change.objects.get(object_type="claim", action="create")
    assert change.actor == alice and change.span_id == world.us_kills.pk
    assert change.after["stance"] == "opposed" and change.after["target"] == "qasem-soleimani"
    assert response.headers["HX-Trigger"].startswith('{"claimSaved"')


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("speaker_role", "president", "speaker_role: “president” is not one of named_official"),
        ("attribution_type", "rumour", "attribution_type: “rumour” is not one of direct_quote"),
        ("claim_type", "boast", "claim_type: “boast” is not one of factual_assertion"),
        ("stance", "hostile", "stance: “hostile” is not one of supportive, opposed, neutral, mixed"),
        ("certainty", "sure", "certainty: “sure” is not one of asserted_certain"),
        ("event_modality", "past", "event_modality: “past” is not one of actual, historical"),
        ("evidence_cited", "video", "evidence_cited: “video” is not one of none, named_evidence"),
        ("contested", "maybe", "contested: “maybe” is not yes or no"),
        ("speaker_kind", "god", "speaker_kind: “god” is not one of actor, author, unnamed"),
        ("speaker_kind", "", "speaker_kind: choose who makes the claim"),
        ("reporting_verb", "x" * 101, "reporting_verb: at most 100 characters (101 given)"),
        ("reporting_verb_start", "3", "reporting_verb: give both offsets"),
        ("hedge_cues", "; ".join(f"cue{i}" for i in range(21)), "hedge_cues: at most 20 cues"),
        ("hedge_cues", "x" * 101, "hedge_cues: a cue has at most 100 characters"),
        ("hedge_cues", "[{nope", "hedge_cues: not a valid JSON list"),
        ("target", "999999", "target: unknown term “999999”"),
        ("target", "abc", "target: unknown term “abc”"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_saved(
    alice_client, world, field, value, words
):
    response = create(alice_client, world, **{field: value})

    assert response.status_code == 422
    html = response.content.decode()
    assert words.replace("“", "&ldquo;") in html or words in html, html[:2000]
    assert not Claim.objects.exists() and not Change.objects.filter(object_type="claim").exists()
    # The form comes back with what was typed.
    assert 'class="span-card claim-card"' in html


def test_offsets_must_hold_the_words_they_point_to(alice, world):
    body = world.killing.body
    start = body.index("killed")
    with pytest.raises(Refused, match="reporting_verb: the text at .* is “killed”, not “said”"):
        stored(world, alice, reporting_verb="said", reporting_verb_start=start, reporting_verb_end=start + 6)
    with pytest.raises(Refused, match="hedge_cues: .* lies outside the article"):
        stored(world, alice, hedge_cues=[{"text": "may", "start": 5000, "end": 5003}])
    claim = stored(
        world, alice, reporting_verb="killed", reporting_verb_start=start, reporting_verb_end=start + 6
    )
    assert (claim.reporting_verb_start, claim.reporting_verb_end) == (start, start + 6)
    # A verb that is not in the text is kept as written, without offsets.
    other = stored(world, alice, reporting_verb="vowed")
    assert (other.reporting_verb, other.reporting_verb_start) == ("vowed", None)


def test_the_three_kinds_of_speaker(alice_client, world):
    government = make_term("us-government", "US government")
    assert create(alice_client, world, speaker_kind="actor", speaker=world.usa.pk).status_code == 200
    assert create(alice_client, world, speaker_kind="author").status_code == 200
    unnamed = create(
        alice_client,
        world,
        speaker_kind="unnamed",
        unnamed_speaker="  a senior   US official ",
        speaker_group=government.pk,
    )
    assert unnamed.status_code == 200

    actor, author, source = Claim.objects.order_by("pk")
    assert (actor.speaker_kind, actor.speaker, actor.speaker_label) == ("actor", world.usa, "United States")
    # FRANCE 24 names no author: the author's voice is the outlet's.
    assert (author.speaker_kind, author.speaker, author.speaker_label) == (
        "author",
        None,
        "Author: FRANCE 24",
    )
    assert (source.unnamed_speaker, source.speaker_group) == ("a senior US official", government)
    assert source.summary == "a senior US official (US government)"
    world.killing.authors = "Maxim Suchkov"
    assert Claim.objects.get(pk=author.pk).speaker_label == "Author: FRANCE 24"  # stored article unchanged
    world.killing.save()
    assert Claim.objects.get(pk=author.pk).speaker_label == "Author: Maxim Suchkov"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"speaker_kind": "actor"}, "speaker: choose the actor who makes the claim"),
        ({"speaker_kind": "actor", "speaker": "EVENT"}, "is an event; choose an actor"),
        ({"speaker_kind": "actor", "speaker": "RETIRED"}, "is retired"),
        ({"speaker_kind": "actor", "speaker": "USA", "unnamed_speaker": "x"}, "takes no unnamed description"),
        ({"speaker_kind": "author", "speaker": "USA"}, "the author&#x27;s voice takes no actor"),
        ({"speaker_kind": "unnamed"}, "unnamed_speaker: describe the unnamed source"),
        (
            {"speaker_kind": "unnamed", "unnamed_speaker": "x" * 301},
            "unnamed_speaker: at most 300 characters",
        ),
        (
            {"speaker_kind": "unnamed", "unnamed_speaker": "an aide", "speaker": "USA"},
            "goes in speaker_group",
        ),
        (
            {"speaker_kind": "unnamed", "unnamed_speaker": "an aide", "speaker_group": "EVENT"},
            "choose an actor",
        ),
    ],
)
def test_a_speaker_that_does_not_fit_its_kind_is_refused(alice_client, world, fields, words):
    retired = make_term("old", "Old actor")
    Term.objects.filter(pk=retired.pk).update(retired_at="2020-01-01T00:00:00Z")
    ids = {"EVENT": world.strike.pk, "RETIRED": retired.pk, "USA": world.usa.pk}
    data = {key: ids.get(value, value) for key, value in fields.items()}
    response = create(alice_client, world, **data)
    assert response.status_code == 422 and words in response.content.decode()
    assert not Claim.objects.exists()


def test_a_claim_on_a_new_selection_makes_the_passage_in_the_same_request(alice_client, world, alice):
    body = world.revenge.body
    quote = "officials spoke of a measured response"
    start = body.index(quote)
    url = f"/articles/{world.revenge.pk}/claims/"
    data = {"start": start, "end": start + len(quote), "text": quote, "speaker_kind": "unnamed"}
    refused = hx(alice_client, url, data)  # no description: refused, and no passage either
    assert refused.status_code == 422 and not Span.objects.filter(quote=quote).exists()

    response = hx(alice_client, url, {**data, "unnamed_speaker": "officials"})
    assert response.status_code == 200
    span = Span.objects.get(quote=quote)
    assert span.created_by == alice and span.claims.get().unnamed_speaker == "officials"
    html = response.content.decode()
    # One round trip: the panel, the repainted paragraph with its claim marker, the side-list item
    # inserted in reading order, the passage count and the activity, all in this answer.
    # (views/repaint.py: the same answer as a passage's save.)
    assert f'data-span="{span.pk}"' in html and f'<a id="span-{span.pk}" class="anchor claimed">' in html
    # Inserted in reading order: before the next passage, “Another passage stays untagged”.
    assert f'<ol hx-swap-oob="beforebegin:#passage-{world.untagged.pk}"><li id="passage-{span.pk}"' in html
    assert 'id="passage-count"' in html and '<ol hx-swap-oob="afterbegin:#activity">' in html
    assert "officials → " not in html and '<span class="claim">officials</span>' in html
    assert json.loads(response.headers["HX-Trigger"]) == {
        "claimSaved": {"id": span.claims.get().pk, "span": span.pk, "deleted": False}
    }


def test_a_selection_that_does_not_match_the_text_is_refused(alice_client, world):
    url = f"/articles/{world.revenge.pk}/claims/"
    response = hx(alice_client, url, {"start": 0, "end": 6, "text": "Nobody", "speaker_kind": "author"})
    assert response.status_code == 422 and "select the text again" in response.content.decode()
    assert not Claim.objects.exists()


def test_colleague_may_claim_on_a_passage_but_not_change_anothers_claim(world, alice, bob, charlie):
    claim = stored(world, alice, stance="opposed")
    bobs = logged_in(bob)
    # Anyone codes claims on any passage; the claim is theirs.
    assert create(bobs, world, stance="neutral").status_code == 200
    assert Claim.objects.get(stance="neutral").created_by == bob

    for url, data in (
        (f"/claims/{claim.pk}/edit/", {"stance": "supportive", "version": 1}),
        (f"/claims/{claim.pk}/delete/", {"version": 1}),
    ):
        response = hx(bobs, url, data)
        assert response.status_code == 403 and "This claim is alice’s" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.stance, claim.version, claim.deleted_at) == ("opposed", 1, None)

    # A lead changes anyone's claim; the owner too.
    assert (
        hx(logged_in(charlie), f"/claims/{claim.pk}/edit/", {"stance": "mixed", "version": 1}).status_code
        == 200
    )
    assert (
        hx(logged_in(alice), f"/claims/{claim.pk}/edit/", {"stance": "neutral", "version": 2}).status_code
        == 200
    )
    claim.refresh_from_db()
    assert (claim.stance, claim.version) == ("neutral", 3)


def test_a_stale_save_is_refused_naming_who_changed_it_and_shows_what_is_stored(world, alice, charlie):
    claim = stored(world, alice, stance="opposed")
    hx(logged_in(charlie), f"/claims/{claim.pk}/edit/", {"stance": "mixed", "version": 1})

    response = hx(logged_in(alice), f"/claims/{claim.pk}/edit/", {"stance": "supportive", "version": 1})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this claim (charlie," in html
    # The form shows what is stored now (charlie's "mixed"), at its new version.
    assert 'value="mixed" checked' in html and 'name="version" value="2"' in html
    claim.refresh_from_db()
    assert claim.stance == "mixed"


def test_an_edit_changes_only_what_is_sent_and_records_before_and_after(world, alice):
    claim = stored(world, alice, stance="opposed", certainty="possible", hedge_cues="drone")
    changed = claim.edit({"certainty": "probable", "target": world.soleimani.pk}, by=alice, version=1)

    assert changed == {"target": "qasem-soleimani", "certainty": "probable"}
    claim.refresh_from_db()
    assert (claim.stance, claim.certainty, claim.version) == ("opposed", "probable", 2)
    assert [cue["text"] for cue in claim.hedge_cues] == ["drone"]
    change = Change.objects.filter(object_type="claim", action="update").get()
    assert change.before == {"target": None, "certainty": "possible", "version": 1}
    assert change.after == {"target": "qasem-soleimani", "certainty": "probable", "version": 2}
    # Saving the same values again changes nothing and records nothing.
    assert claim.edit({"certainty": "probable"}, by=alice, version=2) == {}
    assert Change.objects.filter(object_type="claim", action="update").count() == 1


def test_a_bad_value_in_an_edit_keeps_the_stored_claim(world, alice):
    claim = stored(world, alice, stance="opposed")
    response = hx(logged_in(alice), f"/claims/{claim.pk}/edit/", {"stance": "furious", "version": 1})
    assert response.status_code == 422
    assert 'value="furious"' not in response.content.decode()  # a bad choice is not offered back
    claim.refresh_from_db()
    assert (claim.stance, claim.version) == ("opposed", 1)


def test_delete_and_undo_bring_the_claim_back_whole(world, alice):
    claim = stored(world, alice, stance="opposed", target=world.usa.pk)
    client = logged_in(alice)

    deleted = hx(client, f"/claims/{claim.pk}/delete/", {"version": 1})
    assert deleted.status_code == 200
    html = deleted.content.decode()
    assert "Claim deleted: Author: FRANCE 24 → opposed → United States." in html
    assert 'data-action="undo"' in html and f"/claims/{claim.pk}/restore/" in html
    side_list = client.get(f"/articles/{world.killing.pk}/passages/").content.decode()
    assert "→ opposed → United States" not in side_list
    assert "anchor claimed" not in client.get(f"/articles/{world.killing.pk}/").content.decode()

    restored = hx(client, f"/claims/{claim.pk}/restore/")
    assert restored.status_code == 200
    claim.refresh_from_db()
    assert (claim.deleted_at, claim.stance, claim.target, claim.version) == (None, "opposed", world.usa, 3)
    actions = list(Change.objects.filter(object_type="claim").order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "delete", "restore"]
    reader = client.get(f"/articles/{world.killing.pk}/").content.decode()
    assert "Author: FRANCE 24 → opposed → United States" in reader and "anchor claimed" in reader


def test_a_deleted_claim_cannot_be_edited_or_deleted_again(world, alice):
    claim = stored(world, alice)
    claim.soft_delete(by=alice, version=1)
    with pytest.raises(Refused, match="deleted") as refused:
        claim.edit({"stance": "opposed"}, by=alice, version=2)
    assert refused.value.status == 409
    assert hx(logged_in(alice), f"/claims/{claim.pk}/delete/", {"version": 2}).status_code == 409
    claim.restore(by=alice)
    with pytest.raises(Refused, match="not deleted"):
        claim.restore(by=alice)


def test_the_claim_history_shows_in_its_panel_and_the_passages(world, alice, charlie):
    claim = stored(world, alice, stance="opposed")
    claim.edit({"stance": "mixed"}, by=charlie, version=1)
    panel = logged_in(alice).get(f"/claims/{claim.pk}/").content.decode()
    assert "History of this claim" in panel and "stance → Author: FRANCE 24 → mixed" in panel
    passage = logged_in(alice).get(f"/spans/{world.us_kills.pk}/").content.decode()
    assert "<strong>charlie</strong> Claim on" in passage
    # A claim's change is not the passage's: it does not make a passage save stale.
    assert world.us_kills.stale_message() == "Someone else changed this passage; reload it."


def test_a_colleague_sees_a_claim_read_only(world, alice, bob):
    claim = stored(world, alice)
    html = logged_in(bob).get(f"/claims/{claim.pk}/").content.decode()
    assert "only they or a lead can change it" in html
    assert 'data-action="save-claim"' not in html and 'data-action="delete-claim"' not in html


def test_claims_need_a_login(client, world, alice):
    claim = stored(world, alice)
    for url in (f"/claims/{claim.pk}/", f"/articles/{world.killing.pk}/claims/new/?span={world.us_kills.pk}"):
        assert client.get(url).status_code == 302
    assert client.post(f"/claims/{claim.pk}/edit/", {"stance": "opposed", "version": 1}).status_code == 302
    claim.refresh_from_db()
    assert claim.stance == ""


def test_the_new_claim_form_is_prefilled_and_marks_what_is_suggested(alice_client, world):
    Alias.objects.create(term=world.irgc, name="IRGC")
    passages = Span.objects.count()
    body = world.revenge.body
    quote = "the IRGC vowed revenge"
    start = body.index(quote)
    html = alice_client.get(
        f"/articles/{world.revenge.pk}/claims/new/",
        {"start": start, "end": start + len(quote), "text": quote},
    ).content.decode()
    assert 'data-field="claim_type"' in html
    claim_type = html.split('data-field="claim_type"')[1].split("</fieldset>")[0]
    assert "suggested" in claim_type and 'value="threat" checked' in claim_type
    assert 'name="reporting_verb" value="vowed"' in html
    assert 'name="speaker_kind" value="actor"' in html and f'name="speaker" value="{world.irgc.pk}"' in html
    # Nothing is saved until the analyst saves the form.
    assert not Claim.objects.exists() and Span.objects.count() == passages


def test_an_unnamed_source_in_the_text_is_prefilled_with_its_words_and_role(alice_client, world):
    body = world.killing.body
    sentence = "Iran will respond in kind, officials said."
    world.killing.body = body + "\n\n" + sentence
    world.killing.save()
    quote = "Iran will respond in kind"
    start = world.killing.body.index(quote)
    selection = {"start": start, "end": start + len(quote), "text": quote}
    html = alice_client.get(f"/articles/{world.killing.pk}/claims/new/", selection).content.decode()
    assert 'name="speaker_kind" value="unnamed"' in html
    assert 'name="unnamed_speaker" value="officials"' in html
    role = html.split('data-field="speaker_role"')[1].split("</fieldset>")[0]
    assert "suggested" in role and 'value="unnamed_official" checked' in role


def test_the_speaker_type_ahead_offers_actors_the_author_and_an_unnamed_source(alice_client, world):
    url = f"/articles/{world.killing.pk}/claims/terms/"
    html = alice_client.get(url, {"field": "speaker", "q": "united"}).content.decode()
    assert f'data-term="{world.usa.pk}"' in html and "Unnamed source: “united”" in html
    assert html.index("United States") < html.index("Unnamed source")
    author = alice_client.get(url, {"field": "speaker", "q": "auth"}).content.decode()
    assert author.strip().startswith('<li role="option" class="suggestion claim-option" data-kind="author"')
    assert "Author: FRANCE 24" in author
    unknown = alice_client.get(url, {"field": "speaker", "q": "Barham Salih"}).content.decode()
    assert 'data-new-actor="Barham Salih"' in unknown
    target = alice_client.get(url, {"field": "target", "q": "strike"}).content.decode()
    assert f'data-term="{world.strike.pk}"' in target and "Unnamed" not in target


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's in-memory test database (shared cache) fails a second writer at once instead of"
    " making it wait, so threads cannot race there; the stale-save test covers SQLite",
)
def test_two_leads_editing_a_claim_at_once_one_wins(alice, bob, charlie):
    """Two threads, two connections, the same version: the UPDATE … WHERE version decides."""
    import threading

    from django.db import connection

    world = build_world(alice, bob)
    claim = stored(world, alice)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, stance):
        try:
            mine = Claim.objects.select_related("span", "article", "created_by").get(pk=claim.pk)
            barrier.wait(timeout=10)
            mine.edit({"stance": stance}, by=user, version=1)
            outcomes.append("saved")
        except Refused as refused:
            outcomes.append(f"{refused.status}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(alice, "opposed")),
        threading.Thread(target=save, args=(charlie, "mixed")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["409", "saved"]
    claim.refresh_from_db()
    assert claim.version == 2 and Change.objects.filter(object_type="claim", action="update").count() == 1


def test_claim_values_can_be_given_as_python_values(world, alice):
    """The importer and the API hand values over as Python objects, not form strings."""
    claim = Claim.create_on(
        world.us_kills,
        {
            "speaker_kind": "actor",
            "speaker": world.usa,
            "target": world.strike,
            "contested": True,
            "hedge_cues": json.dumps([{"text": "drone"}]),
        },
        by=alice,
    )
    assert (claim.speaker, claim.target, claim.contested) == (world.usa, world.strike, True)
    assert claim.hedge_cues[0]["start"] == world.killing.body.index("drone")


def test_a_deleted_claims_own_panel_offers_undo_to_its_coder_only(world, alice, bob):
    claim = stored(world, alice)
    claim.soft_delete(by=alice, version=1)
    mine = logged_in(alice).get(f"/claims/{claim.pk}/").content.decode()
    assert "This claim is deleted." in mine and f"/claims/{claim.pk}/restore/" in mine
    theirs = logged_in(bob).get(f"/claims/{claim.pk}/").content.decode()
    assert "This claim is deleted." in theirs and "/restore/" not in theirs
    assert hx(logged_in(bob), f"/claims/{claim.pk}/restore/").status_code == 403
