"""Claims in real Chromium: a claim coded by keyboard alone on the Valdai article, seen after a reload;
a new actor proposed from the tag type-ahead."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from annotations.models import Claim, Span, Term
from corpus.models import Article
from tests.conftest import load_demo
from tests.test_browser_reader import DEMO_LOGIN, code_author_claim, open_reader, select_by_script

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VALDAI = "Revenge for Qassem Soleimani's Killing: Is the Matter Closed?"
SUCHKOV_PASSAGE = (
    "That is why the United States took an unprecedentedly defiant and insidious step – the killing of "
    "the second most powerful person in the country."
)


@pytest.fixture
def valdai(live_server) -> Article:
    """The demo corpus and vocabulary as `make run` loads them; the Valdai article by Maxim Suchkov."""
    load_demo()
    return Article.objects.get(title=VALDAI)


def test_analyst_codes_a_claim_by_keyboard_alone_and_finds_it_after_reload(page, live_server, valdai):
    open_reader(page, live_server, valdai)
    select_by_script(page, valdai, SUCHKOV_PASSAGE)
    # The rules suggest the author's voice; the analyst says so anyway, by typing.
    code_author_claim(page, "2", "2")  # opposed, probable

    claim = Claim.objects.get()
    assert (claim.speaker_kind, claim.stance, claim.target.slug, claim.certainty) == (
        "author",
        "opposed",
        "united-states",
        "probable",
    )
    assert claim.attribution_type == "author_assertion"  # the suggestion, confirmed by saving it
    assert claim.span.quote == SUCHKOV_PASSAGE
    summary = "Author: Maxim Suchkov → opposed → United States"
    # Without a reload: the panel, the side list and the claim marker on the passage.
    assert summary in page.inner_text("#span-panel .claims-section")
    assert summary in page.inner_text("#side-list")
    assert page.locator(f"#body #span-{claim.span_id}.claimed").count() == 1

    page.reload()
    page.wait_for_selector("#body p")
    assert summary in page.inner_text("#side-list")


def test_a_new_actor_is_proposed_from_the_tag_type_ahead_and_tags_at_once(page, live_server, valdai):
    open_reader(page, live_server, valdai)
    select_by_script(page, valdai, "ISIS")
    page.keyboard.press("t")
    page.wait_for_selector("#select-panel:not([hidden]) input[name=q]")
    page.keyboard.type("ISIS")
    page.wait_for_selector("#select-panel [data-new-actor]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#select-panel .new-actor-types:not([hidden]) button:focus")
    page.keyboard.press("4")  # an armed group
    page.wait_for_selector("#span-panel .span-card[data-span]")

    term = Term.objects.get(label="ISIS")
    assert (term.kind, term.actor_type, term.proposed) == ("actor", "armed_group", True)
    span = Span.objects.get(quote="ISIS")
    assert [t.term_id for t in span.tags.all()] == [term.pk]


def test_analyst_changes_deletes_and_undoes_a_claim_in_the_passage_panel(page, live_server, valdai):
    analyst = User.objects.get(username=DEMO_LOGIN[0])
    start = valdai.body.index(SUCHKOV_PASSAGE)
    claim = Claim.create_with_passage(
        valdai, start, start + len(SUCHKOV_PASSAGE), SUCHKOV_PASSAGE, {"speaker_kind": "author"}, by=analyst
    )
    open_reader(page, live_server, valdai)
    page.click(f".passage-link[data-span='{claim.span_id}']")
    page.click("#span-panel .claim-open")
    page.wait_for_selector("#span-panel .claim-card[data-claim] [data-field=stance]")
    page.check("#span-panel [data-field=stance] input[value=mixed]")
    page.click("#span-panel [data-action=save-claim]")
    page.wait_for_selector(
        "#span-panel .claims-section .claim-open:has-text('Author: Maxim Suchkov → mixed')"
    )
    assert "Author: Maxim Suchkov → mixed" in page.inner_text("#side-list")

    page.click("#span-panel .claim-open")
    # The claim's own history (the passage's panel, still there until the claim comes, has one too).
    page.wait_for_selector("#span-panel .claim-card[data-claim] details.history")
    page.click("#span-panel details.history summary")
    assert "stance → Author: Maxim Suchkov → mixed" in page.inner_text("#span-panel details.history")
    page.click("#span-panel [data-action=delete-claim]")
    page.wait_for_selector("#span-panel [data-action=undo]")
    assert "→ mixed" not in page.inner_text("#side-list")
    assert Claim.objects.get(pk=claim.pk).is_deleted

    page.keyboard.press("u")  # Undo, as for passages
    page.wait_for_selector("#span-panel .claims-section .claim-open:has-text('→ mixed')")
    assert "Author: Maxim Suchkov → mixed" in page.inner_text("#side-list")
    assert not Claim.objects.get(pk=claim.pk).is_deleted


def test_a_refused_claim_shows_the_form_with_the_message_and_a_new_speaker_is_proposed(
    page, live_server, valdai
):
    open_reader(page, live_server, valdai)
    select_by_script(page, valdai, SUCHKOV_PASSAGE)
    page.keyboard.press("c")
    page.wait_for_selector("#span-panel .claim-card [data-claim-typeahead=speaker]:focus")
    page.keyboard.type("unnamed")
    page.wait_for_selector("#claim-speaker-options .suggestion[data-kind=unnamed]")
    page.keyboard.press("Enter")  # an unnamed source, not described yet
    page.wait_for_selector("input[name=unnamed_speaker]:focus")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#span-panel .claim-card .error:has-text('describe the unnamed source')")
    assert not Claim.objects.exists() and not Span.objects.exists()

    # The speaker is someone the vocabulary lacks: proposed from the type-ahead, then saved.
    page.fill("#claim-speaker", "")
    page.focus("#claim-speaker")
    page.keyboard.type("Maxim Suchkov")
    # The list of the whole name (an earlier keystroke's list may come first, and be replaced).
    options = "document.getElementById('claim-speaker-options')"
    page.wait_for_function(f"() => {options}.dataset.q === 'Maxim Suchkov'")
    page.wait_for_selector("#claim-speaker-options [data-new-actor]")
    page.keyboard.press("ArrowDown")  # past the author's voice, to "Add … as a new actor"
    page.keyboard.press("Enter")
    page.wait_for_selector("#claim-speaker-options .new-actor-types:not([hidden]) button:focus")
    page.keyboard.press("1")  # a person
    page.wait_for_function("() => document.querySelector('[data-speaker-kind]').value === 'actor'")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#span-panel .claims-section .claim")
    claim = Claim.objects.get()
    assert (claim.speaker.label, claim.speaker.proposed, claim.speaker_kind) == (
        "Maxim Suchkov",
        True,
        "actor",
    )


# Holds back the sending of a type-ahead request for `q` by 400 ms (htmx counts it as in flight meanwhile).
# Holds back by 400 ms the first options request with a query: the whole first word, or only its start
# where a slow machine paused between keystrokes longer than the type-ahead waits (120 ms).
HOLD_BACK_JS = """() => {
  const send = XMLHttpRequest.prototype.send, open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this._url = url;
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (window.heldBack || !/[?&]q=[^&]/.test(this._url)) return send.call(this, body);
    window.heldBack = true;
    setTimeout(() => send.call(this, body), 400);
  };
}"""


def test_enter_in_a_claim_type_ahead_takes_the_option_of_what_was_typed_last(page, live_server, valdai):
    """A slow answer for an earlier query must not be what Enter chooses from (htmx resolves a request
    made while another is in flight before its answer comes)."""
    open_reader(page, live_server, valdai)
    select_by_script(page, valdai, SUCHKOV_PASSAGE)
    page.keyboard.press("c")
    target = "#span-panel .claim-card [data-claim-typeahead=target]"
    page.wait_for_selector(target)
    page.evaluate(HOLD_BACK_JS)
    page.focus(target)
    page.keyboard.type("Donald")
    page.wait_for_function("() => window.heldBack === true")  # the first query is in flight, slowly
    page.keyboard.press("Control+a")
    page.keyboard.type("United States")
    page.keyboard.press("Enter")  # at once: before the first answer has come

    united_states = Term.objects.get(slug="united-states")
    page.wait_for_function(
        "(id) => document.querySelector('#span-panel form[data-claim-form] input[name=target]').value === id",
        arg=str(united_states.pk),
    )
    assert page.input_value(target) == "United States"
