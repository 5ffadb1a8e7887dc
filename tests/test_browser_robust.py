"""In real Chromium: selections snap to whole characters, and after a failure the reader says exactly
what is known (saved / not saved / no answer), from what the server said."""

from __future__ import annotations

import pytest

from annotations.models import Span, Term
from corpus.models import Article
from tests.conftest import log_in
from tests.db_refusals import table_missing
from tests.test_browser_reader import POINT_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FLAG = "🇮🇷"
BODY = f"The flag {FLAG} of Iran flew over the embassy.\n\nTehran answered within hours."


@pytest.fixture
def article(alice) -> Article:
    Term.objects.create(slug="iran", kind="actor", label="Iran")
    return Article.objects.create(title="Flags", body=BODY, sha256=Article.hash_body(BODY))


def open_reader(page, live_server, article: Article) -> None:
    log_in(page, live_server, "alice", to=f"/articles/{article.pk}/")
    page.wait_for_selector("#body p")


def select(page, start: int, end: int, *, end_units: int = 0) -> None:
    """Select from body offset `start` to `end` (code points), `end_units` UTF-16 units further (inside
    a surrogate pair or a cluster, as a drag can), and release the mouse (reader.js opens its panel)."""
    page.evaluate(
        "([start, end, extra]) => {"
        + POINT_JS
        + """
          const [n1, i1] = point(start), [n2, i2] = point(end);
          const range = document.createRange(); range.setStart(n1, i1); range.setEnd(n2, i2 + extra);
          const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
          document.getElementById('body').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        [start, end, end_units],
    )
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]")


def form_values(page) -> list[str]:
    return page.evaluate(
        "() => ['start', 'end', 'text'].map(n => document.getElementById('select-form').elements[n].value)"
    )


def test_a_selection_of_half_a_flag_takes_the_whole_flag(page, live_server, article):
    open_reader(page, live_server, article)
    at = BODY.index(FLAG)
    select(page, at, at, end_units=2)  # the first regional indicator only
    assert form_values(page) == [str(at), str(at + 2), FLAG]
    page.keyboard.type("Iran")
    page.keyboard.press("Enter")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    assert Span.objects.get().quote == FLAG


def test_a_selection_ending_inside_the_flag_is_widened_to_its_end(page, live_server, article):
    open_reader(page, live_server, article)
    at = BODY.index("flag")
    select(page, at, BODY.index(FLAG), end_units=2)
    assert form_values(page) == [str(at), str(BODY.index(FLAG) + 2), f"flag {FLAG}"]


def save_iran(page) -> None:
    at = BODY.index("Iran")
    select(page, at, at + 4)
    page.keyboard.type("Iran")
    page.keyboard.press("Enter")


def test_after_a_save_that_could_not_be_shown_the_reader_says_it_was_saved(page, live_server, article):
    open_reader(page, live_server, article)
    # Read only after the commit, by the answer's repaint (which passages of the paragraph have claims):
    # a new passage's panel is built from what the save wrote, so its notes and history are not read
    # back, and what the answer reads whatever the save does is read before it (repaint.read_ahead).
    with table_missing("annotations_claim"):
        save_iran(page)
        alert = page.wait_for_selector("#select-panel [data-errors] .error")
        assert "Saved, but the server failed while showing it; reload to see it" in alert.inner_text()
    assert Span.objects.filter(quote="Iran").count() == 1


def test_after_a_failed_save_the_reader_says_nothing_was_saved(page, live_server, article):
    open_reader(page, live_server, article)
    with table_missing("annotations_change"):  # the save records its history in its transaction
        save_iran(page)
        alert = page.wait_for_selector("#select-panel [data-errors] .error")
        assert "; nothing was saved. Try again." in alert.inner_text()
    assert not Span.objects.exists()


def test_when_the_server_does_not_answer_the_reader_says_it_cannot_know(page, live_server, article):
    open_reader(page, live_server, article)
    page.route("**/spans/", lambda route: route.abort("connectionreset"))
    save_iran(page)
    alert = page.wait_for_selector("#select-panel [data-errors] .error")
    assert "The server did not answer; reload to see whether it was saved." in alert.inner_text()
