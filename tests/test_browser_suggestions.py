"""Vocabulary suggestions in real Chromium: a confirm suggestion looks different from a certain one;
accept and reject by mouse and by keyboard; a rejected suggestion stays gone after a reload, for
another analyst too; "new actor?" adds a proposed term and tags the name with it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from annotations.models import Span, SuggestionRejection, Term
from corpus.models import Article
from tests.conftest import PASSWORD, load_demo
from tests.test_browser_reader import DEMO_TITLE, open_reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server) -> Article:
    load_demo()  # as `make run` does (tests/conftest.py)
    User.objects.create_user("bob", "bob@example.org", PASSWORD)
    return Article.objects.get(title=DEMO_TITLE)


def tehran(article: Article) -> int:
    return article.body.index("Tehran will now retaliate")


def count_named(page, term: Term, text: str) -> int:
    """How many suggestions of this term underline this text."""
    return page.evaluate(
        "([term, text]) => Array.from(document.querySelectorAll(`#body .suggest[data-term='${term}']`))"
        ".filter((el) => el.textContent === text).length",
        [str(term.pk), text],
    )


def underline(page, selector: str) -> dict[str, str]:
    return page.eval_on_selector(
        selector,
        """el => { const s = getComputedStyle(el);
                   return {style: s.textDecorationStyle, color: s.textDecorationColor,
                           line: s.textDecorationLine}; }""",
    )


def test_confirm_and_new_actor_suggestions_look_different_from_certain_ones(page, live_server, demo):
    open_reader(page, live_server, demo)
    certain = underline(page, "#body .suggest:not(.confirm):not(.new)")
    confirm = underline(page, "#body .suggest.confirm")
    new = underline(page, "#body .suggest.new")
    assert certain["line"] == confirm["line"] == new["line"] == "underline"
    assert (certain["style"], confirm["style"], new["style"]) == ("dotted", "dashed", "double")
    assert len({certain["color"], confirm["color"], new["color"]}) == 3


def test_clicking_a_confirm_suggestion_tags_it_with_its_term(page, live_server, demo):
    start = tehran(demo)
    open_reader(page, live_server, demo)
    page.click(f"#body .suggest.confirm[data-o='{start}']")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    span = Span.objects.get()
    assert (span.start, span.quote) == (start, "Tehran")
    assert [t.term.slug for t in span.tags.all()] == ["iran-government"]


def test_rejecting_by_mouse_hides_it_for_everyone_after_reload(page, live_server, demo):
    start = tehran(demo)
    government = Term.objects.get(slug="iran-government")
    open_reader(page, live_server, demo)
    assert count_named(page, government, "Tehran") >= 4
    page.hover(f"#body .suggest[data-o='{start}']")
    page.wait_for_selector("#suggest-card:not([hidden])")
    assert "Tehran" in page.inner_text("#suggest-card") and "Iranian government" in page.inner_text(
        "#suggest-card"
    )
    page.click("#suggest-card [data-suggest-action=reject]")
    page.wait_for_function(f"() => !document.querySelector(\"#body .suggest[data-o='{start}']\")")
    assert count_named(page, government, "Tehran") == 0  # every "Tehran" as the government, here
    assert page.locator("#suggest-card").is_hidden()
    assert SuggestionRejection.objects.get().term == government
    assert not Span.objects.exists()

    page.reload()
    page.wait_for_selector("#body p")
    assert count_named(page, government, "Tehran") == 0
    # bob, in a session of his own (the reader keeps nothing in the browser: the hiding is the server's).
    open_reader(page, live_server, demo, "bob", PASSWORD)
    assert page.inner_text(".logout .who") == "bob"
    assert count_named(page, government, "Tehran") == 0
    assert page.locator("#body .suggest").count() > 10  # the others stay


def test_rejecting_and_accepting_by_keyboard(page, live_server, demo):
    open_reader(page, live_server, demo)
    focused = "() => document.activeElement.matches('#body .suggest') && document.activeElement.textContent"
    page.keyboard.press("s")
    assert page.evaluate(focused) == "Qasem Soleimani"
    page.wait_for_selector("#suggest-card:not([hidden])")
    page.keyboard.press("x")
    first = demo.body.index("Qasem Soleimani")
    page.wait_for_function(f"() => !document.querySelector(\"#body .suggest[data-o='{first}']\")")
    soleimani = Term.objects.get(slug="qasem-soleimani")
    assert SuggestionRejection.objects.get().term == soleimani
    page.wait_for_selector("#suggest-card", state="hidden")
    page.keyboard.press("s")  # on to the next one, and Enter tags it
    assert page.evaluate(focused) == "United States"
    page.keyboard.press("Enter")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    assert [t.term.slug for t in Span.objects.get().tags.all()] == ["united-states"]
    assert count_named(page, soleimani, "Qasem Soleimani") == 0


def test_new_actor_adds_a_proposed_term_and_tags_the_name(page, live_server, demo):
    start = demo.body.index("Emmanuel Macron")
    open_reader(page, live_server, demo)
    page.hover(f"#body .suggest.new[data-o='{start}']")
    page.wait_for_selector("#suggest-card:not([hidden])")
    assert page.input_value("#suggest-card select[name=actor_type]") == "person"
    page.click("#suggest-card [data-suggest-action=accept]")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    macron = Term.objects.get(label="Emmanuel Macron")
    assert (macron.kind, macron.actor_type, macron.proposed) == ("actor", "person", True)
    span = Span.objects.get()
    assert (span.start, span.quote, [t.term for t in span.tags.all()]) == (start, "Emmanuel Macron", [macron])
    # The passage's run of text (marks name no passage: the one at its start offset).
    assert page.locator(f"#body mark.hl[data-o='{start}']").inner_text() == "Emmanuel Macron"
