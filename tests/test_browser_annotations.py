"""The Annotations screen in real Chromium: filter to one actor, see the count change, download the CSV."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.models import SavedSet
from tests.annotated_world import build_world, make_article, make_span
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


def open_screen(page, live_server) -> None:
    """Log in as alice, open the Annotations screen."""
    log_in(page, live_server, "alice", to="/annotations/")
    expect(page.locator("#passage-count")).to_have_text("7 passages")


def test_filter_to_one_actor_updates_the_count_and_the_csv_has_those_passages(
    page, live_server, world, console_errors
):
    open_screen(page, live_server)

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
    assert not [error for error in console_errors if "Content Security Policy" in error]


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
    log_in(page, live_server, "alice", to="/annotations/?published_from=2020-02-30")
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


# --- Issue 11: the screen as an analyst lives in it all day ----------------------------------------------

# Every control of the filter box whose right edge passes the box's own (the box is measured inside its
# border).
SPILLS_OUT = """() => {
  const form = document.querySelector("#span-filter");
  const box = form.getBoundingClientRect();
  return [...form.querySelectorAll("label, input, select, fieldset, button, a")]
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([el, at]) => at.width > 0 && at.right > box.right - 1)
    .map(([el, at]) => (el.id || el.tagName) + " right=" + Math.round(at.right));
}"""


def test_two_downloads_of_a_saved_set_have_distinct_names_with_set_and_format(page, live_server, world):
    SavedSet.objects.create(owner=world.us_kills.created_by, name="IRGC agents", query="term=irgc")
    open_screen(page, live_server)
    page.locator("#saved-sets").get_by_role("link", name="IRGC agents").click()
    expect(page.locator("#passage-count")).to_have_text("3 passages")
    expect(page.locator(".set-bar .count")).to_contain_text("the set “IRGC agents”")
    names = []
    for label in ("CSV", "CSV for Excel"):
        with page.expect_download() as download_info:
            page.locator(".downloads").get_by_role("link", name=label, exact=True).click()
        names.append(download_info.value.suggested_filename)
    plain, excel = names
    assert plain != excel
    assert plain.startswith("marginalia-irgc-agents-") and plain.endswith(".csv"), plain
    assert excel.startswith("marginalia-irgc-agents-") and excel.endswith("-excel.csv"), excel


def test_at_phone_width_the_filters_stay_inside_their_box(page, live_server, world):
    # A real title's length: the Article choice is as wide as its longest title.
    title = "What led to the US killing of top Iranian Commander Qasem Soleimani and what lies ahead?"
    article = make_article(title, "Soleimani was killed. " * 5, world.france24, None)
    make_span(article, "Soleimani", world.us_kills.created_by, tags=((world.soleimani, "target"),))
    log_in(page, live_server, "alice")
    page.set_viewport_size({"width": 390, "height": 844})
    for view in ("", "?view=claims"):
        page.goto(f"{live_server.url}/annotations/{view}")
        page.wait_for_selector("#span-filter")
        assert page.evaluate(SPILLS_OUT) == [], view
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_backwards_date_range_names_the_field_by_its_label_keeps_the_dates(page, live_server, world):
    open_screen(page, live_server)
    page.fill("#id_published_from", "2020-02-01")
    page.fill("#id_published_to", "2020-01-01")
    page.click("#span-filter button[type=submit]")
    errors = page.locator(".filter-errors")
    expect(errors).to_contain_text("Published to: The published range ends (2020-01-01) before it starts")
    assert "published_to" not in errors.inner_text()
    assert page.input_value("#id_published_from") == "2020-02-01"
    assert page.input_value("#id_published_to") == "2020-01-01"
    # The whole page, as a bookmark or without JavaScript, says the same.
    page.goto(f"{live_server.url}/annotations/?published_from=2020-02-01&published_to=2020-01-01")
    expect(page.locator(".filter-errors")).to_contain_text("Published to:")
    assert page.input_value("#id_published_to") == "2020-01-01"


def test_no_saved_set_yet_names_the_button_as_it_is(page, live_server, world):
    open_screen(page, live_server)
    expect(page.locator("#saved-sets")).to_contain_text("then “Save set”")
    assert page.locator(".save-set button").inner_text() == "Save set"


def test_the_annotations_screen_has_no_serious_accessibility_violations(page, live_server, world):
    from tests.axe import violations

    open_screen(page, live_server)
    assert violations(page) == []
    page.goto(f"{live_server.url}/annotations/?view=claims")
    page.wait_for_selector("#span-filter")
    assert violations(page) == []
    page.goto(f"{live_server.url}/annotations/?published_from=2020-02-01&published_to=2020-01-01")
    assert violations(page) == []
