"""Benchmark the reader on a long, heavily annotated article.

An article of 20,000 words with 2,000 overlapping passages by three analysts (each with tags, some
with notes) in a throwaway SQLite database, with the demo vocabulary loaded so that the reader
underlines its names as suggestions. Prints one line: the median server time to render the
reader (with suggestions, and with them hidden), the first render after a vocabulary change
(suggestions computed, not cached), the median time to save a new passage and get its fragment
back, and, when Chromium is available, the browser's time to interactive for that page.

    .venv/bin/python bench/reader.py
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="marginalia-bench-reader-")
DB_PATH = Path(WORKDIR) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marginalia.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from annotations.models import PREFIX_LENGTH, Note, Span, Tag, Term  # noqa: E402
from annotations.vocabulary import load_vocabulary  # noqa: E402
from corpus.models import Article  # noqa: E402

WORDS = 20_000
PASSAGES = 2_000
RENDER_RUNS = 15
SAVE_RUNS = 30
PASSWORD = "bench-password-not-secret"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def build_body(rng: random.Random) -> str:
    demo = (ROOT / "corpus" / "demo" / "000_616074d22a71f991.txt").read_text(encoding="utf-8")
    vocabulary = demo.split() + ["Soleimani’s", "Café\u0301", "“war”", "😀"]
    paragraphs, count = [], 0
    while count < WORDS:
        n = min(rng.randint(40, 140), WORDS - count)
        paragraphs.append(" ".join(rng.choice(vocabulary) for _ in range(n)))
        count += n
    return "\n\n".join(paragraphs)


def word_starts(body: str) -> list[int]:
    return [i for i in range(len(body)) if not body[i].isspace() and (i == 0 or body[i - 1].isspace())]


def random_selection(body: str, starts: list[int], rng: random.Random) -> tuple[int, int]:
    first = rng.randrange(len(starts) - 40)
    start = starts[first]
    end = starts[first + rng.randint(1, 35)] - 1
    while body[end - 1].isspace():
        end -= 1
    return start, end


def populate() -> tuple[Article, list[User], list[Term], list[int]]:
    rng = random.Random(20200103)
    call_command("migrate", verbosity=0)
    analysts = [User.objects.create_user(name, password=PASSWORD) for name in ("alice", "bob", "charlie")]
    load_vocabulary(ROOT / "annotations" / "demo" / "seed_vocabulary.json")
    terms = [
        Term.objects.create(slug=f"actor-{i}", kind="actor", label=f"Actor {i}", code=f"A{i:02}")
        for i in range(30)
    ] + [
        Term.objects.create(slug=f"event-{i}", kind="event", label=f"Event {i}", code=f"{i:03}")
        for i in range(15)
    ]
    body = build_body(rng)
    article = Article.objects.create(
        title="A long article", body=body, sha256=Article.hash_body(body), word_count=WORDS
    )
    starts = word_starts(body)
    now = timezone.now()
    spans = []
    for _ in range(PASSAGES):
        start, end = random_selection(body, starts, rng)
        spans.append(
            Span(
                article=article,
                start=start,
                end=end,
                quote=body[start:end],
                prefix=body[max(0, start - PREFIX_LENGTH) : start],
                suffix=body[end : end + PREFIX_LENGTH],
                created_by=rng.choice(analysts),
                created_at=now,
                updated_at=now,
            )
        )
    spans = Span.objects.bulk_create(spans, batch_size=500)
    tags, notes = [], []
    for span in spans:
        for term in rng.sample(terms, rng.randint(1, 3)):
            tags.append(Tag(span=span, term=term, role=term.default_role, created_by=span.created_by))
        if rng.random() < 0.3:
            notes.append(
                Note(article=article, span=span, author=span.created_by, text="A note on this passage.")
            )
    Tag.objects.bulk_create(tags, batch_size=1000)
    Note.objects.bulk_create(notes, batch_size=1000)
    return article, analysts, terms, starts


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure_server(article: Article, user: User, terms: list[Term], starts: list[int]) -> tuple:
    client = Client()
    client.force_login(user)
    url = f"/articles/{article.pk}/"
    response = client.get(url)  # warm-up: templates, caches
    assert response.status_code == 200, response.status_code
    size = len(response.content)
    renders, render_cpu = [], []
    for _ in range(RENDER_RUNS):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        renders.append(time.perf_counter() - began)
        render_cpu.append(time.process_time() - began_cpu)
        assert response.status_code == 200
    suggestions = response.content.count(b'class="suggest"')
    # The first render after a vocabulary edit: the article's names are matched again.
    term = Term.objects.get(slug="iran")
    firsts = []
    for i in range(5):
        term.description = f"Edited {i}"
        term.save()
        began = time.perf_counter()
        client.get(url)
        firsts.append(time.perf_counter() - began)
    client.post(f"/articles/{article.pk}/suggestions/", {"show": "0"})
    hidden = []
    for _ in range(RENDER_RUNS):
        began = time.perf_counter()
        client.get(url)
        hidden.append(time.perf_counter() - began)
    client.post(f"/articles/{article.pk}/suggestions/", {"show": "1"})
    suggest = (suggestions, median_ms(firsts), median_ms(hidden))
    rng = random.Random(7)
    saves, save_cpu = [], []
    for _ in range(SAVE_RUNS):
        start, end = random_selection(article.body, starts, rng)
        data = {"start": start, "end": end, "text": article.body[start:end], "term": rng.choice(terms).pk}
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.post(f"/articles/{article.pk}/spans/", data, headers={"HX-Request": "true"})
        saves.append(time.perf_counter() - began)
        save_cpu.append(time.process_time() - began_cpu)
        assert response.status_code == 200, response.content[:300]
    # CPU time of this process as well: wall time on a shared 2-core machine moves with its load.
    return (median_ms(renders), median_ms(render_cpu)), (median_ms(saves), median_ms(save_cpu)), size, suggest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_browser(article: Article) -> str:
    """domInteractive and DOMContentLoaded of the reader in headless Chromium, median of 5 loads."""
    if not Path(CHROMIUM).exists():
        return "Chromium not found, browser timing skipped"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright not installed, browser timing skipped"
    port = free_port()
    env = {**os.environ, "DEBUG": "1"}
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/login/")
            page.fill("#id_username", "alice")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            interactive, loaded = [], []
            for _ in range(5):
                page.goto(f"{base}/articles/{article.pk}/")
                timing = page.evaluate(
                    "() => { const t = performance.getEntriesByType('navigation')[0];"
                    " return [t.domInteractive, t.domContentLoadedEventEnd]; }"
                )
                interactive.append(timing[0])
                loaded.append(timing[1])
            opened, saved = responsiveness(page, article)
            browser.close()
        return (
            f"Chromium domInteractive {statistics.median(interactive):.0f} ms, "
            f"DOMContentLoaded {statistics.median(loaded):.0f} ms, "
            f"selection→panel {opened:.0f} ms, Enter→highlight {saved:.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


def responsiveness(page, article: Article) -> tuple[float, float]:
    """Medians, in the loaded page: a selection to the open panel, and Enter to the new highlight."""
    opened, saved = [], []
    rng = random.Random(11)
    starts = word_starts(article.body)
    for _ in range(5):
        start, end = random_selection(article.body, starts, rng)
        before = page.evaluate("() => document.querySelectorAll('#body a.anchor').length")
        page.evaluate(
            """([start, end]) => {
              const point = (offset) => {
                for (const el of document.querySelectorAll('#body [data-o]')) {
                  const node = el.firstChild, o = +el.dataset.o;
                  if (!node || node.nodeType !== 3) continue;
                  const chars = Array.from(node.data);
                  if (o <= offset && offset <= o + chars.length) {
                    return [node, chars.slice(0, offset - o).join('').length];
                  }
                }
              };
              const [n1, i1] = point(start), [n2, i2] = point(end);
              const r = document.createRange(); r.setStart(n1, i1); r.setEnd(n2, i2);
              const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
              if (document.activeElement) document.activeElement.blur();
            }""",
            [start, end],
        )
        began = time.perf_counter()
        page.keyboard.press("t")
        page.wait_for_selector("#select-panel:not([hidden]) input[name=q]")
        opened.append(time.perf_counter() - began)
        page.keyboard.type("Actor 1")
        page.wait_for_selector("#select-panel .suggestion")
        began = time.perf_counter()
        page.keyboard.press("Enter")
        page.wait_for_function("(n) => document.querySelectorAll('#body a.anchor').length > n", arg=before)
        saved.append(time.perf_counter() - began)
        page.keyboard.press("Escape")
    return median_ms(opened), median_ms(saved)


def main() -> None:
    article, analysts, terms, starts = populate()
    render, save, size, (suggestions, first, hidden) = measure_server(article, analysts[0], terms, starts)
    browser = measure_browser(article)
    print(
        f"reader: render {render[0]:.0f} ms median (CPU {render[1]:.0f} ms; {RENDER_RUNS} runs, "
        f"{size / 1e6:.1f} MB page, {suggestions} suggestions; {hidden:.0f} ms with suggestions hidden, "
        f"{first:.0f} ms the first time after a vocabulary edit), "
        f"save {save[0]:.0f} ms median (CPU {save[1]:.0f} ms; {SAVE_RUNS} runs); "
        f"{browser}; load average {os.getloadavg()[0]:.1f} "
        f"({WORDS:,} words, {PASSAGES:,} passages by 3 analysts, SQLite)"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        for path in Path(WORKDIR).glob("*"):
            path.unlink()
        os.rmdir(WORKDIR)
