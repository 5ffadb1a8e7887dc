"""The independent-coding rule (annotations/models/visibility.py), on the models.

charlie (lead) assigns the killing article to alice and bob independently; dave is an analyst who is not
assigned. Each of alice, bob, dave and charlie has a passage on it; the revenge article is not assigned.
"""

from __future__ import annotations

import pytest

from annotations.history import record
from annotations.models import AssignedArticle, Assignment, Change, Note, Span, Status, Tag
from annotations.models.visibility import Sight, can_see, change_visible_q, note_visible_q, tag_visible_q
from tests.annotated_world import make_article, make_span, make_term

BODY = "Alice marks this. Bob marks that. Dave marks another. Charlie marks the last one."


def build_cast(alice, bob, charlie, dave):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    killing = make_article("Killing", BODY, None, None)
    revenge = make_article("Revenge", BODY + " Again.", None, None)
    usa = make_term("usa", "United States")
    spans = {
        user.username: make_span(killing, f"{user.username.title()} marks", user, tags=((usa, "agent"),))
        for user in (alice, bob, dave, charlie)
    }
    elsewhere = {user.username: make_span(revenge, "Bob marks that", user) for user in (alice, bob)}
    for user, span in ((alice, spans["alice"]), (bob, spans["bob"])):
        Note.objects.create(article=killing, span=span, author=user, text=f"{user.username}'s note")
        record(user, "create", span, f"{user.username} marked it", article_id=killing.pk, span_id=span.pk)
    assignment = Assignment.hand_out([killing], [alice, bob], by=charlie, independent=True)
    return {"killing": killing, "spans": spans, "elsewhere": elsewhere, "assignment": assignment}


@pytest.fixture
def scene(cast):
    return cast.world


def seen(user, article) -> set[str]:
    return set(
        Span.objects.visible_to(user).filter(article=article).values_list("created_by__username", flat=True)
    )


def mark(user, scene, status=Status.DONE) -> None:
    task = AssignedArticle.objects.get(analyst=user, article=scene["killing"])
    task.set_status(status, by=user, version=task.version)


def test_blind_coder_sees_only_their_own_work_on_the_article(scene, alice, bob):
    assert seen(alice, scene["killing"]) == {"alice"}
    assert seen(bob, scene["killing"]) == {"bob"}


def test_blind_coders_see_everything_on_articles_not_assigned_independently(scene, alice):
    assert seen(alice, scene["elsewhere"]["alice"].article) == {"alice", "bob"}


def test_colleague_not_assigned_sees_neither_coder_until_they_are_done(scene, dave):
    assert seen(dave, scene["killing"]) == {"dave", "charlie"}


def test_lead_sees_everything(scene, charlie):
    assert seen(charlie, scene["killing"]) == {"alice", "bob", "dave", "charlie"}


def test_coder_who_is_done_still_does_not_see_the_other_coder_until_both_are_done(scene, alice, bob, dave):
    mark(alice, scene)
    assert seen(alice, scene["killing"]) == {"alice", "dave", "charlie"}
    assert seen(bob, scene["killing"]) == {"bob"}
    assert seen(dave, scene["killing"]) == {"dave", "charlie"}


def test_once_every_coder_is_done_everyone_sees_everything(scene, alice, bob, dave):
    mark(alice, scene)
    mark(bob, scene)
    everyone = {"alice", "bob", "dave", "charlie"}
    assert (
        seen(alice, scene["killing"])
        == seen(bob, scene["killing"])
        == seen(dave, scene["killing"])
        == everyone
    )


def test_reopening_blinds_again(scene, alice, bob):
    mark(alice, scene)
    mark(bob, scene)
    mark(bob, scene, Status.IN_PROGRESS)
    assert seen(alice, scene["killing"]) == {"alice", "dave", "charlie"}


def test_closing_the_assignment_ends_independent_coding(scene, alice, charlie):
    scene["assignment"].close(by=charlie)
    assert seen(alice, scene["killing"]) == {"alice", "bob", "dave", "charlie"}


def test_an_assignment_that_is_not_independent_hides_nothing(scene, alice, bob, charlie):
    scene["assignment"].close(by=charlie)
    Assignment.hand_out([scene["killing"]], [alice, bob], by=charlie)
    assert seen(alice, scene["killing"]) == {"alice", "bob", "dave", "charlie"}


def test_tags_notes_and_history_follow_their_passage(scene, alice, bob):
    killing = scene["killing"]
    tags = Tag.objects.filter(span__article=killing).filter(tag_visible_q(alice))
    assert set(tags.values_list("created_by__username", flat=True)) == {"alice"}
    notes = Note.objects.filter(article=killing).filter(note_visible_q(alice))
    assert list(notes.values_list("text", flat=True)) == ["alice's note"]
    changes = Change.objects.filter(article=killing, object_type="span").filter(change_visible_q(alice))
    assert list(changes.values_list("summary", flat=True)) == ["alice marked it"]
    mark(alice, scene)
    mark(bob, scene)
    assert Note.objects.filter(article=killing).filter(note_visible_q(alice)).count() == 2


def test_lead_editing_a_blind_passage_is_hidden_from_the_other_coder(scene, bob, charlie):
    alices = scene["spans"]["alice"]
    record(
        charlie,
        "update",
        alices,
        "charlie fixed alice's passage",
        article_id=alices.article_id,
        span_id=alices.pk,
    )
    summaries = Change.objects.filter(change_visible_q(bob)).values_list("summary", flat=True)
    assert "charlie fixed alice's passage" not in summaries
    assert "charlie fixed alice's passage" in Change.objects.filter(change_visible_q(charlie)).values_list(
        "summary", flat=True
    )


def test_can_see_agrees_with_the_query(scene, alice, bob, dave, charlie):
    killing = scene["killing"]
    for viewer in (alice, bob, dave, charlie):
        for owner_name, span in scene["spans"].items():
            assert can_see(viewer, killing.pk, span.created_by_id) == (owner_name in seen(viewer, killing))


@pytest.mark.parametrize("done", [(), ("alice",), ("alice", "bob")])
def test_the_rules_three_forms_agree(scene, alice, bob, dave, charlie, done):
    """visible_q across articles, its one-article form (the reader) and Sight (rows in hand) give the
    same answer for every viewer, whoever is done."""
    users = {"alice": alice, "bob": bob}
    for name in done:
        mark(users[name], scene)
    killing = scene["killing"]
    spans = list(Span.objects.filter(article=killing))
    for viewer in (alice, bob, dave, charlie):
        across = set(Span.objects.visible_to(viewer).filter(article=killing))
        one_article = set(Span.objects.in_reader(killing, viewer))
        sight = Sight(viewer)
        in_hand = {span for span in spans if sight.sees(killing.pk, span.created_by_id)}
        assert across == one_article == in_hand, viewer


def test_a_claim_is_hidden_with_its_coder_or_its_passage(scene, alice, bob, dave):
    """Any analyst may code a claim on any passage: alice (done) on dave's passage is hidden from dave
    until bob is done; dave's claim on his own passage he sees."""
    from annotations.models import Claim

    mark(alice, scene)
    daves = scene["spans"]["dave"]
    alices_claim = Claim.create_on(daves, {"speaker_kind": "author"}, by=alice)
    daves_claim = Claim.create_on(daves, {"speaker_kind": "author"}, by=dave)
    assert set(Claim.objects.visible_to(dave)) == {daves_claim}
    assert set(Claim.objects.in_reader(scene["killing"], dave)) == {daves_claim}
    assert set(Claim.objects.visible_to(alice)) == {alices_claim, daves_claim}
    assert set(Claim.objects.visible_to(bob)) == set()
    mark(bob, scene)
    assert set(Claim.objects.visible_to(dave)) == {alices_claim, daves_claim}


def test_the_operator_sees_everything(scene):
    from annotations.permissions import OPERATOR

    assert Span.objects.visible_to(OPERATOR).filter(article=scene["killing"]).count() == 4
    assert Sight(OPERATOR).sees(scene["killing"].pk, scene["spans"]["bob"].created_by_id)
