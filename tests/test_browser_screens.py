"""Every screen at a phone's, a tablet's and a desktop's width, in real Chromium (issue 11): nothing
spills past the right edge of the window. Tables may scroll sideways inside their own wrapper
(`overflow-x: auto`); nothing else may. With MARGINALIA_SCREENSHOTS=1 (`make screenshots`) each screen is
also written to docs/screens/<screen>-<width>.png; the overflow checks run either way."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Assignment, Claim, SavedSet, Span, Status, Term
from corpus.importers.jobs import start_import_job
from corpus.models import Article
from tests.agreement_world import build_agreement_world
from tests.conftest import load_demo, log_in, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS_DIR = Path(__file__).resolve().parent.parent / "docs" / "screens"
WIDTHS = {390: 844, 768: 1024, 1400: 900}

# Every visible element whose box passes the window's right edge, unless an ancestor scrolls sideways on
# purpose (a table's wrapper, overflow-x auto or scroll); and the document's own scroll width.
OVERFLOW = """() => {
  const edge = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x === "auto" || x === "scroll") return true;
    }
    return false;
  };
  const name = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).join(".") : "";
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (classes ? "." + classes : "");
  };
  const over = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= edge + 1) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || clipped(el)) continue;
    const text = (el.textContent || "").trim().slice(0, 40);
    over.push(name(el) + " right=" + Math.round(box.right) + " (" + text + ")");
  }
  return {edge: edge, scrollWidth: document.documentElement.scrollWidth, over: over.slice(0, 8)};
}"""


@dataclass
class Screen:
    name: str
    path: str
    status: int = 200


def build_screens(alice, bob, charlie) -> list[Screen]:
    """The demo, with passages, a claim, a saved set, an import job, an independent assignment and a
    two-coder article: every screen has something to show."""
    load_demo()
    article = max(Article.objects.all(), key=lambda a: len(a.body))
    soleimani, usa = Term.objects.get(slug="qasem-soleimani"), Term.objects.get(label="United States")
    spans = []
    for word, term, role in (("Soleimani", soleimani, "target"), ("Trump", usa, "agent")):
        start = article.body.index(word)
        spans.append(Span.create_for(article, start, start + len(word), word, by=alice, term=term, role=role))
    coded = {"speaker_kind": "actor", "speaker": usa.pk, "stance": "opposed", "target": soleimani.pk}
    Claim.create_on(spans[1], coded, by=bob)
    target = "term=qasem-soleimani&role=target"
    saved = SavedSet.objects.create(owner=charlie, name="Soleimani as target", query=target)
    job = start_import_job([SimpleUploadedFile("note.txt", b"A note\n\nOn the strike.")], charlie)
    two = build_agreement_world(alice, bob)
    assignment = Assignment.hand_out([two.article, article], [alice, bob], by=charlie, independent=True)
    for task in assignment.tasks.filter(article=two.article):
        task.set_status(Status.DONE, by=task.analyst, version=task.version)
    scope = f"article={two.article.pk}"
    overlap = f"{scope}&section=passages&measure=overlap&a=alice&b=bob"
    return [
        Screen("articles", "/"),
        Screen("articles-names-searched", "/?q=Suleimani"),
        Screen("import", "/import/"),
        Screen("job", job.get_absolute_url()),
        Screen("reader", f"/articles/{article.pk}/"),
        Screen("annotations", "/annotations/"),
        Screen("annotations-claims", "/annotations/?view=claims"),
        Screen("annotations-refused", "/annotations/?published_from=2020-02-01&published_to=2020-01-01", 400),
        Screen("saved-set", f"/annotations/sets/{saved.pk}/"),
        Screen("vocabulary", "/vocabulary/"),
        Screen("term", "/vocabulary/terms/qasem-soleimani/"),
        Screen("term-new", "/vocabulary/new/"),
        Screen("term-edit", "/vocabulary/terms/qasem-soleimani/edit/"),
        Screen("vocabulary-import", "/vocabulary/import/"),
        Screen("merge", "/vocabulary/terms/esmail-qaani/merge/?q=Soleimani"),
        Screen("retire", "/vocabulary/terms/qasem-soleimani/retire/"),
        Screen("rejected-suggestions", "/vocabulary/rejected/"),
        Screen("my-work", "/my-work/"),
        Screen("assign", f"/assignments/new/?article={article.pk}"),
        Screen("agreement", f"/agreement/?{scope}"),
        Screen("disagreements", f"/agreement/disagreements/?{overlap}"),
        Screen("compare", f"/agreement/compare/{two.article.pk}/"),
        Screen("network-refused", "/analysis/network/?mode=three-mode", 400),
        Screen("page-400", "/?q=%00", 400),
        Screen("page-404", "/articles/999999/", 404),
    ]


def look(page, url: str, screen: str, expected: int, shots: bool) -> list[str]:
    """Open the screen once and say what spills past the window's edge at each width (nothing, if all is
    well): the window is resized, as a phone turned or a window dragged narrower, and whatever that
    brings into view (a lazy list's next page) has loaded before the check."""
    response = page.goto(url)
    settle(page)
    problems = []
    if response.status != expected:
        problems.append(f"{screen}: status {response.status}, expected {expected}")
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        found = page.evaluate(OVERFLOW)
        if found["scrollWidth"] > found["edge"] or found["over"]:
            problems.append(f"{screen} at {width}px: page {found['scrollWidth']}px wide; {found['over']}")
        if shots:
            SCREENS_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENS_DIR / f"{screen}-{width}.png"))
    return problems


def test_every_screen_fits_every_width_screenshot(page, live_server, alice, bob, charlie):
    screens = build_screens(alice, bob, charlie)
    shots = os.environ.get("MARGINALIA_SCREENSHOTS") == "1"
    page.set_default_timeout(15_000)
    problems = look(page, f"{live_server.url}/login/", "login", 200, shots)
    log_in(page, live_server, "charlie")
    for screen in screens:
        problems += look(page, live_server.url + screen.path, screen.name, screen.status, shots)
    assert not problems, "\n".join(problems)


def test_the_vocabulary_and_articles_screens_have_no_serious_accessibility_violations(
    page, live_server, charlie
):
    from tests.axe import violations

    load_demo()
    log_in(page, live_server, "charlie")
    found = {}
    for path in (
        "/?q=Suleimani",
        "/?q=Suleimani&literal=1",
        "/vocabulary/",
        "/vocabulary/terms/qasem-soleimani/",
        "/vocabulary/terms/esmail-qaani/merge/?q=Soleimani",
        "/vocabulary/terms/qasem-soleimani/retire/",
        "/import/",
        "/my-work/",
    ):
        page.goto(live_server.url + path)
        settle(page)
        found[path] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}
