"""Benchmark: the claims CSV export of a large claims set on PostgreSQL, in rows per second, with memory flat.

Loads N claims (default 200,000: two per passage, 400 passages an article, every speaker kind, every field
coded on most, hedge cues on some) with their passages, tags and notes into the database
`marginalia_bench_claims` (created and migrated if missing, emptied each run; not bench/export.py's
`marginalia_bench`) with COPY. Then, each in a fresh process so that nothing of the load is counted:
- streams `stream("claims-csv", Claim.objects.live(), ...)` to /dev/null, timed (what `export_annotations
  --format claims-csv` and the download do), for rows/s;
- streams it again under tracemalloc for the peak traced memory, over the whole set and over its first
  quarter: flat memory means the two peaks are about the same.

`bench/claims.py` runs it (with `--part`) for the claims CSV figure of its one line, as issue 8 asks:
render, save, export. Alone it prints one line of its own, e.g. `claims export: claims CSV export
10,326 rows/s (target ≥ 30,000; 49,000 per CPU-second of the export), peak traced 16.1 MB at 200,000
claims, 14.8 MB at 49,600 (PostgreSQL)`.

Measured Sat Nov 28 20:30 UTC 2026, load average 8.9 (`uptime`: ~6 engineers' test suites on 2 cores):
10,326 rows/s wall, but 4.1 s of the export process's CPU for 200,000 rows (49,000 rows per CPU-second;
`--verbose` says both) and PostgreSQL's query about 1.2 s (EXPLAIN ANALYZE): the wall figure was the
machine's load, not the export. Memory is flat: 16.1 MB traced at 200,000 claims, 14.8 MB at 49,600.

    .venv/bin/python bench/claims_export.py [--claims N] [--database-url URL] [--verbose]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export import (  # noqa: E402 (needs ROOT on the path)
    COLUMNS,
    USERS,
    copy_rows,
    ensure_database,
    make_body,
    setup_django,
    term_row,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/marginalia_bench_claims"
PASSAGES_PER_ARTICLE = 400
CLAIMS_PER_PASSAGE = 2
BASE_URL = "http://127.0.0.1:8000"
ROLES = [
    "named_official",
    "unnamed_official",
    "spokesperson_or_statement",
    "state_media",
    "expert_or_analyst",
    "",
]
ATTRIBUTIONS = ["direct_quote", "indirect_quote_paraphrase", "author_assertion", "unattributed_report", ""]
TYPES = ["factual_assertion", "prediction", "threat", "demand", "evaluation_opinion", "denial", ""]
STANCES = ["supportive", "opposed", "neutral", "mixed", ""]
CERTAINTIES = ["asserted_certain", "probable", "possible", "alleged_reported", "denied", ""]
MODALITIES = ["actual", "historical", "future", "hypothetical", "negated", ""]
EVIDENCE = ["none", "named_evidence", "intelligence_claim", "official_document", ""]
UNNAMED = ['a senior US official, "speaking anonymously"', "Iraqi security sources", "diplomats"]
# bench/export.py's tables, and the claims in the order of _claim_row (tests/test_bench_columns.py).
CLAIM_COLUMNS = {
    **COLUMNS,
    "annotations_claim": (
        "id", "span_id", "article_id", "speaker_kind", "speaker_id", "unnamed_speaker", "speaker_group_id",
        "speaker_role", "attribution_type", "reporting_verb", "reporting_verb_start", "reporting_verb_end",
        "claim_type", "stance", "target_id", "certainty", "hedge_cues", "event_modality", "evidence_cited",
        "contested", "created_by_id", "created_at", "updated_at", "version",
    ),
}  # fmt: skip


def load(claims: int) -> None:
    """Empty the database and COPY in users, sources, terms, articles, spans, tags, notes and claims."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from corpus.models import Article

    call_command("migrate", verbosity=0)
    rng = random.Random(8)
    now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    passages = -(-claims // CLAIMS_PER_PASSAGE)
    articles = max(1, -(-passages // PASSAGES_PER_ARTICLE))
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg 3 cursor, for COPY
        cur.execute(
            "TRUNCATE auth_user, corpus_source, corpus_article, annotations_term, annotations_span, "
            "annotations_tag, annotations_note, annotations_claim, annotations_change, annotations_savedset "
            "RESTART IDENTITY CASCADE"
        )
        cur.execute("SET session_replication_role = replica")  # no FK triggers while loading
        password = make_password(None)
        copy_rows(
            cur,
            "auth_user",
            [(i, name, password, "", "", "", False, False, True, now) for i, name in enumerate(USERS, 1)],
        )
        copy_rows(cur, "corpus_source", [(i, f'Source {i}, the "daily"', "", "") for i in range(1, 21)])
        terms = []
        for i in range(1, 81):
            kind = "actor" if i <= 60 else "event"
            label = f"{'Actor' if kind == 'actor' else 'Event'} {i}"
            code = "" if i % 10 == 0 else (f"IRN{i:03d}" if kind == "actor" else f"{i:03d}")
            terms.append(term_row(i, kind, label, code, now))
        copy_rows(cur, "annotations_term", terms)
        bodies, article_rows = [], []
        for a in range(1, articles + 1):
            body, starts = make_body(rng, 400)
            bodies.append((body, starts))
            article_rows.append((
                a, rng.randint(1, 20), f"Article {a}: a title, with a comma", "",
                "" if a % 3 == 0 else "A. Writer; B. Reporter",
                date(2020, 1, 1) + timedelta(days=a % 365),
                f"https://example.org/{a}", "en", body, Article.hash_body(body), len(body.split()),
                json.dumps(starts), now, now, "",
            ))  # fmt: skip
        copy_rows(cur, "corpus_article", article_rows)
        span_rows, tag_rows, note_rows, claim_rows = [], [], [], []
        span_id = claim_id = 0
        for a, (body, starts) in enumerate(bodies, 1):
            for _ in range(min(PASSAGES_PER_ARTICLE, passages - span_id)):
                span_id += 1
                s = rng.randrange(len(starts))
                start = starts[s] + rng.randint(0, 10)
                end = start + rng.randint(20, 80)
                by = rng.randint(1, 3)
                created = now - timedelta(minutes=span_id)
                span_rows.append((
                    span_id, a, start, end, body[start:end], body[max(0, start - 32) : start],
                    body[end : end + 32], by, created, created, 1,
                ))  # fmt: skip
                tag_rows.append((2 * span_id - 1, span_id, rng.randint(1, 60), "source", by, created))
                tag_rows.append((2 * span_id, span_id, rng.randint(61, 80), "event", by, created))
                if span_id % 5 == 0:
                    text = f"Note {span_id}, with a comma\nand a line"
                    note_rows.append((span_id // 5, a, span_id, by, text, now, now, 1))
                for _ in range(min(CLAIMS_PER_PASSAGE, claims - claim_id)):
                    claim_id += 1
                    claim_rows.append(_claim_row(rng, claim_id, span_id, a, start, body, by, created))
        copy_rows(cur, "annotations_span", span_rows)
        copy_rows(cur, "annotations_tag", tag_rows)
        copy_rows(cur, "annotations_note", note_rows)
        copy_rows(cur, "annotations_claim", claim_rows, CLAIM_COLUMNS)
        cur.execute("SET session_replication_role = DEFAULT")
        for table in ("auth_user", "corpus_source", "corpus_article", "annotations_term", "annotations_span",
                      "annotations_tag", "annotations_note", "annotations_claim"):  # fmt: skip
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:  # settle the tables as autovacuum would (see bench/export.py)
        cursor.execute("VACUUM (ANALYZE)")


def _claim_row(rng: random.Random, pk: int, span_id: int, article: int, start: int, body: str, by: int, at):
    kind = rng.choices(["actor", "author", "unnamed"], weights=[6, 2, 2])[0]
    speaker = rng.randint(1, 60) if kind == "actor" else None
    group = rng.randint(1, 60) if kind == "unnamed" and rng.random() < 0.5 else None
    verb_start = body.find(" said", start)
    verb = (verb_start + 1, verb_start + 5) if verb_start != -1 else (None, None)
    cues = [{"text": "reportedly", "start": None, "end": None}] if rng.random() < 0.3 else []
    return (
        pk, span_id, article, kind, speaker, rng.choice(UNNAMED) if kind == "unnamed" else "", group,
        rng.choice(ROLES), rng.choice(ATTRIBUTIONS), "said" if verb[0] else "", *verb, rng.choice(TYPES),
        rng.choice(STANCES), rng.randint(1, 80) if rng.random() < 0.8 else None, rng.choice(CERTAINTIES),
        json.dumps(cues), rng.choice(MODALITIES), rng.choice(EVIDENCE), rng.random() < 0.2, by, at, at, 1,
    )  # fmt: skip


def run_export(traced: bool, quarter: bool) -> None:
    """In its own process: stream the claims CSV to /dev/null; print seconds, rows, peak as JSON."""
    from annotations.export import stream
    from annotations.models import Claim

    claims = Claim.objects.live()
    if quarter:
        last = max(1, Claim.objects.order_by("-article_id").values_list("article_id", flat=True).first() // 4)
        claims = claims.filter(article_id__lte=last)
    gc.freeze()  # as manage.py export_annotations does before streaming
    if traced:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = 0
    with open(os.devnull, "w", encoding="utf-8", newline="") as sink:
        for chunk in stream("claims-csv", claims, base_url=BASE_URL):
            rows += chunk.count("\r\n")  # a row's own newlines are inside quotes as "\n"
            sink.write(chunk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows - 1, "peak": peak}))


def child(database_url: str, *flags: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--export-only", "--database-url", database_url, *flags],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_CLAIMS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quarter", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="say how long each step took")
    parser.add_argument("--no-load", action="store_true", help="export what the last run loaded")
    parser.add_argument("--part", action="store_true", help="print the figure alone (for bench/claims.py)")
    args = parser.parse_args()

    if args.export_only:
        setup_django(args.database_url)
        run_export(args.traced, args.quarter)
        return

    ensure_database(args.database_url)
    setup_django(args.database_url)
    started = time.perf_counter()
    if not args.no_load:
        load(args.claims)
    if args.verbose:
        print(f"loaded {args.claims:,} claims in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    timed = child(args.database_url)
    whole = child(args.database_url, "--traced")
    quarter = child(args.database_url, "--traced", "--quarter")
    if timed["rows"] != args.claims or whole["rows"] != args.claims:
        sys.exit(f"export wrote {timed['rows']} rows for {args.claims} claims")
    if args.verbose:
        print(
            f"export {timed['seconds']:.1f}s ({timed['cpu']:.1f}s CPU in this process); traced "
            f"{whole['seconds']:.1f}s; load average "
            f"{os.getloadavg()[0]:.1f}",
            file=sys.stderr,
        )
    print(
        ("" if args.part else "claims export: ")
        + f"claims CSV export {timed['rows'] / timed['seconds']:,.0f} rows/s (target ≥ 30,000; "
        f"{timed['rows'] / timed['cpu']:,.0f} per CPU-second of the export), peak traced "
        f"{whole['peak'] / 1e6:.1f} MB at {whole['rows']:,} claims, {quarter['peak'] / 1e6:.1f} MB at "
        f"{quarter['rows']:,} (PostgreSQL)"
    )


if __name__ == "__main__":
    main()
