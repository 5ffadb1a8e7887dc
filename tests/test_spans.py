"""Passages through their htmx endpoints: create, tag, retag, untag, notes, delete and undo.

alice owns the passages; bob is a colleague (refused, nothing changes); charlie leads (allowed).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from annotations.models import Change, Note, Refused, Span, Tag, Term
from corpus.models import Article

BODY = (
    "With the murder of Qasem Soleimani, the United States declared war on Iran.\n\n"
    "Tehran 😀 will now “retaliate”. Café\u0301 owners said so.\nA second line.\n\n"
    "Final paragraph."
)


def logged_in(user) -> Client:
    """A second browser session, for a colleague acting while alice's session stays hers."""
    client = Client()
    client.force_login(user)
    return client


def hx(client, url: str, data: dict | None = None):
    return client.post(url, data or {}, headers={"HX-Request": "true"})


@pytest.fixture
def article(db) -> Article:
    return Article.objects.create(title="Targeted killing", body=BODY, sha256=Article.hash_body(BODY))


@pytest.fixture
def soleimani(db) -> Term:
    term = Term.objects.create(slug="qasem-soleimani", kind="actor", label="Qasem Soleimani", code="IRNMIL")
    term.aliases.create(name="Soleimani")
    return term


@pytest.fixture
def killing(db) -> Term:
    return Term.objects.create(slug="targeted-killing", kind="event", label="Targeted killing", code="186")


@pytest.fixture
def retired(db) -> Term:
    return Term.objects.create(slug="old", kind="actor", label="Old Name", retired_at=timezone.now())


def offsets(text: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = BODY.index(text, start + 1)
    return start, start + len(text)


@pytest.fixture
def span(article, alice, soleimani) -> Span:
    start, end = offsets("Qasem Soleimani")
    return Span.create_for(
        article, start, end, "Qasem Soleimani", by=alice, term=soleimani, note="Quds Force chief"
    )


def create(client, article, text, term, occurrence=0, **extra):
    start, end = offsets(text, occurrence)
    data = {"start": start, "end": end, "text": text, "term": term.pk if term else "", **extra}
    return hx(client, f"/articles/{article.pk}/spans/", data)


# --- creating a passage ---------------------------------------------------------------------------------


def test_analyst_creates_tagged_passage_with_note(alice_client, alice, article, soleimani):
    response = create(alice_client, article, "Qasem Soleimani", soleimani, note="Commander")
    assert response.status_code == 200
    span = Span.objects.get()
    assert (span.quote, span.created_by, span.version) == ("Qasem Soleimani", alice, 1)
    assert span.prefix == "With the murder of " and span.suffix == BODY[span.end : span.end + 32]
    assert [(t.term, t.role) for t in span.tags.all()] == [(soleimani, "mentioned")]
    assert span.notes.get().text == "Commander"
    html = response.content.decode()
    assert '<p hx-swap-oob="true" id="p-0"' in html
    assert f'<a id="span-{span.pk}"></a><mark class="hl actor d1" data-o="19">Qasem Soleimani</mark>' in html
    assert "spanSaved" in response.headers["HX-Trigger"]
    assert '<span id="passage-count" class="count" hx-swap-oob="true">1 passage</span>' in html
    assert f'<ol hx-swap-oob="beforeend:#side-list"><li id="passage-{span.pk}"' in html
    assert '<ol hx-swap-oob="afterbegin:#activity">' in html and "Tagged “Qasem Soleimani”" in html
    assert sorted(Change.objects.filter(span=span).values_list("object_type", flat=True)) == [
        "note",
        "span",
        "tag",
    ]
    # The answer's panel and activity (built from what was written, not read back) say it once, as a
    # reload of the panel does: one line for the whole action.
    assert html.count("Tagged “Qasem Soleimani” with Qasem Soleimani as mentioned, with a note") == 2
    assert "Noted on" not in html and "Marked “" not in html


def test_event_terms_default_to_the_event_role(alice_client, article, killing):
    create(alice_client, article, "the United States declared war on Iran", killing)
    assert Tag.objects.get().role == "event"


def test_chosen_role_is_kept(alice_client, article, soleimani):
    create(alice_client, article, "Qasem Soleimani", soleimani, role="target")
    assert Tag.objects.get().role == "target"


def test_surrounding_whitespace_is_trimmed(alice_client, article, soleimani):
    text = "Iran.\n\nTehran"
    response = create(alice_client, article, text, soleimani)
    assert response.status_code == 200
    span = Span.objects.get()
    assert span.quote == "Iran.\n\nTehran"
    start, end = offsets(" Qasem Soleimani, ")
    hx(
        alice_client,
        f"/articles/{article.pk}/spans/",
        {"start": start, "end": end, "text": " Qasem Soleimani, ", "term": soleimani.pk},
    )
    assert Span.objects.latest("pk").quote == "Qasem Soleimani,"
    assert Span.objects.latest("pk").start == start + 1


def test_emoji_combining_marks_and_curly_quotes_use_code_point_offsets(alice_client, article, soleimani):
    text = "😀 will now “retaliate”. Café\u0301"
    response = create(alice_client, article, text, soleimani)
    assert response.status_code == 200
    span = Span.objects.get()
    assert BODY[span.start : span.end] == text == span.quote
    assert span.start == BODY.index("😀")  # one code point, as in Python


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": 10, "end": 9999, "text": "x"}, "lies outside the article (it has"),
        ({"start": -1, "end": 5, "text": "x"}, "lies outside the article"),
        ({"start": 20, "end": 20, "text": ""}, "The selection is empty or reversed (start 20, end 20)"),
        ({"start": 25, "end": 20, "text": ""}, "empty or reversed"),
        (
            {"start": 0, "end": 4, "text": "That"},
            "The selected text does not match the article at 0–4: expected “With”",
        ),
        ({"start": "abc", "end": 4, "text": "With"}, "The start offset “abc” is not a whole number"),
        ({"start": 75, "end": 77, "text": "\n\n"}, "The selection holds only whitespace"),
    ],
)
def test_bad_selection_is_refused_and_nothing_saved(alice_client, article, soleimani, data, message):
    response = hx(alice_client, f"/articles/{article.pk}/spans/", {**data, "term": soleimani.pk})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Span.objects.exists() and not Change.objects.exists()


def test_unknown_retired_or_missing_term_is_refused(alice_client, article, retired):
    start, end = offsets("Tehran")
    base = {"start": start, "end": end, "text": "Tehran"}
    for term, message in [
        ("999999", "Unknown term “999999”"),
        (str(retired.pk), "Old Name is retired and cannot be used for new tags"),
        ("", "Choose a term from the list first"),
    ]:
        response = hx(alice_client, f"/articles/{article.pk}/spans/", {**base, "term": term})
        assert response.status_code == 422
        assert message in response.content.decode()
    assert not Span.objects.exists()


def test_role_that_does_not_fit_the_kind_is_refused(alice_client, article, killing, soleimani):
    response = create(alice_client, article, "Tehran", killing, role="agent")
    assert response.status_code == 422
    assert (
        "The role “agent” does not fit Targeted killing (an event); choose event."
        in response.content.decode()
    )
    response = create(alice_client, article, "Tehran", soleimani, role="event")
    assert "choose source, agent, target, mentioned" in response.content.decode()
    assert not Span.objects.exists()


def test_unknown_article_is_404(alice_client, soleimani):
    assert (
        hx(
            alice_client, "/articles/999/spans/", {"start": 0, "end": 1, "text": "W", "term": soleimani.pk}
        ).status_code
        == 404
    )


# --- tags on an existing passage ----------------------------------------------------------------------


def test_owner_adds_tag(alice_client, span, killing):
    response = hx(alice_client, f"/spans/{span.pk}/tags/", {"term": killing.pk, "version": 1})
    assert response.status_code == 200
    span.refresh_from_db()
    assert span.version == 2
    assert sorted(span.tags.values_list("role", flat=True)) == ["event", "mentioned"]
    html = response.content.decode()
    assert "Targeted killing" in html and 'class="hl both d1"' in html
    assert Change.objects.filter(span=span, object_type="tag", action="create").count() == 2


def test_colleague_cannot_tag_analysts_passage(client, bob, span, killing):
    client.force_login(bob)
    response = hx(client, f"/spans/{span.pk}/tags/", {"term": killing.pk, "version": 1})
    assert response.status_code == 403
    assert "This passage is alice’s: only alice or a lead can change it." in response.content.decode()
    span.refresh_from_db()
    assert span.version == 1 and span.tags.count() == 1


def test_lead_may_tag_analysts_passage(client, charlie, span, killing):
    client.force_login(charlie)
    assert hx(client, f"/spans/{span.pk}/tags/", {"term": killing.pk, "version": 1}).status_code == 200
    assert span.tags.count() == 2
    assert Change.objects.filter(span=span, object_type="tag").first().actor == charlie


def test_stale_version_is_refused_naming_who_changed_it(alice_client, charlie, span, killing, soleimani):
    hx(logged_in(charlie), f"/spans/{span.pk}/tags/", {"term": killing.pk, "version": 1})
    response = hx(
        alice_client, f"/spans/{span.pk}/tags/{span.tags.first().pk}/role/", {"role": "agent", "version": 1}
    )
    assert response.status_code == 409
    assert (
        "Someone else changed this passage (charlie, 0\xa0minutes ago); reload it."
        in response.content.decode()
    )
    assert span.tags.get(term=soleimani).role == "mentioned"


def test_duplicate_tag_is_refused(alice_client, span, soleimani):
    response = hx(
        alice_client, f"/spans/{span.pk}/tags/", {"term": soleimani.pk, "role": "mentioned", "version": 1}
    )
    assert response.status_code == 422
    assert "already tagged Qasem Soleimani as mentioned" in response.content.decode()
    span.refresh_from_db()
    assert span.version == 1


def test_retired_term_cannot_be_added(alice_client, span, retired):
    response = hx(alice_client, f"/spans/{span.pk}/tags/", {"term": retired.pk, "version": 1})
    assert response.status_code == 422 and span.tags.count() == 1


def test_owner_changes_role_and_history_records_it(alice_client, span):
    tag = span.tags.get()
    response = hx(alice_client, f"/spans/{span.pk}/tags/{tag.pk}/role/", {"role": "agent", "version": 1})
    assert response.status_code == 200
    tag.refresh_from_db()
    assert tag.role == "agent"
    change = Change.objects.filter(object_type="tag", action="update").get()
    assert (change.before, change.after) == ({"role": "mentioned"}, {"role": "agent"})
    assert "role mentioned → agent" in response.content.decode()  # the panel's history


def test_role_change_that_does_not_fit_is_refused(alice_client, span):
    tag = span.tags.get()
    response = hx(alice_client, f"/spans/{span.pk}/tags/{tag.pk}/role/", {"role": "event", "version": 1})
    assert response.status_code == 422
    tag.refresh_from_db()
    assert tag.role == "mentioned"


def test_colleague_cannot_change_role_or_remove_tag(client, bob, span):
    client.force_login(bob)
    tag = span.tags.get()
    assert (
        hx(client, f"/spans/{span.pk}/tags/{tag.pk}/role/", {"role": "agent", "version": 1}).status_code
        == 403
    )
    assert hx(client, f"/spans/{span.pk}/tags/{tag.pk}/remove/", {"version": 1}).status_code == 403
    tag.refresh_from_db()
    assert tag.role == "mentioned"


def test_owner_removes_tag(alice_client, span):
    tag = span.tags.get()
    response = hx(alice_client, f"/spans/{span.pk}/tags/{tag.pk}/remove/", {"version": 1})
    assert response.status_code == 200
    assert not span.tags.exists()
    assert 'class="hl untagged d1"' in response.content.decode()
    assert (
        Change.objects.filter(object_type="tag", action="delete").get().before["label"] == "Qasem Soleimani"
    )


def test_removing_a_tag_that_is_gone_is_409(alice_client, span):
    assert hx(alice_client, f"/spans/{span.pk}/tags/987654/remove/", {"version": 1}).status_code == 409


def test_missing_version_is_refused(alice_client, span, killing):
    response = hx(alice_client, f"/spans/{span.pk}/tags/", {"term": killing.pk})
    assert response.status_code == 422
    assert "version is missing" in response.content.decode()


# --- delete and undo -------------------------------------------------------------------------------------


def test_owner_deletes_and_undo_restores_tags_and_notes(alice_client, alice, span, article):
    response = hx(alice_client, f"/spans/{span.pk}/delete/", {"version": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Passage deleted." in html and 'data-action="undo"' in html
    assert '<p hx-swap-oob="true" id="p-0"' in html and "<mark" not in html  # repainted without it
    span.refresh_from_db()
    assert span.deleted_at is not None and span.deleted_by == alice
    assert f'id="span-{span.pk}"' not in alice_client.get(f"/articles/{article.pk}/").content.decode()

    response = hx(alice_client, f"/spans/{span.pk}/restore/")
    assert response.status_code == 200
    span.refresh_from_db()
    assert span.deleted_at is None
    assert span.tags.get().term.label == "Qasem Soleimani" and span.notes.get().text == "Quds Force chief"
    assert f'<a id="span-{span.pk}"></a><mark class="hl actor d1"' in response.content.decode()
    actions = list(Change.objects.filter(span=span, object_type="span").values_list("action", flat=True))
    assert actions == ["restore", "delete", "create"]
    assert Change.objects.get(action="delete").before["tags"][0]["label"] == "Qasem Soleimani"


def test_colleague_cannot_delete_or_restore_analysts_passage(client, bob, alice, span):
    client.force_login(bob)
    assert hx(client, f"/spans/{span.pk}/delete/", {"version": 1}).status_code == 403
    span.refresh_from_db()
    assert span.deleted_at is None
    span.soft_delete(by=alice, version=1)
    assert hx(client, f"/spans/{span.pk}/restore/").status_code == 403
    span.refresh_from_db()
    assert span.deleted_at is not None


def test_lead_may_delete_analysts_passage(client, charlie, span):
    client.force_login(charlie)
    assert hx(client, f"/spans/{span.pk}/delete/", {"version": 1}).status_code == 200
    span.refresh_from_db()
    assert span.deleted_by == charlie


def test_stale_delete_is_refused(alice_client, span, killing):
    hx(alice_client, f"/spans/{span.pk}/tags/", {"term": killing.pk, "version": 1})
    response = hx(alice_client, f"/spans/{span.pk}/delete/", {"version": 1})
    assert response.status_code == 409
    assert "Someone else changed this passage (alice" in response.content.decode()
    span.refresh_from_db()
    assert span.deleted_at is None


def test_changing_a_deleted_passage_is_409(alice_client, alice, span, killing):
    span.soft_delete(by=alice, version=1)
    response = hx(alice_client, f"/spans/{span.pk}/tags/", {"term": killing.pk, "version": 2})
    assert response.status_code == 409
    assert "This passage has been deleted" in response.content.decode()


def test_restoring_a_live_passage_is_409(alice_client, span):
    assert hx(alice_client, f"/spans/{span.pk}/restore/").status_code == 409


def test_only_one_of_two_saves_with_the_same_version_wins(alice, span, soleimani, killing):
    span_a, span_b = Span.objects.get(pk=span.pk), Span.objects.get(pk=span.pk)
    span_a.add_tag(killing, "", by=alice, version=1)
    with pytest.raises(Exception, match="Someone else changed this passage"):
        span_b.add_tag(soleimani, "agent", by=alice, version=1)
    assert span.tags.count() == 2


# --- notes -----------------------------------------------------------------------------------------------


def test_colleague_may_add_own_note_to_a_passage(client, bob, span):
    client.force_login(bob)
    response = hx(client, f"/spans/{span.pk}/notes/", {"text": "Also in the Tablet piece."})
    assert response.status_code == 200
    note = span.notes.get(author=bob)
    assert note.text == "Also in the Tablet piece."
    html = response.content.decode()
    assert "Also in the Tablet piece." in html and "<strong>bob</strong>" in html
    assert Change.objects.filter(object_type="note", actor=bob, span=span).exists()


def test_empty_note_is_refused(alice_client, span):
    response = hx(alice_client, f"/spans/{span.pk}/notes/", {"text": "   "})
    assert response.status_code == 422 and "The note is empty." in response.content.decode()
    assert span.notes.count() == 1


def test_author_edits_note_and_colleague_cannot(alice_client, bob, span):
    note = span.notes.get()
    response = hx(
        alice_client, f"/notes/{note.pk}/edit/", {"text": "Commander of the Quds Force", "version": 1}
    )
    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.text, note.version) == ("Commander of the Quds Force", 2)
    client = logged_in(bob)
    response = hx(client, f"/notes/{note.pk}/edit/", {"text": "vandalised", "version": 2})
    assert response.status_code == 403
    assert "This note is alice’s" in response.content.decode()
    assert hx(client, f"/notes/{note.pk}/delete/", {"version": 2}).status_code == 403
    note.refresh_from_db()
    assert note.text == "Commander of the Quds Force" and note.deleted_at is None


def test_stale_note_edit_is_refused(alice_client, charlie, span):
    note = span.notes.get()
    assert (
        hx(
            logged_in(charlie), f"/notes/{note.pk}/edit/", {"text": "Lead's wording", "version": 1}
        ).status_code
        == 200
    )
    response = hx(alice_client, f"/notes/{note.pk}/edit/", {"text": "Mine", "version": 1})
    assert response.status_code == 409
    assert "Someone else changed this note (charlie" in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Lead's wording"


def test_author_deletes_note(alice_client, span):
    note = span.notes.get()
    response = hx(alice_client, f"/notes/{note.pk}/delete/", {"version": 1})
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.deleted_at is not None
    assert "Quds Force chief" not in response.content.decode().split("<details")[0]


# --- the panel ------------------------------------------------------------------------------------------


def test_panel_shows_tags_notes_history_and_controls_for_owner(alice_client, span):
    html = alice_client.get(f"/spans/{span.pk}/").content.decode()
    assert "Qasem Soleimani" in html and "IRNMIL" in html
    assert "Quds Force chief" in html and "<strong>alice</strong>" in html
    # The history: one line for the passage made with its tag and note (one action), not three.
    assert "Tagged “Qasem Soleimani” with Qasem Soleimani as mentioned, with a note" in html
    assert html.count("Qasem Soleimani” with") == 1 and "Noted on" not in html
    assert 'data-action="delete"' in html and 'name="version" value="1"' in html


def test_panel_for_colleague_is_read_only(client, bob, span):
    client.force_login(bob)
    html = client.get(f"/spans/{span.pk}/").content.decode()
    assert "Qasem Soleimani" in html and "Mentioned" in html
    assert 'data-action="delete"' not in html and "Remove" not in html
    assert "Add note" in html  # but bob may add his own note


def test_choosing_between_overlapping_passages(alice_client, alice, span, article, killing):
    start, end = offsets("With the murder of Qasem Soleimani")
    other = Span.create_for(article, start, end, BODY[start:end], by=alice, term=killing)
    # The click lands on "Soleimani": both passages lie there; the choice lists them in reading order.
    at = BODY.index("Soleimani")
    html = alice_client.get(f"/articles/{article.pk}/spans/choose/?at={at}").content.decode()
    assert html.index(f'data-open-span="{other.pk}"') < html.index(f'data-open-span="{span.pk}"')
    assert "Targeted killing (event)" in html
    # Where one passage lies alone (the start of the sentence), its panel comes at once.
    html = alice_client.get(f"/articles/{article.pk}/spans/choose/?at=0").content.decode()
    assert f'class="span-card" data-span="{other.pk}"' in html and "data-open-span" not in html
    # Where none lies, an empty choice; a point that is not a number is refused.
    html = alice_client.get(f"/articles/{article.pk}/spans/choose/?at={BODY.index('Final')}").content.decode()
    assert "data-open-span" not in html and "span-card" in html
    response = alice_client.get(f"/articles/{article.pk}/spans/choose/?at=x")
    assert response.status_code == 400 and "“x” is not an offset in the article." in response.content.decode()


def test_get_on_change_endpoints_is_not_allowed(alice_client, span):
    assert alice_client.get(f"/spans/{span.pk}/delete/").status_code == 405


def test_span_note_is_listed_once_per_passage(span):
    assert Note.objects.filter(span=span).count() == 1


def test_stale_message_names_who_changed_the_passage_not_who_added_a_note(
    alice_client, bob, charlie, span, killing
):
    hx(logged_in(charlie), f"/spans/{span.pk}/tags/", {"term": killing.pk, "version": 1})
    hx(logged_in(bob), f"/spans/{span.pk}/notes/", {"text": "A later note by bob"})
    response = hx(alice_client, f"/spans/{span.pk}/delete/", {"version": 1})
    assert response.status_code == 409
    assert "(charlie," in response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's in-memory test database (shared cache) fails a second writer at once instead of"
    " making it wait, so threads cannot race there; the same-version test above covers SQLite",
)
def test_two_analysts_saving_at_once_one_wins_and_nothing_is_overwritten(
    alice, charlie, article, soleimani, killing
):
    """Two threads, two connections, the same version: the UPDATE … WHERE version decides."""
    import threading

    from django.db import connection

    start, end = offsets("Qasem Soleimani")
    span = Span.create_for(article, start, end, "Qasem Soleimani", by=alice, term=soleimani)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, term, role):
        try:
            mine = Span.objects.get(pk=span.pk)
            barrier.wait(timeout=10)
            mine.add_tag(term, role, by=user, version=1)
            outcomes.append("saved")
        except Refused as refused:
            outcomes.append(f"{refused.status}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(alice, killing, "")),
        threading.Thread(target=save, args=(charlie, soleimani, "agent")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["409", "saved"]
    span.refresh_from_db()
    assert span.version == 2 and span.tags.count() == 2
