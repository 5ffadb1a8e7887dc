"""Rejecting a suggestion over HTTP (one article, everyone, counted) and the rejected suggestions'
list (everyone reads it; leads let a pair be suggested again)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from annotations.models import SuggestionRejection, Term
from corpus.models import Article
from tests.conftest import load_demo


def build_cast() -> Article:
    """The demo, loaded once for the module's tests (tests/conftest.py `cast`)."""
    load_demo()  # as `make run` does (tests/conftest.py)
    return Article.objects.get(title="Targeted Killing of Qasem Soleimani: A Step into War")


@pytest.fixture
def demo(cast) -> Article:
    return cast.world


def reject(client: Client, article: Article, text: str, term: Term | None, nth: int = 0, **extra):
    start = -1
    for _ in range(nth + 1):
        start = article.body.index(text, start + 1)
    data = {"start": start, "end": start + len(text), "text": text, "term": term.pk if term else "", **extra}
    return client.post(f"/articles/{article.pk}/suggestions/reject/", data, headers={"HX-Request": "true"})


def tehrans(html: str, term: Term) -> int:
    """How many "Tehran" are underlined as this term."""
    return len(re.findall(rf'data-term="{term.pk}"[^>]*>Tehran</span>', html))


def test_rejecting_hides_the_pair_in_the_article_for_everyone(client, alice, bob, demo):
    government = Term.objects.get(slug="iran-government")
    client.force_login(alice)
    before = client.get(f"/articles/{demo.pk}/").content.decode()
    assert tehrans(before, government) >= 4

    response = reject(client, demo, "Tehran", government)
    assert response.status_code == 200
    assert '<p hx-swap-oob="true" id="p-' in response.content.decode()
    assert tehrans(response.content.decode(), government) == 0
    assert response["HX-Trigger"].startswith('{"suggestionRejected"')

    client.force_login(bob)
    after = client.get(f"/articles/{demo.pk}/").content.decode()
    assert tehrans(after, government) == 0  # every "Tehran" as the government, and for bob too
    rejection = SuggestionRejection.objects.get()
    assert (rejection.key, rejection.term, rejection.rejected_by, rejection.kind) == (
        "tehran",
        government,
        alice,
        "metonym",
    )
    other = Article.objects.exclude(pk=demo.pk).filter(body__contains="Tehran").first()
    if other is not None:
        assert f'data-term="{government.pk}"' in client.get(f"/articles/{other.pk}/").content.decode()


def test_rejecting_a_new_actor_hides_it(alice_client, demo):
    response = reject(alice_client, demo, "Emmanuel Macron", None, label="Emmanuel Macron")
    assert response.status_code == 200
    html = alice_client.get(f"/articles/{demo.pk}/").content.decode()
    assert 'data-label="Emmanuel Macron"' not in html
    assert SuggestionRejection.objects.get().term is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"start": "a", "end": "3", "text": "x"}, "is not a whole number"),
        ({"start": "5", "end": "3", "text": "x"}, "are not inside the article"),
        ({"start": "0", "end": "99999999", "text": "x"}, "are not inside the article"),
        ({"start": "0", "end": "3", "text": "nope"}, "is not the article"),
    ],
)
def test_a_bad_rejection_is_refused_and_names_the_problem(alice_client, demo, data, message):
    response = alice_client.post(f"/articles/{demo.pk}/suggestions/reject/", data)
    assert response.status_code == 422 and message in response.content.decode()
    assert not SuggestionRejection.objects.exists()


def test_rejecting_an_unknown_term_is_refused(alice_client, demo):
    start = demo.body.index("Tehran")
    data = {"start": start, "end": start + 6, "text": "Tehran", "term": "999999"}
    response = alice_client.post(f"/articles/{demo.pk}/suggestions/reject/", data)
    assert response.status_code == 422 and "There is no term “999999”" in response.content.decode()


def test_rejecting_needs_login_and_post(alice_client, demo):
    response = Client().post(f"/articles/{demo.pk}/suggestions/reject/", {})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert alice_client.get(f"/articles/{demo.pk}/suggestions/reject/").status_code == 405
    assert alice_client.post("/articles/999999/suggestions/reject/", {}).status_code == 404


def test_everyone_sees_which_names_mislead_and_leads_restore_them(client, alice, bob, charlie, demo):
    government = Term.objects.get(slug="iran-government")
    client.force_login(alice)
    reject(client, demo, "Tehran", government)
    client.force_login(bob)
    reject(client, demo, "Tehran", government, nth=2)  # the same pair in the same article: counted once
    html = client.get("/vocabulary/rejected/").content.decode()
    assert "“Tehran”" in html and "Iranian government" in html and "Suggest again" not in html
    assert (
        client.post("/vocabulary/rejected/restore/", {"key": "tehran", "term": government.pk}).status_code
        == 403
    )
    assert SuggestionRejection.objects.count() == 1

    client.force_login(charlie)
    html = client.get("/vocabulary/rejected/").content.decode()
    assert '<td class="count">1</td>' in html and "Suggest again" in html
    response = client.post("/vocabulary/rejected/restore/", {"key": "tehran", "term": government.pk})
    assert response.status_code == 302 and not SuggestionRejection.objects.exists()
    assert tehrans(client.get(f"/articles/{demo.pk}/").content.decode(), government) >= 4
