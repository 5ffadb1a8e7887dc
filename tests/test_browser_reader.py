"""The annotation loop in real Chromium: select with the mouse, tag, note, reload, overlap, delete, undo,
tag by keyboard alone, tag a vocabulary suggestion by click or key, and a colleague who cannot change
the passage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from annotations.models import Note, Span, Term
from corpus.models import Article
from tests.conftest import PASSWORD, load_demo, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_TITLE = "Targeted Killing of Qasem Soleimani: A Step into War"
DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def demo(live_server) -> Article:
    """The demo analyst, vocabulary and first article, as `make run` loads them."""
    load_demo()  # as `make run` does (tests/conftest.py)
    User.objects.create_user("bob", "bob@example.org", PASSWORD)
    return Article.objects.get(title=DEMO_TITLE)


DEMO_LOGIN = ("analyst", "marginalia-demo")


def open_reader(
    page, live_server, article: Article, username: str = "analyst", password: str = DEMO_LOGIN[1]
):
    log_in(page, live_server, username, password, to=f"/articles/{article.pk}/")
    page.wait_for_selector("#body p")


# Finds the DOM point of a body offset (code points) through the data-o attributes, as reader.js does:
# the text node that holds the character at the offset (or, at the very end, the last one).
POINT_JS = """
  const point = (offset) => {
    let last = null;
    for (const el of document.querySelectorAll('#body [data-o]')) {
      const node = el.firstChild;
      if (!node || node.nodeType !== Node.TEXT_NODE) continue;
      const chars = Array.from(node.data), o = +el.dataset.o;
      if (o <= offset && offset < o + chars.length) {
        return [node, chars.slice(0, offset - o).join('').length];
      }
      if (offset === o + chars.length) last = [node, node.data.length];
    }
    return last;
  };
"""


def body_offsets(article: Article, text: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = article.body.index(text, start + 1)
    return start, start + len(text)


def text_box(page, start: int, end: int) -> dict:
    """Viewport points just inside the first and last characters of body[start:end]."""
    return page.evaluate(
        "([start, end]) => {"
        + POINT_JS
        + """
          const [n1, i1] = point(start), [n2, i2] = point(end - 1);
          n1.parentElement.scrollIntoView({block: 'center'});
          const first = document.createRange(); first.setStart(n1, i1); first.setEnd(n1, i1 + 1);
          const last = document.createRange(); last.setStart(n2, i2); last.setEnd(n2, i2 + 1);
          const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
          return {x1: a.left + 1, y1: (a.top + a.bottom) / 2, x2: b.right - 1, y2: (b.top + b.bottom) / 2};
        }""",
        [start, end],
    )


def drag_select(page, article: Article, text: str, occurrence: int = 0) -> None:
    """A real mouse drag from the first to the last character of the text."""
    box = text_box(page, *body_offsets(article, text, occurrence))
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()


def select_offsets(page, start: int, end: int, *, blur: bool = False) -> None:
    """Put the selection on body[start:end] by script, as a phone's handles leave it; with `blur`, focus
    leaves whatever held it, as after keyboard selection."""
    page.evaluate(
        "([start, end, blur]) => {"
        + POINT_JS
        + """
          const [n1, i1] = point(start), [n2, i2] = point(end);
          const r = document.createRange(); r.setStart(n1, i1); r.setEnd(n2, i2);
          const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
          if (blur && document.activeElement && document.activeElement.blur) document.activeElement.blur();
        }""",
        [start, end, blur],
    )


def select_by_script(page, article: Article, text: str, occurrence: int = 0) -> None:
    """Put the selection on the text as keyboard selection would, without the mouse."""
    select_offsets(page, *body_offsets(article, text, occurrence), blur=True)


def code_author_claim(page, stance_key: str, certainty_key: str | None = None) -> None:
    """On the selected text, by keyboard alone: c, the author's voice typed, a stance (its number key)
    toward the United States, a certainty (its number key) when given; saved with Ctrl+Enter."""
    page.keyboard.press("c")
    page.wait_for_selector("#span-panel .claim-card [data-claim-typeahead=speaker]:focus")
    page.keyboard.type("author")
    page.wait_for_selector("#claim-speaker-options .suggestion[data-kind=author]")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-speaker-kind]').value === 'author'")
    for _field in ("speaker_role", "attribution_type", "reporting_verb", "claim_type", "stance"):
        page.keyboard.press("Tab")
    page.keyboard.press(stance_key)
    page.keyboard.press("Tab")
    page.keyboard.type("United States")
    page.wait_for_selector("#claim-target-options .suggestion[data-label='United States']")
    page.keyboard.press("Enter")
    if certainty_key is not None:
        page.keyboard.press("Tab")
        page.keyboard.press(certainty_key)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#span-panel .claims-section .claim")


def mark_text(page, span_id: int) -> str:
    """The text of the passage's marks: the runs between its start and end (marks name no passage)."""
    span = Span.objects.get(pk=span_id)
    return page.evaluate(
        "([start, end]) => Array.from(document.querySelectorAll('#body mark.hl'))"
        ".filter(m => +m.dataset.o >= start && +m.dataset.o < end).map(m => m.textContent).join('')",
        [span.start, span.end],
    )


def first_mark(span_id: int) -> str:
    """A selector for the passage's first mark."""
    return f"#body mark[data-o='{Span.objects.get(pk=span_id).start}']"


def tag_selection(page, query: str) -> int:
    """Type in the open selection panel, press Enter, wait for the new passage's panel; its id."""
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]")
    before = Span.objects.count()
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    page.wait_for_selector("#select-panel", state="hidden")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    assert Span.objects.count() == before + 1
    return int(page.get_attribute("#span-panel .span-card", "data-span"))


def test_analyst_tags_by_mouse_notes_and_finds_it_after_reload(page, live_server, demo):
    open_reader(page, live_server, demo)
    drag_select(page, demo, "Qasem Soleimani")
    span_id = tag_selection(page, "Soleimani")

    span = Span.objects.get(pk=span_id)
    assert span.quote == "Qasem Soleimani"
    assert demo.body[span.start : span.end] == "Qasem Soleimani"
    assert [(t.term.label, t.role) for t in span.tags.all()] == [("Qasem Soleimani", "mentioned")]
    assert mark_text(page, span_id) == "Qasem Soleimani"  # highlighted without a reload

    page.fill("#span-panel .note-form textarea", "Commander of the Quds Force; the trigger of the crisis.")
    page.click("#span-panel .note-form button[type=submit]")
    page.wait_for_selector("#span-panel .note-text:has-text('Commander of the Quds Force')")

    page.reload()
    page.wait_for_selector(first_mark(span_id))
    assert mark_text(page, span_id) == "Qasem Soleimani"
    snippet = page.locator("#side-list .note-snippet").first.inner_text()
    assert snippet.startswith("Commander of the Quds Force")
    page.click(first_mark(span_id))
    page.wait_for_selector("#span-panel .note-text:has-text('Commander of the Quds Force')")
    assert Note.objects.get(span=span).author.username == "analyst"


def test_overlap_delete_undo_and_keyboard_tagging(page, live_server, demo):
    open_reader(page, live_server, demo)
    drag_select(page, demo, "Qasem Soleimani")
    first = tag_selection(page, "Soleimani")
    page.keyboard.press("Escape")

    # An overlapping passage: the whole opening sentence, tagged with an event.
    drag_select(page, demo, "With the murder of Qasem Soleimani, the United States declared war on Iran.")
    second = tag_selection(page, "killing")
    assert Span.objects.get(pk=second).tags.get().role == "event"
    both = page.locator(first_mark(first))  # where the name lies, both passages do
    assert both.inner_text() == "Qasem Soleimani"
    assert "d2" in both.get_attribute("class") and "both" in both.get_attribute("class")
    assert mark_text(page, first) == "Qasem Soleimani"
    page.wait_for_selector("#side-list .passage >> nth=1")

    # Clicking where both passages lie offers a choice.
    page.keyboard.press("Escape")
    both.click()
    page.wait_for_selector(f"#span-panel [data-open-span='{first}']")
    page.click(f"#span-panel [data-open-span='{second}']")
    page.wait_for_selector(f"#span-panel .span-card[data-span='{second}']")

    # Delete the overlapping one, then undo: it comes back with its tag.
    page.click("#span-panel [data-action=delete]")
    page.wait_for_selector("#span-panel [data-action=undo]")
    assert Span.objects.get(pk=second).deleted_at is not None
    assert page.locator(f"#body #span-{second}").count() == 0
    assert "d2" not in both.get_attribute("class")
    page.click("#span-panel [data-action=undo]")
    page.wait_for_selector(f"#body #span-{second}", state="attached")
    restored = Span.objects.get(pk=second)
    assert restored.deleted_at is None and restored.tags.count() == 1

    # Keyboard alone: select, `t`, type, Enter; then key 1 reuses the last term.
    page.keyboard.press("Escape")
    select_by_script(page, demo, "Tehran", occurrence=0)
    page.keyboard.press("t")
    third = tag_selection(page, "Tehran")
    assert Span.objects.get(pk=third).quote == "Tehran"
    page.keyboard.press("Escape")
    select_by_script(page, demo, "Iran", occurrence=1)
    before = Span.objects.count()
    page.keyboard.press("1")
    page.wait_for_function(
        "(n) => document.querySelectorAll('#body a[id^=span-]').length === n", arg=before + 1
    )
    newest = Span.objects.latest("pk")
    assert newest.quote == "Iran" and newest.tags.get().term == Span.objects.get(pk=third).tags.get().term

    # Arrow keys choose among the suggestions; Tab reaches the role and the note; Ctrl+Enter saves.
    page.keyboard.press("Escape")
    select_by_script(page, demo, "Washington")
    page.keyboard.press("t")
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]")
    page.keyboard.type("iran")
    page.wait_for_selector("#select-panel .suggestion >> nth=1")
    page.keyboard.press("ArrowDown")
    second_choice = page.get_attribute("#select-panel .suggestion[aria-selected=true]", "data-term")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "role"
    page.keyboard.press("ArrowDown")  # the first named role: source
    page.keyboard.press("Tab")
    page.keyboard.type("Washington as the speaker.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#select-panel", state="hidden")
    page.wait_for_selector("#span-panel .note-text:has-text('Washington as the speaker.')")
    washington = Span.objects.get(quote="Washington")
    assert [(str(t.term_id), t.role) for t in washington.tags.all()] == [(second_choice, "source")]

    # j/k walk the passages; x deletes the focused one, u undoes.
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.wait_for_selector("#body mark.focused")
    # Wait until the panel shows the passage that j focused (not the one open before).
    page.wait_for_function(
        "() => { const c = document.querySelector('#span-panel .span-card[data-span]'),"
        " p = document.querySelector('.passage.current');"
        " return c && p && c.dataset.span === p.dataset.span; }"
    )
    focused = page.get_attribute("#span-panel .span-card", "data-span")
    page.keyboard.press("x")
    page.wait_for_selector("#span-panel [data-action=undo]")
    assert Span.objects.get(pk=focused).deleted_at is not None
    page.keyboard.press("u")
    page.wait_for_selector("#span-panel [data-action=delete]")
    assert Span.objects.get(pk=focused).deleted_at is None

    # `?` shows the shortcuts.
    page.keyboard.press("?")
    page.wait_for_selector("#shortcuts:not([hidden])")


def test_clicking_a_suggestion_tags_it_at_once_and_it_stays_after_reload(page, live_server, demo):
    start, end = body_offsets(demo, "Qasem Soleimani")
    soleimani = Term.objects.get(slug="qasem-soleimani")
    open_reader(page, live_server, demo)
    suggestion = page.locator(f"#body .suggest[data-o='{start}']")
    assert suggestion.inner_text() == "Qasem Soleimani"
    assert suggestion.get_attribute("data-term") == str(soleimani.pk)

    suggestion.click()
    page.wait_for_selector("#span-panel .span-card[data-span]")
    span = Span.objects.get()
    assert (span.start, span.end, span.quote) == (start, end, "Qasem Soleimani")
    assert [(t.term, t.role) for t in span.tags.all()] == [(soleimani, "mentioned")]
    assert mark_text(page, span.pk) == "Qasem Soleimani"  # the highlight, without a reload
    assert page.locator(f"#body .suggest[data-o='{start}']").count() == 0
    assert page.locator("#select-panel").is_hidden()
    # The rest of the paragraph keeps its suggestions.
    united_states = body_offsets(demo, "United States")[0]
    assert page.locator(f"#body .suggest[data-o='{united_states}']").count() == 1

    page.reload()
    page.wait_for_selector(f"#body #span-{span.pk}", state="attached")
    assert mark_text(page, span.pk) == "Qasem Soleimani"
    assert page.locator(f"#body .suggest[data-o='{start}']").count() == 0


def test_keyboard_s_walks_the_suggestions_and_enter_tags_one(page, live_server, demo):
    open_reader(page, live_server, demo)
    focused = "() => document.activeElement.matches('#body .suggest') && document.activeElement.textContent"
    page.keyboard.press("s")
    assert page.evaluate(focused) == "Qasem Soleimani"  # the first one in view
    page.keyboard.press("s")
    assert page.evaluate(focused) == "United States"
    page.keyboard.press("Enter")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    span = Span.objects.get()
    assert span.quote == "United States" and span.start == body_offsets(demo, "United States")[0]
    assert [(t.term.slug, t.role) for t in span.tags.all()] == [("united-states", "mentioned")]
    assert mark_text(page, span.pk) == "United States"

    # `s` carries on after the one just tagged.
    page.keyboard.press("s")
    assert page.evaluate(focused) == "Iran"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#body a[id^=span-]').length === 2")
    assert sorted(Span.objects.values_list("quote", flat=True)) == ["Iran", "United States"]


def test_hiding_suggestions_in_the_browser(page, live_server, demo):
    open_reader(page, live_server, demo)
    assert page.locator("#body .suggest").count() > 10
    page.click("#suggestions-toggle button")
    page.wait_for_selector("#suggestions-toggle button:has-text('Show suggestions')")
    assert page.locator("#body .suggest").count() == 0
    page.keyboard.press("s")  # nothing to go to; selection and tagging still work
    drag_select(page, demo, "Qasem Soleimani")
    tag_selection(page, "Soleimani")
    assert page.locator("#body .suggest").count() == 0
    page.click("#suggestions-toggle button")
    page.wait_for_selector("#suggestions-toggle button:has-text('Hide suggestions')")
    assert page.locator("#body .suggest").count() > 10
    # The card names the term from the labels the page lists once, which showing them again brought back.
    suggestion = page.locator("#body .suggest:not(.new):not(.confirm)").first
    term = Term.objects.get(pk=suggestion.get_attribute("data-term"))
    suggestion.hover()
    page.wait_for_selector("#suggest-card:not([hidden])")
    assert f"“{suggestion.inner_text()}” → {term.label}" in page.inner_text("#suggest-card")


def test_colleague_cannot_change_analysts_passage(page, live_server, demo):
    open_reader(page, live_server, demo)
    drag_select(page, demo, "Qasem Soleimani")
    span_id = tag_selection(page, "Soleimani")
    page.context.clear_cookies()

    open_reader(page, live_server, demo, username="bob", password=PASSWORD)
    page.click(first_mark(span_id))
    page.wait_for_selector("#span-panel .span-card")
    assert page.locator("#span-panel [data-action=delete]").count() == 0  # no controls offered
    # Forcing the request anyway is refused and shown.
    status = page.evaluate(
        """async (id) => {
          const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
          const r = await fetch(`/spans/${id}/delete/`, {method: 'POST', headers: {'X-CSRFToken': token},
            body: new URLSearchParams({version: '1'})});
          return r.status;
        }""",
        span_id,
    )
    assert status == 403
    assert Span.objects.get(pk=span_id).deleted_at is None


def test_screenshot_of_reader_with_passages(page, live_server, demo):
    """Makes docs/reader.png when MARGINALIA_SCREENSHOTS=1 (make screenshots); otherwise checks the page."""
    analyst = User.objects.get(username="analyst")
    body = demo.body
    terms = Term.objects.active()
    soleimani = terms.matching("Soleimani").first()
    killing = terms.events().matching("killing").first()
    Note.objects.create(article=demo, author=analyst, text="Compare the France 24 account of the strike.")
    for text, term, role in [
        ("Qasem Soleimani", soleimani, "target"),
        ("the United States declared war on Iran", terms.matching("United States").first(), "agent"),
        ("With the murder of Qasem Soleimani, the United States declared war on Iran.", killing, "event"),
        ("Tehran will now retaliate.", terms.matching("Iran").first(), "agent"),
    ]:
        start = body.index(text)
        Span.create_for(demo, start, start + len(text), text, by=analyst, term=term, role=role)
    open_reader(page, live_server, demo)
    page.click("#body mark.hl >> nth=0")
    page.wait_for_selector("#span-panel .span-card")
    assert page.locator("#side-list .passage").count() == 4
    # The reader loads at most 100 KB of JavaScript, htmx (50 KB) included (README, "Reading and tagging").
    scripts = page.evaluate(
        "() => performance.getEntriesByType('resource').filter(r => r.initiatorType === 'script')"
        ".map(r => r.decodedBodySize)"
    )
    assert scripts and sum(scripts) <= 100 * 1024, scripts
    # The CSV's `link` column: /articles/<id>/#span-<id> lands on the passage, marked.
    last = Span.objects.latest("pk")
    page.goto(f"{live_server.url}{last.get_absolute_url()}")
    page.wait_for_selector(f"#body mark.focused[data-o='{last.start}']")
    page.wait_for_selector(f"#span-panel .span-card[data-span='{last.pk}']")  # and its panel opens
    page.keyboard.press("Escape")
    page.evaluate("() => window.scrollTo(0, 0)")
    tehran = Span.objects.get(quote="Tehran will now retaliate.")
    tehran.add_note("Retaliation came on 8 January: missiles on Ain al-Asad.", by=analyst)
    page.click(first_mark(tehran.pk))
    page.wait_for_selector("#span-panel .span-card .note-text")
    if os.environ.get("MARGINALIA_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=str(DOCS / "reader.png"))


def test_selection_across_paragraphs_with_emoji_and_combining_marks(page, live_server, demo):
    """Code points, not UTF-16 units: the browser's offsets match Python's, across a paragraph break."""
    body = "Intro 😀 line with “quotes”.\n\nCafe\u0301 👩\u200d🔬 owners said so.\nSecond line.\n\nThe end."
    article = Article.objects.create(title="Emoji", body=body, sha256=Article.hash_body(body))
    open_reader(page, live_server, article)
    drag_select(page, article, "line with “quotes”.\n\nCafe\u0301 👩\u200d🔬 owners")
    span_id = tag_selection(page, "Soleimani")
    span = Span.objects.get(pk=span_id)
    assert span.quote == "line with “quotes”.\n\nCafe\u0301 👩\u200d🔬 owners"
    assert body[span.start : span.end] == span.quote
    assert span.start == body.index("line")
    assert mark_text(page, span_id) == span.quote.replace("\n\n", "")


def test_panel_adds_tag_changes_role_and_shows_a_stale_save(page, live_server, demo):
    analyst = User.objects.get(username="analyst")
    charlie = User.objects.create_user("charlie", "charlie@example.org", PASSWORD, is_staff=True)
    start, end = body_offsets(demo, "Qasem Soleimani")
    soleimani = Term.objects.active().matching("Soleimani").first()
    span = Span.create_for(demo, start, end, "Qasem Soleimani", by=analyst, term=soleimani)
    open_reader(page, live_server, demo)
    page.click(first_mark(span.pk))
    page.wait_for_selector("#span-panel .add-tag input[name=q]")

    page.fill("#span-panel .add-tag input[name=q]", "")
    page.click("#span-panel .add-tag input[name=q]")
    page.keyboard.type("killing")
    page.keyboard.press("Enter")
    page.wait_for_selector("#span-panel .tag >> nth=1")
    assert sorted(span.tags.values_list("role", flat=True)) == ["event", "mentioned"]
    assert "both" in page.get_attribute(first_mark(span.pk), "class")

    page.select_option(f"#span-panel .tag[data-tag='{span.tags.get(term=soleimani).pk}'] select", "target")
    page.wait_for_selector("#span-panel .history li:has-text('role mentioned → target')", state="attached")
    assert span.tags.get(term=soleimani).role == "target"

    # charlie (a lead) changes the passage meanwhile; the analyst's next save is refused, nothing lost.
    span.refresh_from_db()
    span.change_role(span.tags.get(term=soleimani).pk, "agent", by=charlie, version=span.version)
    page.click(f"#span-panel .tag[data-tag='{span.tags.get(term=soleimani).pk}'] button")
    page.wait_for_selector("#span-panel .error:has-text('Someone else changed this passage (charlie')")
    assert span.tags.count() == 2 and span.tags.get(term=soleimani).role == "agent"


def test_article_note_and_side_list_filter_without_reload(page, live_server, demo):
    analyst = User.objects.get(username="analyst")
    bob = User.objects.get(username="bob")
    soleimani = Term.objects.active().matching("Soleimani").first()
    for text, user, role in [("Qasem Soleimani", analyst, "target"), ("Tehran will now retaliate.", bob, "")]:
        start, end = body_offsets(demo, text)
        Span.create_for(demo, start, end, text, by=user, term=soleimani, role=role)
    open_reader(page, live_server, demo)
    assert page.locator("#side-list .passage").count() == 2

    page.select_option("#side-filter select[name=who]", "mine")
    page.wait_for_function("() => document.querySelectorAll('#side-list .passage').length === 1")
    page.select_option("#side-filter select[name=who]", "")
    page.wait_for_function("() => document.querySelectorAll('#side-list .passage').length === 2")
    page.select_option("#side-filter select[name=role]", "target")
    page.wait_for_function("() => document.querySelectorAll('#side-list .passage').length === 1")
    assert "Qasem Soleimani" in page.inner_text("#side-list")

    # Choosing a passage in the list scrolls to it and marks it.
    page.click("#side-list .passage-link")
    page.wait_for_selector("#body mark.focused")
    assert page.inner_text("#body mark.focused") == "Qasem Soleimani"

    page.fill("#article-note-text", "Read with the Tablet piece.")
    page.click("#article-notes button[type=submit]")
    page.wait_for_selector("#article-notes .note-text:has-text('Read with the Tablet piece.')")
    page.wait_for_selector("#activity li:has-text('Noted on the article')")
    assert Note.objects.get(span=None).text == "Read with the Tablet piece."


def test_reading_works_with_javascript_off(page_without_javascript, live_server, demo):
    page = page_without_javascript
    analyst = User.objects.get(username="analyst")
    start, end = body_offsets(demo, "Qasem Soleimani")
    soleimani = Term.objects.active().matching("Soleimani").first()
    Span.create_for(
        demo, start, end, "Qasem Soleimani", by=analyst, term=soleimani, note="Quds Force commander"
    )
    log_in(page, live_server, *DEMO_LOGIN, to=f"{demo.get_absolute_url()}")
    assert page.inner_text("h1") == DEMO_TITLE
    assert page.inner_text("#body mark.hl") == "Qasem Soleimani"
    side = page.inner_text("#side-list")
    assert "Qasem Soleimani" in side and "Quds Force commander" in side and "analyst" in side
    assert page.inner_text("#body p >> nth=0").startswith("With the murder of Qasem Soleimani")
