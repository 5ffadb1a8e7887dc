"""Independent coding in the reader, over real HTTP with three users (alice and bob code "Strike" blind,
charlie leads) and dave, a colleague not assigned (tests/blind_world.py): what each sees on the page,
in its fragments and through each endpoint, before and after both coders are done. Another analyst's
hidden passage, claim or note answers exactly as a missing id does."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from annotations.models import Change, Claim, Decision, Note, Span
from tests.blind_world import build_blind_world
from tests.conftest import as_user

HX = {"HX-Request": "true"}
MISSING = 987_654


def build_cast(alice, bob, charlie, dave):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_blind_world(alice, bob, charlie, dave)


@pytest.fixture
def world(cast):
    return cast.world


def reader(user, world, query: str = "") -> str:
    response = as_user(user).get(reverse("annotations:reader", args=[world.article.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def anchors(html: str) -> set[int]:
    """The passages drawn in the body."""
    return {int(pk) for pk in re.findall(r'<a id="span-(\d+)"', html)}


def listed(html: str) -> set[int]:
    """The passages in the side list."""
    return {int(pk) for pk in re.findall(r'<li id="passage-(\d+)"', html)}


def both_done(world, alice, bob) -> None:
    world.mark_done(alice)
    world.mark_done(bob)


# --- The page ------------------------------------------------------------------------------------------


def test_reader_shows_a_blind_coder_only_their_own_passages_claims_notes_and_activity(world, alice):
    html = reader(alice, world)
    assert anchors(html) == listed(html) == {world.alices.pk}
    assert '<span id="passage-count" class="count">1 passage</span>' in html
    assert "alice remarks" in html and "alice on the article" in html
    assert "bob remarks" not in html and "bob on the article" not in html
    assert "Tagged “Qasem Soleimani”" in html
    assert "Tagged “Iran vowed revenge”" not in html and "Tagged “United States”" not in html
    assert "Claim on “Iran vowed revenge”" not in html
    # The term menu lists the terms of the passages shown only.
    assert f'<option value="{world.soleimani.pk}"' in html and f'<option value="{world.iran.pk}"' not in html
    assert "you see only your own passages, claims and notes on this article until you mark it done" in html


def test_each_blind_coder_sees_only_their_own(world, bob):
    html = reader(bob, world)
    assert anchors(html) == listed(html) == {world.bobs.pk}
    assert "bob remarks" in html and "alice remarks" not in html and 'class="anchor claimed"' in html


def test_colleague_not_assigned_sees_neither_coder(world, dave):
    html = reader(dave, world)
    assert anchors(html) == listed(html) == {world.daves.pk}
    assert "alice on the article" not in html and "bob on the article" not in html
    assert "Independent coding" not in html  # dave does not code it


def test_lead_sees_everything_and_gets_the_compare_switch(world, charlie):
    html = reader(charlie, world)
    assert anchors(html) == listed(html) == {world.alices.pk, world.bobs.pk, world.daves.pk}
    assert "bob remarks" in html and "alice on the article" in html
    compare = reverse("analysis:compare", args=[world.article.pk])
    assert f'href="{compare}?assignment={world.assignment.pk}"' in html


def test_a_coder_who_is_done_still_does_not_see_the_other_until_both_are(world, alice, bob):
    world.mark_done(alice)
    html = reader(alice, world)
    assert anchors(html) == {world.alices.pk, world.daves.pk}  # a colleague's who is not assigned
    assert "your colleagues’ work shows once every coder has" in html
    assert anchors(reader(bob, world)) == {world.bobs.pk}


def test_once_both_are_done_everyone_sees_everything(world, alice, bob, dave):
    both_done(world, alice, bob)
    everything = {world.alices.pk, world.bobs.pk, world.daves.pk}
    for user in (alice, bob, dave):
        html = reader(user, world)
        assert anchors(html) == listed(html) == everything
        assert "bob remarks" in html and "alice on the article" in html and "bob on the article" in html
        assert "Tagged “Iran vowed revenge”" in html and "Independent coding" not in html


def test_the_blind_coder_marks_the_article_done_from_the_reader(world, alice):
    client = as_user(alice)
    url = reverse("annotations:reader", args=[world.article.pk])
    html = client.get(url).content.decode()
    action = re.search(r'<form id="blind-notice"[^>]*action="([^"]+)"', html).group(1)
    version = re.search(r'name="version" value="(\d+)"', html.split('id="blind-notice"')[1]).group(1)
    response = client.post(action, {"status": "done", "version": version, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert "you marked this article done" in client.get(url).content.decode()


# --- Fragments: side list and its paging, activity and its paging, choose -----------------------------


def test_side_list_pages_and_filters_leave_out_the_other_coder(world, alice):
    client = as_user(alice)
    url = reverse("annotations:side-list", args=[world.article.pk])
    assert listed(client.get(url, headers=HX).content.decode()) == {world.alices.pk}
    assert listed(client.get(url, {"after": "0.1.1"}, headers=HX).content.decode()) == set()
    by_iran = client.get(url, {"term": world.iran.pk}, headers=HX).content.decode()
    assert listed(by_iran) == set()


def test_activity_and_its_pages_leave_out_the_other_coder(world, alice, bob):
    client = as_user(alice)
    url = reverse("annotations:article-activity", args=[world.article.pk])
    html = client.get(url, headers=HX).content.decode()
    assert "Tagged “Qasem Soleimani”" in html and "<strong>bob</strong>" not in html
    bobs_change = Change.objects.filter(actor=bob, object_type="span").get()
    hidden = client.get(url, {"before": bobs_change.pk}, headers=HX)
    missing = client.get(url, {"before": MISSING}, headers=HX)
    assert hidden.status_code == missing.status_code == 200 and hidden.content == missing.content


def test_choosing_at_a_point_only_the_other_coder_marked_finds_nothing(world, alice, charlie):
    url = reverse("annotations:span-choose", args=[world.article.pk])
    inside_bobs = world.bobs.start + 2
    unmarked = world.article.body.index("Officials")
    hidden = as_user(alice).get(url, {"at": inside_bobs}, headers=HX)
    nothing = as_user(alice).get(url, {"at": unmarked}, headers=HX)
    assert hidden.status_code == 200 and hidden.content == nothing.content
    assert (
        f'data-span="{world.bobs.pk}"'
        in as_user(charlie).get(url, {"at": inside_bobs}, headers=HX).content.decode()
    )


# --- Another coder's passage, claim or note answers as if it did not exist -----------------------------


def _same_as_missing(client, method: str, url_name: str, hidden_id: int, data: dict | None = None) -> None:
    call = getattr(client, method)
    args = (data or {},) if method == "post" else ()
    hidden = call(reverse(url_name, args=[hidden_id]), *args, headers=HX)
    missing = call(reverse(url_name, args=[MISSING]), *args, headers=HX)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_the_other_coders_passage_answers_404_as_a_missing_one(world, alice):
    client = as_user(alice)
    version = {"version": world.bobs.version}
    _same_as_missing(client, "get", "annotations:span-panel", world.bobs.pk)
    _same_as_missing(client, "post", "annotations:span-tag-add", world.bobs.pk, {"term": world.iran.pk})
    _same_as_missing(client, "post", "annotations:span-note-add", world.bobs.pk, {"text": "peek"})
    _same_as_missing(client, "post", "annotations:span-delete", world.bobs.pk, version)
    _same_as_missing(client, "post", "annotations:span-restore", world.bobs.pk)


def test_tag_changes_on_the_other_coders_passage_answer_404(world, alice):
    client = as_user(alice)
    tag = world.bobs.tags.get()
    for name, data in (("annotations:span-tag-remove", {}), ("annotations:span-tag-role", {"role": "agent"})):
        hidden = client.post(reverse(name, args=[world.bobs.pk, tag.pk]), data, headers=HX)
        missing = client.post(reverse(name, args=[MISSING, tag.pk]), data, headers=HX)
        assert hidden.status_code == missing.status_code == 404 and hidden.content == missing.content


def test_the_other_coders_claim_answers_404_as_a_missing_one(world, alice):
    client = as_user(alice)
    claim = world.bobs_claim
    _same_as_missing(client, "get", "annotations:claim-panel", claim.pk)
    _same_as_missing(client, "post", "annotations:claim-edit", claim.pk, {"stance": "opposed"})
    _same_as_missing(client, "post", "annotations:claim-delete", claim.pk, {"version": claim.version})
    _same_as_missing(client, "post", "annotations:claim-restore", claim.pk)
    claim.refresh_from_db()
    assert (claim.stance, claim.deleted_at) == ("", None)


def test_a_claim_on_the_other_coders_passage_cannot_be_asked_for_or_coded(world, alice):
    client = as_user(alice)
    form = reverse("annotations:claim-form", args=[world.article.pk])
    create = reverse("annotations:claim-create", args=[world.article.pk])
    assert client.get(form, {"span": world.bobs.pk}, headers=HX).status_code == 404
    response = client.post(create, {"span": world.bobs.pk, "speaker_kind": "author"}, headers=HX)
    assert response.status_code == 404 and world.bobs.claims.count() == 1


def test_the_other_coders_notes_answer_404_as_missing_ones(world, alice):
    client = as_user(alice)
    for note in (world.bobs_note, world.bobs_article_note):
        _same_as_missing(client, "post", "annotations:note-edit", note.pk, {"text": "x", "version": 1})
        _same_as_missing(client, "post", "annotations:note-delete", note.pk, {"version": 1})
    assert Note.objects.filter(pk=world.bobs_note.pk, text="bob remarks", deleted_at=None).exists()


def test_after_both_are_done_the_other_coders_work_opens(world, alice, bob):
    both_done(world, alice, bob)
    client = as_user(alice)
    panel = client.get(reverse("annotations:span-panel", args=[world.bobs.pk]), headers=HX)
    assert panel.status_code == 200 and "bob remarks" in panel.content.decode()
    claim = client.get(reverse("annotations:claim-panel", args=[world.bobs_claim.pk]), headers=HX)
    assert claim.status_code == 200


def test_lead_opens_any_coders_passage_and_claim(world, charlie):
    client = as_user(charlie)
    panel = client.get(reverse("annotations:span-panel", args=[world.bobs.pk]), headers=HX).content.decode()
    assert "bob remarks" in panel and "Tagged “Iran vowed revenge”" in panel
    assert (
        client.get(reverse("annotations:claim-panel", args=[world.bobs_claim.pk]), headers=HX).status_code
        == 200
    )


# --- Saves answer with what the analyst may see -------------------------------------------------------


def test_a_save_repaints_and_counts_without_the_other_coders_passages(world, alice):
    client = as_user(alice)
    text = "revenge against the United States"  # in the paragraph of bob's and dave's passages
    start = world.article.body.index(text)
    data = {"start": start, "end": start + len(text), "text": text, "term": world.usa.pk}
    html = client.post(reverse("annotations:span-create", args=[world.article.pk]), data, headers=HX)
    html = html.content.decode()
    new = Span.objects.get(quote=text)
    assert anchors(html) == {new.pk}  # the repainted paragraph: hers, not bob's nor dave's
    assert '<span id="passage-count" class="count" hx-swap-oob="true">2 passages</span>' in html


def test_suggestions_underline_a_name_that_only_a_hidden_passage_covers(world, alice, charlie):
    underline = f'data-term="{world.iran.pk}"'
    assert underline in reader(alice, world)  # bob's passage covers "Iran": alice does not see it
    assert underline not in reader(charlie, world)  # the lead sees bob's passage there


def test_rejecting_a_suggestion_repaints_without_the_other_coders_passage(world, alice):
    start = world.article.body.index("Iran")
    data = {"start": start, "end": start + 4, "text": "Iran", "term": world.iran.pk}
    response = as_user(alice).post(reverse("annotations:suggestion-reject", args=[world.article.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'hx-swap-oob="true"' in html
    assert anchors(html) == set()


# --- History ---------------------------------------------------------------------------------------------


def test_a_blind_coders_claim_on_a_colleagues_passage_stays_hidden_from_that_colleague(world, alice, dave):
    """alice, done, sees dave's passage and codes a claim and a note on it; until bob is done, dave sees
    neither: not in the side list, the marker, the panel, the panel's history, nor the activity."""
    world.mark_done(alice)
    claim = Claim.create_on(world.daves, {"speaker_kind": "author", "stance": "neutral"}, by=alice)
    world.daves.add_note("alice on dave passage", by=alice)
    client = as_user(dave)
    html = reader(dave, world)
    assert 'class="anchor claimed"' not in html and "alice on dave passage" not in html
    assert f'data-claim="{claim.pk}"' not in html and "Claim on “United States”" not in html
    panel = client.get(reverse("annotations:span-panel", args=[world.daves.pk]), headers=HX).content.decode()
    assert "alice on dave passage" not in panel and "Claim on “United States”" not in panel
    assert "Tagged “United States”" in panel
    assert client.get(reverse("annotations:claim-panel", args=[claim.pk]), headers=HX).status_code == 404
    world.mark_done(world.assignment.analysts().get(username="bob"))
    html = reader(dave, world)
    assert 'class="anchor claimed"' in html and "alice on dave passage" in html


def test_the_leads_edit_of_a_blind_coders_claim_is_hidden_with_the_claim(world, charlie, dave):
    world.bobs_claim.edit({"stance": "opposed"}, by=charlie, version=world.bobs_claim.version)
    assert "stance → " not in reader(dave, world)
    assert "stance → " in reader(charlie, world)


def test_the_term_page_leaves_out_the_other_coders_passage_and_its_history(world, alice, charlie):
    url = reverse("annotations:term-detail", args=[world.iran.slug])
    page = as_user(alice).get(url).content.decode()
    assert "Tagged “Iran vowed revenge”" not in page and f"#span-{world.bobs.pk}" not in page
    page = as_user(charlie).get(url).content.decode()
    assert "Tagged “Iran vowed revenge”" in page and f"#span-{world.bobs.pk}" in page


# --- Adjudication waits for the coding to be over -----------------------------------------------------


def test_the_lead_cannot_adjudicate_while_the_article_is_coded_blind(world, alice, bob, charlie):
    client = as_user(charlie)
    url = reverse("analysis:decide", args=[world.article.pk])
    data = {"versions": [world.alices.pk], "action": "keep", "keep": world.alices.pk}
    response = client.post(url, data)
    assert response.status_code == 409 and "Independent coding of this article is not over" in (
        response.content.decode()
    )
    both_done(world, alice, bob)
    assert client.post(url, data).status_code == 302 and Decision.objects.count() == 1
