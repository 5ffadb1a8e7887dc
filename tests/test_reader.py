"""The reader page: metadata, body with highlights, side list and its filters, article notes, activity,
the type-ahead, and what it costs (queries, JavaScript)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from annotations.models import Change, Note, Span, Term
from corpus.models import Article, Source

BODY = "Qasem Soleimani was killed in Baghdad.\n\nTehran vowed revenge.\n\nWashington said nothing."


def logged_in(user) -> Client:
    """A second browser session, for a colleague acting while alice's session stays hers."""
    client = Client()
    client.force_login(user)
    return client


def hx_post(client, url: str, data: dict):
    return client.post(url, data, headers={"HX-Request": "true"})


@pytest.fixture
def article(db) -> Article:
    source = Source.objects.create(name="The Limited Times")
    return Article.objects.create(
        title="Targeted Killing",
        standfirst="A step into war.",
        authors="Ann Author; Bo Writer",
        published=dt.date(2020, 1, 3),
        url="https://example.org/a",
        source=source,
        word_count=14,
        body=BODY,
        sha256=Article.hash_body(BODY),
    )


@pytest.fixture
def terms(db) -> dict[str, Term]:
    soleimani = Term.objects.create(
        slug="qasem-soleimani", kind="actor", label="Qasem Soleimani", code="IRNMIL"
    )
    soleimani.aliases.create(name="Qassem Soleimani")
    iran = Term.objects.create(slug="iran", kind="actor", label="Iran")
    iran.aliases.create(name="Tehran")
    killing = Term.objects.create(slug="targeted-killing", kind="event", label="Targeted killing")
    old = Term.objects.create(
        slug="old-qasem", kind="actor", label="Qasem S. (old)", retired_at=timezone.now()
    )
    return {"soleimani": soleimani, "iran": iran, "killing": killing, "old": old}


def make(article, text, user, term, role="", note=""):
    start = article.body.index(text)
    return Span.create_for(article, start, start + len(text), text, by=user, term=term, role=role, note=note)


@pytest.fixture
def passages(article, terms, alice, bob):
    return [
        make(article, "Qasem Soleimani was killed", alice, terms["killing"], note="The strike itself"),
        make(article, "Qasem Soleimani", alice, terms["soleimani"], role="target"),
        make(article, "Tehran vowed revenge.", bob, terms["iran"], role="source"),
    ]


def test_reader_needs_login(client, article):
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_article_is_404(alice_client):
    assert alice_client.get("/articles/424242/").status_code == 404


def test_reader_shows_metadata_and_paragraphs(alice_client, article):
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    expected_texts = ["Targeted Killing", "A step into war.", "The Limited Times", "Ann Author, Bo Writer"]
    expected_texts += ["3 January 2020", "14 words", "https://example.org/a", "No passages yet"]
    for expected in expected_texts:
        assert expected in html
    assert '<p id="p-1" data-o="40"><span data-o="40">Tehran vowed revenge.</span></p>' in html


def test_reader_shows_passages_highlighted_and_listed_in_reading_order(alice_client, article, passages):
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    killed, soleimani, tehran = passages
    # Both start at 0 (the longer first); the run they share is one mark naming neither.
    assert (
        f'<p id="p-0" data-o="0"><a id="span-{killed.pk}"></a><a id="span-{soleimani.pk}"></a>'
        '<mark class="hl both d2" data-o="0">Qasem Soleimani</mark>'
        '<mark class="hl event d1" data-o="15"> was killed</mark>'
    ) in html
    side = html.split('id="side-list"')[1].split("</ol>")[0]
    assert [int(i) for i in re.findall(r'class="passage" data-span="(\d+)"', side)] == [
        p.pk for p in passages
    ]
    assert "The strike itself" in side and "bob" in side and "3 passages" in html


def test_deleted_passages_are_not_shown(alice_client, alice, article, passages):
    passages[0].soft_delete(by=alice, version=passages[0].version)
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    assert f'id="span-{passages[0].pk}"' not in html and "2 passages" in html
    assert f'id="span-{passages[1].pk}"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("who=mine", [0, 1]), ("role=source", [2]), ("role=event", [0]), ("who=mine&role=source", [])],
)
def test_side_list_filters_by_role_and_analyst(alice_client, article, passages, query, expected):
    response = alice_client.get(f"/articles/{article.pk}/passages/?{query}", headers={"HX-Request": "true"})
    listed = [int(i) for i in re.findall(r'class="passage" data-span="(\d+)"', response.content.decode())]
    assert listed == [passages[i].pk for i in expected]
    if not expected:
        assert "No passages match this filter." in response.content.decode()


def test_side_list_filters_by_term_without_javascript(alice_client, article, passages, terms):
    html = alice_client.get(f"/articles/{article.pk}/?term={terms['iran'].pk}").content.decode()
    side = html.split('id="side-list"')[1].split("</ol>")[0]
    assert re.findall(r'class="passage" data-span="(\d+)"', side) == [str(passages[2].pk)]
    assert f'<option value="{terms["iran"].pk}" selected>Iran</option>' in html


def test_article_notes_add_edit_delete(alice_client, bob, article):
    response = hx_post(alice_client, f"/articles/{article.pk}/notes/", {"text": "Compare with France 24."})
    assert response.status_code == 200 and "Compare with France 24." in response.content.decode()
    assert "noteSaved" in response.headers["HX-Trigger"]
    note = Note.objects.get(article=article, span=None)
    assert hx_post(logged_in(bob), f"/notes/{note.pk}/edit/", {"text": "no", "version": 1}).status_code == 403
    response = hx_post(
        alice_client, f"/notes/{note.pk}/edit/", {"text": "Compare with Tablet.", "version": 1}
    )
    assert response.status_code == 200 and "Compare with Tablet." in response.content.decode()
    assert hx_post(alice_client, f"/notes/{note.pk}/delete/", {"version": 2}).status_code == 200
    note.refresh_from_db()
    assert note.deleted_at is not None
    assert list(Change.objects.filter(object_type="note").values_list("action", flat=True)) == [
        "delete",
        "update",
        "create",
    ]


def test_article_note_without_javascript_redirects_back(alice_client, article):
    response = alice_client.post(f"/articles/{article.pk}/notes/", {"text": "Plain form post"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/articles/{article.pk}/#article-notes"
    )
    assert "Plain form post" in alice_client.get(f"/articles/{article.pk}/").content.decode()


def test_refused_plain_form_note_edit_gives_back_what_was_typed(alice_client, alice, article):
    """Without JavaScript a stale edit reloads the reader; the typed text comes back in the message."""
    note = Note.add_to_article(article, "First reading", by=alice)
    alice_client.post(f"/notes/{note.pk}/edit/", {"text": "Second reading", "version": 1})
    response = alice_client.post(
        f"/notes/{note.pk}/edit/", {"text": "My long careful rewrite", "version": 1}, follow=True
    )
    html = response.content.decode()
    assert "Someone else changed this note" in html and "Your text: “My long careful rewrite”" in html
    note.refresh_from_db()
    assert note.text == "Second reading"


def test_empty_article_note_is_refused(alice_client, article):
    response = hx_post(alice_client, f"/articles/{article.pk}/notes/", {"text": ""})
    assert response.status_code == 422 and "The note is empty." in response.content.decode()
    assert not Note.objects.exists()


def test_article_activity_lists_recent_changes(alice_client, article, passages):
    html = alice_client.get(
        f"/articles/{article.pk}/activity/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "Tagged “Tehran vowed revenge.” with Iran as source" in html and "<strong>bob</strong>" in html


def test_activity_is_limited_to_twenty(alice_client, alice, article, terms):
    for _ in range(22):
        make(article, "Washington", alice, terms["iran"])  # one line each (the passage with its tag)
    html = alice_client.get(
        f"/articles/{article.pk}/activity/", headers={"HX-Request": "true"}
    ).content.decode()
    assert html.count("<li>") == 20 and 'id="activity-more"' in html  # and the older ones on demand


def test_typeahead_matches_aliases_and_skips_retired_terms(alice_client, terms):
    html = alice_client.get("/terms/suggest/?q=qassem").content.decode()
    assert (
        f'data-term="{terms["soleimani"].pk}"' in html and "“Qassem Soleimani”" in html and "IRNMIL" in html
    )
    html = alice_client.get("/terms/suggest/?q=qasem").content.decode()
    assert "Qasem S. (old)" not in html
    assert "No term matches “zzz”." in alice_client.get("/terms/suggest/?q=zzz").content.decode()


def test_recent_terms_are_the_users_last_nine_distinct(alice_client, alice, article, terms):
    make(article, "Washington", alice, terms["iran"])
    make(article, "Tehran", alice, terms["killing"])
    make(article, "Baghdad", alice, terms["iran"])
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    recent = html.split('id="recent-terms"')[1].split("</ol>")[0]
    assert re.findall(r'data-label="([^"]+)"', recent) == ["Iran", "Targeted killing"]


def test_reader_queries_do_not_grow_with_passages(
    alice_client, alice, article, terms, django_assert_num_queries
):
    for i in range(30):
        span = make(article, "Washington said nothing.", alice, terms["iran"], note=f"note {i}")
        span.add_tag(terms["killing"], "", by=alice, version=span.version)
    # 18 for the page itself: the session, the analyst, the article (3); the body's passages (kinds of
    # tags and claim markers in one grouped query) and the terms they use (2); the side list's first
    # page: passages, tags, their terms, notes, analysts, claims (6); the term menu; the analyst's recent
    # tags and their terms (2); the article's notes; the activity's first page; independent coding (2):
    # whether the analyst leads (who sees everything), and their task if they code the article blind (its
    # notice). The rule itself adds subqueries, not queries (visibility.py's one-article form).
    # Suggestions: the vocabulary's version and the article's rejections (2), and the first time 2 more
    # to compile the vocabulary (terms, names; the generic names analysts added are read only when
    # there are some); after that the suggestions come from the cache.
    # (tests/test_query_counts.py proves that none of these grows with the tables.)
    with django_assert_num_queries(22):
        assert alice_client.get(f"/articles/{article.pk}/").status_code == 200
    with django_assert_num_queries(20):
        html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    assert 'class="suggest"' in html  # "Tehran" (Iran) and "Qasem Soleimani" are suggested


def test_reader_page_has_no_inline_script_or_style(alice_client, article, passages):
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "hx-on" not in html


def test_reader_javascript_stays_within_budget(alice_client, article):
    """What the reader loads at first (the form a claim needs comes when it first opens): ours at most
    48 KB, 100 KB with htmx."""
    import django_htmx

    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    ours = re.findall(r'<script[^>]*?\ssrc="/static/js/([^"]+)"', html)  # src, not data-form-src
    static = Path(settings.BASE_DIR) / "static" / "js"
    ours_size = sum((static / name).stat().st_size for name in ours)
    htmx_js = (Path(django_htmx.__file__).parent / "static" / "django_htmx" / "htmx-2.min.js").stat().st_size
    assert "reader.js" in ours and ours_size <= 48 * 1024, (ours, ours_size)
    assert ours_size + htmx_js <= 100 * 1024


def test_lead_may_edit_and_delete_analysts_article_note(alice, charlie, article):
    note = Note.add_to_article(article, "Alice's reading", by=alice)
    lead = logged_in(charlie)
    assert (
        hx_post(lead, f"/notes/{note.pk}/edit/", {"text": "Lead's reading", "version": 1}).status_code == 200
    )
    assert hx_post(lead, f"/notes/{note.pk}/delete/", {"version": 2}).status_code == 200
    note.refresh_from_db()
    assert note.text == "Lead's reading" and note.deleted_at is not None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/articles/{a}/passages/"),
        ("get", "/articles/{a}/activity/"),
        ("get", "/articles/{a}/spans/choose/?at=0"),
        ("get", "/spans/{s}/"),
        ("get", "/terms/suggest/?q=qasem"),
        ("post", "/articles/{a}/spans/"),
        ("post", "/articles/{a}/notes/"),
        ("post", "/spans/{s}/tags/"),
        ("post", "/spans/{s}/delete/"),
        ("post", "/spans/{s}/restore/"),
        ("post", "/spans/{s}/notes/"),
    ],
)
def test_every_reader_endpoint_needs_login(client, article, passages, method, path):
    url = path.format(a=article.pk, s=passages[0].pk)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Span.objects.live().count() == 3


def test_side_list_refresh_also_refreshes_the_term_menu(alice_client, article, passages, terms):
    html = alice_client.get(
        f"/articles/{article.pk}/passages/", headers={"HX-Request": "true"}
    ).content.decode()
    menu = html.split('<select name="term" id="side-filter-term" hx-swap-oob="true">')[1].split("</select>")[
        0
    ]
    assert re.findall(r">([^<]+)</option>", menu) == [
        "Any term",
        "Iran",
        "Qasem Soleimani",
        "Targeted killing",
    ]
