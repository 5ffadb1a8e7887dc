"""Benchmark the reader on long, heavily annotated articles: server render, page size, the save, and in
Chromium the save until the page has settled.

Each article is generated from the demo text's words (with emoji, combining marks and curly quotes),
its passages overlapping at random (1 to 35 words each) by three analysts, with one to three tags and
a note on three in ten, in a throwaway SQLite database with the demo vocabulary loaded so that the
reader underlines its names as suggestions. Server figures are medians through Django's test client:
the reader GET (render) and its size, and a new tagged passage's POST (save) and the size of its
answer. In Chromium (a real server: gunicorn as a team runs it, bench/browser.py), a save is timed from
Enter until the page has settled: every request the save causes has finished and the DOM has stopped
changing.

Default: one line for 20,000 words with 2,000 and with 10,000 passages.
`--scaling` prints the README's table instead: 2k / 20k / 100k words × 0 / 2,000 / 10,000 passages;
`--sizes 50000x5000,200000x20000` the same table at other sizes (words x passages).
`--independent`: each article is assigned independently to the measured analyst (who has marked it done)
and to a colleague with no passage on it (who has not): the independent-coding rule runs in full on
every query and hides nothing, so the figures compare with a run without it.

    .venv/bin/python bench/reader.py [--scaling | --sizes WxP,...] [--no-browser] [--independent]

`--scaling` 2026-11-29 23:10-23:15 UTC (load average 1.9, the bench's own), after the kept passage
count: render and page as at 14:56 (20,000 words with 10,000 passages 100 ms, 1.1 MB; 100,000 words
with 10,000 passages 122 ms, 2.0 MB); the saves on articles of 10,000 passages 6-13 ms of the server's
time (10-16 ms at 14:56), each settled in Chromium in 36-48 ms with one request. `--sizes
5000x5000,50000x20000,200000x20000` at 23:16: 58 ms and 480 KB, 186 ms and 2.3 MB, 256 ms and 4.0 MB;
saves settled in 31-90 ms, one request each.

`--scaling` 2026-11-29 14:56, after a suggestion's underline lost its tooltip and end (its label is
listed once on the page): 100,000 words with no passage 2.2 MB (3.3 MB before), with 10,000 passages
2.0 MB rendered in 129 ms (2.2 MB, 151 ms before); 20,000 words with 10,000 passages 108 ms, 1.1 MB.
`--sizes 5000x5000,50000x20000,200000x20000` at 14:52, before that change: 56 ms and 480 KB, 183 ms
and 2.3 MB, 248 ms and 4.4 MB; saves settled in Chromium in 32-84 ms, one request each.

Measured 2026-11-29 14:41 UTC, load average 2.1 (nothing else running): 2,000 passages render 40 ms,
485 KB, save 7 ms answering 11 KB; 10,000 passages render 101 ms, 1.1 MB, save 8 ms answering 6 KB; in
Chromium at 10,000 passages domInteractive 477 ms, a save settled in 38 ms with one request.

Measured 2026-11-29 03:10 UTC, load average 1.4 (nothing else running; Chromium's server now gunicorn,
it was runserver with DEBUG on): 2,000 passages render 49 ms (CPU 49), 484 KB, save 15 ms answering
11 KB; 10,000 passages render 116 ms (CPU 116), 1.1 MB, save 15 ms answering 6 KB; in Chromium at 10,000
passages domInteractive 497 ms, the save settled after 55 ms, one request.

Independent coding (issue 9), 2026-11-28, `--no-browser`: before the reader was narrowed (22:18, load
average 4.9) 2,000 passages rendered in 39 ms (CPU 36) and 10,000 in 97 ms (CPU 90), saves 16 ms; after
(22:31, load average 3.4) 32 ms (CPU 32) and 85 ms (CPU 84), saves 15–20 ms; with `--independent`, the
rule in full, 37 ms (CPU 36) and 103 ms (CPU 85), saves 18–33 ms. A first version that let the database
evaluate the rule's subqueries per query cost 10,000 passages 169 ms of CPU (22:26, load average 6):
the one-article form now reads the article's blind rows once per request, and the reading-order index
carries the analyst (migration 0010).

Figures after main was merged (claims' markers and side-list lines, the new suggestions), 2026-11-28
22:05 UTC, load average 1.4–3.7: 10,000 passages render 119 ms (85 ms of CPU), 1.1 MB, save 21 ms
answering 20 KB; 2,000 passages render 35 ms (31 ms of CPU), 483 KB (more suggestions underlined), save
19 ms answering 11 KB; in Chromium at 10,000 passages the save settled after 73 ms, one request. Renders
are timed with what the process holds at start frozen (gc.freeze, as in gunicorn.conf.py): unfrozen, a
full collection walks the compiled vocabulary during the render, 180 ms instead of 80.

Figures, 2026-11-28, on a machine shared by six engineers (load average 9.2): 10,000 passages render
184 ms (86 ms of CPU), 1.1 MB, save 31 ms answering 19 KB; 2,000 passages render 73 ms (34 ms of CPU),
429 KB, save 29 ms answering 9 KB; in Chromium at 10,000 passages domInteractive 710 ms and the save
settled after 67 ms, one request. Before issue 13 (same day, load average 1.4): 10,000 passages
rendered in 498 ms, 10.9 MB, save answering 121 KB, and in Chromium the save settled after 1,407 ms,
three requests (the POST, then the whole side list and the activity fetched again); 2,000 passages
57 ms, 1.6 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
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

from annotations.models import (  # noqa: E402
    AssignedArticle,
    Assignment,
    Note,
    Span,
    Tag,
    Term,
)
from annotations.permissions import leads_group  # noqa: E402
from annotations.vocabulary import load_vocabulary  # noqa: E402
from bench.browser import CHROMIUM, logged_in_page  # noqa: E402
from corpus.models import Article  # noqa: E402

RENDER_RUNS = 9
SAVE_RUNS = 15
BROWSER_SAVES = 7
PASSWORD = "bench-password-not-secret"
# Every passage starts with an anchor `<a id="span-N">`, before and after this markup change.
ANCHORS = "#body a[id^='span-']"


def build_body(rng: random.Random, words: int) -> str:
    demo = (ROOT / "corpus" / "demo" / "000_616074d22a71f991.txt").read_text(encoding="utf-8")
    vocabulary = demo.split() + ["Soleimani’s", "Café\u0301", "“war”", "😀"]
    paragraphs, count = [], 0
    while count < words:
        n = min(rng.randint(40, 140), words - count)
        paragraphs.append(" ".join(rng.choice(vocabulary) for _ in range(n)))
        count += n
    return "\n\n".join(paragraphs)


def word_starts(body: str) -> list[int]:
    return [i for i in range(len(body)) if not body[i].isspace() and (i == 0 or body[i - 1].isspace())]


def random_selection(body: str, starts: list[int], rng: random.Random) -> tuple[int, int]:
    first = rng.randrange(max(1, len(starts) - 40))
    start = starts[first]
    end = starts[min(len(starts) - 1, first + rng.randint(1, 35))] - 1
    while body[end - 1].isspace():
        end -= 1
    return start, end


class World:
    """The analysts and terms every generated article shares."""

    def __init__(self, independent: bool = False) -> None:
        call_command("migrate", verbosity=0)
        self.analysts = [User.objects.create_user(n, password=PASSWORD) for n in ("alice", "bob", "charlie")]
        self.independent = independent
        if independent:
            self.colleague = User.objects.create_user("dave", password=PASSWORD)
            self.lead = User.objects.create_user("lead", password=PASSWORD)
            self.lead.groups.add(leads_group())
        load_vocabulary(ROOT / "annotations" / "demo" / "seed_vocabulary.json")
        self.terms = [
            Term.objects.create(slug=f"actor-{i}", kind="actor", label=f"Actor {i}", code=f"A{i:02}")
            for i in range(30)
        ] + [
            Term.objects.create(slug=f"event-{i}", kind="event", label=f"Event {i}", code=f"{i:03}")
            for i in range(15)
        ]

    def article(self, words: int, passages: int, seed: int = 20200103) -> Article:
        rng = random.Random(seed + words + passages)
        body = build_body(rng, words)
        article = Article.objects.create(
            title=f"{words:,} words, {passages:,} passages",
            body=body,
            sha256=Article.hash_body(body),
            word_count=words,
        )
        starts = word_starts(body)
        now = timezone.now()
        spans = []
        for _ in range(passages):
            start, end = random_selection(body, starts, rng)
            spans.append(Span.unsaved(article, start, end, by=rng.choice(self.analysts), at=now))
        spans = Span.objects.bulk_create(spans, batch_size=500)
        tags, notes = [], []
        for span in spans:
            for term in rng.sample(self.terms, rng.randint(1, 3)):
                tags.append(Tag(span=span, term=term, role=term.default_role, created_by=span.created_by))
            if rng.random() < 0.3:
                notes.append(
                    Note(article=article, span=span, author=span.created_by, text="A note on this passage.")
                )
        Tag.objects.bulk_create(tags, batch_size=1000)
        Note.objects.bulk_create(notes, batch_size=1000)
        if self.independent:
            measured = self.analysts[0]
            Assignment.hand_out([article], [measured, self.colleague], by=self.lead, independent=True)
            task = AssignedArticle.objects.get(article=article, analyst=measured)
            task.set_status("done", by=measured, version=task.version)
        return article


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure_server(world: World, article: Article) -> dict:
    """Median render and save through the test client, with the sizes of the page and the answer."""
    client = Client()
    client.force_login(world.analysts[0])
    url = f"/articles/{article.pk}/"
    response = client.get(url)  # warm-up: templates, suggestions cached
    assert response.status_code == 200, response.status_code
    # What the process holds by now (spaCy, the vocabulary compiled for the suggestions, the world just
    # built) is moved out of the collector's sight, as gunicorn.conf.py does in the warmed master before
    # it forks the workers: otherwise a full collection during a render walks it all (on 2026-11-28, at
    # 10,000 passages with the demo vocabulary compiled, 180 ms instead of 80).
    gc.collect()
    gc.freeze()
    renders, render_cpu = [], []
    for _ in range(RENDER_RUNS):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        renders.append(time.perf_counter() - began)
        render_cpu.append(time.process_time() - began_cpu)
    page_bytes = len(response.content)
    rng = random.Random(7)
    starts = word_starts(article.body)
    saves, answers = [], []
    for _ in range(SAVE_RUNS):
        start, end = random_selection(article.body, starts, rng)
        data = {
            "start": start,
            "end": end,
            "text": article.body[start:end],
            "term": rng.choice(world.terms).pk,
        }
        began = time.perf_counter()
        response = client.post(f"/articles/{article.pk}/spans/", data, headers={"HX-Request": "true"})
        saves.append(time.perf_counter() - began)
        assert response.status_code == 200, response.content[:300]
        answers.append(len(response.content))
    return {
        "render": median_ms(renders),
        # CPU time as well: on a shared machine the wall time moves with the load, this much less.
        "render_cpu": median_ms(render_cpu),
        "page": page_bytes,
        "save": median_ms(saves),
        "answer": max(answers),
    }


# Records, in the page, when Enter went down and when #body or the side panels last changed, so that
# "settled" is measured by the browser's own clock, not by Python polling it.
SETTLE_PROBE = """() => {
  window.__bench = {enter: 0, lastMutation: 0};
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') window.__bench.enter = performance.now();
  }, true);
  new MutationObserver(() => { window.__bench.lastMutation = performance.now(); })
    .observe(document.querySelector('#reader'), {childList: true, subtree: true, attributes: true});
}"""
SETTLED = """() => {
  const b = window.__bench;
  const caused = performance.getEntriesByType('resource').filter(r => r.startTime >= b.enter);
  const lastResponse = Math.max(b.enter, ...caused.map(r => r.responseEnd));
  return [Math.max(lastResponse, b.lastMutation) - b.enter, caused.length];
}"""


def measure_browser(articles: list[Article]) -> dict[int, dict]:
    """Per article: domInteractive, and a save from Enter until the page settled (medians)."""
    if not Path(CHROMIUM).exists():
        return {}
    results = {}
    with logged_in_page("alice", PASSWORD, timeout_ms=60_000) as (page, base):
        for article in articles:
            interactive = []
            for _ in range(3):
                page.goto(f"{base}/articles/{article.pk}/")
                interactive.append(
                    page.evaluate("() => performance.getEntriesByType('navigation')[0].domInteractive")
                )
            settled, requests = saves_until_settled(page, article)
            results[article.pk] = {
                "interactive": statistics.median(interactive),
                "settled": settled,
                "requests": requests,
            }
    return results


def saves_until_settled(page, article: Article) -> tuple[float, int]:
    """Select, `t`, type a term, Enter: the median time until the page settled, and the requests."""
    page.evaluate(SETTLE_PROBE)
    rng = random.Random(11)
    starts = word_starts(article.body)
    settled, requests = [], []
    for _ in range(BROWSER_SAVES):
        start, end = random_selection(article.body, starts, rng)
        before = page.evaluate(f'() => document.querySelectorAll("{ANCHORS}").length')
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
        page.keyboard.press("t")
        page.wait_for_selector("#select-panel:not([hidden]) input[name=q]")
        page.keyboard.type("Actor 1")
        page.wait_for_selector("#select-panel .suggestion")
        page.evaluate("() => performance.clearResourceTimings()")
        page.keyboard.press("Enter")
        page.wait_for_function(
            f'(n) => document.querySelectorAll("{ANCHORS}").length > n', arg=before, polling=50
        )
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # no request and no DOM change for a while: settled
        elapsed, count = page.evaluate(SETTLED)
        settled.append(elapsed)
        requests.append(count)
        page.keyboard.press("Escape")
    return statistics.median(settled), max(requests)


def kb(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def one_line(world: World, browser: bool) -> None:
    words, sizes = 20_000, (2_000, 10_000)
    articles = [world.article(words, passages) for passages in sizes]
    server = {article.pk: measure_server(world, article) for article in articles}
    chromium = measure_browser(articles[-1:]) if browser else {}
    parts = []
    for passages, article in zip(sizes, articles, strict=True):
        s = server[article.pk]
        parts.append(
            f"{passages:,} passages render {s['render']:.0f} ms (CPU {s['render_cpu']:.0f}), "
            f"page {kb(s['page'])}, save {s['save']:.0f} ms answering {kb(s['answer'])}"
        )
    rule = ", independent coding" if world.independent else ""
    line = f"reader ({words:,} words{rule}): " + "; ".join(parts)
    if chromium:
        c = chromium[articles[-1].pk]
        line += (
            f"; Chromium at {sizes[-1]:,} passages: domInteractive {c['interactive']:.0f} ms, "
            f"save settled {c['settled']:.0f} ms ({c['requests']} request{'s' if c['requests'] > 1 else ''})"
        )
    line += (
        f"; load average {os.getloadavg()[0]:.1f} (targets: render ≤ 150 ms, page ≤ 1.5 MB, answer ≤ 20 KB)"
    )
    print(line)


README_GRID = [(w, p) for w in (2_000, 20_000, 100_000) for p in (0, 2_000, 10_000)]


def sizes(text: str) -> list[tuple[int, int]]:
    """`--sizes 50000x5000,200000x20000`: (words, passages) pairs."""
    try:
        pairs = [tuple(int(n) for n in pair.lower().split("x")) for pair in text.split(",") if pair.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: sizes are WORDSxPASSAGES, comma-separated") from None
    if not pairs or any(len(pair) != 2 or pair[0] < 1 or pair[1] < 0 for pair in pairs):
        raise argparse.ArgumentTypeError(f"{text!r}: sizes are WORDSxPASSAGES, comma-separated")
    return pairs


def scaling(world: World, browser: bool, grid: list[tuple[int, int]] = README_GRID) -> None:
    """The README's table (or the `--sizes` given): one row per article size."""
    articles = [world.article(w, p) for w, p in grid]
    server = {article.pk: measure_server(world, article) for article in articles}
    chromium = measure_browser(articles) if browser else {}
    print(
        "| words | passages | render (CPU) | page | save (server) | save answer | save settled in Chromium |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for (words, passages), article in zip(grid, articles, strict=True):
        s, c = server[article.pk], chromium.get(article.pk)
        settled = f"{c['settled']:.0f} ms ({c['requests']} req.)" if c else "—"
        print(
            f"| {words:,} | {passages:,} | {s['render']:.0f} ms ({s['render_cpu']:.0f}) | {kb(s['page'])} "
            f"| {s['save']:.0f} ms "
            f"| {kb(s['answer'])} | {settled} |"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scaling", action="store_true", help="print the README's scaling table")
    parser.add_argument(
        "--sizes", type=sizes, help="the table at these sizes instead, e.g. 50000x5000,200000x20000"
    )
    parser.add_argument("--no-browser", action="store_true", help="server figures only")
    parser.add_argument(
        "--independent", action="store_true", help="the articles assigned independently (the rule in full)"
    )
    args = parser.parse_args()
    world = World(independent=args.independent)
    if args.sizes:
        scaling(world, not args.no_browser, args.sizes)
    else:
        (scaling if args.scaling else one_line)(world, not args.no_browser)


if __name__ == "__main__":
    try:
        main()
    finally:
        for path in Path(WORKDIR).glob("*"):
            path.unlink()
        os.rmdir(WORKDIR)
