"""What the reader shows, in real Chromium: nested passages told apart by depth, kinds told apart without
colour, the panel docked beside the selection on a wide screen and a bottom sheet on a phone, the stored
values after a refused stale save, and no serious accessibility violation (axe-core)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db.models import Q

from annotations.models import Span, Term
from corpus.models import Article
from tests.axe import violations
from tests.conftest import PASSWORD, load_demo, log_in
from tests.test_browser_reader import (
    DEMO_LOGIN,
    DEMO_TITLE,
    POINT_JS,
    body_offsets,
    drag_select,
    open_reader,
    select_offsets,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENTENCE = "With the murder of Qasem Soleimani, the United States declared war on Iran."


@pytest.fixture
def demo(live_server) -> Article:
    load_demo()
    return Article.objects.get(title=DEMO_TITLE)


@pytest.fixture
def phone(browser) -> Iterator:
    """A page on a phone's touch screen (390 × 844), closed after the test."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def make(article: Article, text: str, slug: str, occurrence: int = 0, by: str = "analyst", **kw) -> Span:
    start, end = body_offsets(article, text, occurrence)
    term = Term.objects.get(Q(slug=slug) | Q(label=slug))
    return Span.create_for(article, start, end, text, by=User.objects.get(username=by), term=term, **kw)


def mark_at(article: Article, text: str) -> str:
    return f"#body mark[data-o='{body_offsets(article, text)[0]}']"


def style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"(el) => getComputedStyle(el).getPropertyValue('{prop}')")


def range_box(page, start: int, end: int) -> dict:
    """The viewport box of body[start:end], as it stands (no scrolling)."""
    return page.evaluate(
        "([start, end]) => {"
        + POINT_JS
        + """
          const [n1, i1] = point(start), [n2, i2] = point(end);
          const r = document.createRange(); r.setStart(n1, i1); r.setEnd(n2, i2);
          const b = r.getBoundingClientRect();
          return {left: b.left, right: b.right, top: b.top, bottom: b.bottom};
        }""",
        [start, end],
    )


def box(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector,
        "(el) => { const b = el.getBoundingClientRect();"
        " return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width}; }",
    )


def test_three_nested_passages_are_distinct_and_each_clickable(page, live_server, demo):
    sentence = make(demo, SENTENCE, "Targeted killing / assassination")  # an event
    war = make(demo, "declared war on Iran", "united-states")
    iran = make(demo, "Iran", "iran")
    tehran = make(demo, "Tehran", "iran")
    open_reader(page, live_server, demo)

    one, two, three = mark_at(demo, SENTENCE), mark_at(demo, "declared war on Iran"), mark_at(demo, "Iran")
    assert [page.get_attribute(m, "class") for m in (one, two, three)] == [
        "hl event d1",
        "hl both d2",
        "hl both d3",
    ]
    # Depth is seen at a glance: no rule under one passage, one under two, two under three.
    shadows = [style(page, m, "box-shadow") for m in (one, two, three)]
    assert shadows[0] == "none" and len(set(shadows)) == 3
    assert shadows[2].count("px") > shadows[1].count("px")
    # The kind shows by pattern, not only by colour: actor plain, event striped, both cross-hatched.
    actor_pattern = style(page, mark_at(demo, "Tehran"), "background-image")
    event_pattern, both_pattern = style(page, one, "background-image"), style(page, two, "background-image")
    assert actor_pattern == "none"
    assert event_pattern.count("gradient") == 1 and both_pattern.count("gradient") == 2

    # Each level is clickable: one passage opens, or a choice among those lying there.
    page.click(one)
    page.wait_for_selector(f"#span-panel .span-card[data-span='{sentence.pk}']")
    page.keyboard.press("Escape")
    page.click(two)
    page.wait_for_selector("#span-panel [data-open-span] >> nth=1")
    assert page.locator("#span-panel [data-open-span]").count() == 2
    page.keyboard.press("Escape")
    page.click(three)
    page.wait_for_selector("#span-panel [data-open-span] >> nth=2")
    offered = {
        int(x)
        for x in page.eval_on_selector_all(
            "#span-panel [data-open-span]", "els => els.map(e => e.dataset.openSpan)"
        )
    }
    assert offered == {sentence.pk, war.pk, iran.pk}
    page.click(f"#span-panel [data-open-span='{iran.pk}']")
    page.wait_for_selector(f"#span-panel .span-card[data-span='{iran.pk}']")
    assert tehran.pk not in offered


def test_panel_docks_beside_the_selection_on_a_wide_screen(page, live_server, demo):
    page.set_viewport_size({"width": 1400, "height": 900})  # the next test's tab is back at 1280
    open_reader(page, live_server, demo)
    text = "Tehran will now retaliate."
    drag_select(page, demo, text)
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]:focus")
    selected, panel, side = (
        range_box(page, *body_offsets(demo, text)),
        box(page, "#select-panel"),
        box(page, ".sidebar"),
    )
    assert panel["left"] >= side["left"] - 1 and panel["left"] >= selected["right"]  # in the side column
    assert abs(panel["top"] - selected["top"]) < 24  # level with the selection's line
    assert panel["right"] <= 1400


def test_panel_is_a_bottom_sheet_on_a_phone_that_leaves_the_selection_in_view(phone, live_server, demo):
    page = phone
    open_reader(page, live_server, demo)
    text = "An escalation has become inevitable."
    start, end = body_offsets(demo, text)
    # Scrolled so the sentence sits low on the screen, where a sheet would cover it.
    top = range_box(page, start, end)["top"]
    page.evaluate("(top) => window.scrollBy(0, top - window.innerHeight + 80)", top)
    select_offsets(page, start, end)
    page.keyboard.press("t")
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]:focus")
    page.keyboard.type("Iran")  # the list fills the sheet: it must not grow over the selection
    page.wait_for_selector("#select-suggestions .suggestion >> nth=3")
    panel, selected = box(page, "#select-panel"), range_box(page, start, end)
    assert panel["left"] >= 0 and panel["right"] <= 390 and panel["bottom"] <= 844
    assert panel["top"] >= 844 / 3  # a sheet at the bottom, not a full-screen cover
    assert selected["top"] >= 0 and selected["bottom"] <= panel["top"]  # the selection stays in view
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing overflows
    page.keyboard.press("Enter")
    page.wait_for_selector("#span-panel:not([hidden]) .span-card[data-span]")
    panel, selected = box(page, "#span-panel"), range_box(page, start, end)
    assert panel["left"] >= 0 and panel["right"] <= 390 and panel["bottom"] <= 844
    assert selected["top"] >= 0 and selected["bottom"] <= panel["top"]  # the new passage in view


def test_a_finger_selection_opens_the_panel_on_a_touch_screen(phone, live_server, demo):
    """A touch selection fires no mouseup: the panel opens once the selection rests, for that selection."""
    page = phone
    open_reader(page, live_server, demo)
    text = "An escalation has become inevitable."
    start, end = body_offsets(demo, text)
    para = page.locator("#body p").first.bounding_box()
    page.touchscreen.tap(para["x"] + 10, para["y"] + 5)  # a finger on the text: pointerType "touch"
    assert page.is_hidden("#select-panel")
    select_offsets(page, start, end)  # the long press and the handles, as the phone leaves them
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]:focus")
    assert page.input_value("#select-panel input[name=start]") == str(start)
    assert page.input_value("#select-panel input[name=end]") == str(end)
    assert text in page.inner_text("#select-panel [data-selection-quote]")


def test_a_selection_made_by_script_opens_nothing_for_a_mouse_user(page, live_server, demo):
    """Without a finger the panel still waits for the mouse button or a key (t, Enter): a selection that
    merely changes (a find-in-page, a script) opens nothing."""
    open_reader(page, live_server, demo)
    start, end = body_offsets(demo, "An escalation has become inevitable.")
    page.mouse.click(5, 5)
    # The click's mouseup looks at the selection in a timer of its own: let it run before the script
    # selects (under load the script's selection came first, and the mouseup took it for the mouse's).
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")
    select_offsets(page, start, end)
    page.wait_for_timeout(800)  # longer than the touch path's rest
    assert page.is_hidden("#select-panel")


def test_a_refused_stale_save_shows_the_stored_values(page, live_server, demo):
    charlie = User.objects.create_user("charlie", "charlie@example.org", PASSWORD, is_staff=True)
    span = make(demo, "Qasem Soleimani", "qasem-soleimani")
    open_reader(page, live_server, demo)
    page.click(mark_at(demo, "Qasem Soleimani"))
    tag = span.tags.get()
    role = f"#span-panel .tag[data-tag='{tag.pk}'] select"
    page.select_option(role, "source")
    page.wait_for_selector(f"#passage-{span.pk}:has-text('source')")

    # A lead changes the role meanwhile; the analyst, not knowing, picks "target": refused.
    span.refresh_from_db()
    span.change_role(tag.pk, "agent", by=charlie, version=span.version)
    page.select_option(role, "target")
    page.wait_for_selector("#span-panel .error:has-text('Someone else changed this passage (charlie')")
    assert page.eval_on_selector(role, "el => el.value") == "agent"  # the menu shows what is stored
    item = page.inner_text(f"#passage-{span.pk}")
    assert "agent" in item and "source" not in item and "target" not in item
    span.refresh_from_db()
    assert span.tags.get().role == "agent"

    # And the next save, made on what is now shown, goes through.
    page.select_option(role, "target")
    page.wait_for_selector(f"#passage-{span.pk}:has-text('target')")
    assert span.tags.get().role == "target"


def test_reader_has_no_serious_accessibility_violations(page, live_server, demo):
    make(demo, "Qasem Soleimani", "qasem-soleimani", note="The commander")
    log_in(page, live_server, *DEMO_LOGIN, to=f"/articles/{demo.pk}/")
    page.wait_for_selector("#body p")
    assert violations(page) == []  # panels closed

    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("t")
    page.keyboard.type("iran")
    page.wait_for_selector("#select-suggestions .suggestion")
    assert violations(page) == []  # the tagging panel open, its list showing

    page.keyboard.press("Escape")
    page.click(mark_at(demo, "Qasem Soleimani"))
    page.wait_for_selector("#span-panel .span-card[data-span]")
    assert violations(page) == []  # a passage's panel open
