"""The reader in real Chromium: a save is one request that updates the text, the side list, the activity
and the count; the side list loads its next page when scrolled to its end or when `k`/`j` go past it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from annotations.models import Span, Tag, Term
from annotations.views.side_list import PAGE
from corpus.models import Article
from tests.conftest import load_demo
from tests.test_browser_reader import DEMO_TITLE, drag_select, open_reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server) -> Article:
    load_demo()
    return Article.objects.get(title=DEMO_TITLE)


def save_counting_requests(page, query: str) -> tuple[int, list[str]]:
    """Type a term in the open selection panel, then Enter: the new passage, and every request from
    Enter until the page has settled."""
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]")
    page.keyboard.type(query)
    # The list of the whole query: an earlier keystroke's request could still be answering after Enter.
    page.wait_for_function(
        "(query) => (document.getElementById('select-suggestions').dataset.q || '').toLowerCase() === query",
        arg=query.lower(),
    )
    page.wait_for_selector("#select-panel .suggestion")
    requests: list[str] = []

    def note(request) -> None:
        requests.append(f"{request.method} {request.url}")

    page.on("request", note)
    page.keyboard.press("Enter")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    span_id = int(page.get_attribute("#span-panel .span-card", "data-span"))
    page.wait_for_selector(f"#side-list #passage-{span_id}")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)
    page.remove_listener("request", note)
    return span_id, requests


def test_a_save_is_one_request_that_updates_text_side_list_activity_and_count(page, live_server, demo):
    open_reader(page, live_server, demo)
    drag_select(page, demo, "Tehran will now retaliate.")
    span_id, requests = save_counting_requests(page, "Iran")
    assert requests == [f"POST {live_server.url}/articles/{demo.pk}/spans/"]
    assert page.inner_text("#passage-count") == "1 passage"
    assert "Tagged “Tehran will now retaliate.” with Iran" in page.inner_text("#activity")
    assert page.locator("#side-list .empty").is_hidden()

    # A passage earlier in the text goes before it in the list, still without another request.
    page.keyboard.press("Escape")
    drag_select(page, demo, "Qasem Soleimani")
    first, requests = save_counting_requests(page, "Soleimani")
    assert len(requests) == 1
    listed = page.eval_on_selector_all("#side-list .passage", "items => items.map(i => +i.dataset.span)")
    assert listed == [first, span_id]
    # The term just used is first among the analyst's last terms (keys 1–9), and offered in the menu.
    assert page.inner_text("#recent-terms li >> nth=0").endswith("Qasem Soleimani")
    assert page.locator("#side-filter-term option", has_text="Qasem Soleimani").count() == 1

    # Deleting takes it out of the list and the count; Undo puts it back in its place.
    page.click("#span-panel [data-action=delete]")
    page.wait_for_selector(f"#side-list #passage-{first}", state="detached")
    assert page.inner_text("#passage-count") == "1 passage"
    page.click("#span-panel [data-action=undo]")
    page.wait_for_selector(f"#side-list #passage-{first}")
    listed = page.eval_on_selector_all("#side-list .passage", "items => items.map(i => +i.dataset.span)")
    assert listed == [first, span_id] and page.inner_text("#passage-count") == "2 passages"


@pytest.fixture
def long_article(live_server) -> Article:
    """An article with more passages than one page of the side list, by the demo analyst."""
    load_demo()
    analyst = User.objects.get(username="analyst")
    body = " ".join(f"word{i}" for i in range(PAGE + 40))
    article = Article.objects.create(title="Long", body=body, sha256=Article.hash_body(body))
    term = Term.objects.active().first()
    now = timezone.now()
    spans, position = [], 0
    for word in body.split(" "):
        spans.append(
            Span(
                article=article,
                start=position,
                end=position + len(word),
                quote=word,
                created_by=analyst,
                created_at=now,
            )
        )
        position += len(word) + 1
    spans = Span.objects.bulk_create(spans)
    Tag.objects.bulk_create(Tag(span=s, term=term, role=term.default_role, created_by=analyst) for s in spans)
    return article


def test_the_side_list_loads_its_next_page_when_scrolled_to_or_walked_past(page, live_server, long_article):
    open_reader(page, live_server, long_article)
    assert page.locator("#side-list .passage").count() == PAGE
    # `k` from nowhere goes to the last passage, which is not loaded yet: the next page comes.
    page.keyboard.press("k")
    last = Span.objects.filter(article=long_article).order_by("-start").first()
    page.wait_for_selector(f"#side-list #passage-{last.pk}.current")
    assert page.locator("#side-list .passage").count() == PAGE + 40
    assert page.locator("#side-list-more").count() == 0
    page.wait_for_selector(f"#span-panel .span-card[data-span='{last.pk}']")
    assert page.locator("#body mark.focused").inner_text() == last.quote


def test_scrolling_the_side_list_to_its_end_loads_more(page, live_server, long_article):
    open_reader(page, live_server, long_article)
    page.eval_on_selector("#side-list-more", "el => el.scrollIntoView()")
    page.wait_for_function(f"() => document.querySelectorAll('#side-list .passage').length === {PAGE + 40}")
    ids = page.eval_on_selector_all("#side-list .passage", "items => items.map(i => +i.dataset.span)")
    assert ids == list(
        Span.objects.filter(article=long_article).order_by("start", "-end", "pk").values_list("pk", flat=True)
    )


@pytest.fixture
def crowded_article(live_server) -> Article:
    """A paragraph crowded with passages by the demo analyst (more than CROWDED), between two quiet ones."""
    load_demo()
    analyst = User.objects.get(username="analyst")
    middle = " ".join(f"crowd{i}" for i in range(120))
    body = "Before the crowd.\n\n" + middle + "\n\nAfter the crowd."
    article = Article.objects.create(title="Crowded", body=body, sha256=Article.hash_body(body))
    term = Term.objects.active().first()
    now = timezone.now()
    starts = [body.index(f"crowd{i} ") for i in range(110)]
    spans = Span.objects.bulk_create(
        Span(
            article=article,
            start=starts[i % 100],
            end=starts[i % 100 + 1 + i % 7] - 1,
            quote=body[starts[i % 100] : starts[i % 100 + 1 + i % 7] - 1],
            created_by=analyst,
            created_at=now,
            updated_at=now,
        )
        for i in range(300)
    )
    Tag.objects.bulk_create(Tag(span=s, term=term, role=term.default_role, created_by=analyst) for s in spans)
    return article


def test_a_save_on_a_crowded_paragraph_repaints_it_in_part_as_a_reload_shows_it(
    page, live_server, crowded_article
):
    open_reader(page, live_server, crowded_article)
    drag_select(page, crowded_article, "crowd40 crowd41")
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]")
    page.keyboard.type("Iran")
    page.wait_for_selector("#select-panel .suggestion")
    answers = []

    def note(response) -> None:
        answers.append(response)

    page.on("response", note)
    page.keyboard.press("Enter")
    page.wait_for_selector("#span-panel .span-card[data-span]")
    span_id = int(page.get_attribute("#span-panel .span-card", "data-span"))
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", note)
    assert len(answers) == 1 and "data-repaint" in answers[0].text()  # one request, the stretch only
    # The marks as drawn (the class reader.js adds to the open passage's marks aside).
    shape = (
        "p => Array.from(p.children).map(k => [k.tagName, k.id, k.className.replace(' focused', ''), "
        "k.dataset.o, k.textContent])"
    )
    repainted = page.eval_on_selector("#p-1", shape)
    assert page.locator(f"#p-1 #span-{span_id}").count() == 1 and not page.locator("#p-1 template").count()
    page.reload()
    page.wait_for_selector("#body p")
    assert page.eval_on_selector("#p-1", shape) == repainted
