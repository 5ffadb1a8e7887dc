"""Benchmark: the CSV export of a large annotated set on PostgreSQL.

Loads N passages (default 1,000,000) with about two tags each and a note on one in five into the database
`marginalia_bench` (created and migrated if missing, emptied each run) with COPY, then, in a fresh process
so that its peak memory is the export's own, streams `stream("csv", ...)` to /dev/null, and times
PostgreSQL's own `COPY (SELECT ...) TO STDOUT WITH CSV` of the same columns in the same run.

The COPY query builds every column as the export does (terms by role with `Label [CODE]`, codes, notes with
author and time, ISO dates, link) except `sentence`, where it writes the quote: cutting sentences out of
the article body needs the stored sentence starts, which SQL cannot use cheaply. That makes COPY's job
lighter, so the ratio is, if anything, unkind to us.

One line: `export: 61,000 rows/s, peak 150 MB, 3.2× COPY (1,000,000 passages, PostgreSQL)`.
Targets: at least 50,000 rows/s, peak under 200 MB, at most 4× COPY.

Measured Sat Nov 28 21:51 UTC 2026, load average 3.5 on 2 shared cores: `export: 44,067 rows/s, peak
165 MB, 1.3× COPY (1,000,000 passages, PostgreSQL)` (12.8 s of the export's CPU for 22.7 s wall, so
78,000 rows per CPU-second; COPY itself 17.1 s). The wall figure is below target at this load; the ratio
to COPY, measured in the same run, is what to compare across runs.

    .venv/bin/python bench/export.py [--passages N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/marginalia_bench"
PASSAGES_PER_ARTICLE = 500
USERS = ("alice", "bob", "charlie")
BASE_URL = "http://127.0.0.1:8000"

WORDS = [
    "the",
    "strike",
    "killed",
    "commander",
    "near",
    "airport",
    "officials",
    "said",
    "revenge",
    "markets",
    "fell",
    "sharply",
    "Tehran",
    "Baghdad",
    "Washington",
    "militia",
    "drone",
    "convoy",
    "ministry",
    "spokesman",
    "warned",
    "retaliation",
    "analysts",
    "expect",
    "escalation",
    "region",
    "oil",
    "prices",
    "parliament",
    "vote",
    "troops",
    "withdrawal",
    "sanctions",
    "envoy",
    "talks",
    "ceasefire",
    "protesters",
    "embassy",
]


def setup_django(database_url: str, allowed_hosts: str = "localhost") -> None:
    """Django for a bench script, in production mode, on the given database (shared by the PostgreSQL
    benches: export, claims_export, agreement, scale)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marginalia.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", allowed_hosts)
    # Plain http inside the process: no redirect to https (the pages answered 301, DEBUG being off).
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    """Create the bench's PostgreSQL database when it is missing."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def make_body(rng: random.Random, sentences: int) -> tuple[str, list[int]]:
    """Paragraphs of four sentences each, and the sentence starts."""
    parts, starts, offset = [], [], 0
    for i in range(sentences):
        words = rng.choices(WORDS, k=rng.randint(8, 18))
        text = " ".join(words).capitalize() + "."
        if i and i % 4 == 0:
            parts.append("\n\n")
            offset += 2
        elif i:
            parts.append(" ")
            offset += 1
        starts.append(offset)
        parts.append(text)
        offset += len(text)
    return "".join(parts), starts


# The columns each bench COPYs into, in the order of its rows. Every NOT NULL column of the models
# must be here (the database has no defaults of its own): tests/test_bench_columns.py checks it, so a
# new field breaks that test rather than the benchmark.
COLUMNS = {
    "auth_user": (
        "id", "username", "password", "first_name", "last_name", "email", "is_superuser", "is_staff",
        "is_active", "date_joined",
    ),
    "corpus_source": ("id", "name", "home_page", "reliability"),
    "annotations_term": (
        "id", "slug", "kind", "label", "label_key", "actor_type", "country", "code", "description",
        "mappings", "proposed", "loaded_values", "created_at", "updated_at",
    ),
    "corpus_article": (
        "id", "source_id", "title", "standfirst", "authors", "published", "url", "language", "body", "sha256",
        "word_count", "sentence_starts", "imported_at", "analysed_at", "original_filename",
    ),
    "annotations_span": (
        "id", "article_id", "start", "end", "quote", "prefix", "suffix", "created_by_id", "created_at",
        "updated_at", "version",
    ),
    "annotations_tag": ("id", "span_id", "term_id", "role", "created_by_id", "created_at"),
    "annotations_note": (
        "id", "article_id", "span_id", "author_id", "text", "created_at", "updated_at", "version",
    ),
}  # fmt: skip


def copy_rows(cur, table: str, rows, columns: dict[str, tuple[str, ...]] = COLUMNS) -> None:
    """COPY the rows (tuples in the order of columns[table]) into the table."""
    names = ", ".join('"' + name + '"' for name in columns[table])
    with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def term_row(i: int, kind: str, label: str, code: str, now: datetime) -> tuple:
    return (i, f"term-{i}", kind, label, label.lower(), "", "", code, "", "{}", False, "{}", now, now)


def load(passages: int) -> None:
    """Empty the database and COPY in users, sources, terms, articles, spans, tags and notes."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from corpus.models import Article

    call_command("migrate", verbosity=0)
    rng = random.Random(4)
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    articles = max(1, passages // PASSAGES_PER_ARTICLE)
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg 3 cursor, for COPY
        cur.execute(
            "TRUNCATE auth_user, corpus_source, corpus_article, annotations_term, annotations_span, "
            "annotations_tag, annotations_note, annotations_change, annotations_savedset "
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
        terms = []  # (id, kind, label, code)
        for i in range(1, 81):
            kind = "actor" if i <= 60 else "event"
            label = f"{'Actor' if kind == 'actor' else 'Event'} {i}"
            code = "" if i % 10 == 0 else (f"IRN{i:03d}" if kind == "actor" else f"{i:03d}")
            terms.append((i, kind, label, code))
        copy_rows(cur, "annotations_term", [term_row(*term, now) for term in terms])
        bodies = []
        article_rows = []
        for a in range(1, articles + 1):
            body, starts = make_body(rng, 400)
            bodies.append((body, starts))
            article_rows.append((
                a, rng.randint(1, 20), f"Article {a}: a title, with a comma", "", "A. Writer",
                date(2020, 1, 1) + timedelta(days=a % 365), f"https://example.org/{a}", "en", body,
                Article.hash_body(body), len(body.split()), json.dumps(starts), now, now, "",
            ))  # fmt: skip
        copy_rows(cur, "corpus_article", article_rows)
        del article_rows
        actor_terms = [t for t in terms if t[1] == "actor"]
        event_terms = [t for t in terms if t[1] == "event"]
        roles = ("source", "agent", "target", "mentioned")
        tag_rows, note_rows = [], []

        def span_rows():  # streamed into COPY; the tags and notes are gathered on the way
            span_id = tag_id = note_id = 0
            for a, (body, starts) in enumerate(bodies, 1):
                last = a == articles
                for _ in range(passages - PASSAGES_PER_ARTICLE * (a - 1) if last else PASSAGES_PER_ARTICLE):
                    span_id += 1
                    s = rng.randrange(len(starts))
                    start = starts[s] + rng.randint(0, 10)
                    end = start + rng.randint(10, 60)
                    by = rng.randint(1, 3)
                    created = now - timedelta(minutes=span_id)
                    yield (
                        span_id, a, start, end, body[start:end], body[max(0, start - 32) : start],
                        body[end : end + 32], by, created, created, 1,
                    )  # fmt: skip
                    tag_id += 1
                    actor = rng.choice(actor_terms)
                    tag_rows.append((tag_id, span_id, actor[0], rng.choice(roles), by, created))
                    tag_id += 1
                    tag_rows.append((tag_id, span_id, rng.choice(event_terms)[0], "event", by, created))
                    if span_id % 5 == 0:
                        note_id += 1
                        text = f"Note {note_id}, with a comma\nand a line"
                        note_rows.append((note_id, a, span_id, by, text, created, created, 1))

        copy_rows(cur, "annotations_span", span_rows())
        copy_rows(cur, "annotations_tag", tag_rows)
        copy_rows(cur, "annotations_note", note_rows)
        cur.execute("SET session_replication_role = DEFAULT")
        for table in ("auth_user", "corpus_source", "corpus_article", "annotations_term", "annotations_span",
                      "annotations_tag", "annotations_note"):  # fmt: skip
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    # A freshly loaded table is not what a team's database looks like: the first reader of each row
    # would set its hint bits (writing the table again) and the planner would lack statistics.
    # Vacuum, as autovacuum would have, so ours and COPY both read a settled table.
    with connection.cursor() as cursor:  # Django autocommits here: VACUUM runs outside a transaction
        cursor.execute("VACUUM (ANALYZE)")


COPY_SQL = r"""
COPY (
SELECT s.id, s.article_id, a.title, src.name, a.published, a.url, s.start, s."end", s.quote,
       s.quote AS sentence,
       t.source_actors, t.agent_actors, t.target_actors, t.mentioned_actors, t.events,
       t.actor_codes, t.event_codes,
       n.notes, u.username,
       to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       %(base)s || '/articles/' || s.article_id || '/#span-' || s.id
FROM annotations_span s
JOIN corpus_article a ON a.id = s.article_id
LEFT JOIN corpus_source src ON src.id = a.source_id
JOIN auth_user u ON u.id = s.created_by_id
LEFT JOIN LATERAL (
    SELECT string_agg(d.display, '; ' ORDER BY d.id) FILTER (WHERE d.role = 'source') AS source_actors,
           string_agg(d.display, '; ' ORDER BY d.id) FILTER (WHERE d.role = 'agent') AS agent_actors,
           string_agg(d.display, '; ' ORDER BY d.id) FILTER (WHERE d.role = 'target') AS target_actors,
           string_agg(d.display, '; ' ORDER BY d.id) FILTER (WHERE d.role = 'mentioned') AS mentioned_actors,
           string_agg(d.display, '; ' ORDER BY d.id) FILTER (WHERE d.role = 'event') AS events,
           string_agg(DISTINCT d.code, '; ') FILTER (WHERE d.kind = 'actor' AND d.code <> '') AS actor_codes,
           string_agg(DISTINCT d.code, '; ') FILTER (WHERE d.kind = 'event' AND d.code <> '') AS event_codes
    FROM (SELECT tg.id, tg.role, tm.kind, tm.code,
                 CASE WHEN tm.code <> '' THEN tm.label || ' [' || tm.code || ']' ELSE tm.label END AS display
          FROM annotations_tag tg JOIN annotations_term tm ON tm.id = tg.term_id
          WHERE tg.span_id = s.id) d
) t ON true
LEFT JOIN LATERAL (
    SELECT string_agg(nu.username || ' (' || to_char(nt.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
                      || '): ' || nt.text, E'\n\n' ORDER BY nt.created_at, nt.id) AS notes
    FROM annotations_note nt JOIN auth_user nu ON nu.id = nt.author_id
    WHERE nt.span_id = s.id AND nt.deleted_at IS NULL
) n ON true
WHERE s.deleted_at IS NULL
ORDER BY s.article_id, s.start, s.id
) TO STDOUT WITH CSV HEADER
"""


def time_copy() -> tuple[float, int]:
    from django.db import connection

    with connection.cursor() as django_cursor, open(os.devnull, "wb") as sink:
        cur = django_cursor.cursor
        started = time.perf_counter()
        size = 0
        with cur.copy(COPY_SQL.replace("%(base)s", "'" + BASE_URL + "'")) as copy:
            for block in copy:
                size += len(block)
                sink.write(block)
        return time.perf_counter() - started, size


def peak_rss_kb() -> int:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: on Linux ru_maxrss survives
    fork and exec, so a child started by a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_export() -> None:
    """In its own process: stream the CSV to /dev/null; print seconds, rows and peak memory as JSON."""
    from annotations.export import stream
    from annotations.models import Span

    rss_before = peak_rss_kb()
    gc.freeze()  # as manage.py export_annotations does before streaming
    cpu_started = time.process_time()
    started = time.perf_counter()
    rows = 0
    with open(os.devnull, "w", encoding="utf-8", newline="") as sink:
        for chunk in stream("csv", Span.objects.live(), base_url=BASE_URL):
            rows += chunk.count("\r\n")  # a row's own newlines are inside quotes as "\n"
            sink.write(chunk)
    seconds = time.perf_counter() - started
    peak = peak_rss_kb()
    cpu = time.process_time() - cpu_started
    print(
        json.dumps(
            {"seconds": seconds, "cpu": cpu, "rows": rows - 1, "peak_kb": peak, "before_kb": rss_before}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="say how long each step took")
    args = parser.parse_args()

    if args.export_only:
        setup_django(args.database_url)
        run_export()
        return

    ensure_database(args.database_url)
    setup_django(args.database_url)
    started = time.perf_counter()
    load(args.passages)
    if args.verbose:
        print(f"loaded {args.passages:,} passages in {time.perf_counter() - started:.1f}s", file=sys.stderr)

    child = subprocess.run(
        [sys.executable, __file__, "--export-only", "--database-url", args.database_url],
        check=True,
        capture_output=True,
        text=True,
    )
    ours = json.loads(child.stdout.strip().splitlines()[-1])
    copy_seconds, copy_bytes = time_copy()
    if ours["rows"] != args.passages:
        sys.exit(f"export wrote {ours['rows']} rows for {args.passages} passages")
    if args.verbose:
        print(
            f"export {ours['seconds']:.1f}s, {ours['cpu']:.1f}s CPU (process baseline "
            f"{ours['before_kb'] / 1024:.0f} MB), load average {os.getloadavg()[0]:.1f}, "
            f"COPY {copy_seconds:.1f}s ({copy_bytes / 1e6:.0f} MB)",
            file=sys.stderr,
        )
    print(
        f"export: {ours['rows'] / ours['seconds']:,.0f} rows/s, peak {ours['peak_kb'] / 1024:.0f} MB, "
        f"{ours['seconds'] / copy_seconds:.1f}× COPY ({args.passages:,} passages, PostgreSQL)"
    )


if __name__ == "__main__":
    main()
