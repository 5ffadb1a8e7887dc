"""What the importer refuses and why: bad encodings, binary, empty, too big; duplicates; isolation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from corpus.importers import import_paths, import_text, import_uploads
from corpus.models import Article
from tests.import_helpers import PARAGRAPH, SECOND, only, write


def test_text_in_no_supported_encoding_is_refused(db, tmp_path):
    path = write(tmp_path, "mystery.txt", b"Title\n\nSome words \x81\x8d\x90 and more words")
    result = only(import_paths([path]))
    assert result.status == "refused"
    assert result.message == "does not decode as UTF-8 or Windows-1252"
    assert Article.objects.count() == 0


def test_binary_file_is_refused(db, tmp_path):
    path = write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = only(import_paths([path]))
    assert (result.status, result.message) == ("refused", "binary file, not text")


def test_utf16_file_is_refused_with_advice(db, tmp_path):
    path = write(tmp_path, "wide.txt", "Title\n\nText".encode("utf-16"))
    assert "UTF-16" in only(import_paths([path])).message


@pytest.mark.parametrize("content", [b"", b"   \n\n\t \r\n", b"\xef\xbb\xbf  \n"])
def test_empty_file_is_refused(db, tmp_path, content):
    path = write(tmp_path, "empty.txt", content)
    result = only(import_paths([path]))
    assert (result.status, result.message) == ("refused", "empty file")


def test_file_over_the_size_limit_is_refused_naming_size_and_limit(db, tmp_path, settings):
    settings.MARGINALIA_MAX_IMPORT_BYTES = 1000
    path = write(tmp_path, "long.txt", "Title\n\n" + "word " * 400)
    result = only(import_paths([path]))
    assert result.status == "refused"
    assert "2,007 bytes" in result.message
    assert "limit of 1,000 bytes" in result.message


def test_unknown_extension_is_refused_naming_it(db, tmp_path):
    path = write(tmp_path, "report.pdf", b"%PDF-1.4 whatever")
    result = only(import_paths([path]))
    assert result.status == "refused"
    assert '".pdf"' in result.message


def test_missing_path_is_refused(db, tmp_path):
    result = only(import_paths([tmp_path / "nowhere.txt"]))
    assert (result.status, result.message) == ("refused", "no such file or folder")


def test_manifest_without_file_column_is_refused_and_files_still_import(db, tmp_path):
    write(tmp_path, "a.txt", f"Title\n\n{PARAGRAPH}")
    write(tmp_path, "manifest.csv", "name,title\na.txt,Other\n")
    report = import_paths([tmp_path])
    assert report.summary() == "imported 1, duplicates 0, refused 1"
    assert 'manifest without a "file" column' in report.results[0].message


def test_same_text_twice_in_one_import_is_a_duplicate_of_the_first(db, tmp_path):
    write(tmp_path, "one.txt", f"Title\n\n{PARAGRAPH}")
    write(tmp_path, "two.txt", f"Title\r\n\r\n{PARAGRAPH}   \r\n")  # same once normalised
    report = import_paths([tmp_path])
    first, second = report.results
    assert (first.status, second.status) == ("imported", "duplicate")
    assert second.message == f"skipped: duplicate of article {first.article_id}"
    assert second.article_id == first.article_id


def test_a_bad_file_does_not_stop_the_others(db, tmp_path):
    write(tmp_path, "1.txt", f"One\n\n{PARAGRAPH}")
    write(tmp_path, "2.txt", b"\x00\x01\x02binary")
    write(tmp_path, "3.doc", b"whatever")
    write(tmp_path, "4.txt", f"Four\n\n{SECOND}")
    report = import_paths([tmp_path])
    assert [r.status for r in report.results] == ["imported", "refused", "refused", "imported"]
    assert Article.objects.count() == 2


def test_upload_over_the_limit_is_refused(db, settings):
    settings.MARGINALIA_MAX_IMPORT_BYTES = 100
    result = only(import_uploads([SimpleUploadedFile("big.txt", b"x" * 101)]))
    assert result.status == "refused"
    assert "101 bytes" in result.message


def test_pasted_text_needs_text_and_title(db):
    assert only(import_text(title="T", text="  ")).message == "no text to import"
    assert only(import_text(title=" ", text=PARAGRAPH)).message == "a title is needed for pasted text"
    assert Article.objects.count() == 0
