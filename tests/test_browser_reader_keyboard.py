"""The reader as an analyst lives in it all day, in real Chromium: digits after a mouse selection, a
selection made and tagged and a claim coded with the keyboard alone, the type-ahead as an ARIA
combobox, focus that comes back after Esc, and one activity line per save."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from annotations.models import Claim, Span, Term
from corpus.models import Article
from tests.conftest import PASSWORD, load_demo
from tests.test_browser_reader import (
    DEMO_LOGIN,
    DEMO_TITLE,
    body_offsets,
    code_author_claim,
    drag_select,
    open_reader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_SENTENCE = "With the murder of Qasem Soleimani, the United States declared war on Iran."
SECOND_SENTENCE = "Tehran will now retaliate."

SELECTED = "() => window.getSelection().toString()"


@pytest.fixture
def demo(live_server) -> Article:
    """The demo analyst, vocabulary and first article, as `make run` loads them."""
    load_demo()
    User.objects.create_user("bob", "bob@example.org", PASSWORD)
    return Article.objects.get(title=DEMO_TITLE)


def wait_for_new_passage(page, count: int) -> Span:
    page.wait_for_function("(n) => document.querySelectorAll('#body a[id^=span-]').length === n", arg=count)
    return Span.objects.latest("pk")


def test_a_digit_tags_with_a_recent_term_after_a_mouse_selection(page, live_server, demo):
    analyst = User.objects.get(username="analyst")
    iran = Term.objects.get(slug="iran")
    start, end = body_offsets(demo, "Iran")
    Span.create_for(demo, start, end, "Iran", by=analyst, term=iran)  # Iran is her last term
    open_reader(page, live_server, demo)

    drag_select(page, demo, "Tehran")
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]:focus")
    assert page.is_visible("#recent-hint")  # the field says what a digit does
    assert "recent-hint" in page.get_attribute("#select-panel input[name=q]", "aria-describedby")
    page.keyboard.press("1")
    span = wait_for_new_passage(page, 2)
    assert span.quote == "Tehran" and span.tags.get().term == iran
    assert page.input_value("#select-panel input[name=q]") == ""  # "1" was not typed as a name


def test_a_digit_in_the_passage_panel_adds_a_recent_term(page, live_server, demo):
    analyst = User.objects.get(username="analyst")
    iran = Term.objects.get(slug="iran")
    start, end = body_offsets(demo, "Iran")
    Span.create_for(demo, start, end, "Iran", by=analyst, term=iran)  # Iran is her last term
    start, end = body_offsets(demo, "Tehran")
    tehran = Span.create_for(demo, start, end, "Tehran", by=analyst)  # untagged
    open_reader(page, live_server, demo)

    page.click(f"#passage-{tehran.pk} .passage-link")
    add = "#span-panel .add-tag input[name=q]"
    page.wait_for_selector(add)
    assert "add-tag-hint" in page.get_attribute(add, "aria-describedby")
    assert "1–9 add one of your last nine terms" in page.inner_text("#add-tag-hint")
    page.focus(add)
    page.keyboard.press("1")
    page.wait_for_selector(f"#span-panel .span-card[data-span='{tehran.pk}'] .tag:has-text('Iran')")
    assert [t.term for t in tehran.tags.all()] == [iran]


def test_select_tag_and_code_a_claim_with_the_keyboard_alone(page, live_server, demo):
    # Log in without the mouse: the name field has focus as the page opens.
    page.goto(f"{live_server.url}/login/")
    # Chromium focuses an autofocus field at its next rendering step, which can follow the load event.
    page.wait_for_selector("input[name=username]:focus")
    page.keyboard.type(DEMO_LOGIN[0])
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_LOGIN[1])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/articles/{demo.pk}/")
    page.wait_for_selector("#body p")

    # Shift+→ puts a selection on the first word of the first paragraph in view; → moves it by a word.
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate(SELECTED) == "With"
    assert page.inner_text("#caret-status") == "Selected: With"
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert page.evaluate(SELECTED) == "Qasem"
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate(SELECTED) == "Qasem Soleimani"

    # t tags it: the panel takes focus, a name and Enter save.
    page.keyboard.press("t")
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]:focus")
    page.keyboard.type("Soleimani")
    page.keyboard.press("Enter")
    page.wait_for_selector("#select-panel", state="hidden")
    page.wait_for_selector("#span-panel:not([hidden]) .span-card[data-span]")
    span = Span.objects.get()
    assert span.quote == "Qasem Soleimani" and span.tags.get().term.slug == "qasem-soleimani"
    assert page.evaluate("() => document.getElementById('span-panel').contains(document.activeElement)")
    page.keyboard.press("Escape")
    page.wait_for_selector("#span-panel", state="hidden")
    assert page.evaluate("() => document.activeElement === document.body")

    # ↓ takes the sentence the caret is in, Shift+↓ grows it by the next sentence; c codes a claim on it.
    page.keyboard.press("ArrowDown")
    assert page.evaluate(SELECTED) == FIRST_SENTENCE
    page.keyboard.press("Shift+ArrowDown")
    assert page.evaluate(SELECTED) == f"{FIRST_SENTENCE} {SECOND_SENTENCE}"
    page.keyboard.press("Shift+ArrowLeft")  # back a word: the selection shrinks to end at "now"
    assert page.evaluate(SELECTED) == f"{FIRST_SENTENCE} Tehran will now"
    page.keyboard.press("Shift+ArrowRight")  # and forward again, to "retaliate" (a word: no full stop)
    assert page.evaluate(SELECTED) == f"{FIRST_SENTENCE} Tehran will now retaliate"
    code_author_claim(page, "2", "2")  # opposed, probable
    claim = Claim.objects.get()
    assert claim.span.quote == f"{FIRST_SENTENCE} Tehran will now retaliate"
    assert (claim.speaker_kind, claim.stance, claim.target.slug) == ("author", "opposed", "united-states")

    # The shortcuts overlay documents the keyboard selection.
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    assert "Shift" in page.inner_text("#shortcuts") and "sentence" in page.inner_text("#shortcuts")


def test_type_ahead_is_a_combobox_and_focus_comes_back_after_esc(page, live_server, demo):
    analyst = User.objects.get(username="analyst")
    start, end = body_offsets(demo, "Tehran")
    tehran = Span.create_for(demo, start, end, "Tehran", by=analyst, term=Term.objects.get(slug="iran"))
    open_reader(page, live_server, demo)
    q = "#select-panel input[name=q]"

    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("t")
    page.wait_for_selector(f"{q}:focus")
    assert page.get_attribute(q, "role") == "combobox"
    assert page.get_attribute(q, "aria-expanded") == "false"  # no list yet
    assert page.get_attribute(q, "aria-activedescendant") is None
    page.keyboard.type("iran")
    # The list of what was typed last (a slower machine may also answer "ir" first, then replace it).
    page.wait_for_function("() => document.getElementById('select-suggestions').dataset.q === 'iran'")
    page.wait_for_selector("#select-suggestions .suggestion >> nth=1")
    page.wait_for_function(f"() => document.querySelector('{q}').getAttribute('aria-expanded') === 'true'")
    active = page.get_attribute(q, "aria-activedescendant")
    assert active == page.get_attribute("#select-suggestions .suggestion[aria-selected=true]", "id")
    page.keyboard.press("ArrowDown")
    moved = page.get_attribute(q, "aria-activedescendant")
    assert moved != active
    assert moved == page.get_attribute("#select-suggestions .suggestion[aria-selected=true]", "id")
    assert page.get_attribute(q, "aria-controls") == "select-suggestions"

    # Esc: the panel closes, focus goes back where it was (the page), the list is closed.
    page.keyboard.press("Escape")
    page.wait_for_selector("#select-panel", state="hidden")
    assert page.evaluate("() => document.activeElement === document.body")
    assert page.get_attribute(q, "aria-expanded") == "false"

    # From a side-list link: Enter opens the passage, focus moves into the panel, Esc brings it back.
    link = f"#passage-{tehran.pk} .passage-link"
    page.focus(link)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#span-panel .span-card[data-span='{tehran.pk}']")
    page.wait_for_function("() => document.getElementById('span-panel').contains(document.activeElement)")
    add = "#span-panel .add-tag input[name=q]"
    assert page.get_attribute(add, "role") == "combobox"
    assert page.get_attribute(add, "aria-expanded") == "false"
    page.keyboard.press("Escape")
    page.wait_for_selector("#span-panel", state="hidden")
    assert page.evaluate(f"() => document.activeElement === document.querySelector('{link}')")


def test_one_activity_line_per_save(page, live_server, demo):
    open_reader(page, live_server, demo)
    lines = "#activity > li:not(.empty):not(.more)"
    assert page.locator(lines).count() == 0
    drag_select(page, demo, SECOND_SENTENCE)
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]:focus")
    page.keyboard.type("Iran")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the role, to the note
    page.keyboard.type("A threat")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    page.wait_for_selector(lines)
    assert page.locator(lines).count() == 1
    assert "Tagged “Tehran will now retaliate.” with Iran as mentioned, with a note" in page.inner_text(lines)

    span = Span.objects.get()
    page.select_option(f"#span-panel .tag[data-tag='{span.tags.get().pk}'] select", "target")
    page.wait_for_function(f"() => document.querySelectorAll('{lines}').length === 2")
    page.reload()
    page.wait_for_selector(lines)
    assert page.locator(lines).count() == 2  # the same after a reload
