"""The Articles list and the Import page, as an analyst sees them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from annotations.models import Span
from corpus.importers import import_paths
from corpus.models import Article, Source

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "demo"
LIST = "/"
IMPORT = "/import/"
VALDAI = "Revenge for Qassem Soleimani&#x27;s Killing: Is the Matter Closed?"
FRANCE24 = "A more dangerous world: US killing of Iran’s Soleimani stokes fears of regional conflict"


@pytest.fixture
def demo(db):
    import_paths([DEMO])
    return {article.source.name: article for article in Article.objects.select_related("source")}


def make_article(n: int, **fields) -> Article:
    body = fields.pop("body", f"Article number {n} about the strike and what followed.")
    return Article.objects.create(
        title=fields.pop("title", f"Article {n:02d}"), body=body, sha256=Article.hash_body(body), **fields
    )


def rows(response) -> int:
    return response.content.decode().count('<td class="article-title">')


# --- the list ----------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    for url in (LIST, IMPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/login/?next={url}"


def test_list_shows_each_article_with_its_metadata_and_counts(alice_client, demo):
    response = alice_client.get(LIST)
    assert response.status_code == 200
    assert rows(response) == 5
    valdai = demo["Valdai Discussion Club"]
    html = response.content.decode()
    assert f'<a href="{valdai.get_absolute_url()}">{VALDAI}</a>' in html
    assert '<time datetime="2020-01-10">10 Jan 2020</time>' in html
    assert "Maxim Suchkov" in html
    assert f'<td class="num optional">{valdai.word_count}</td>' in html
    assert reverse("corpus:import") in html


def test_list_counts_live_passages_only(alice_client, demo, alice):
    valdai = demo["Valdai Discussion Club"]
    for start, deleted in [(0, None), (10, None), (20, timezone.now())]:
        Span.objects.create(
            article=valdai,
            start=start,
            end=start + 5,
            quote=valdai.body[start : start + 5],
            created_by=alice,
            deleted_at=deleted,
        )
    html = alice_client.get(LIST, {"q": "Suchkov"}).content.decode()
    assert '<td class="num">2</td>' in html


def test_list_is_newest_first_and_can_be_sorted_oldest_first(alice_client, demo):
    html = alice_client.get(LIST).content.decode()
    assert html.index("What led to the US killing") < html.index(VALDAI) < html.index("Targeted Killing")
    html = alice_client.get(LIST, {"sort": "oldest"}).content.decode()
    assert html.index("Targeted Killing") < html.index(VALDAI) < html.index("What led to the US killing")


def test_search_for_suchkov_finds_the_valdai_article_by_its_author(alice_client, demo):
    response = alice_client.get(LIST, {"q": "Suchkov"})
    assert rows(response) == 1
    assert VALDAI in response.content.decode()
    assert "1 article found" in response.content.decode()


def test_search_looks_in_the_body_and_the_title(alice_client, demo):
    body_hit = alice_client.get(LIST, {"q": "Montchalin"})
    assert rows(body_hit) == 1
    assert FRANCE24 in body_hit.content.decode()
    make_article(99, title="Zeppelin diplomacy in the Gulf")
    title_hit = alice_client.get(LIST, {"q": "zeppelin"})
    assert rows(title_hit) == 1
    assert "Zeppelin diplomacy in the Gulf" in title_hit.content.decode()


def test_search_with_no_match_says_so_and_offers_all_articles(alice_client, demo):
    html = alice_client.get(LIST, {"q": "airship"}).content.decode()
    assert "No articles match this search." in html
    assert f'<a href="{LIST}">Show all articles</a>' in html


def test_source_filter_keeps_that_sources_articles(alice_client, demo):
    tablet = Source.objects.get(name="Tablet")
    response = alice_client.get(LIST, {"source": tablet.pk})
    assert rows(response) == 1
    assert "U.S. Kills Qassem Soleimani" in response.content.decode()
    assert f'<option value="{tablet.pk}" selected>Tablet</option>' in response.content.decode()


def test_search_and_source_filter_combine(alice_client, demo):
    tablet = Source.objects.get(name="Tablet")
    assert rows(alice_client.get(LIST, {"q": "Suchkov", "source": tablet.pk})) == 0
    assert rows(alice_client.get(LIST, {"q": "Soleimani", "source": tablet.pk})) == 1


def test_published_date_range_filter(alice_client, demo):
    later = alice_client.get(LIST, {"published_from": "2020-01-10"})
    assert rows(later) == 2
    assert VALDAI in later.content.decode()
    assert rows(alice_client.get(LIST, {"published_to": "2020-01-03"})) == 3
    assert rows(alice_client.get(LIST, {"published_from": "2020-01-04", "published_to": "2020-01-12"})) == 1


def test_an_invalid_filter_is_reported_and_the_valid_ones_still_apply(alice_client, demo):
    response = alice_client.get(LIST, {"q": "Suchkov", "published_from": "not a date"})
    assert "Published from: Enter a valid date." in response.content.decode()
    assert rows(response) == 1


def test_unknown_source_is_reported_not_guessed(alice_client, demo):
    response = alice_client.get(LIST, {"source": "99999"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "Source: Select a valid choice." in response.content.decode()
    assert rows(response) == 5


def test_list_is_paginated_25_per_page_and_pages_keep_the_search(alice_client, db):
    for n in range(30):
        make_article(n, published=dt.date(2020, 1, 1) + dt.timedelta(days=n))
    first = alice_client.get(LIST, {"q": "strike"})
    assert rows(first) == 25
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?q=strike&amp;page=2"' in html
    second = alice_client.get(LIST, {"q": "strike", "page": 2})
    assert rows(second) == 5
    assert "Article 00" in second.content.decode()  # the oldest comes last
    assert rows(alice_client.get(LIST, {"q": "strike", "page": "nonsense"})) == 25


def test_live_search_returns_only_the_results_fragment(alice_client, demo):
    response = alice_client.get(LIST, {"q": "Suchkov"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="article-results"')
    assert "<html" not in html
    assert VALDAI in html
    assert "HX-Request" in response["Vary"]


def test_live_search_fragment_reports_an_invalid_filter(alice_client, demo):
    response = alice_client.get(LIST, {"published_to": "31/31/2020"}, headers={"HX-Request": "true"})
    assert "to: Enter a valid date." in response.content.decode()


def test_history_restore_gets_the_whole_page(alice_client, demo):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in alice_client.get(LIST, headers=headers).content.decode()


def test_empty_list_invites_an_import(alice_client):
    html = alice_client.get(LIST).content.decode()
    assert "No articles yet." in html
    assert f'<a class="button primary" href="{IMPORT}">Import articles</a>' in html


def explain_without(query, *scans: str) -> str:
    settings = [f"enable_{scan}" for scan in scans]
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET {setting} = off")
        try:
            return query.explain()
        finally:
            for setting in settings:
                cursor.execute(f"SET {setting} = on")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_postgresql_search_uses_the_gin_index(demo):
    # Five rows are cheaper to read in full or along another index: with those ways off, the planner
    # can only use the indexes if they fit the query: the stored vectors' GIN index, and the partial
    # index of the articles whose vector the background analysis has not stored yet.
    plan = explain_without(Article.objects.search("Suchkov"), "seqscan", "indexscan")
    assert "Bitmap Index Scan on corpus_article_search_vector_gin" in plan, plan
    assert "Bitmap Index Scan on corpus_article_unindexed" in plan, plan
    # The list's own query (passage counts, date order) too.
    listing = Article.objects.search("Suchkov").with_passage_counts().by_date()
    plan = explain_without(listing, "seqscan", "indexscan")
    assert "Bitmap Index Scan on corpus_article_search_vector_gin" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored search vector is PostgreSQL's")
def test_search_finds_an_article_before_and_after_its_vector_is_stored(db):
    body = "Maxim Suchkov writes about the Valdai meeting."
    article = Article.objects.create(
        title="Valdai", body=body, sha256=Article.hash_body(body), analysed_at=None
    )
    assert article.search_vector is None
    assert list(Article.objects.search("Suchkov")) == [article]
    Article.objects.filter(pk=article.pk).analyse()
    assert Article.objects.filter(pk=article.pk, search_vector__isnull=False).exists()
    assert list(Article.objects.search("Suchkov")) == [article]
    assert not Article.objects.search("Soleimani").exists()


# --- the import page ------------------------------------------------------------------------------


def test_import_page_offers_upload_and_paste(alice_client):
    html = alice_client.get(IMPORT).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<input type="file" name="files"' in html
    assert "multiple" in html
    assert 'name="title"' in html
    assert 'name="text"' in html


def test_upload_of_several_files_shows_a_result_per_file(alice_client, alice):
    files = [
        SimpleUploadedFile("good.txt", b"Good title\n\nA paragraph about the strike near Baghdad airport."),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("notes.docx", b"PK\x03\x04"),
        SimpleUploadedFile("rows.jsonl", b'{"title": "Row", "text": "Text of the row."}\n{bad\n'),
    ]
    response = alice_client.post(IMPORT, {"files": files}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("/jobs/")
    html = response.content.decode()
    assert "Result: imported 2, duplicates 0, refused 3" in html
    good = Article.objects.get(title="Good title")
    assert good.imported_by == alice
    assert f'<a href="{good.get_absolute_url()}">Open article {good.pk}</a>' in html
    assert "empty file" in html
    assert "unknown file type (&quot;.docx&quot;)" in html
    assert "line 2: not JSON" in html
    assert html.count('<span class="status-badge status-refused">refused</span>') == 3


def test_more_files_than_django_reads_at_once_get_a_clear_refusal(alice_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"a{i}.txt", f"Title {i}\n\nBody {i}.".encode()) for i in range(4)]
    response = alice_client.post(IMPORT, {"files": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported: that was more than 3 files at once." in html
    assert "python manage.py import_articles FOLDER" in html and 'name="files"' in html
    assert not Article.objects.exists()


def test_uploading_the_same_file_again_links_the_existing_article(alice_client):
    content = b"Title\n\nA paragraph about the strike near Baghdad airport."
    alice_client.post(IMPORT, {"files": [SimpleUploadedFile("a.txt", content)]})
    article = Article.objects.get()
    html = alice_client.post(
        IMPORT, {"files": [SimpleUploadedFile("a.txt", content)]}, follow=True
    ).content.decode()
    assert f"skipped: duplicate of article {article.pk}" in html
    assert f'<a href="{article.get_absolute_url()}">Open article {article.pk}</a>' in html


def test_pasted_text_is_imported(alice_client, alice):
    response = alice_client.post(
        IMPORT,
        {
            "title": "Pasted piece",
            "text": "First paragraph of the pasted piece.\r\n\r\nSecond paragraph.",
            "source": "Tablet",
            "authors": "Tony Badran; Jane Doe",
            "published": "January 03, 2020",
            "url": "https://www.tabletmag.com/piece",
        },
    )
    article = Article.objects.get()
    assert (article.title, article.body) == (
        "Pasted piece",
        "First paragraph of the pasted piece.\n\nSecond paragraph.",
    )
    assert (article.source.name, article.authors, article.published) == (
        "Tablet",
        "Tony Badran; Jane Doe",
        dt.date(2020, 1, 3),
    )
    assert article.imported_by == alice
    assert "Result: imported 1, duplicates 0, refused 0" in response.content.decode()


def test_pasted_text_without_a_title_is_refused_and_keeps_what_was_typed(alice_client):
    response = alice_client.post(IMPORT, {"text": "Words I typed & want back", "source": "My source"})
    html = response.content.decode()
    assert "A pasted text needs a title." in html
    assert "Words I typed &amp; want back</textarea>" in html
    assert 'value="My source"' in html
    assert Article.objects.count() == 0


def test_unreadable_date_is_refused_naming_it(alice_client):
    response = alice_client.post(IMPORT, {"title": "T", "text": "Some text.", "published": "next tuesday"})
    html = response.content.decode()
    assert "“next tuesday” is not a date I can read" in html
    assert 'value="next tuesday"' in html
    assert Article.objects.count() == 0


def test_empty_import_form_asks_for_files_or_text(alice_client):
    html = alice_client.post(IMPORT, {}).content.decode()
    assert "Choose files to upload, or paste the text of an article." in html


def test_pasted_text_that_is_a_duplicate_is_reported(alice_client):
    data = {"title": "Same", "text": "The same words twice."}
    alice_client.post(IMPORT, data)
    html = alice_client.post(IMPORT, data).content.decode()
    assert f"skipped: duplicate of article {Article.objects.get().pk}" in html


def test_a_manifest_alone_imports_nothing_and_says_why(alice_client):
    manifest = SimpleUploadedFile("manifest.csv", b"file,title\na.txt,A\n")
    html = alice_client.post(IMPORT, {"files": [manifest]}, follow=True).content.decode()
    assert "Result: imported 0, duplicates 0, refused 0" in html
    assert "a manifest.csv alone only describes other files" in html
