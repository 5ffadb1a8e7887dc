"""No query on a hot path grows with the tables: the Articles list, the reader (with its side list and
activity pages), a save, a claim's save, and the Annotations screen make as many queries at 10,000 rows
(articles, passages, tags, notes, history lines) as at 1,000."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Change, Span, Term
from corpus.models import Article

WORDS = 3_000


class World:
    """A corpus that grows: articles, and passages (with a tag, sometimes a note, a history line) on one
    long article, by two analysts. Rows are made in SQL (INSERT … SELECT over a counter), ten times
    faster than model instances."""

    def __init__(self, analysts) -> None:
        self.analysts = analysts
        self.terms = [Term.objects.create(slug=f"t-{i}", kind="actor", label=f"Actor {i}") for i in range(20)]
        # Words of one width, so that SQL can place a passage on word i: start 6i, end 6i + 5.
        self.body = " ".join(f"w{i:04}" for i in range(WORDS))
        self.article = Article.objects.create(
            title="Long", body=self.body, sha256=Article.hash_body(self.body)
        )

    def grow(self, rows: int) -> None:
        first, second = (analyst.pk for analyst in self.analysts)
        articles, spans = Article.objects.count(), Span.objects.count()
        last_span = Span.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # Typed: PostgreSQL binds the parameters itself (marginalia/settings.py) and infers no type.
        counter = (
            "WITH RECURSIVE n(i) AS (SELECT CAST(%s AS integer) "
            "UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %s) "
        )
        with connection.cursor() as cursor:
            cursor.execute(
                counter
                + "INSERT INTO corpus_article (title, standfirst, authors, url, language, body, sha256, "
                "word_count, sentence_starts, imported_at, original_filename) "
                "SELECT 'Article ' || i, '', '', '', 'en', 'Text ' || i || '.', 'sha-' || i, 2, '[]', "
                "CURRENT_TIMESTAMP, '' FROM n",
                [articles, rows],
            )
            cursor.execute(
                counter + 'INSERT INTO annotations_span (article_id, start, "end", quote, prefix, suffix, '
                "created_by_id, created_at, updated_at, version) "
                "SELECT %s, 6 * (i %% %s), 6 * (i %% %s) + 5, 'w', '', '', "
                "CASE WHEN i %% 2 = 0 THEN %s ELSE %s END, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1 FROM n",
                [spans, rows, self.article.pk, WORDS, WORDS, first, second],
            )
            for sql, params in [
                (
                    "INSERT INTO annotations_tag (span_id, term_id, role, created_by_id, created_at) "
                    "SELECT id, %s + id %% 20, 'mentioned', created_by_id, created_at FROM annotations_span "
                    "WHERE id > %s",
                    [self.terms[0].pk, last_span],
                ),
                (
                    "INSERT INTO annotations_note (article_id, span_id, author_id, text, created_at, "
                    "updated_at, version) SELECT article_id, id, created_by_id, 'A note', created_at, "
                    "created_at, 1 FROM annotations_span WHERE id > %s AND id %% 5 = 0",
                    [last_span],
                ),
                (
                    "INSERT INTO annotations_change (actor_id, at, action, object_type, object_id, "
                    "article_id, span_id, summary) SELECT created_by_id, created_at, 'create', 'span', id, "
                    "article_id, id, 'Marked' FROM annotations_span WHERE id > %s",
                    [last_span],
                ),
            ]:
                cursor.execute(sql, params)

    def save(self, client, i: int):
        start = 6 * (WORDS - 1 - i)
        data = {
            "start": start,
            "end": start + 5,
            "text": self.body[start : start + 5],
            "term": self.terms[0].pk,
        }
        response = client.post(f"/articles/{self.article.pk}/spans/", data, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return response

    def claim(self, client, i: int):
        """A claim on the first analyst's i-th passage in reading order (on the side list's first page;
        the analyst's own, so that whether a colleague may change it is never asked)."""
        analyst = self.analysts[0]
        span = Span.objects.in_reader(self.article, analyst).by(analyst).in_reading_order()[i]
        data = {"span": span.pk, "speaker_kind": "author", "stance": "opposed"}
        response = client.post(f"/articles/{self.article.pk}/claims/", data, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "claimSaved" in response.headers["HX-Trigger"]
        return response


def queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_no_hot_path_makes_more_queries_as_the_tables_grow(alice_client, alice, bob):
    world = World([alice, bob])
    article = world.article
    hx = {"HX-Request": "true"}
    first = Span.objects.in_reader(article, alice).in_reading_order()
    screens = {
        "articles list": lambda: alice_client.get("/"),
        "articles search": lambda: alice_client.get("/?q=Article"),
        "reader": lambda: alice_client.get(f"/articles/{article.pk}/"),
        "side list page": lambda: alice_client.get(
            f"/articles/{article.pk}/passages/?after={first[0].start}.{first[0].end}.{first[0].pk}",
            headers=hx,
        ),
        "activity page": lambda: alice_client.get(
            f"/articles/{article.pk}/activity/?before={Change.objects.latest('pk').pk}", headers=hx
        ),
        "annotations": lambda: alice_client.get("/annotations/"),
        "annotations filtered": lambda: alice_client.get("/annotations/?q=w1&term=t-3&analyst=bob"),
    }
    counts = []
    for rows in (1_000, 10_000):
        world.grow(rows)
        for request in screens.values():
            request()  # caches (vocabulary suggestions) filled, as on a running server
        world.save(alice_client, rows // 1000 + 100)  # and the save's term read (Term.as_stored)
        counted = {name: queries(request) for name, request in screens.items()}
        counted["save"] = queries(lambda: world.save(alice_client, rows // 1000))  # noqa: B023
        counted["claim save"] = queries(lambda: world.claim(alice_client, rows // 1000))  # noqa: B023
        counts.append(counted)
    assert counts[0] == counts[1]
    # Grown to 10,000 (the first round's two saves among them), and the second round's two saves.
    assert Span.objects.count() == 10_002


@pytest.mark.django_db
def test_on_postgresql_a_new_passage_is_saved_and_answered_in_three_round_trips(alice_client, alice, bob):
    if connection.vendor != "postgresql":
        pytest.skip("round trips to a server are PostgreSQL's; SQLite answers inside the process")
    world = World([alice, bob])
    # The term is read once per vocabulary version (Term.as_stored), and the process learns whose the
    # session is (ops/sessions.py).
    world.save(alice_client, 1)
    trips: list[list] = []

    def record(execute, sql, params, many, context):
        # psycopg's pipeline of this statement, if any (held here, so that no later one takes its id).
        pipeline = connection.connection._pipeline
        if pipeline is not None and trips and trips[-1][0] is pipeline:
            trips[-1].append(sql)  # sent in the same round trip as the one before
        else:
            trips.append([pipeline, sql])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        world.save(alice_client, 2)
    # The session with its user, the article, the vocabulary's version and the blind coders (named
    # before the view runs: reads_ahead); the passage, its tag and their history in one statement; the
    # paragraph's passages with the count, the next passage and the rejected suggestions (named once
    # the session said suggestions are shown).
    assert [len(trip) - 1 for trip in trips] == [5, 1, 3], trips
    assert "django_session" in trips[0][-1]  # the log-in check's read took the others with it
    assert trips[1][1].startswith("WITH r0 AS (INSERT")
