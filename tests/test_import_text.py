"""Importing plain text: .txt (title, BOM, Windows-1252), folders with manifests, uploads, pasted text."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from corpus.importers import import_paths, import_text, import_uploads
from corpus.models import Article
from tests.import_helpers import PARAGRAPH, SECOND, only, write

# --- .txt ------------------------------------------------------------------------------------------


def test_txt_title_is_the_first_line_and_not_repeated_in_the_body(db, tmp_path):
    path = write(tmp_path, "note.txt", f"\n\n  Strike on Baghdad  \r\n\r\n{PARAGRAPH}\r\n\r\n{SECOND}\r\n")
    result = only(import_paths([path]))
    article = Article.objects.get(pk=result.article_id)
    assert result.status == "imported"
    assert article.title == "Strike on Baghdad"
    assert article.body == f"{PARAGRAPH}\n\n{SECOND}"
    assert article.original_filename == "note.txt"


def test_txt_with_utf8_bom_imports_without_the_bom(db, tmp_path):
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + f"Caf\u00e9 talks\n\n{PARAGRAPH}".encode())
    result = only(import_paths([path]))
    article = Article.objects.get(pk=result.article_id)
    assert article.title == "Café talks"
    assert result.warnings == []


def test_windows_1252_text_is_imported_with_a_warning(db, tmp_path):
    text = f"Am\u00e9lie\u2019s view\n\n\u201cQuoted\u201d words, and {PARAGRAPH}"
    path = write(tmp_path, "legacy.txt", text.encode("cp1252"))
    result = only(import_paths([path]))
    assert result.status == "imported"
    assert any("Windows-1252" in warning for warning in result.warnings)
    article = Article.objects.get(pk=result.article_id)
    assert article.title == "Amélie’s view"
    assert article.body.startswith("“Quoted” words")


def test_a_one_line_text_keeps_its_line_as_body(db, tmp_path):
    path = write(tmp_path, "one.txt", "Iran fires missiles at US bases in Iraq")
    article = Article.objects.get(pk=only(import_paths([path])).article_id)
    assert article.title == article.body == "Iran fires missiles at US bases in Iraq"


def test_an_untitled_text_opening_with_a_long_paragraph_keeps_that_paragraph(db, tmp_path):
    long_first = PARAGRAPH + " " + SECOND + " " + PARAGRAPH
    path = write(tmp_path, "untitled.txt", f"{long_first}\n\n{SECOND}")
    article = Article.objects.get(pk=only(import_paths([path])).article_id)
    assert article.body.startswith(long_first)
    assert article.title.endswith("…")
    assert len(article.title) <= 101


# --- folders, manifests, duplicates ---------------------------------------------------------------


def test_folder_is_imported_recursively_and_its_manifest_supplies_metadata(db, tmp_path):
    write(tmp_path, "a.txt", f"Raw first line\n\n{PARAGRAPH}")
    write(tmp_path, "sub/b.txt", f"Second article\n\n{SECOND}")
    write(
        tmp_path,
        "manifest.csv",
        "file,title,standfirst,source,authors,published,url\n"
        "a.txt,Manifest title,A standfirst,Valdai Discussion Club,Maxim Suchkov,10.01.20,https://valdaiclub.com/a\n",
    )
    write(tmp_path, ".hidden/c.txt", "Hidden\n\nnot to be imported")
    report = import_paths([tmp_path])
    assert report.summary() == "imported 2, duplicates 0, refused 0"
    a = Article.objects.get(original_filename="a.txt")
    assert (a.title, a.standfirst, a.authors, a.source.name) == (
        "Manifest title",
        "A standfirst",
        "Maxim Suchkov",
        "Valdai Discussion Club",
    )
    assert a.published == dt.date(2020, 1, 10)
    assert a.body == f"Raw first line\n\n{PARAGRAPH}"  # the manifest gave the title: the first line is text
    b = Article.objects.get(original_filename="b.txt")
    assert (b.title, b.source) == ("Second article", None)


def test_importer_is_recorded(db, tmp_path, alice):
    path = write(tmp_path, "a.txt", f"Title\n\n{PARAGRAPH}")
    article = Article.objects.get(pk=only(import_paths([path], user=alice)).article_id)
    assert article.imported_by == alice


# --- uploads and pasted text -------------------------------------------------------------------------


def test_uploads_import_each_file_and_use_an_uploaded_manifest(db, alice):
    files = [
        SimpleUploadedFile("good.txt", f"Good\n\n{PARAGRAPH}".encode()),
        SimpleUploadedFile("manifest.csv", b"file,title,source\ngood.txt,From the manifest,Tablet\n"),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("slides.pptx", b"PK\x03\x04"),
    ]
    report = import_uploads(files, user=alice)
    assert [(r.name, r.status) for r in report.results] == [
        ("good.txt", "imported"),
        ("empty.txt", "refused"),
        ("slides.pptx", "refused"),
    ]
    article = Article.objects.get()
    assert (article.title, article.source.name, article.imported_by) == ("From the manifest", "Tablet", alice)


def test_pasted_text_is_imported_with_its_metadata(db, alice):
    report = import_text(
        title="Pasted article",
        text=f"Pasted article\n\n{PARAGRAPH}\n\n\n{SECOND}",
        user=alice,
        source="Tablet",
        authors="Tony Badran",
        published="2020-01-03",
        url="https://www.tabletmag.com/x",
    )
    result = only(report)
    article = Article.objects.get(pk=result.article_id)
    assert (article.title, article.body) == ("Pasted article", f"{PARAGRAPH}\n\n{SECOND}")
    assert (article.source.name, article.authors, article.published) == (
        "Tablet",
        "Tony Badran",
        dt.date(2020, 1, 3),
    )
    assert article.imported_by == alice
