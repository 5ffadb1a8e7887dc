"""Each article's count of live passages, kept by the database (annotations PassageCount, migration 0013):
right after every door that makes, deletes, restores or removes a passage, and what a save answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count

from annotations.export import stream
from annotations.importing import import_passages
from annotations.models import PassageCount, Span, Term
from corpus.models import Article
from tests.annotated_world import make_article, make_term

BODY = "The strike near Baghdad airport killed Qasem Soleimani. Iran vowed revenge on the United States."


def counted() -> dict[int, int]:
    """Article -> its count as the database keeps it (articles counted at zero left out)."""
    return dict(PassageCount.objects.exclude(live=0).values_list("article_id", "live"))


def live() -> dict[int, int]:
    """Article -> its live passages, counted."""
    rows = Span.objects.live().order_by().values("article_id").annotate(n=Count("pk"))
    return {row["article_id"]: row["n"] for row in rows}


@pytest.fixture
def article(db) -> Article:
    return make_article("Strike", BODY)


@pytest.fixture
def soleimani(db) -> Term:
    return make_term("qasem-soleimani", "Qasem Soleimani")


def save(client, article: Article, text: str, term: Term):
    start = BODY.index(text)
    data = {"start": start, "end": start + len(text), "text": text, "term": term.pk}
    return client.post(f"/articles/{article.pk}/spans/", data, headers={"HX-Request": "true"})


def shown_count(response) -> str:
    html = response.content.decode()
    tag = '<span id="passage-count" class="count" hx-swap-oob="true">'
    assert tag in html, "the answer carries no passage count"
    return html.split(tag, 1)[1].split("</span>", 1)[0]


def test_the_triggers_are_in_the_migrated_database(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = 'annotations_span'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'annotations_span'"
            )
        names = {name for (name,) in cursor.fetchall()}
    assert names == {f"annotations_span_counted_{op}" for op in ("insert", "delete", "update")}


def test_saves_deletes_and_undos_keep_the_count_and_the_answer_shows_it(alice_client, article, soleimani):
    assert save(alice_client, article, "Qasem Soleimani", soleimani).status_code == 200
    response = save(alice_client, article, "Baghdad airport", soleimani)
    assert shown_count(response) == "2 passages"
    assert counted() == live() == {article.pk: 2}

    span = Span.objects.get(quote="Baghdad airport")
    response = alice_client.post(f"/spans/{span.pk}/delete/", {"version": 1}, headers={"HX-Request": "true"})
    assert shown_count(response) == "1 passage"
    assert counted() == live() == {article.pk: 1}
    response = alice_client.post(f"/spans/{span.pk}/restore/", headers={"HX-Request": "true"})
    assert shown_count(response) == "2 passages"
    assert counted() == live() == {article.pk: 2}


def test_the_answer_reads_the_kept_count_not_a_recount(alice_client, article, soleimani):
    save(alice_client, article, "Qasem Soleimani", soleimani)
    PassageCount.objects.filter(article=article).update(live=41)
    assert shown_count(save(alice_client, article, "Baghdad airport", soleimani)) == "42 passages"


def test_removals_imports_and_raw_writes_keep_the_count(alice, article, soleimani, tmp_path):
    for text in ("Qasem Soleimani", "Baghdad airport", "the United States"):
        start = BODY.index(text)
        Span.create_for(article, start, start + len(text), text, by=alice, term=soleimani)
    Span.objects.get(quote="Baghdad airport").soft_delete(by=alice, version=1)
    assert counted() == live() == {article.pk: 2}

    # Exported, removed outright, imported again.
    exported = tmp_path / "passages.jsonl"
    exported.write_text("".join(stream("jsonl", Span.objects.live(), base_url="http://x")), encoding="utf-8")
    Span.objects.all().delete()
    assert counted() == live() == {}
    report = import_passages(exported)
    assert report.created == 2, report
    assert counted() == live() == {article.pk: 2}

    # A write that no Python code sees: raw SQL, as a bundle's or a restore's would be.
    other = Article.objects.create(title="Other", body=BODY, sha256=Article.hash_body(BODY + "!"))
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO annotations_span (article_id, start, "end", quote, prefix, suffix, created_by_id, '
            "created_at, updated_at, version) VALUES (%s, 0, 3, 'The', '', '', %s, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
            [other.pk, alice.pk],
        )
        cursor.execute("UPDATE annotations_span SET article_id = %s WHERE quote = 'The'", [article.pk])
    assert counted() == live() == {article.pk: 3}

    # An article deleted takes its passages and its count with it.
    article.delete()
    assert not PassageCount.objects.filter(article_id=article.pk).exists()
    assert counted() == live() == {}


def test_a_passage_written_deleted_is_not_counted(alice, article, soleimani):
    start = BODY.index("Qasem Soleimani")
    span = Span.create_for(article, start, start + 15, "Qasem Soleimani", by=alice, term=soleimani)
    Span.objects.create(
        article=article, start=0, end=3, quote="The", created_by=alice, deleted_at=span.created_at
    )
    assert counted() == live() == {article.pk: 1}
