"""Import speed and memory, into a fresh SQLite database. One figure per line:

1. 2,000 generated .txt articles through corpus.importers.import_paths, as the command does (stored
   and analysed): articles per second, and the traced peak memory of importing 500 and 2,000
   (flat memory means the two are about the same).
2. One 5 MB HTML page of paragraphs and 3. one 5 MB JSONL file (5,000 articles): MB/s through
   the whole import (read, clean, store, analyse), each step's time beside it.
4. 1,000 articles (one JSONL file, 4 MB) uploaded through the Import page over HTTP to gunicorn
   (gunicorn.conf.py, 5 workers, DEBUG off), with the real worker (`manage.py db_worker`) in its own
   process: seconds from the POST until the Articles list shows the 1,000 (target <= 0.5 s), the job
   page the POST answers with fetched between. The multipart body is encoded before the clock starts
   (a browser does that on the analyst's machine; here the client shares the server's cores). An
   upload this size is stored by the request itself (MARGINALIA_IMPORT_STORE_HERE_BYTES); the worker
   runs the analysis, a second later (MARGINALIA_ANALYSIS_DELAY_SECONDS).
5. The background analysis of those 1,000 articles (sentences, word counts, the suggestions warm-up
   on the demo vocabulary) against raw spacy.blank("en") + sentencizer on the same texts, in the
   same run: the ratio of their rates (target >= 0.5).

Measured 2026-11-29, 14:37-14:39 UTC, nothing else running, two runs: 462 articles/s; 5 MB HTML 2.49
MB/s; 5 MB JSONL 6.76 MB/s; 1,000 uploaded articles listed in 0.40 s and 0.37 s (single uploads 0.36,
0.40, 0.42 and 0.36, 0.38, 0.37: all under the 0.5 s target); analysis 0.70x and 0.76x raw spaCy, the
worker's step 0.70x and 0.65x.

Measured 2026-11-29, 11:49 UTC, nothing else running (load average 2-3.5, the benches' own): 277
articles/s; 5 MB HTML 2.26 MB/s (1.03 with a shared cache's warm-up); 5 MB JSONL 6.39 MB/s (1.63);
1,000 uploaded articles listed in 0.44 s (0.44, 0.42, 0.57; through gunicorn over HTTP); analysis
0.82x raw spaCy, the worker's step 0.85x. At 11:36 (before the analysis waited its second and the body
was encoded ahead): listed in 0.57 s (0.52, 0.57, 0.57). The upload step alone, alternating in the
same minutes: analysis at once 0.59-0.66 s, a second later 0.44-0.47 s (medians of 5).

Measured 2026-11-29, 06:44 UTC, nothing else running, in a slower hour of the machine (every CPU-time
figure about 35% below 03:44's), the upload stored by its request: 375 articles/s; 5 MB HTML 1.60 MB/s
(0.74 with a shared cache's warm-up); 5 MB JSONL 4.77 MB/s (1.36); 1,000 uploaded articles listed in
0.77 s (0.77, 0.85, 0.55); analysis 0.68x raw spaCy, the worker's step 0.67x. Stored by the worker
instead, in the same hour (06:04, 5 runs each): 0.71 s median against 0.70 s by the request.

Measured 2026-11-29, 03:44 UTC, nothing else running (load average about 1), after the suggestions
warm-up was confined to a shared cache (annotations.suggestions.warm_article: with each process's own
memory, what the worker warmed no web process read) and pages over 500 KB are read the fast way:

1. 405 articles/s (2,000 in 4.9 s; 2.4 ms CPU per article); peak traced memory 2.4 MB for 500 and
   4.4 MB for 2,000 articles, flat.
2. 5 MB HTML page: 2.55 MB/s (read 0.98 s, clean 0.23, store 0.02, analyse 0.72); 4.0 MB/s until
   listed; with a shared cache the warm-up adds 2.35 s: 1.16 MB/s.
3. 5 MB JSONL (692 articles): 5.91 MB/s (analyse 0.57 s); listed at 18.1 MB/s; with a shared cache
   the warm-up adds 2.20 s: 1.64 MB/s.
4. 1,000 articles through the Import page listed in 0.55 s (runs 0.63, 0.55, 0.35; target ≤ 0.5 s).
5. Sentence analysis 0.79x raw spaCy in CPU time; the worker's whole step 0.81x (0.50 s per 1,000).

At 03:36, before the warm-up change (the upload step fixed: it answered 301, DEBUG off sending the
bench's plain-http client to https): 149 articles/s; 5 MB HTML 0.85 MB/s (analyse 4.17 s, most of it
the warm-up); 5 MB JSONL 1.32 MB/s; 1,000 uploaded articles listed in 0.54 s; the worker's step 0.16x.

Measured 2026-11-28, 21:10 UTC, on 2 cores shared with other work (load average 6 to 9, so wall
times are 2 to 4 times what a free machine gives; the CPU-time figures are what a free core does):

1. 102 articles/s (2,000 in 19.6 s; 4.3 ms CPU per article, 235/s on a free core); peak traced
   memory 2.6 MB for 500 and 4.1 MB for 2,000 articles, flat.
2. 5 MB HTML page: 0.63 MB/s wall, 2.15 MB/s of CPU time (read 4.87 s, clean 0.28, store 0.16,
   analyse 2.68); before this work, the page's analysis alone was quadratic (a 1 MB page > 30 s).
3. 5 MB JSONL (692 articles): 0.58 MB/s wall, 2.00 MB/s of CPU time, most of it the analysis with
   the suggestions warm-up; listed after 0.76 s (6.5 MB/s).
4. 1,000 articles through the Import page listed in 1.24 s (runs 1.69, 1.24, 0.65 s); in a quieter
   run at 21:07, 0.50 s (1.10, 0.45, 0.50).
5. Sentence analysis 0.78x raw spaCy in CPU time (0.34 s against 0.27 s per 1,000 articles;
   0.72x wall). The worker's whole step, with the suggestions warm-up: 0.11x (3.91 s per 1,000),
   the warm-up (annotations.suggestions.suggestions_for, per article) being most of it.

    .venv/bin/python bench/import_articles.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import random
import resource
import statistics
import subprocess
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
os.environ.setdefault("ALLOWED_HOSTS", "localhost,testserver")
# Plain http inside the process: no redirect to https (the upload through the Import page would answer 301).
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marginalia.settings")

import django  # noqa: E402

django.setup()

import spacy  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from annotations.suggestions import article_mentions  # noqa: E402
from corpus.cleaning import clean_article, split_authors  # noqa: E402
from corpus.importers import import_paths  # noqa: E402
from corpus.importers.reading import _read_path  # noqa: E402
from corpus.importers.saving import Importer  # noqa: E402
from corpus.models import Article, Source  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from servers import PASSWORD, HttpAnalyst, start_gunicorn  # noqa: E402  (bench/servers.py, beside this file)

DEMO = ROOT / "corpus" / "demo"
SMALL_RUN = 500
FIVE_MB = 5_000_000
UPLOAD_ARTICLES = 1000
UPLOAD_RUNS = 3
# Paragraphs per uploaded article: about 3 KB each, so that 1,000 fit in one 5 MB file.
UPLOAD_PARAGRAPHS = 8
# The worker as `make run` starts it.
WORKER_INTERVAL = "0.1"
# gunicorn's workers for the upload (gunicorn.conf.py's default, as a team runs it).
SERVER_WORKERS = 5


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


def five_mb_html(path: Path) -> None:
    """One page of short paragraphs (the demo texts', over and over), 5 MB."""
    rng = random.Random(5)
    paragraphs = [p for _title, body in demo_articles() for p in body]
    parts, size = (
        ["<html><head><title>A very long report</title></head><body><article><h1>A very long report</h1>"],
        0,
    )
    while size < FIVE_MB - 2000:
        part = f"<p>{html.escape(rng.choice(paragraphs))}</p>\n"
        parts.append(part)
        size += len(part.encode())
    path.write_text("".join(parts) + "</article></body></html>", encoding="utf-8")


def jsonl_articles(count: int, seed: int, tag: str, paragraphs: int = 100) -> list[str]:
    """`count` distinct JSONL lines made of (up to `paragraphs` of) the demo texts' paragraphs, shuffled."""
    rng = random.Random(seed)
    demos = demo_articles()
    lines = []
    for n in range(count):
        title, body = demos[n % len(demos)]
        text = "\n\n".join(rng.sample(body, min(paragraphs, len(body)))) + f"\n\nThis is {tag} number {n}."
        lines.append(json.dumps({"title": f"{title} ({tag} {n})", "text": text, "source": "Bench"}))
    return lines


def five_mb_jsonl(path: Path) -> int:
    lines, size, n = [], 0, 0
    for line in jsonl_articles(100_000, 7, "jsonl"):
        if size + len(line.encode()) + 1 > FIVE_MB:
            break
        lines.append(line)
        size += len(line.encode()) + 1
        n += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n


def import_rate(path: Path) -> str:
    """MB/s of the whole import of one file (read, clean, store, analyse), the steps' times beside it."""
    empty_database()
    megabytes = path.stat().st_size / 1_000_000
    # background=True: the analysis is queued (a row in the database queue), then run here and timed.
    importer = Importer(background=True)
    started, cpu = time.perf_counter(), time.process_time()
    items = list(_read_path(path, path.name, None))
    read = time.perf_counter()
    prepared = importer.prepare(items)
    cleaned = time.perf_counter()
    results = importer.store(prepared)
    stored = time.perf_counter()
    Article.objects.analysing().analyse()
    analysed, cpu = time.perf_counter(), time.process_time() - cpu
    DBTaskResult.objects.all().delete()
    imported = sum(1 for r in results if r.status == "imported")
    if not imported or Article.objects.analysing().exists():
        raise SystemExit(f"{path.name}: not imported: {results[:3]}")
    total = analysed - started
    # The suggestions warm-up runs after the analysis only where the web processes share a cache (Redis;
    # annotations.suggestions.warm_article): what it would add there, timed apart.
    warm_started = time.perf_counter()
    for article in Article.objects.filter(pk__in=[r.article_id for r in results if r.status == "imported"]):
        article_mentions(article)
    warm = time.perf_counter() - warm_started
    return (
        f"{megabytes / total:.2f} MB/s ({megabytes / cpu:.2f} MB/s of CPU time; {megabytes:.1f} MB, "
        f"{imported:,} article(s) "
        f"in {total:.2f} s: read {read - started:.2f} s, clean {cleaned - read:.2f} s, "
        f"store {stored - cleaned:.2f} s, analyse {analysed - stored:.2f} s; "
        f"{megabytes / (stored - started):.1f} MB/s until listed; with a shared cache the suggestions "
        f"warm-up adds {warm:.2f} s: {megabytes / (total + warm):.2f} MB/s)"
    )


def start_worker() -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", WORKER_INTERVAL]
    log = WORKDIR / "worker.log"
    with open(log, "w") as output:
        worker = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=output, stderr=output)
    while "Starting worker" not in log.read_text():
        if worker.poll() is not None:
            raise SystemExit(f"the worker stopped: {log.read_text()}")
        time.sleep(0.05)
    return worker


def upload_and_analysis() -> tuple[list[float], list[float], float]:
    """Seconds from the upload's POST until the Articles list shows the 1,000 articles (each run), the
    worker's analysis seconds for them (from the task's own start and finish), and raw spaCy's. Over
    HTTP to gunicorn as a team serves it (gunicorn.conf.py), with the worker as `make run` starts it."""
    empty_database()
    call_command("load_vocabulary", str(ROOT / "annotations" / "demo" / "seed_vocabulary.json"), verbosity=0)
    User.objects.create_user("bench-analyst", password=PASSWORD)
    call_command("collectstatic", "--noinput", verbosity=0)  # the pages' static names, DEBUG off
    listed, analysed, raw = [], [], []
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    blank.max_length = 10_000_000
    server, url = start_gunicorn(os.environ["DATABASE_URL"], SERVER_WORKERS, WORKDIR / "gunicorn.log")
    worker = start_worker()
    try:
        analyst = HttpAnalyst(url, "bench-analyst")
        analyst.log_in()
        for run in range(UPLOAD_RUNS):
            before = Article.objects.count()
            lines = jsonl_articles(UPLOAD_ARTICLES, 100 + run, f"upload {run}", paragraphs=UPLOAD_PARAGRAPHS)
            data = ("\n".join(lines) + "\n").encode()
            # The multipart body is encoded before the clock starts, as a browser on the analyst's own
            # machine would: here the client shares the server's two cores.
            upload = analyst.http.build_request(
                "POST",
                "/import/",
                files={"files": (f"upload-{run}.jsonl", data, "application/jsonl")},
                headers=analyst._headers() | {"X-CSRFToken": analyst.cookies["csrftoken"]},
            )
            upload.read()
            time.sleep(random.random() * float(WORKER_INTERVAL))  # any moment of the worker's poll
            started = time.perf_counter()
            response = analyst.http.send(upload)
            if response.status_code != 302:
                raise SystemExit(f"upload answered {response.status_code}")
            # The job page, as the browser follows the redirect.
            analyst.http.get(response.headers["Location"], headers=analyst._headers())
            wanted = f"{before + UPLOAD_ARTICLES} articles"
            while wanted not in analyst.http.get("/", headers=analyst._headers()).text:
                if time.perf_counter() - started > 60:
                    raise SystemExit("the articles were never listed")
                time.sleep(0.01)  # as a browser polls: leave the cores to the worker
            listed.append(time.perf_counter() - started)
            finished = DBTaskResult.objects.filter(
                task_path="corpus.tasks.analyse", finished_at__isnull=False
            )
            while finished.count() <= run:
                time.sleep(0.05)
            task = finished.order_by("-finished_at").first()
            analysed.append((task.finished_at - task.started_at).total_seconds())
            texts = list(Article.objects.order_by("-pk").values_list("body", flat=True)[:UPLOAD_ARTICLES])
            raw_started = time.perf_counter()
            for _doc in blank.pipe(texts, batch_size=64):
                pass
            raw.append(time.perf_counter() - raw_started)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.terminate()
        server.wait(timeout=30)
    return listed, analysed, statistics.median(raw)


def analysis_alone(repeats: int = 3) -> tuple[float, float, float, float]:
    """Median seconds of our sentence analysis (without the signal's receivers: the suggestions warm-up
    is the suggestions' cost) and of raw spaCy, alternating, on the last 1,000 uploaded articles: CPU
    time (what a free core would take; the machine is shared) and wall time."""
    from corpus.signals import article_analysed

    ids = list(Article.objects.order_by("-pk").values_list("pk", flat=True)[:UPLOAD_ARTICLES])
    texts = list(Article.objects.filter(pk__in=ids).values_list("body", flat=True))
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    receivers = article_analysed.receivers
    ours, raw, ours_cpu, raw_cpu = [], [], [], []
    try:
        article_analysed.receivers = []
        article_analysed.sender_receivers_cache.clear()
        for _ in range(repeats):
            Article.objects.filter(pk__in=ids).update(analysed_at=None, sentence_starts=[], word_count=0)
            started, cpu = time.perf_counter(), time.process_time()
            Article.objects.filter(pk__in=ids).analyse()
            ours.append(time.perf_counter() - started)
            ours_cpu.append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            for _doc in blank.pipe(texts, batch_size=64):
                pass
            raw.append(time.perf_counter() - started)
            raw_cpu.append(time.process_time() - cpu)
    finally:
        article_analysed.receivers = receivers
        article_analysed.sender_receivers_cache.clear()
    median = statistics.median
    return median(ours_cpu), median(raw_cpu), median(ours), median(raw)


def pages_and_tasks() -> None:
    """Lines 2 to 5 (see the docstring)."""
    html_file, jsonl_file = WORKDIR / "five-mb.html", WORKDIR / "five-mb.jsonl"
    five_mb_html(html_file)
    five_mb_jsonl(jsonl_file)
    print(f"import_articles: 5 MB HTML page {import_rate(html_file)}")
    print(f"import_articles: 5 MB JSONL file {import_rate(jsonl_file)}")
    listed, analysed, raw = upload_and_analysis()
    alone, alone_raw, alone_wall, alone_raw_wall = analysis_alone()
    print(
        "import_articles: 1,000 articles uploaded through the Import page listed in "
        f"{statistics.median(listed):.2f} s "
        f"(median of {UPLOAD_RUNS}: {', '.join(f'{t:.2f}' for t in listed)}; target <= 0.5 s; "
        f"SQLite; stored by the request, analysed by the worker polling every {WORKER_INTERVAL} s)"
    )
    print(
        f"import_articles: sentence analysis at {alone_raw / alone:.2f}x the rate of raw spaCy "
        f"(blank en + sentencizer) on the same 1,000 texts, CPU time (target >= 0.5; ours {alone:.2f} s "
        f"with reading and storing, raw {alone_raw:.2f} s, medians of 3 alternating; wall "
        f"{alone_raw_wall / alone_wall:.2f}x: {alone_wall:.2f} s against {alone_raw_wall:.2f} s)"
    )
    print(
        f"import_articles: the worker's whole background step at {raw / statistics.median(analysed):.2f}x "
        f"the rate of raw spaCy (analysis and search indexing; the suggestions warm-up only with a shared "
        f"cache; {statistics.median(analysed):.2f} s for 1,000 articles; raw {raw:.2f} s)"
    )


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
    pages_and_tasks()


if __name__ == "__main__":
    try:
        main()
    finally:
        import shutil

        shutil.rmtree(WORKDIR, ignore_errors=True)
