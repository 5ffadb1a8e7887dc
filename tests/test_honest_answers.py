"""Honest answers after a commit (ops/saving.py): a save that committed answers success even when
showing it fails, and every answer to a save says whether anything was saved.

The failures are real: the database refuses to read the history (which the panel shows, after the
save) or to write it (inside the save's transaction). See tests/db_refusals.py.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from annotations.models import Note, Span, Term
from corpus.models import Article
from tests.db_refusals import refusing

BODY = "The United States killed Qasem Soleimani near Baghdad airport.\n\nIran vowed revenge."

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article(db) -> Article:
    return Article.objects.create(title="Strike", body=BODY, sha256=Article.hash_body(BODY))


@pytest.fixture
def soleimani(db) -> Term:
    return Term.objects.create(slug="qasem-soleimani", kind="actor", label="Qasem Soleimani")


@pytest.fixture
def analyst(alice) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def create_span(client: Client, article: Article, term: Term, *, htmx: bool = True):
    text = "Qasem Soleimani"
    start = BODY.index(text)
    data = {"start": start, "end": start + len(text), "text": text, "term": term.pk}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/articles/{article.pk}/spans/", data, headers=headers)


def test_a_save_that_committed_answers_success_when_showing_it_fails(analyst, article, soleimani, caplog):
    with (
        caplog.at_level(logging.ERROR, logger="marginalia.saving"),
        # Read only after the commit, by the repaint (which passages of the paragraph have claims): a
        # new passage's panel is built from what the save wrote, so its history is no longer read
        # back, and what the answer reads whatever the save does is read before it, with the article
        # (views/repaint.py read_ahead).
        refusing("annotations_claim", read_column="deleted_at"),
    ):
        response = create_span(analyst, article, soleimani)
    assert response.status_code == 200
    assert response["Marginalia-Saved"] == "yes"
    assert response["Marginalia-Shown"] == "no"
    assert response["HX-Reswap"] == "none"
    html = response.content.decode()
    assert "Saved, but the server failed while showing it; reload to see it" in html
    assert response["X-Request-ID"] in html
    assert Span.objects.filter(quote="Qasem Soleimani").count() == 1
    failure = next(r for r in caplog.records if r.name == "marginalia.saving")
    assert failure.exc_info is not None  # the traceback is logged
    assert "failed after its change was committed" in failure.getMessage()


def test_a_save_that_failed_before_its_commit_says_nothing_was_saved(analyst, article, soleimani):
    with refusing("annotations_change", insert=True):
        response = create_span(analyst, article, soleimani)
    assert response.status_code == 500
    assert response["Marginalia-Saved"] == "no"
    assert not Span.objects.exists()
    assert f"request {response['X-Request-ID']}" in response.content.decode()


def test_a_successful_save_says_it_saved(analyst, article, soleimani):
    response = create_span(analyst, article, soleimani)
    assert response.status_code == 200
    assert response["Marginalia-Saved"] == "yes"
    assert "Marginalia-Shown" not in response


def test_a_refused_save_says_nothing_was_saved(analyst, article, soleimani):
    response = analyst.post(
        f"/articles/{article.pk}/spans/",
        {"start": 0, "end": 3, "text": "not the text", "term": soleimani.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response["Marginalia-Saved"] == "no"


def test_without_htmx_a_save_that_cannot_be_shown_lands_on_a_page_saying_it_was_saved(
    analyst, alice, article, soleimani
):
    start = BODY.index("Iran")
    span = Span.create_for(article, start, start + 4, "Iran", by=alice, term=soleimani)
    with refusing("annotations_change", read_column="summary"):
        response = analyst.post(
            f"/spans/{span.pk}/notes/", {"text": "Check the date."}, headers={"Referer": "/articles/1/"}
        )
    assert response.status_code == 200
    assert response["Marginalia-Saved"] == "yes"
    html = response.content.decode()
    assert "<h1>Saved</h1>" in html and 'href="/articles/1/"' in html
    assert Note.objects.filter(text="Check the date.").count() == 1


def test_the_500_page_shows_the_request_id_to_quote(analyst, article):
    with refusing("annotations_change", insert=True):
        response = analyst.post(f"/articles/{article.pk}/notes/", {"text": "Check the date."})
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    html = response.content.decode()
    assert f'<code class="request-id">{request_id}</code>' in html
    assert "nothing was saved: go back and try again" in html
    assert "<script" not in html
    assert not Note.objects.exists()


def test_every_request_is_logged_in_one_line_with_its_id(alice_client, caplog):
    with caplog.at_level(logging.INFO, logger="marginalia.requests"):
        response = alice_client.get("/", headers={"X-Request-ID": "probe-42"})
    assert response["X-Request-ID"] == "probe-42"
    lines = [r.getMessage() for r in caplog.records if r.name == "marginalia.requests"]
    assert lines == ["request id=probe-42 method=GET path=/ status=200 ms=" + lines[0].split("ms=")[1]]
    assert lines[0].endswith("user=alice ip=127.0.0.1")


def test_a_request_id_that_is_not_plain_is_replaced(alice_client):
    response = alice_client.get("/", headers={"X-Request-ID": "x" * 100})
    assert len(response["X-Request-ID"]) == 8


def test_a_write_inside_a_with_statement_counts_as_one():
    """PostgreSQL writes a new passage, its tag and their history in one WITH statement
    (ops/compiled.insert_linked): the save is known committed all the same."""
    from ops.saving import _is_write

    assert _is_write('WITH r0 AS (INSERT INTO "t" ("a") VALUES (%s) RETURNING "id") SELECT 0, "id" FROM r0')
    assert _is_write("with old as (select 1) update t set a = 1")
    assert not _is_write('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT "update"')
    assert not _is_write("SELECT 1")
