"""Curating the vocabulary and logging in, in real Chromium (issue 7): a lead merges and retires, an analyst
sees why she may not, and the eleventh log-in after ten failures meets the lockout message."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.models import Change, Tag, Term
from annotations.vocabulary import load_vocabulary
from tests.conftest import PASSWORD, log_in
from tests.test_browser_vocabulary import merge_on_screen

SEED = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_merges_and_retires_on_the_vocabulary_screens(page, live_server, alice, charlie):
    load_vocabulary(SEED)
    from tests.test_vocabulary_views import tagged_passage

    span = tagged_passage(Term.objects.get(slug="mike-pompeo"), alice)
    log_in(page, live_server, "charlie")
    merge_on_screen(page, live_server, "mike-pompeo", "Esper", "mark-esper")
    page.wait_for_selector(".messages >> text=Merged Mike Pompeo into Mark Esper.")
    assert Tag.objects.get(span=span).term.slug == "mark-esper"

    page.goto(f"{live_server.url}/vocabulary/terms/ali-al-sistani/")
    page.click("text=Retire…")
    page.click("button:has-text('Retire Ali al-Sistani')")
    page.wait_for_selector(".messages >> text=Retired Ali al-Sistani.")
    page.wait_for_selector(".retired-note >> text=Retired on")
    assert Change.objects.get(term=Term.objects.get(slug="ali-al-sistani"), action="retire").actor == charlie


def test_analyst_sees_why_she_may_not_curate_and_is_refused_at_the_door(page, live_server, alice):
    load_vocabulary(SEED)
    log_in(page, live_server, "alice", to="/vocabulary/terms/mike-pompeo/")
    page.wait_for_selector("text=This term belongs to the shared vocabulary: you may add aliases")
    for button in ("Edit", "Merge into…", "Retire…"):
        assert page.locator(".term-actions").get_by_text(button, exact=True).count() == 0
    response = page.goto(f"{live_server.url}/vocabulary/terms/mike-pompeo/merge/")
    assert response.status == 403
    page.wait_for_selector("[role=alert] >> text=Merging Mike Pompeo needs a lead")
    page.goto(f"{live_server.url}/vocabulary/terms/mike-pompeo/")
    page.fill("#id_name", "Secretary Pompeo")  # adding a name is every analyst's
    page.click("button:has-text('Add alias')")
    page.wait_for_selector(".alias-list >> text=Secretary Pompeo")


def test_the_eleventh_login_after_ten_failures_shows_the_lockout(page, live_server, alice):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "not-her-password")
    page.click("button[type=submit]")
    page.wait_for_selector("[role=alert]")
    # Nine more failures posted from the same browser (its cookies, its address), without drawing the page.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    statuses = []
    for _ in range(9):
        answer = page.request.post(
            f"{live_server.url}/login/",
            form={"csrfmiddlewaretoken": csrf, "username": "alice", "password": "not-her-password"},
        )
        assert 'role="alert"' in answer.text()
        statuses.append(answer.status)
    assert statuses == [200] * 8 + [429]  # the tenth failure locks
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[role=alert] >> text=Too many failed log-ins for “alice” from this address")
    assert page.url == f"{live_server.url}/login/"
    assert page.input_value("#id_username") == "alice"


def test_retire_shows_how_many_passages_use_the_term_and_cancel_changes_nothing(
    page, live_server, alice, charlie
):
    load_vocabulary(SEED)
    from tests.test_vocabulary_views import tagged_passage

    sistani = Term.objects.get(slug="ali-al-sistani")
    tagged_passage(sistani, alice)
    tagged_passage(sistani, alice, role="mentioned")
    log_in(page, live_server, "charlie", to=f"{sistani.get_absolute_url()}")
    page.click("text=Retire…")
    page.wait_for_selector(".retire-count >> text=2 passages")
    assert "2 passages in 1 article use Ali al-Sistani." in page.inner_text(".retire-count")
    page.click("text=Cancel")
    page.wait_for_url(f"{live_server.url}{sistani.get_absolute_url()}")
    assert not Term.objects.get(slug="ali-al-sistani").is_retired
    assert not Change.objects.filter(term=sistani, action="retire").exists()

    page.click("text=Retire…")
    page.click("button:has-text('Retire Ali al-Sistani')")
    page.wait_for_selector(".messages >> text=Retired Ali al-Sistani.")
    assert Term.objects.get(slug="ali-al-sistani").is_retired


def test_merge_finds_the_survivor_by_typing_part_of_its_name(page, live_server, alice, charlie):
    load_vocabulary(SEED)
    from tests.test_vocabulary_views import tagged_passage

    span = tagged_passage(Term.objects.get(slug="mike-pompeo"), alice)
    log_in(page, live_server, "charlie", to="/vocabulary/terms/mike-pompeo/merge/")
    assert page.locator("select").count() == 0  # no drop-down of every actor
    assert page.locator("#merge-candidates input[name=survivor]").count() == 0
    page.locator("#id_q").press_sequentially("esp", delay=50)  # typed, as an analyst types
    esper = Term.objects.get(slug="mark-esper")
    choice = page.locator(f"#merge-candidates input[name=survivor][value='{esper.pk}']")
    choice.wait_for()
    # The list follows the typing: the answer for "esp" narrows what "es" listed (a dozen actors).
    candidates = "document.querySelectorAll('#merge-candidates input[name=survivor]').length"
    page.wait_for_function(f"() => {candidates} < 5")
    assert page.url.endswith("/merge/")  # the list followed the typing; the page stayed
    choice.check()
    page.check("#id_confirm")
    page.click("button:has-text('Merge')")
    page.wait_for_selector(".messages >> text=Merged Mike Pompeo into Mark Esper.")
    assert Tag.objects.get(span=span).term == esper


def test_merge_works_without_javascript(page_without_javascript, live_server, alice, charlie):
    page = page_without_javascript
    load_vocabulary(SEED)
    log_in(page, live_server, "charlie", to="/vocabulary/terms/mike-pompeo/merge/")
    page.fill("#id_q", "Esper")
    page.click("button:has-text('Find')")
    esper = Term.objects.get(slug="mark-esper")
    page.check(f"#merge-candidates input[name=survivor][value='{esper.pk}']")
    page.check("#id_confirm")
    page.click("button:has-text('Merge')")
    page.wait_for_selector(".messages >> text=Merged Mike Pompeo into Mark Esper.")
    assert Term.objects.get(slug="mike-pompeo").merged_into == esper
