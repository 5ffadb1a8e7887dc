"""The Claims view in real Chromium: a claim made through the ORM is listed, a filter narrows the list
live, and the claims CSV download holds the claim's row."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from tests.annotated_world import build_world
from tests.claim_helpers import build_claims
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def claims(live_server, alice, bob):
    return build_claims(build_world(alice, bob), alice, bob)


def test_claims_view_lists_a_claim_a_filter_narrows_it_and_the_csv_holds_its_row(
    page, live_server, claims, console_errors
):
    log_in(page, live_server, "alice", to="/annotations/")
    page.click("#claims-view-link")
    expect(page.locator("#claim-count")).to_have_text("5 claims")
    threat = page.locator(f"#claim-{claims.quds_threat.pk}")
    expect(threat).to_contain_text("Quds Force")
    expect(threat).to_contain_text("opposed")
    expect(threat).to_contain_text("United States")

    # Applied live by htmx, kept in the address bar.
    page.select_option("#id_speaker", "irgc")
    expect(page.locator("#claim-count")).to_have_text("1 claim")
    assert "view=claims" in page.url and "speaker=irgc" in page.url
    expect(page.locator("table.claims tbody tr")).to_have_count(1)
    page.select_option("#id_stance", "supportive")
    expect(page.locator(".empty")).to_have_text("No claim matches this filter.")
    page.select_option("#id_stance", "opposed")
    expect(page.locator("#claim-count")).to_have_text("1 claim")

    with page.expect_download() as download_info:
        page.locator(".downloads").get_by_role("link", name="Claims CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith("marginalia-all-")
    assert download.suggested_filename.endswith("-claims.csv")
    with open(download.path(), encoding="utf-8", newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert [row["claim_id"] for row in rows] == [str(claims.quds_threat.pk)]
    row = rows[0]
    assert (row["speaker"], row["speaker_kind"], row["stance"], row["target"]) == (
        "Quds Force",
        "actor",
        "opposed",
        "United States",
    )
    assert (row["claim_type"], row["certainty"], row["reporting_verb"]) == ("threat", "probable", "vowed")
    assert row["quote"] == "the IRGC vowed revenge"
    assert not [error for error in console_errors if "Content Security Policy" in error]


def test_a_bad_filter_in_the_address_shows_the_problem_and_htmx_shows_it_too(page, live_server, claims):
    log_in(page, live_server, "alice")
    response = page.goto(f"{live_server.url}/annotations/?view=claims&stance=angry")
    assert response.status == 400
    expect(page.locator(".filter-errors")).to_contain_text("“angry” is not a stance")
    # A good choice in the form replaces the error with the results.
    page.select_option("#id_stance", "neutral")
    expect(page.locator("#claim-count")).to_have_text("1 claim")
