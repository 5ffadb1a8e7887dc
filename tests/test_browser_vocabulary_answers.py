"""In real Chromium: a term's alias forms say what is known when the answer is not the aliases (a server
failure before or after the commit, a refusal htmx does not swap, no answer), and keep what was typed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from annotations.models import Alias, Term
from tests.conftest import log_in
from tests.db_refusals import table_missing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def iran(alice) -> Term:
    term = Term.objects.create(slug="iran", kind="actor", label="Iran")
    term.ensure_label_alias()
    term.add_alias("Persia", by=alice)
    return term


def open_term(page, live_server, username: str) -> None:
    log_in(page, live_server, username, to="/vocabulary/terms/iran/")
    page.wait_for_selector("#aliases .alias-form")


def add_alias(page, name: str) -> str:
    page.fill("#id_name", name)
    page.click("button:has-text('Add alias')")
    return page.wait_for_selector("#aliases [data-answer]").inner_text()


def test_a_failed_alias_save_says_nothing_was_saved_and_keeps_the_name(page, live_server, alice, iran):
    open_term(page, live_server, "alice")
    with table_missing("annotations_change"):  # the history is written in the alias's transaction
        said = add_alias(page, "Islamic Republic")
    assert "The server failed (request " in said and "; nothing was saved. Try again." in said
    assert page.input_value("#id_name") == "Islamic Republic"
    assert not Alias.objects.filter(name="Islamic Republic").exists()

    page.route("**/aliases/**", lambda route: route.abort("connectionreset"))
    said = add_alias(page, "Islamic Republic")
    assert said == "The server did not answer; reload to see whether it was saved."


def test_an_alias_saved_but_not_shown_says_so(page, live_server, alice, iran):
    open_term(page, live_server, "alice")
    with table_missing("annotations_tag"):  # read only to show the term's passages, after the commit
        said = add_alias(page, "Islamic Republic")
    assert "Saved, but the server failed while showing it; reload to see it" in said
    assert Alias.objects.filter(name="Islamic Republic").exists()


def test_a_refused_removal_shows_the_servers_words(page, live_server, charlie, iran):
    open_term(page, live_server, "charlie")
    # Meanwhile charlie stops being a lead: the remove button on the page (a name alice added) is now
    # refused (403).
    charlie.groups.remove(Group.objects.get(name="leads"))
    page.click("button[aria-label='Remove alias Persia']")
    said = page.wait_for_selector("#aliases [data-answer]").inner_text()
    assert "only the term's creator, whoever added the name, or a lead may remove it" in said
    assert said.endswith("Nothing was saved; reload the page.")
    assert Alias.objects.filter(name="Persia").exists()
    page.wait_for_selector(".alias-list >> text=Persia")  # the list is left as it was


def test_removing_an_alias_someone_removed_meanwhile_says_so(page, live_server, charlie, iran):
    open_term(page, live_server, "charlie")
    iran.remove_alias(Alias.objects.get(name="Persia"), by=charlie)  # in another tab
    page.click("button[aria-label='Remove alias Persia']")
    said = page.wait_for_selector("#aliases [data-answer]").inner_text()
    assert said == "It is no longer there: someone changed it meanwhile. Nothing was saved; reload the page."
