"""Every bad input is a 4xx that names the problem, never a 500 (ops/inputs.py and the views' id parsing).

The known cases first, then a Hypothesis fuzz over every URL pattern (tests/test_fuzz_urls.py).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from annotations.models import Note, SavedSet
from corpus.models import Article
from ops.inputs import control_character, parse_id, parse_ids
from tests.annotated_world import build_world


@pytest.fixture
def world(alice, bob):
    return build_world(alice, bob)


def hx(client: Client, url: str, data: dict):
    return client.post(url, data, headers={"HX-Request": "true"})


def test_parse_id_accepts_only_plain_ascii_ids_in_range():
    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id(9) == 9
    for bad in ("²", "١٢", "-1", "0", "1e3", "", None, "9" * 19, str(2**63), "4.0", "0x10"):
        assert parse_id(bad) is None, bad
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    assert parse_ids(["3", "²", "3", "x", "5"]) == [3, 5]


def test_control_characters_are_named_but_tabs_and_line_breaks_pass():
    assert control_character("a\x00b") == "U+0000"
    assert control_character("\x1b[0m") == "U+001B"
    assert control_character("\u0085") == "U+0085"
    assert control_character("line\nnext\ttab\r\n") is None
    assert control_character("🇮🇷 q\u0303") is None


@pytest.mark.parametrize("url", ["/spans/{span}/notes/", "/articles/{article}/notes/"])
def test_a_nul_in_a_note_is_refused_naming_the_field(alice_client, world, url):
    url = url.format(span=world.us_kills.pk, article=world.killing.pk)
    response = hx(alice_client, url, {"text": "bad\x00note"})
    assert response.status_code == 400
    assert "“text” contains a control character (U+0000)" in response.content.decode()
    assert not Note.objects.filter(text__startswith="bad").exists()


def test_a_nul_in_a_note_without_javascript_gets_a_page_in_our_style(alice_client, world):
    response = alice_client.post(f"/articles/{world.killing.pk}/notes/", {"text": "bad\x00note"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Request refused</h1>" in html and "U+0000" in html and "css/marginalia.css" in html


@pytest.mark.parametrize(
    "url",
    [
        "/annotations/?analyst=%00",
        "/annotations/export/?format=csv&analyst=%00",
        "/terms/suggest/?q=%00",
        "/?q=%00",
        "/vocabulary/?q=a%00",
        "/annotations/?q%00=1",
    ],
)
def test_a_nul_in_a_query_is_refused(alice_client, world, url):
    response = alice_client.get(url)
    assert response.status_code == 400
    assert "control character (U+0000)" in response.content.decode()


def test_superscript_digits_do_not_pass_for_ids(alice_client, world):
    choose = f"/articles/{world.killing.pk}/spans/choose/"
    for junk in ("%C2%B2", str(10**30), "-1", "1e9"):
        response = alice_client.get(f"{choose}?at={junk}")
        assert response.status_code == 400 and "is not an offset in the article" in response.content.decode()
    response = alice_client.get(f"{choose}?at={world.us_kills.start}")
    assert response.status_code == 200
    assert "The United States killed Soleimani" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "query", "words"),
    [
        ("passages/", "after=%C2%B2.5.1", "is not a place in the side list"),
        ("passages/", f"after=1.5.{10**30}", "is not a place in the side list"),
        ("passages/", "after=1.5", "is not a place in the side list"),
        ("passages/", "term=%C2%B2", "is not a term id"),
        ("activity/", "before=%C2%B2", "is not a change id"),
        ("activity/", f"before={10**30}", "is not a change id"),
        ("", "after=x.y.z", "is not a place in the side list"),
        ("", "before=0", "is not a change id"),
    ],
)
def test_odd_cursors_of_the_reader_are_named_400s(alice_client, world, path, query, words):
    url = f"/articles/{world.killing.pk}/{path}?{query}"
    response = alice_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 400 and words in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/annotations/?article=%C2%B2",
        "/annotations/?article=99999999999999999999",
        "/annotations/?source=%C2%B2",
    ],
)
def test_odd_ids_in_filters_are_named_errors(alice_client, world, url):
    response = alice_client.get(url)
    assert response.status_code == 400  # the screen shows what is wrong with the filter
    html = response.content.decode()
    assert "filter-errors" in html
    assert "Article must be an article id" in html or "There is no source “²”" in html


def test_an_odd_saved_set_id_in_the_export_is_a_404(alice_client, world):
    SavedSet.objects.create(owner=world.us_kills.created_by, name="All", query="")
    assert alice_client.get("/annotations/export/?set=%C2%B2").status_code == 404
    assert alice_client.get(f"/annotations/export/?set={10**30}").status_code == 404


@pytest.mark.parametrize("number", [2**63, 10**30])
def test_ids_too_large_for_the_database_are_not_found(alice_client, world, number):
    for url in (f"/articles/{number}/", f"/spans/{number}/", f"/annotations/sets/{number}/"):
        assert alice_client.get(url).status_code == 404, url
    response = hx(alice_client, f"/spans/{world.us_kills.pk}/tags/{number}/remove/", {"version": 1})
    assert response.status_code == 404


def test_huge_term_and_version_numbers_are_refused(alice_client, world):
    span = world.us_kills
    response = hx(alice_client, f"/spans/{span.pk}/tags/", {"term": str(10**30), "version": span.version})
    assert response.status_code == 422
    assert "Unknown term" in response.content.decode()
    response = hx(alice_client, f"/spans/{span.pk}/tags/", {"term": world.irgc.pk, "version": str(10**30)})
    assert response.status_code == 422
    assert "version is missing" in response.content.decode()


def test_an_over_long_query_value_is_refused_with_its_length(alice_client, world):
    response = alice_client.get("/terms/suggest/?q=" + "a" * 5000)
    assert response.status_code == 400
    assert "“q” is 5,000 characters long" in response.content.decode()


def test_an_over_long_note_is_refused_with_its_length(alice_client, world):
    response = hx(alice_client, f"/spans/{world.us_kills.pk}/notes/", {"text": "word " * 5000})
    assert response.status_code == 422
    assert "24,999 characters long; keep it under 20,000" in response.content.decode()


def test_uploading_too_many_files_shows_the_import_pages_own_message(alice_client, settings):
    files = [SimpleUploadedFile(f"a{n}.txt", b"Title\n\nSome text.") for n in range(101)]
    response = alice_client.post("/import/", {"files": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported: that was more than 100 files at once" in html
    assert "<h1>Import articles</h1>" in html
    assert not Article.objects.exists()


def test_too_much_pasted_text_shows_the_import_pages_own_message(alice_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = alice_client.post("/import/", {"title": "Long", "text": "x" * 2000})
    assert response.status_code == 413
    html = response.content.decode()
    assert "Nothing was received: the form&#x27;s text is larger than" in html
    assert "<h1>Import articles</h1>" in html


def test_control_characters_in_an_upload_file_name_are_dropped_by_django(alice_client):
    upload = SimpleUploadedFile("bad\x01name.txt", b"A title\n\nSome text of the article.")
    response = alice_client.post("/import/", {"files": [upload]}, follow=True)
    assert response.status_code == 200  # the job's page, after the redirect
    assert "badname.txt" in response.content.decode()
