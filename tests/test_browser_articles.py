"""The Articles list in real Chromium: the demo analyst searches, opens an article, reads it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.management.commands.load_demo import DEMO_PASSWORD, DEMO_USERNAME
from corpus.models import Article
from tests.conftest import load_demo, log_in, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VALDAI_TITLE = "Revenge for Qassem Soleimani's Killing: Is the Matter Closed?"
VALDAI_FIRST_PARAGRAPH = (
    "On January 8, in retaliation for the assassination of General Qasem Soleimani, Iran launched a series "
    "of missile strikes against US military bases in Iraq"
)


@pytest.fixture
def demo(live_server) -> None:
    load_demo()  # as `make run` does (tests/conftest.py)


def test_analyst_searches_for_suchkov_and_reads_the_valdai_article(page, live_server, demo):
    log_in(page, live_server, DEMO_USERNAME, DEMO_PASSWORD)
    page.wait_for_selector("#article-results td.article-title")
    assert page.locator("#article-results td.article-title").count() == Article.objects.count() == 5

    # Live search: typing is enough, the results and the address follow.
    page.fill("#id_q", "Suchkov")
    expect(page.locator("#article-results td.article-title")).to_have_count(1)
    page.wait_for_url(re.compile(r"\?q=Suchkov"))
    link = page.get_by_role("link", name=VALDAI_TITLE)
    assert page.locator("#article-results").inner_text().count("Maxim Suchkov") == 1

    link.click()
    article = Article.objects.get(title=VALDAI_TITLE)
    page.wait_for_url(f"{live_server.url}{article.get_absolute_url()}")
    # The reader's markup belongs to annotations; the analyst reads text, so the test does too.
    page.get_by_text(VALDAI_FIRST_PARAGRAPH[:60]).first.wait_for()
    text = page.locator("main").inner_text()
    assert VALDAI_FIRST_PARAGRAPH in text
    assert text.index(VALDAI_TITLE) < text.index(VALDAI_FIRST_PARAGRAPH)
    assert "Maxim Suchkov" in text
    assert "Field of expertise" not in text


def test_search_works_without_javascript(page_without_javascript, live_server, demo):
    page = page_without_javascript
    log_in(page, live_server, DEMO_USERNAME, DEMO_PASSWORD)
    page.fill("#id_q", "Suchkov")
    page.click(".article-filters button[type=submit]")
    page.wait_for_url(re.compile(r"\?q=Suchkov"))
    titles = page.locator("#article-results td.article-title").all_inner_texts()
    assert titles == [VALDAI_TITLE]


def test_source_filter_applies_on_change(page, live_server, demo):
    log_in(page, live_server, DEMO_USERNAME, DEMO_PASSWORD)
    page.select_option("#id_source", label="Tablet")
    expect(page.locator("#article-results td.article-title")).to_have_count(1)
    assert page.locator("#article-results td.article-title").inner_text() == "U.S. Kills Qassem Soleimani"


def test_a_spelling_the_vocabulary_knows_finds_every_article_naming_the_term(page, live_server, demo):
    from annotations.models import Term
    from annotations.permissions import OPERATOR

    soleimani = Term.objects.get(slug="qasem-soleimani")
    soleimani.add_alias("Soleimany", by=OPERATOR)
    # PostgreSQL stems "Soleimany" to "soleimani" even as typed; "Sulaymani" is read as it is on both.
    soleimani.add_alias("Sulaymani", by=OPERATOR)
    log_in(page, live_server, DEMO_USERNAME, DEMO_PASSWORD)
    titles = page.locator("#article-results td.article-title")
    expect(titles).to_have_count(5)

    page.fill("#id_q", "Soleimany")
    expect(page.locator("#names-searched")).to_contain_text("“Soleimany” is a name of Qasem Soleimani")
    expect(titles).to_have_count(5)

    page.fill("#id_q", "Sulaymani")
    names = page.locator("#names-searched")
    expect(names).to_contain_text("“Sulaymani” is a name of Qasem Soleimani: also searched")
    expect(names).to_contain_text("Qasem Soleimani, Qassem Soleimani")
    expect(titles).to_have_count(5)

    page.get_by_role("link", name="Search only the words as typed (“Sulaymani”)").click()
    expect(page.locator("#article-results")).to_contain_text("No articles match this search.")
    # The link loads a whole page: its text shows while the page is still parsing, before htmx has
    # wired the checkbox, so an untick then would send nothing.
    settle(page)
    expect(page.locator("#names-searched")).to_contain_text("Searched only the words as typed.")
    assert page.is_checked("#id_literal")
    page.uncheck("#id_literal")
    expect(titles).to_have_count(5)
