"""Rejecting a suggestion, and a lead letting it be suggested again, are in the history: nothing is
removed without a history entry that says what it held."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from annotations.models import Change, SuggestionRejection, Term
from annotations.suggestions import REJECTION, reject, restore_rejections
from corpus.models import Article

pytestmark = pytest.mark.django_db

BODY = "Tehran answered. Officials in Tehran said the strike was an act of war. Tehran again."


@pytest.fixture
def article() -> Article:
    return Article.objects.create(title="Tehran", body=BODY, sha256=Article.hash_body(BODY))


@pytest.fixture
def government() -> Term:
    return Term.objects.create(slug="iran-government", kind="actor", label="Iranian government")


def reject_nth(article: Article, term: Term | None, user, nth: int = 0) -> SuggestionRejection:
    start = -1
    for _ in range(nth + 1):
        start = article.body.index("Tehran", start + 1)
    return reject(article, start, start + 6, term, "" if term else "Tehran", by=user)


def test_a_rejection_is_recorded_once_in_the_articles_history(article, government, alice, bob):
    rejection = reject_nth(article, government, alice)
    reject_nth(article, government, bob, nth=1)  # the same pair again: nothing new, nothing recorded
    entry = Change.objects.get(object_type=REJECTION)
    assert (entry.actor, entry.action, entry.object_id) == (alice, "create", rejection.pk)
    assert (entry.article_id, entry.term_id) == (article.pk, government.pk)
    assert entry.summary == "Rejected the suggestion “Tehran” as Iranian government"
    assert entry.after["term"] == "iran-government" and entry.after["rejected_by"] == "alice"


def test_rejecting_a_new_actor_is_recorded_too(article, alice):
    reject_nth(article, None, alice)
    entry = Change.objects.get(object_type=REJECTION)
    assert entry.summary == "Rejected the suggestion “Tehran” as a new actor" and entry.term_id is None


def test_a_leads_restore_records_each_rejection_it_removes(article, government, alice, charlie):
    other_body = "In Tehran, a vote."
    other = Article.objects.create(title="Vote", body=other_body, sha256=Article.hash_body(other_body))
    first = reject_nth(article, government, alice)
    second = reject_nth(other, government, alice)
    assert restore_rejections("tehran", government.pk, by=charlie) == 2
    assert not SuggestionRejection.objects.exists()
    removed = Change.objects.filter(object_type=REJECTION, action="delete").order_by("object_id")
    assert [(c.object_id, c.article_id, c.actor) for c in removed] == [
        (first.pk, article.pk, charlie),
        (second.pk, other.pk, charlie),
    ]
    assert removed[0].before["text"] == "Tehran" and removed[0].before["rejected_by"] == "alice"
    assert removed[0].summary == "Let “Tehran” be suggested as Iranian government again"


def test_restoring_is_refused_to_an_analyst_and_nothing_is_removed(article, government, alice, bob):
    reject_nth(article, government, alice)
    with pytest.raises(PermissionDenied):
        restore_rejections("tehran", government.pk, by=bob)
    assert SuggestionRejection.objects.count() == 1
    assert not Change.objects.filter(object_type=REJECTION, action="delete").exists()


def test_the_restore_screen_writes_the_history(client, article, government, alice, charlie):
    reject_nth(article, government, alice)
    client.force_login(charlie)
    response = client.post("/vocabulary/rejected/restore/", {"key": "tehran", "term": government.pk})
    assert response.status_code == 302 and not SuggestionRejection.objects.exists()
    assert Change.objects.filter(object_type=REJECTION, action="delete", actor=charlie).count() == 1
    response = client.post("/vocabulary/rejected/restore/", {"key": "tehran", "term": ""})
    assert response.status_code == 302  # nothing of that pair left: nothing removed, nothing recorded
    assert Change.objects.filter(object_type=REJECTION, action="delete").count() == 1
