"""Benchmark: the Articles list and the Annotations screen at team scale on PostgreSQL.

Loads 10,000 articles and 1,000,000 passages (100 an article, two tags each, a note on one in five, one
history line each) into the database `marginalia_bench_scale` (created and migrated if missing; loaded
with INSERT … SELECT generate_series, and kept for the next run when it already holds that much), then
times, through Django's test client as an analyst, the median of several requests of each screen:
the Articles list (first page; a full-text search), the Annotations screen (unfiltered; by term; by text,
which the trigram indexes serve, and a text found in a third of the passages; by analyst), and, for scale,
the reader of one article and a save on it.

One line. 2026-11-29 23:37-23:40 (load 1.0-1.5), the commit before and the one that finds a common
text by an OR read in the list's order (annotations/filters.py), in turns: text in a third of the
passages (the bench's "Tehran", 160,000 of 1,000,000) 1,236 ms -> 115 and 167 ms; Articles list 30-38
ms, Annotations screen 79-120 ms (term 124-171, analyst 77-96, text 57-113), reader 29-34 ms, save 7-12
ms.

2026-11-29 13:58 (load 1.1), JIT off for the app's connections (the default now), in turns
with DATABASE_JIT=1: Articles list 31-34 ms (search 21-27 ms), Annotations screen 76-81 ms (by term
118-164 ms, by analyst 79-84 ms, by text 60-91 ms; a text in a third of the passages 1,251-1,313 ms),
reader 28-31 ms, save 11 ms; with JIT: list 32-45 ms, Annotations 82-86 ms, the third 1,392-1,499 ms.

2026-11-29 12:39, nothing else running (load average 1.1), the data loaded again and left as
the background analysis leaves it (analysed, search vectors stored, statistics current): Articles list
51 ms (search 39 ms), Annotations screen 95 ms (by term 178 ms, by analyst 89 ms, by text 82 ms; a text
in a third of the passages 1,653 ms), reader 51 ms, save 13 ms. Before this run's fix the bench left
every article "analysing" (rows made in SQL), so the search read every body: 4.1 s, and 2.0 s with
vectors stored but the planner's statistics older than them.

2026-11-28, load average 6.2 (a shared machine): Articles list 38 ms (search 31 ms),
Annotations screen 57 ms (by term 237 ms, by analyst 134 ms, by text 121 ms; a text found in a third of
the passages 1,693 ms), reader 51 ms, save 67 ms. Targets: the Articles list at most 150 ms, the
Annotations screen at most 300 ms. Before issue 13 (same data, load 8–10): Articles list 994–1,632 ms
(every article's passages counted before the page was cut), Annotations screen 1,564 ms (by term
1,861 ms, by text 4,336 ms, by analyst 2,599 ms).

    .venv/bin/python bench/scale.py [--database-url URL] [--reload]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export import ensure_database, setup_django  # noqa: E402 (needs ROOT on the path)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/marginalia_bench_scale"
ARTICLES = 10_000
PER_ARTICLE = 100
RUNS = 7

# Each article tells where it happened: one of 50 places, so that a search finds 2% of the articles.
PLACES = [
    "Baghdad",
    "Basra",
    "Erbil",
    "Mosul",
    "Kirkuk",
    "Najaf",
    "Karbala",
    "Damascus",
    "Aleppo",
    "Homs",
    "Beirut",
    "Tyre",
    "Sidon",
    "Amman",
    "Sanaa",
    "Aden",
    "Hodeidah",
    "Kabul",
    "Herat",
    "Kandahar",
    "Tehran",
    "Isfahan",
    "Tabriz",
    "Shiraz",
    "Mashhad",
    "Ahvaz",
    "Qom",
    "Riyadh",
    "Jeddah",
    "Doha",
    "Manama",
    "Muscat",
    "Dubai",
    "Abu Dhabi",
    "Kuwait City",
    "Ankara",
    "Istanbul",
    "Gaziantep",
    "Cairo",
    "Alexandria",
    "Tripoli",
    "Benghazi",
    "Tunis",
    "Algiers",
    "Khartoum",
    "Gaza",
    "Ramallah",
    "Hebron",
    "Jenin",
    "Nablus",
]
# The words of every body; the text filter looks for "wire report N", a note's, and "Tehran", everywhere.
TEXT = (
    "Officials in Tehran said the drone strike near the airport killed a senior commander and two "
    "guards. Analysts expect retaliation across the region as markets fell and parliament met in "
    "closed session to debate the withdrawal of foreign troops. The envoy called for talks. "
)


def loaded() -> bool:
    from annotations.models import Span
    from corpus.models import Article

    return Article.objects.count() == ARTICLES and Span.objects.count() == ARTICLES * PER_ARTICLE


def load() -> None:
    """Empty the tables and fill them in SQL: generate_series is the fastest way to a million rows."""
    from django.contrib.auth.models import User
    from django.db import connection

    from annotations.models import Term
    from corpus.models import Source

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE annotations_change, annotations_note, annotations_tag, annotations_span, "
            "annotations_alias, annotations_term, corpus_article, corpus_source, auth_user CASCADE"
        )
    analysts = [User.objects.create_user(name, password="bench-password") for name in ("ann", "bo", "cy")]
    sources = [Source.objects.create(name=f"Source {i}") for i in range(20)]
    actors = [Term.objects.create(slug=f"actor-{i}", kind="actor", label=f"Actor {i}") for i in range(70)]
    events = [Term.objects.create(slug=f"event-{i}", kind="event", label=f"Event {i}") for i in range(30)]
    first_user, first_source = analysts[0].pk, sources[0].pk
    first_actor, first_event = actors[0].pk, events[0].pk
    body = TEXT * 8  # about 2,000 characters
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO corpus_article (title, standfirst, authors, published, url, language, body, sha256,
                word_count, sentence_starts, imported_at, original_filename, source_id)
            SELECT 'Article ' || g, '', 'A. Writer', date '2020-01-01' + (g %% 1500), '', 'en',
                %s || ' It happened in ' || (%s::text[])[1 + g %% 50] || '.',
                md5(g::text) || md5((g + 1)::text), 330, '[]', now(), '', %s + g %% 20
            FROM generate_series(1, %s) g
            """,
            [body, PLACES, first_source, ARTICLES],
        )
        cursor.execute(
            """
            INSERT INTO annotations_span (article_id, start, "end", quote, prefix, suffix, created_by_id,
                created_at, updated_at, version)
            SELECT a.id, (k * 19) %% 1900, (k * 19) %% 1900 + 12 + (k * 7) %% 80,
                substr(a.body, (k * 19) %% 1900 + 1, 12 + (k * 7) %% 80), '', '', %s + (a.id + k) %% 3,
                now() - ((a.id * 100 + k) || ' seconds')::interval, now(), 1
            FROM corpus_article a CROSS JOIN generate_series(0, %s) k
            """,
            [first_user, PER_ARTICLE - 1],
        )
        cursor.execute(
            """
            INSERT INTO annotations_tag (span_id, term_id, role, created_by_id, created_at)
            SELECT s.id, %s + s.id %% 70, 'mentioned', s.created_by_id, s.created_at FROM annotations_span s
            UNION ALL
            SELECT s.id, %s + s.id %% 30, 'event', s.created_by_id, s.created_at FROM annotations_span s
            """,
            [first_actor, first_event],
        )
        cursor.execute(
            """
            INSERT INTO annotations_note (article_id, span_id, author_id, text, created_at, updated_at,
                version)
            SELECT s.article_id, s.id, s.created_by_id, 'Compare with the wire report ' || s.id, s.created_at,
                s.created_at, 1
            FROM annotations_span s WHERE s.id %% %s = 0
            """,
            [5],
        )
        cursor.execute(
            """
            INSERT INTO annotations_change (actor_id, at, action, object_type, object_id, article_id, span_id,
                summary)
            SELECT s.created_by_id, s.created_at, 'create', 'span', s.id, s.article_id, s.id,
                'Marked “' || left(s.quote, %s) || '”'
            FROM annotations_span s
            """,
            [40],
        )
        cursor.execute("VACUUM ANALYZE")


def finish_analysis() -> None:
    """Leave the articles as the background analysis does: analysed, with their search vectors (rows
    made in SQL have neither, and the search would read every body as if all were still analysing)."""
    from django.db import connection
    from django.utils import timezone

    from corpus.models import Article
    from corpus.search import index_articles

    pending = list(Article.objects.analysing().values_list("pk", flat=True))
    if pending:
        index_articles(pending)
        Article.objects.filter(pk__in=pending).update(analysed_at=timezone.now())
        with connection.cursor() as cursor:
            # The planner's statistics of the vectors: made before they were filled, they send the
            # search through every body (2.0 s; 33 ms once analysed again, as autovacuum would).
            cursor.execute("ANALYZE corpus_article")


def median_ms(client, url: str, **kwargs) -> float:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        client.get(url, **kwargs)
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def measure() -> dict[str, float]:
    from django.contrib.auth.models import User
    from django.test import Client

    from annotations.models import Term
    from corpus.models import Article

    client = Client()
    client.force_login(User.objects.get(username="ann"))
    article = Article.objects.order_by("pk")[ARTICLES // 2]
    figures = {
        "list": median_ms(client, "/"),
        "search": median_ms(client, "/?q=Erbil"),
        "annotations": median_ms(client, "/annotations/"),
        "term": median_ms(client, "/annotations/?term=actor-7"),
        "text": median_ms(client, "/annotations/?q=wire+report+12345"),
        "common text": median_ms(client, "/annotations/?q=Tehran"),
        "analyst": median_ms(client, "/annotations/?analyst=bo"),
        "reader": median_ms(client, f"/articles/{article.pk}/"),
    }
    term = Term.objects.order_by("pk").values_list("pk", flat=True)[0]
    saves = []
    for i in range(RUNS):
        start = article.body.index("Analysts") + i  # a fresh passage each time
        data = {"start": start, "end": start + 20, "text": article.body[start : start + 20], "term": term}
        began = time.perf_counter()
        response = client.post(f"/articles/{article.pk}/spans/", data, headers={"HX-Request": "true"})
        saves.append(time.perf_counter() - began)
        assert response.status_code == 200, response.content[:200]
    figures["save"] = statistics.median(saves) * 1000
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--reload", action="store_true", help="load the data again even if present")
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url, allowed_hosts="testserver")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # the pages' static names, DEBUG off
    began = time.perf_counter()
    if args.reload or not loaded():
        load()
        print(f"(loaded in {time.perf_counter() - began:.0f} s)", file=sys.stderr)
    finish_analysis()
    f = measure()
    print(
        f"scale (PostgreSQL, {ARTICLES:,} articles, {ARTICLES * PER_ARTICLE:,} passages): "
        f"Articles list {f['list']:.0f} ms (search {f['search']:.0f} ms), "
        f"Annotations screen {f['annotations']:.0f} ms (term {f['term']:.0f} ms, "
        f"analyst {f['analyst']:.0f} ms, "
        f"text {f['text']:.0f} ms; text in a third of the passages {f['common text']:.0f} ms), "
        f"reader {f['reader']:.0f} ms, save {f['save']:.0f} ms; "
        f"load average {os.getloadavg()[0]:.1f} (targets: list ≤ 150 ms, Annotations ≤ 300 ms)"
    )


if __name__ == "__main__":
    main()
