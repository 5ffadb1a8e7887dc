"""Import speed and memory: 2,000 generated .txt articles into a fresh SQLite database.

The five demo texts, their paragraphs shuffled and a numbered line added so none is a duplicate,
are written to a temporary folder and imported with corpus.importers.import_paths, as the command
does. Prints one line: articles per second, and the traced peak memory of importing 500 and 2,000
articles (flat memory means the two are about the same).

    .venv/bin/python bench/import_articles.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="marginalia-bench-import-"))
# Set before Django reads its settings: a throwaway database, never the project's.
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
# As in production: with DEBUG on, Django keeps the last 9,000 queries (article bodies included),
# which would show up as memory growth that is not the importer's.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-" + os.urandom(24).hex())
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marginalia.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from corpus.cleaning import clean_article, split_authors  # noqa: E402
from corpus.importers import import_paths  # noqa: E402
from corpus.models import Article, Source  # noqa: E402

DEMO = ROOT / "corpus" / "demo"
SMALL_RUN = 500


def demo_articles() -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of each demo text, cleaned as the importer cleans it."""
    articles = []
    with open(DEMO / "manifest.csv", encoding="utf-8") as manifest:
        for row in csv.DictReader(manifest):
            text = (DEMO / row["file"]).read_text(encoding="utf-8")
            body = clean_article(
                text,
                title=row["title"],
                standfirst=row["standfirst"],
                source=row["source"],
                authors=split_authors(row["authors"]),
            ).body
            articles.append((row["title"], body.split("\n\n")))
    return articles


def write_corpus(folder: Path, count: int) -> None:
    """`count` distinct articles; the first SMALL_RUN in folder/first, the rest in folder/rest."""
    rng = random.Random(2020)
    demos = demo_articles()
    for n in range(count):
        title, paragraphs = demos[n % len(demos)]
        shuffled = rng.sample(paragraphs, len(paragraphs))
        text = f"{title} (variant {n})\n\n" + "\n\n".join(shuffled) + f"\n\nThis is variant number {n}.\n"
        part = folder / ("first" if n < SMALL_RUN else "rest")
        part.mkdir(parents=True, exist_ok=True)
        (part / f"article_{n:05d}.txt").write_text(text, encoding="utf-8")


def empty_database() -> None:
    Article.objects.all().delete()
    Source.objects.all().delete()


def traced_peak(paths: list[Path]) -> tuple[float, int]:
    """Peak traced memory (MB) of one import, and the number of articles it imported."""
    empty_database()
    tracemalloc.start()
    report = import_paths(paths)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024, report.imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    count = parser.parse_args().articles

    call_command("migrate", verbosity=0)
    corpus = WORKDIR / "corpus"
    write_corpus(corpus, count)

    started, cpu_started = time.perf_counter(), time.process_time()
    report = import_paths([corpus])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    if report.imported != count:
        raise SystemExit(f"expected {count} articles, got: {report.summary()}")
    rate = count / seconds

    # Memory, traced (tracemalloc slows Python down, so these runs are not timed).
    small_peak, small = traced_peak([corpus / "first"])
    full_peak, full = traced_peak([corpus])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # What may grow is the report (a line per file), never the texts: compare the growth per
    # article with the size of an article.
    per_article_kb = (full_peak - small_peak) * 1024 / max(full - small, 1)
    body_kb = sum(len(a.body.encode()) for a in Article.objects.only("body")) / max(full, 1) / 1024
    verdict = "flat" if per_article_kb < body_kb / 4 else "GROWING"
    print(
        f"import_articles: {rate:.0f} articles/s ({count:,} articles in {seconds:.1f} s, SQLite; "
        f"{cpu_seconds * 1000 / count:.1f} ms CPU per article, {count / cpu_seconds:.0f}/s on a free core); "
        f"peak traced memory {small_peak:.1f} MB for {small:,} and {full_peak:.1f} MB for {full:,} articles, "
        f"{verdict} (+{per_article_kb:.1f} KB per article of {body_kb:.1f} KB: the report's line per file); "
        f"process max RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        import shutil

        shutil.rmtree(WORKDIR, ignore_errors=True)
