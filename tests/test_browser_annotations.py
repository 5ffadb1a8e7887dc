"""The Annotations screen in real Chromium: filter to one actor, see the count change, download the CSV."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.models import SavedSet
from tests.annotated_world import build_world, make_span
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def world(live_server, alice, bob):
    world = build_world(alice, bob)
    # A few more passages tagged by the two actors, so that filtering to one visibly changes the count.
    make_span(world.killing, "drone strike", alice, tags=((world.usa, "agent"), (world.strike, "event")))
    make_span(world.killing, "near the airport", bob, tags=((world.usa, "mentioned"),))
    make_span(world.revenge, "officials spoke of a measured response", bob, tags=((world.irgc, "source"),))
    return world


def open_screen(page, live_server) -> list[str]:
    """Log in as alice, open the Annotations screen; returns the browser's console errors as they come."""
    errors: list[str] = []
    log_in(page, live_server, "alice")
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/annotations/")
    expect(page.locator("#passage-count")).to_have_text("7 passages")
    return errors


def test_filter_to_one_actor_updates_the_count_and_the_csv_has_those_passages(page, live_server, world):
    errors = open_screen(page, live_server)

    page.select_option("#id_term", "irgc")
    # Applied live by htmx: no submit, and the address bar keeps the filter for bookmarks.
    expect(page.locator("#passage-count")).to_have_text("3 passages")
    assert "term=irgc" in page.url
    rows = page.locator("table.passages tbody tr")
    expect(rows).to_have_count(3)

    with page.expect_download() as download_info:
        page.locator(".downloads").get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith("marginalia-all-") and download.suggested_filename.endswith(
        ".csv"
    )
    with open(download.path(), encoding="utf-8", newline="") as exported:
        table = list(csv.DictReader(exported))
    shown = {int(row.get_attribute("id").removeprefix("passage-")) for row in rows.all()}
    assert {int(row["span_id"]) for row in table} == shown
    assert {row["quote"] for row in table} == {
        "The Quds Force commander",
        "the IRGC vowed revenge",
        "officials spoke of a measured response",
    }
    assert not [error for error in errors if "Content Security Policy" in error]


def test_typing_text_filters_as_you_type_and_the_set_can_be_saved(page, live_server, world):
    open_screen(page, live_server)
    page.fill("#id_q", "elite unit")  # in a note, not a quote
    expect(page.locator("#passage-count")).to_have_text("1 passage")
    expect(page.locator("table.passages")).to_contain_text("The Quds Force commander")

    page.fill("#id_set_name", "Elite unit notes")
    page.click(".save-set button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Saved the set “Elite unit notes”.")
    expect(page.locator("#saved-sets")).to_contain_text("Elite unit notes")
    assert SavedSet.objects.get().query == "q=elite+unit"
    # The bookmarked address gives the same set after a reload.
    page.reload()
    expect(page.locator("#passage-count")).to_have_text("1 passage")
    assert page.input_value("#id_q") == "elite unit"


def test_invalid_filter_in_the_address_shows_the_problem(page, live_server, world):
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/annotations/?published_from=2020-02-30")
    expect(page.locator(".filter-errors")).to_contain_text("Enter a date as YYYY-MM-DD.")


def test_screenshot_of_the_annotations_screen(page, live_server, world):
    """Makes docs/annotations.png when MARGINALIA_SCREENSHOTS=1 (make screenshots); else checks the page."""
    open_screen(page, live_server)
    page.select_option("#id_kind", "actor")
    expect(page.locator("#passage-count")).to_have_text("6 passages")
    SavedSet.objects.create(owner=world.us_kills.created_by, name="Actors", query="kind=actor")
    page.reload()
    expect(page.locator("#saved-sets")).to_contain_text("Actors")
    if os.environ.get("MARGINALIA_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / "annotations.png"), full_page=True)
