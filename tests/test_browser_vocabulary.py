"""The Vocabulary screens in real Chromium: live search, adding an alias, merging two terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User

from annotations.models import Tag, Term
from annotations.vocabulary import load_vocabulary
from tests.conftest import PASSWORD, log_in

SEED = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def merge_on_screen(page, live_server, slug: str, query: str, survivor: str) -> None:
    """On the term's page: Merge into…, find the survivor by typing `query`, choose it, confirm, Merge."""
    page.goto(f"{live_server.url}/vocabulary/terms/{slug}/")
    page.click("text=Merge into…")
    # Until the merge page has loaded, htmx is not listening to the search box, and typing there would
    # send nothing (the Find button still would).
    page.wait_for_url(f"**/vocabulary/terms/{slug}/merge/")
    page.fill("#id_q", query)
    page.check(f"input[name=survivor][value='{Term.objects.get(slug=survivor).pk}']")
    page.check("#id_confirm")
    page.click("button:has-text('Merge')")


def test_analyst_searches_opens_a_term_and_adds_an_alias(page, live_server, alice):
    load_vocabulary(SEED)
    log_in(page, live_server, "alice", to="/vocabulary/")
    page.fill("#vocabulary-q", "Rohani")
    # The live search swaps in the results without a page load.
    page.wait_for_selector("#vocabulary-results >> text=1 term matching “Rohani”")
    assert page.locator("tr.term-row").count() == 1
    page.click("tr.term-row >> text=Hassan Rouhani")
    page.wait_for_selector("h1 >> text=Hassan Rouhani")

    page.fill("#id_name", "Sheikh Hassan Rouhani")
    page.click("button:has-text('Add alias')")
    page.wait_for_selector(".alias-list >> text=Sheikh Hassan Rouhani")
    assert Term.objects.get(slug="hassan-rouhani").aliases.filter(name="Sheikh Hassan Rouhani").exists()

    page.fill("#id_name", "Soleimani")
    page.click("button:has-text('Add alias')")
    page.wait_for_selector("#alias-errors >> text=“Soleimani” is already an alias of Qasem Soleimani")
    assert page.input_value("#id_name") == "Soleimani"


def test_curator_merges_two_terms(page, live_server, alice):
    load_vocabulary(SEED)
    curator = User.objects.create_user("dora", "dora@example.org", PASSWORD)
    curator.user_permissions.add(
        Permission.objects.get(codename="change_term", content_type__app_label="annotations")
    )
    from tests.test_vocabulary_views import tagged_passage

    span = tagged_passage(Term.objects.get(slug="mike-pompeo"), alice)
    log_in(page, live_server, "dora")
    merge_on_screen(page, live_server, "mike-pompeo", "Esper", "mark-esper")
    page.wait_for_selector("h1 >> text=Mark Esper")
    page.wait_for_selector(".messages >> text=Merged Mike Pompeo into Mark Esper.")
    page.wait_for_selector(".alias-list >> text=Mike Pompeo")
    assert Tag.objects.get(span=span).term.slug == "mark-esper"
    assert Term.objects.get(slug="mike-pompeo").merged_into.slug == "mark-esper"


def test_analyst_adds_an_event_type_and_the_form_fits_the_kind(page, live_server, alice):
    load_vocabulary(SEED)
    log_in(page, live_server, "alice", to="/vocabulary/new/")
    assert page.is_visible(".field-actor_type")
    page.select_option("#id_kind", "event")
    page.wait_for_selector(".field-actor_type", state="hidden")
    page.fill("#id_label", "Cyber attack")
    page.fill("#id_code", "PLOVER-ASSAULT")
    page.select_option("#id_parent", label="Air or drone strike [195]")
    page.fill("#id_aliases", "cyberattack\nhack")
    page.click("button:has-text('Add term')")
    page.wait_for_selector("h1 >> text=Cyber attack")
    created = Term.objects.get(slug="cyber-attack")
    assert created.kind == "event" and created.parent.slug == "air-drone-strike"
    assert created.alias_names() == ["Cyber attack", "cyberattack", "hack"]
