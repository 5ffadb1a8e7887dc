"""Vocabulary benchmark: load a generated vocabulary of 10,000 terms (60,000 aliases) into a fresh
SQLite database, reload it (idempotent), and time the reader's type-ahead query. Prints one line."""

from __future__ import annotations

import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TERMS = 10_000
ALIASES_PER_TERM = 5
QUERIES = ["soleimani", "Rohani", "iran's", "brigade 77", "group", "zz-no-match"]

workdir = tempfile.mkdtemp(prefix="marginalia-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marginalia.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from annotations.models import Term  # noqa: E402
from annotations.vocabulary import load_vocabulary, load_vocabulary_bytes  # noqa: E402


def generated_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kind", "id", "label", "code", "parent", "aliases", "description"])
    for n in range(TERMS):
        kind = "armed_group" if n % 3 else "event"
        parent = f"group-{n - n % 100}" if n % 100 and kind == "armed_group" and (n - n % 100) % 3 else ""
        aliases = "; ".join(f"Brigade {n} alias {a}" for a in range(ALIASES_PER_TERM - 1))
        writer.writerow([kind, f"group-{n}", f"Group {n} Brigade", f"X{n}", parent, aliases, ""])
    return buffer.getvalue().encode()


call_command("migrate", verbosity=0)
load_vocabulary(Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json")
data = generated_csv()
started = time.perf_counter()
report = load_vocabulary_bytes(data, filename="generated.csv")
first = time.perf_counter() - started
assert report.ok, report.errors[:3]
started = time.perf_counter()
again = load_vocabulary_bytes(data, filename="generated.csv")
second = time.perf_counter() - started
assert again.created == 0 and again.updated == 0

timings = []
for _ in range(5):
    for query in QUERIES:
        started = time.perf_counter()
        list(Term.objects.active().matching(query).prefetch_related("aliases")[:10])
        timings.append((time.perf_counter() - started) * 1000)
print(
    f"vocabulary: load {TERMS / first:.0f} terms/s "
    f"({TERMS} terms, {report.aliases_added} aliases, {first:.1f} s), "
    f"reload unchanged {second:.1f} s, type-ahead median {statistics.median(timings):.1f} ms "
    f"(max {max(timings):.1f} ms; {Term.objects.count()} terms, SQLite)"
)
