"""The hot paths' queries are the ones the indexes of migration 0009 were built for: the planner can use
them (with the other ways of reading turned off, since a handful of test rows are cheaper read in full).
PostgreSQL's trigram indexes serve the type-ahead and the Annotations text filter; on SQLite the
migration skips them."""

from __future__ import annotations

import pytest
from django.db import connection

from annotations.filters import SpanFilterForm
from annotations.models import Alias, Change, Span, Tag, Term
from corpus.models import Article

pytestmark = pytest.mark.django_db
POSTGRESQL = connection.vendor == "postgresql"


def explain(query, *off: str) -> str:
    """The plan of `query` with some of PostgreSQL's ways of reading turned off (none on SQLite)."""
    if not POSTGRESQL:
        return query.explain()
    with connection.cursor() as cursor:
        for scan in off:
            cursor.execute(f"SET enable_{scan} = off")
        try:
            return query.explain()
        finally:
            for scan in off:
                cursor.execute(f"SET enable_{scan} = on")


@pytest.fixture
def article(alice) -> Article:
    body = "Tehran vowed revenge for the drone strike."
    article = Article.objects.create(title="T", body=body, sha256=Article.hash_body(body))
    term = Term.objects.create(slug="iran", kind="actor", label="Iran")
    Span.create_for(article, 0, 6, "Tehran", by=alice, term=term)
    return article


def test_the_reader_reads_live_passages_in_reading_order_from_their_index(article, alice):
    # Sorts off too: on a table of a few live rows among the dead ones earlier tests left (the test
    # database is flushed by DELETE), reading another index and sorting a row costs PostgreSQL's
    # planner no more; what matters is that this index gives the reading order without one.
    plan = explain(
        Span.objects.in_reader(article, alice).in_reading_order().values("pk", "start", "end"),
        "seqscan",
        "sort",
    )
    assert "span_live_reading_order" in plan, plan


def test_an_analysts_recent_terms_come_from_their_index(alice):
    query = Tag.objects.filter(created_by=alice).order_by("-created_at", "-pk").values("term_id")[:200]
    assert "tag_recent_by_analyst" in explain(query, "seqscan", "bitmapscan")


def test_a_passages_history_comes_from_its_index(article):
    span = Span.objects.get()
    plan = explain(span.changes.all()[:30], "seqscan", "bitmapscan")
    # The history is ordered by time, then id: the index on the passage and time leaves a sort of that
    # passage's few lines (PostgreSQL may also take another index that begins with the passage, as the
    # rest of the suite changes the tables' sizes). What matters: it never reads other passages'.
    if POSTGRESQL:
        assert "Index Cond: (span_id = " in plan, plan
    else:
        assert "USING INDEX change_span_history (span_id=?)" in plan, plan


@pytest.mark.skipif(not POSTGRESQL, reason="trigram indexes exist on PostgreSQL only")
def test_the_type_ahead_and_the_text_filter_use_the_trigram_indexes(article, alice):
    plan = explain(Term.objects.filter(label_key__contains="ehra"), "seqscan", "indexscan")
    assert "term_label_key_trgm" in plan, plan
    plan = explain(Alias.objects.filter(key__contains="ehra"), "seqscan")
    assert "alias_key_trgm" in plan, plan
    plan = explain(SpanFilterForm({"q": "drone"}, user=alice).spans(), "seqscan", "indexscan")
    assert "span_quote_upper_trgm" in plan and "note_text_upper_trgm" in plan, plan


@pytest.mark.skipif(POSTGRESQL, reason="on PostgreSQL the trigram indexes exist")
def test_sqlite_has_no_trigram_index_and_the_text_filter_still_works(article, alice):
    with connection.cursor() as cursor:
        names = {
            index
            for table in ("annotations_span", "annotations_note", "annotations_alias", "annotations_term")
            for index in connection.introspection.get_constraints(cursor, table)
        }
    assert not [name for name in names if name.endswith("_trgm")]
    assert "span_live_reading_order" in names
    assert [s.quote for s in SpanFilterForm({"q": "tEhRaN"}, user=alice).spans()] == ["Tehran"]


@pytest.mark.parametrize("model", [Span, Tag, Change])
def test_no_index_of_a_saves_tables_is_the_start_of_another(model):
    """Each index is written at every save: one whose columns begin another's (a foreign key's own index
    beside a history index on the same key and time, or the same columns twice) only costs writes.
    Unique constraints count, as they are indexes; trigram indexes serve other reads and are left out,
    and a partial index covers nothing (it leaves rows out)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    indexes = {
        name: tuple(spec["columns"])
        for name, spec in constraints.items()
        if (spec["index"] or spec["unique"])
        and not spec["primary_key"]
        and spec.get("type") in (None, "btree", "idx")
        and spec["columns"]
        and None not in spec["columns"]
    }
    assert len(indexes) >= 3, indexes  # the introspection found them
    partial = {"span_live_reading_order"}
    covered = sorted(
        (name, other)
        for name, columns in indexes.items()
        for other, wider in indexes.items()
        if other != name
        and other not in partial
        and wider[: len(columns)] == columns
        and (len(wider) > len(columns) or name > other)
    )
    assert covered == [], covered


def test_the_passage_after_a_key_is_read_from_the_key_on_in_the_reading_orders_index(article, alice):
    """The side list's next page and a new passage's neighbour: the index starts at the key's offset,
    not at the article's first passage (which made the read grow with the passages before it)."""
    key = Span.objects.get().reading_key
    query = Span.objects.live().filter(article=article).after(key).in_reading_order().values("pk")[:1]
    plan = explain(query, "seqscan", "bitmapscan", "sort")
    if POSTGRESQL:
        assert "span_live_reading_order" in plan and "(start >= " in plan, plan
    else:
        assert "INDEX span_live_reading_order (article_id=? AND start>?)" in plan, plan
