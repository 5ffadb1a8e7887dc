"""What one highlight save costs the server: CPU, queries and answer size per save, in one process.

The same save as bench/load.py's `--clients` (a new passage with a tag on a random run of one to four
words of a demo article), sent through Django's test client with the whole middleware stack (request
log, input guard, sessions, CSRF, authentication, CSP, axes, save tracking) and DEBUG off, so the
figure is the request's own CPU, whatever else the machine is doing: load.py's saves per second at 4
clients on 2 cores is bounded by it. Also a save on the densest paragraph of a heavy article (a 20,000
word article with 10,000 passages, as in bench/reader.py), whose answer carries that paragraph.

One line:

    save CPU (SQLite): 18.4 ms per save (median; mean 18.9), 17 queries, answer 6.2 KB (demo articles);
    densest paragraph of 10,000 passages (687 there): 35.3 ms, 17 queries, answer 4.6 KB (largest 5.1 KB)

`--profile` prints the functions that took the most CPU time (cProfile, cumulative) after the line;
with CALLEES=NAME in the environment, also what the functions matching NAME called.

Measured 2026-11-29 21:37-21:38 UTC (nothing else running), the commit before the kept passage count
(PassageCount) and the one with it, in turns: SQLite 3.0-5.0 -> 2.8-3.3 ms per save, densest paragraph
of the 10,000-passage article 8.2-10.0 -> 7.0-7.6 ms; PostgreSQL 3.1-3.7 -> 3.5-3.9 ms (noise as large),
densest paragraph 8.3-9.2 -> 5.8-7.2 ms. 13 and 10 queries as before.

Measured 2026-11-29 17:05 UTC (nothing else running), alternating: SQLite 2.9-3.5 ms, 13 queries;
PostgreSQL 3.6-3.9 ms, 10 statements in 4 round trips (the term's read the first time only: it is kept
per vocabulary version), answer 5.7 KB. `--profile` now counts CPU time, not time spent waiting.

Measured 2026-11-29 14:19 UTC (nothing else running), alternating SQLite and PostgreSQL: SQLite 3.1-3.5
ms per save, 13 queries (was 15: whether the user leads is asked only on an article someone codes
blind, and the next passage and the passage count come in one query); PostgreSQL 4.0-4.6 ms, 12
queries (4.7-5.1 ms and 14 queries at 14:12, before those two changes). Answer 6.2 KB.

Measured 2026-11-29 11:58 UTC (load average 3.7): 4.4 ms per save (median; mean 4.6), 15 queries,
answer 6.2 KB; at 11:34 the densest paragraph 11.2 ms, 4.6 KB. Queries are now counted through a plain
execute wrapper: Django's CaptureQueriesContext turns on the debug cursor, which formats every
statement (about 0.5 ms a save the server does not spend), and the saves are posted form-encoded, as
htmx sends them (the test client's default is multipart). At 10:50, before this round, 6.3-6.6 ms.

Measured 2026-11-29 00:00 UTC (load average 4–6, the machine shared with other sessions' test suites;
CPU time moves with the load less than wall time, but it moves), main before issue 13's save work and
after, in the same minutes: a save 55.7 → 18.4 ms of CPU, 22 → 17 queries; on the crowded paragraph
(2,000 words, 10,000 passages) 70.4 → 35.3 ms, answer 31.7 KB → 4.6 KB (target ≤ 20 KB). Where it
went: the ORM built and compiled each small query in 1–4 ms that the database answers in 0.1 ms (now
compiled once per process, ops/compiled.py), and a new passage's panel read back its tags, notes,
history and claims (now built from what was just written). PostgreSQL, 00:16 (load 2.4–3.2): 28.1 ms
against SQLite's 20.9 ms in the same minutes (the Python side only; the database's own CPU is extra).

    .venv/bin/python bench/save_cpu.py [--saves 300] [--database-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
WORDS = re.compile(r"\w+")


def setup(database_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "save-cpu-bench-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DJANGO_SETTINGS_MODULE": "marginalia.settings",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG off: the manifest names the files


def demo_world():
    from django.contrib.auth.models import User

    from annotations.management.commands.load_demo import CORPUS_DIR, VOCABULARY_FILE
    from annotations.models import Term
    from annotations.vocabulary import load_vocabulary
    from corpus.importers import import_paths
    from corpus.models import Article

    owner, _ = User.objects.get_or_create(username="bench-owner")
    import_paths([CORPUS_DIR], user=owner)
    load_vocabulary(VOCABULARY_FILE, user=owner)
    analyst, _ = User.objects.get_or_create(username="bench-analyst")
    articles = []
    for article in Article.objects.all():
        words = [(m.start(), m.end()) for m in WORDS.finditer(article.body)]
        if len(words) > 10:
            articles.append((article.pk, article.body, words))
    terms = list(Term.objects.active().actors().values_list("pk", flat=True))
    return analyst, articles, terms


def dense_world(analyst):
    """The 2,000-word article with 10,000 passages of bench/reader.py (five passages start at every
    word): the article, the words of its most crowded paragraph, and how many passages start there."""
    import reader as reader_bench

    from annotations.rendering import paragraph_bounds
    from corpus.models import Article

    world = reader_bench.World.__new__(reader_bench.World)
    from django.contrib.auth.models import User

    from annotations.models import Term

    world.analysts = [analyst] + [User.objects.create_user(n) for n in ("bob-dense", "charlie-dense")]
    world.independent = False
    world.terms = list(Term.objects.active())[:45]
    article = world.article(2_000, 10_000)
    article = Article.objects.get(pk=article.pk)
    from annotations.models import Span

    starts = sorted(Span.objects.filter(article=article).values_list("start", flat=True))
    bounds = paragraph_bounds(article.body)
    counts = [sum(1 for s in starts if b[0] <= s < b[1]) for b in bounds]
    densest = bounds[max(range(len(bounds)), key=counts.__getitem__)]
    words = [
        (densest[0] + m.start(), densest[0] + m.end())
        for m in WORDS.finditer(article.body[densest[0] : densest[1]])
    ]
    return article, words, max(counts)


def time_saves(client, targets, terms, rng, saves: int, profile: cProfile.Profile | None) -> dict:
    from django.db import connection

    cpu, sizes, queries = [], [], []

    def counted(execute, sql, params, many, context):
        # Counted through a plain wrapper: CaptureQueriesContext turns on the debug cursor, which
        # formats every statement (about 0.5 ms a save that the server does not spend).
        count[0] += 1
        return execute(sql, params, many, context)

    for _ in range(saves):
        article_id, body, words = rng.choice(targets)
        first = rng.randrange(len(words) - 4)
        start, end = words[first][0], words[first + rng.randint(0, 3)][1]
        data = {"start": start, "end": end, "text": body[start:end], "term": rng.choice(terms)}
        count = [0]
        with connection.execute_wrapper(counted):
            began = time.process_time()
            if profile:
                profile.enable()
            response = client.post(
                f"/articles/{article_id}/spans/",
                urlencode(data),  # form-encoded, as htmx sends it (the test client's default is multipart)
                content_type="application/x-www-form-urlencoded",
                headers={"HX-Request": "true"},
            )
            if profile:
                profile.disable()
            cpu.append(time.process_time() - began)
        if response.status_code != 200:
            continue  # an overlapping duplicate refused: not a save
        sizes.append(len(response.content))
        queries.append(count[0])
    cpu.sort()
    return {
        "cpu_ms": cpu[len(cpu) // 2] * 1000,
        "mean_ms": sum(cpu) / len(cpu) * 1000,
        "queries": max(queries),
        "bytes": sorted(sizes)[len(sizes) // 2],
        "max_bytes": max(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--no-dense", action="store_true", help="skip the heavy article (its set-up takes ~30 s)"
    )
    args = parser.parse_args()
    database_url = (
        args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='marginalia-save-cpu-')}/b.sqlite3"
    )
    if database_url.startswith("postgres"):
        sys.path.insert(0, str(ROOT / "bench"))
        from servers import fresh_database

        fresh_database(database_url)
    setup(database_url)
    from django.test import Client

    from annotations.suggestions import warm

    analyst, articles, terms = demo_world()
    client = Client()
    client.force_login(analyst)
    warm()
    client.get(f"/articles/{articles[0][0]}/")  # caches filled, as in a warm worker
    gc.freeze()  # as gunicorn.conf.py does before it forks
    rng = random.Random(13)
    time_saves(client, articles, terms, rng, 20, None)  # warm-up
    profile = cProfile.Profile(time.process_time) if args.profile else None
    demo = time_saves(client, articles, terms, rng, args.saves, profile)
    database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    line = (
        f"save CPU ({database}): {demo['cpu_ms']:.1f} ms per save (median; mean {demo['mean_ms']:.1f}), "
        f"{demo['queries']} queries, answer {demo['bytes'] / 1024:.1f} KB (demo articles)"
    )
    if not args.no_dense:
        article, words, held = dense_world(analyst)
        client.get(f"/articles/{article.pk}/")
        dense = time_saves(client, [(article.pk, article.body, words)], terms, rng, 30, None)
        line += (
            f"; densest paragraph of 10,000 passages ({held} there): {dense['cpu_ms']:.1f} ms, "
            f"{dense['queries']} queries, answer {dense['bytes'] / 1024:.1f} KB (largest "
            f"{dense['max_bytes'] / 1024:.1f} KB)"
        )
    print(line)
    if profile:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        if os.environ.get("CALLEES"):
            stats.print_callees(os.environ["CALLEES"])
        print(out.getvalue())


if __name__ == "__main__":
    main()
