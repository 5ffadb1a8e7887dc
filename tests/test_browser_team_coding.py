"""Issue 9 end to end in real Chromium, three people taking turns at one browser tab, each in their own
session.

charlie (a lead) assigns an article to alice and bob independently from the Articles list. Each codes it
in their own session: a tag and a claim each, with two differences (bob marks a longer passage for the
same tag, and takes the opposite stance in his claim). Each checks they cannot see the other's work (the
reader, its side list, the Annotations screen), marks the article done from the reader, and then sees
the other's. charlie opens the Agreement screen (its figures are there), then compare mode, adjudicates
the two differences by keyboard (keep alice's passage, keep bob's claim), and downloads the adjudicated
claims CSV: its rows are exactly the kept units.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from annotations.models import Claim, Decision, Span, Term
from corpus.models import Article, Source
from tests.conftest import log_in, use_session
from tests.test_browser_reader import code_author_claim, drag_select, select_by_script, tag_selection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Qasem Soleimani was killed near Baghdad airport in a drone strike.\n\n"
    "Iran vowed revenge against the United States within hours of the strike.\n\n"
    "Officials in Washington said the strike had been defensive."
)
CLAIMED = "Iran vowed revenge against the United States"


@pytest.fixture
def strike(live_server, alice, bob, charlie) -> Article:
    source = Source.objects.create(name="The Wire")
    for slug, label in (("soleimani", "Qasem Soleimani"), ("iran", "Iran"), ("usa", "United States")):
        Term.objects.create(slug=slug, kind="actor", label=label)
    return Article.objects.create(
        title="The strike", body=BODY, sha256=Article.hash_body(BODY), source=source, authors="Ann Author"
    )


def open_reader(page, live_server, article: Article) -> None:
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.wait_for_selector("#body p")


def code_claim(page, article: Article, stance_key: str) -> None:
    """A claim on a new passage by keyboard: the author's voice, a stance (its number key), toward the
    United States."""
    select_by_script(page, article, CLAIMED)
    code_author_claim(page, stance_key)


def shown(page) -> tuple[set[int], set[int]]:
    """The passages drawn in the body and listed in the side list."""
    body = {
        int(i)
        for i in page.eval_on_selector_all("#body a[id^='span-']", "els => els.map(e => e.id.slice(5))")
    }
    side = {
        int(i)
        for i in page.eval_on_selector_all("#side-list li.passage", "els => els.map(e => e.dataset.span)")
    }
    return body, side


def annotations_count(page, live_server, article: Article) -> str:
    page.goto(f"{live_server.url}/annotations/?article={article.pk}")
    return page.inner_text("#passage-count")


def test_two_analysts_code_blind_then_the_lead_adjudicates_and_downloads(page, live_server, strike, tmp_path):
    """The lead and the two analysts take turns at one browser tab, each in their own session (the app
    keeps nothing in the browser but the session cookie)."""
    article = strike
    page.set_default_timeout(15_000)

    def as_(username: str):
        use_session(page, live_server, username)
        return page

    # The lead assigns the article from the Articles list: its row ticked, two analysts, independently.
    lead = as_("charlie")
    lead.goto(f"{live_server.url}/")
    lead.check(f"input[name=article][value='{article.pk}']")
    lead.click("#assign-articles button[type=submit]")
    lead.wait_for_selector("form.assign-form")
    lead.check("form.assign-form label:has-text('alice') input")
    lead.check("form.assign-form label:has-text('bob') input")
    lead.check("input[name=independent]")
    lead.click("form.assign-form button[type=submit]")
    lead.wait_for_selector("text=Assigned: 2 articles to code.")

    # Each codes in their own session: the same tag on passages of different lengths, and a claim each,
    # of opposite stances.
    alice = as_("alice")
    open_reader(alice, live_server, article)
    assert "you see only your own passages" in alice.inner_text("#blind-notice")
    drag_select(alice, article, "Qasem Soleimani")
    alices_tag = tag_selection(alice, "Qasem Soleimani")
    code_claim(alice, article, "2")  # opposed
    bob = as_("bob")
    open_reader(bob, live_server, article)
    drag_select(bob, article, "Qasem Soleimani was killed")
    bobs_tag = tag_selection(bob, "Qasem Soleimani")
    code_claim(bob, article, "1")  # supportive
    alices = set(Span.objects.filter(created_by__username="alice").values_list("pk", flat=True))
    bobs = set(Span.objects.filter(created_by__username="bob").values_list("pk", flat=True))
    assert alices_tag in alices and bobs_tag in bobs and len(alices) == len(bobs) == 2

    # Neither sees the other's work: not in the reader, its side list, nor the Annotations screen.
    for analyst, own in (("alice", alices), ("bob", bobs)):
        open_reader(as_(analyst), live_server, article)
        assert shown(page) == (own, own)
        assert page.inner_text("#passage-count") == "2 passages"
        assert annotations_count(page, live_server, article) == "2 passages"

    # Both mark the article done from the reader; then each sees the other's work.
    for analyst in ("alice", "bob"):
        open_reader(as_(analyst), live_server, article)
        page.click("#blind-notice button[type=submit]")
        page.wait_for_selector("#body p")
    for analyst in ("alice", "bob"):
        open_reader(as_(analyst), live_server, article)
        assert shown(page) == (alices | bobs, alices | bobs)
        assert annotations_count(page, live_server, article) == "4 passages"

    # The lead: the Agreement screen (from the assignment's row on My work), with its figures.
    lead = as_("charlie")
    lead.goto(f"{live_server.url}/my-work/")
    lead.click("section.assignments a:has-text('Agreement')")
    lead.wait_for_selector("table")
    figures = lead.inner_text("main")
    assert "between alice, bob" in figures and "4 passages compared" in figures
    assert re.search(r"overlap\s+alice\s+bob\s+2\s+2\s+2\s+1\.000", figures), figures

    # Compare mode, from the Agreement screen; two differences adjudicated by keyboard.
    lead.click(f"a[href^='/agreement/compare/{article.pk}/']")
    lead.wait_for_selector("form[data-decide][hx-post]")  # compare.js has wired the page
    assert "2 units, 2 with differences, 0 adjudicated." in lead.inner_text("#compare-progress")
    lead.keyboard.press("j")
    lead.keyboard.press("1")  # keep alice's "Qasem Soleimani"
    lead.wait_for_function(
        "() => document.querySelector('#compare-progress').textContent.includes('1 adjudicated')"
    )
    lead.wait_for_selector("[data-unit].current:not(.decided)")  # moved on to the next unit
    lead.keyboard.press("2")  # keep bob's claim
    lead.wait_for_function(
        "() => document.querySelector('#compare-progress').textContent.includes('2 adjudicated')"
    )
    kept = {decision.kept.created_by.username for decision in Decision.objects.current()}
    assert kept == {"alice", "bob"}

    # The adjudicated claims CSV holds exactly the kept units' claims.
    with lead.expect_download() as info:
        lead.click("#adjudicated-claims")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    bobs_claim = Claim.objects.get(created_by__username="bob")
    (row,) = rows
    assert (row["quote"], row["stance"], row["target"], row["annotator"]) == (
        CLAIMED, "supportive", "United States", "charlie",
    )  # fmt: skip
    result = Decision.objects.get(kept__claims=bobs_claim).result
    assert int(row["span_id"]) == result.pk
    # The analysts' codings stay as they were.
    assert Claim.objects.filter(created_by__username__in=["alice", "bob"], deleted_at=None).count() == 2


def test_compare_keys_reject_and_edit(page, live_server, alice, bob, charlie):
    """r rejects the current unit's versions and moves on; e opens the edit form on the current unit,
    Esc closes it; k goes back."""
    from tests.agreement_world import build_agreement_world

    world = build_agreement_world(alice, bob)
    log_in(page, live_server, "charlie", to=f"/agreement/compare/{world.article.pk}/")
    page.wait_for_selector("form[data-decide][hx-post]")
    page.keyboard.press("j")
    page.keyboard.press("r")
    page.wait_for_function(
        "() => document.querySelector('#compare-progress').textContent.includes('1 adjudicated')"
    )
    first = Decision.objects.get()
    assert (first.action, first.result) == ("reject", None)
    page.wait_for_selector("[data-unit].current:not(.decided)")
    page.keyboard.press("e")
    page.wait_for_selector("[data-unit].current details.edit[open]")
    assert page.evaluate("() => document.activeElement.closest('details.edit') !== null")
    page.keyboard.press("Escape")
    page.wait_for_selector("[data-unit].current details.edit:not([open])")
    page.keyboard.press("k")
    assert page.evaluate("() => document.querySelector('[data-unit].current').classList.contains('decided')")
