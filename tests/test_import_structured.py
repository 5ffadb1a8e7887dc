"""Importing structured formats: .html through trafilatura, .jsonl and .csv with their metadata."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from corpus.importers import import_paths
from corpus.models import Article, Source
from tests.import_helpers import PARAGRAPH, SECOND, assert_normalised, only, write

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"


# --- .html ---------------------------------------------------------------------------------------------


def test_html_page_gives_main_text_and_metadata_without_furniture(db):
    result = only(import_paths([FIXTURES / "news_page.html"]))
    assert result.status == "imported", result.message
    article = Article.objects.get(pk=result.article_id)
    assert article.title == "Iraq’s parliament votes to expel US troops"
    assert article.authors == "Jane Doe"
    assert article.source.name == "Example Herald"
    assert article.source.home_page == "https://herald.example.org/"
    assert article.published == dt.date(2020, 1, 5)
    assert article.url == "https://herald.example.org/world/iraq-parliament-vote"
    assert article.body.startswith("Iraq’s parliament voted on Sunday to end the presence of foreign troops")
    assert "What happens next" in [text for _, text in article.paragraphs()]
    for furniture in ("Most read", "All rights reserved", "Privacy", "Subscribe", "By Jane Doe"):
        assert furniture not in article.body
    assert_normalised(article.body)


def test_a_page_over_half_a_megabyte_keeps_its_text_and_metadata_without_furniture(db, tmp_path):
    """Past EXTENSIVE_DATE_SEARCH_MAX trafilatura reads the page the fast way (no fallback extractors,
    the date from where pages state it): the article must come out the same."""
    from corpus.importers.html import EXTENSIVE_DATE_SEARCH_MAX

    page = (FIXTURES / "news_page.html").read_text(encoding="utf-8")
    more = "".join(
        f"<p>Paragraph {n} of the report on the vote, with its details.</p>\n" for n in range(12_000)
    )
    long_page = page.replace("    </article>", more + "    </article>", 1)
    assert len(long_page) > EXTENSIVE_DATE_SEARCH_MAX
    result = only(import_paths([write(tmp_path, "long.html", long_page)]))
    assert result.status == "imported", result.message
    article = Article.objects.get(pk=result.article_id)
    assert (article.title, article.authors, article.published) == (
        "Iraq’s parliament votes to expel US troops",
        "Jane Doe",
        dt.date(2020, 1, 5),
    )
    assert article.body.startswith("Iraq’s parliament voted on Sunday")
    assert "Paragraph 11999 of the report" in article.body
    for furniture in ("Most read", "All rights reserved", "Privacy", "Subscribe"):
        assert furniture not in article.body


def test_html_page_without_article_text_is_refused(db, tmp_path):
    path = write(
        tmp_path, "blank.html", "<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>"
    )
    result = only(import_paths([path]))
    assert result.status == "refused"
    assert "no article text" in result.message


# --- .jsonl ----------------------------------------------------------------------------------------


def test_jsonl_imports_good_lines_and_refuses_bad_ones_by_line(db, tmp_path):
    lines = [
        json.dumps(
            {
                "title": "First",
                "text": PARAGRAPH,
                "source": "Wire",
                "authors": ["A. One", "B. Two"],
                "published": "2020-01-08",
                "url": "https://wire.example/1",
                "language": "en",
            }
        ),
        "{not json",
        json.dumps({"title": "No text here", "source": "Ghost Gazette"}),
        "",
        json.dumps({"title": "Fourth", "text": SECOND, "source": "wire", "authors": "C. Three"}),
        json.dumps(["a", "list"]),
    ]
    path = write(tmp_path, "batch.jsonl", "\n".join(lines) + "\n")
    report = import_paths([path])
    assert report.summary() == "imported 2, duplicates 0, refused 3"
    by_line = {r.line: r for r in report.results}
    assert by_line[2].message.startswith("line 2: not JSON: ")
    assert by_line[3].message == "line 3: no text"
    assert by_line[6].message.startswith("line 6: not a JSON object")
    assert all(r.name == str(path) for r in report.results)
    first = Article.objects.get(pk=by_line[1].article_id)
    assert (first.title, first.body, first.authors) == ("First", PARAGRAPH, "A. One; B. Two")
    assert first.published == dt.date(2020, 1, 8)
    assert first.url == "https://wire.example/1"
    fourth = Article.objects.get(pk=by_line[5].article_id)
    assert fourth.source == first.source, "sources are get-or-created by name, whatever the case"
    assert Source.objects.count() == 1
    assert not Source.objects.filter(name="Ghost Gazette").exists()


def test_jsonl_unreadable_date_and_url_are_left_empty_with_warnings(db, tmp_path):
    row = {"title": "T", "text": PARAGRAPH, "published": "sometime", "url": "javascript:alert(1)"}
    path = write(tmp_path, "odd.jsonl", json.dumps(row))
    result = only(import_paths([path]))
    article = Article.objects.get(pk=result.article_id)
    assert (article.published, article.url) == (None, "")
    assert any('"sometime"' in w for w in result.warnings)
    assert any("javascript:alert(1)" in w for w in result.warnings)


# --- .csv --------------------------------------------------------------------------------------------


def test_csv_imports_rows_with_multiline_text_and_refuses_rows_without_text(db, tmp_path):
    content = (
        "title,text,source,authors,published,url,language\r\n"
        f'"Quoted, title","{PARAGRAPH}\r\n\r\n{SECOND}",Wire,Jane Doe; John Roe,"January 08, 2020",,en\r\n'
        "Empty one,,Wire,,,,\r\n"
        f'Third,"{SECOND} Again.",Other,,10.01.20,,fr\r\n'
    )
    path = write(tmp_path, "rows.csv", content)
    report = import_paths([path])
    assert report.summary() == "imported 2, duplicates 0, refused 1"
    refused = next(r for r in report.results if r.status == "refused")
    assert refused.message == "line 5: no text"  # the first row spans lines 2 to 4
    first = Article.objects.get(title="Quoted, title")
    assert first.body == f"{PARAGRAPH}\n\n{SECOND}"
    assert first.authors == "Jane Doe; John Roe"
    assert first.published == dt.date(2020, 1, 8)
    third = Article.objects.get(title="Third")
    assert (third.published, third.language) == (dt.date(2020, 1, 10), "fr")


def test_csv_without_a_text_column_is_refused_with_the_reason(db, tmp_path):
    path = write(tmp_path, "wrong.csv", "title,body\nA,Some body text\n")
    result = only(import_paths([path]))
    assert result.status == "refused"
    assert result.message == 'no "text" column (columns: title, body)'


def test_csv_saved_with_semicolons_is_read(db, tmp_path):
    path = write(tmp_path, "excel.csv", f"title;text;source\nSemicolons;{SECOND};Wire\n")
    article = Article.objects.get(pk=only(import_paths([path])).article_id)
    assert (article.title, article.body, article.source.name) == ("Semicolons", SECOND, "Wire")


def test_csv_row_longer_than_the_csv_modules_default_field_limit_is_read(db, tmp_path):
    long_text = "\n\n".join([PARAGRAPH + f" Paragraph {n}." for n in range(1200)])
    assert len(long_text) > 131072
    path = write(tmp_path, "long.csv", f'title,text\nLong one,"{long_text}"\n')
    result = only(import_paths([path]))
    assert result.status == "imported", result.message
    assert Article.objects.get().body == long_text


def test_metadata_is_normalised_like_the_body(db, tmp_path):
    row = {"title": "Ame\u0301lie  de\nMontchalin", "text": PARAGRAPH, "authors": ["Ame\u0301lie X"]}
    path = write(tmp_path, "nfc.jsonl", json.dumps(row))
    article = Article.objects.get(pk=only(import_paths([path])).article_id)
    assert article.title == "Amélie de Montchalin"
    assert article.authors == "Amélie X"


def test_url_too_long_for_the_database_is_left_empty_with_a_warning(db, tmp_path):
    row = {"title": "T", "text": PARAGRAPH, "url": "https://example.org/" + "a" * 2100}
    result = only(import_paths([write(tmp_path, "url.jsonl", json.dumps(row))]))
    assert result.status == "imported"
    assert Article.objects.get().url == ""
    assert result.warnings == ["url longer than 2000 characters; left empty"]
