"""The importer: every format, every bad input, duplicates, manifests, the demo corpus, the command."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from corpus.cleaning import (
    FURNITURE_LINES,
    clean_article,
    furniture_rule,
    normalise,
    parse_published,
    split_authors,
)
from corpus.importers import import_paths, import_text, import_uploads
from corpus.models import Article, Source

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "demo"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"

PARAGRAPH = (
    "Iran launched a series of missile strikes against US military bases in Iraq on Wednesday, "
    "in retaliation for the killing of General Qasem Soleimani."
)
SECOND = "Both sides then signalled that they wanted to avoid a wider war, officials said."


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def only(report):
    assert len(report.results) == 1, report.results
    return report.results[0]


def assert_normalised(body: str) -> None:
    assert "\r" not in body
    assert "\n\n\n" not in body
    for paragraph in body.split("\n\n"):
        assert paragraph, "empty paragraph"
        assert paragraph == paragraph.strip(), f"paragraph not stripped: {paragraph[:40]!r}"
        for line in paragraph.split("\n"):
            assert line == line.rstrip()


# --- normalisation -----------------------------------------------------------------------------------


def test_normalise_gives_one_blank_line_between_stripped_paragraphs():
    raw = "  First line  \r\nsame paragraph\t\r\n\r\n\r\n\n   \nSecond\rparagraph\n\n\n"
    assert normalise(raw) == "First line\nsame paragraph\n\nSecond\nparagraph"


def test_normalise_composes_unicode_to_nfc():
    decomposed = "Ame\u0301lie de Montchalin"
    assert normalise(decomposed) == "Amélie de Montchalin"
    assert len(normalise(decomposed)) == len("Amélie de Montchalin")


def test_normalise_turns_unicode_paragraph_separators_into_blank_lines_and_drops_stray_boms():
    assert normalise("\ufeffOne\u2029Two\u2028three\x0cfour") == "One\n\nTwo\nthree\nfour"


texts = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
    | st.sampled_from(["\n", "\r\n", "\r", "\n\n", " ", "\t", "\u2029", "e\u0301", "Read more", "Jane Doe"]),
    max_size=30,
).map("".join)


@hypothesis_settings(max_examples=300, deadline=None)
@given(texts)
def test_any_text_cleans_to_a_body_the_reader_can_split(text):
    body = clean_article(text, title="Title", authors=["Jane Doe"]).body
    assert unicodedata.is_normalized("NFC", body)
    if body:
        assert_normalised(body)
        assert normalise(body) == body


# --- furniture rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Navigate to Israel & The Middle East section", "section navigation"),
        ("Read more", "read more link"),
        ("Read more: Iran vows revenge for Soleimani", "read more link"),
        (
            "Like this article? Sign up for our Daily Digest to get Tablet magazine’s new content.",
            "newsletter pitch",
        ),
        ("Posted on : January 13, 2020Author : AGA Admin", "posted-on line"),
        ("Original publication valdaiclub.com", "original publication line"),
        ("Source: **Revenge for Qassem Soleimani's Killing: Is the Matter Closed?**", "source attribution"),
        ("Leave a Reply", "comment prompt"),
        ("Advertisement", "advertisement"),
        ("Photos (M): Reuters (2); Anadolu Danger of War on the Gulf A fanatic, a hot head", "photo credit"),
        ("ATTA KENARE/AFP via Getty Images", "caption with agency credit"),
        (
            "Iranian protesters hold a portrait of Gen. Qassem Soleimani in Tehran on Dec. 11, "
            "2017ATTA KENARE/AFP via Getty Images",
            "caption with agency credit",
        ),
    ],
)
def test_furniture_line_is_recognised_by_its_rule(line, rule):
    assert rule in FURNITURE_LINES
    assert furniture_rule(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        "Read more than a hundred pages of the report and the pattern is clear.",
        "Source material on the strike was scarce, officials said, and much of it was disputed.",
        "Photos of the convoy circulated widely on social media within hours of the strike.",
        "Navigate the politics of the region and you see why Tehran waited.",
        "The images, released by Reuters, showed the burning convoy near the airport.",
        "Proxy forces",
        "Iraq: A battlefield for Iran and the US",
        "— Ian Bond (@CER_IanBond) January 3, 2020",
    ],
)
def test_a_line_of_the_article_is_not_furniture(line):
    assert furniture_rule(line) is None


def test_read_more_source_tail_is_cut_from_the_paragraph_it_is_glued_to():
    text = f'{PARAGRAPH}\n\nLamenting "a dangerous escalation" that threatRead More – Source'
    body = clean_article(text).body
    assert body.endswith('Lamenting "a dangerous escalation" that threat')


def test_furniture_inside_a_block_is_dropped_line_by_line():
    credit = "ATTA KENARE/AFP via Getty Images"
    text = f"{credit}\nA caption about protesters {credit}\n\n{PARAGRAPH}"
    assert clean_article(text).body == PARAGRAPH


# --- header, bio, sign-off, broken paragraphs ---------------------------------------------------------


def test_leading_lines_repeating_title_source_date_standfirst_and_byline_are_dropped():
    text = (
        "The Example Times\n\nSTRIKE ON BAGHDAD: WHAT NEXT?\n\nTensions rise after the strike\n\n"
        f"By Jane Doe\nJanuary 03, 2020\n\n{PARAGRAPH}\n\n{SECOND}"
    )
    cleaned = clean_article(
        text,
        title="Strike on Baghdad: what next?",
        standfirst="Tensions rise after the strike",
        source="The Example Times",
        authors=["Jane Doe"],
    )
    assert cleaned.body == f"{PARAGRAPH}\n\n{SECOND}"
    assert cleaned.dateline == dt.date(2020, 1, 3)


def test_a_first_paragraph_that_only_begins_like_the_title_is_kept():
    text = f"Strike on Baghdad\n\nStrike on Baghdad shakes the region, and {PARAGRAPH}"
    body = clean_article(text, title="Strike on Baghdad").body
    assert body == f"Strike on Baghdad shakes the region, and {PARAGRAPH}"


def test_header_rule_stops_at_the_first_line_of_text():
    # A date later in the text is text, not a dateline.
    text = f"{PARAGRAPH}\n\nJanuary 03, 2020\n\n{SECOND}"
    assert clean_article(text).body == text


def test_text_without_blank_lines_becomes_one_paragraph_per_line():
    text = f"A heading\n{PARAGRAPH}\nAnother heading\n{SECOND}"
    assert clean_article(text).body == f"A heading\n\n{PARAGRAPH}\n\nAnother heading\n\n{SECOND}"


def test_single_newlines_inside_a_paragraph_are_kept_when_the_text_has_blank_lines():
    text = f"{PARAGRAPH}\n\nRoses are red,\nviolets are blue.\n\n{SECOND}"
    assert "Roses are red,\nviolets are blue." in clean_article(text).body


def test_trailing_author_bio_block_is_dropped():
    text = (
        f"{PARAGRAPH}\n\n{SECOND}\n\nAUTHOR\n\nMaxim Suchkov\n\nSenior Fellow\n\nLocation: Moscow, Russia\n\n"
        "Field of expertise: Maxim specializes in American foreign policy in the Middle East."
    )
    assert clean_article(text).body == f"{PARAGRAPH}\n\n{SECOND}"


def test_an_author_heading_followed_by_real_paragraphs_is_kept():
    text = f"{PARAGRAPH}\n\nAuthor\n\n{SECOND} It was a long and careful sentence of real text."
    assert clean_article(text).body == text


def test_closing_author_name_and_affiliation_are_dropped():
    text = f"{PARAGRAPH}\n{SECOND}\nDeepika Saraswat\nSenior Adjunct Reseracher, AGA\nLeave a Reply"
    body = clean_article(text, authors=["Deepika Saraswat"]).body
    assert body == f"{PARAGRAPH}\n\n{SECOND}"


def test_closing_author_note_is_dropped():
    text = f"{PARAGRAPH}\n\nTony Badran is Tablet’s news editor and Levant analyst."
    assert clean_article(text, authors=["Tony Badran"]).body == PARAGRAPH


def test_a_last_paragraph_that_mentions_the_author_in_a_sentence_is_kept():
    last = "As Tony Badran wrote last year, the strike changed the rules of the game in the region."
    text = f"{PARAGRAPH}\n\n{last}"
    assert clean_article(text, authors=["Tony Badran"]).body == text


def test_sign_off_needs_a_known_author():
    text = f"{PARAGRAPH}\n\nJohn Smith\n\nSenior Fellow"
    assert clean_article(text).body == text


def test_paragraph_broken_mid_sentence_by_a_blank_line_is_rejoined():
    text = "The physical elimination of Soleimani will reduce the\n\nability of the Iranians to act."
    assert (
        clean_article(text).body
        == "The physical elimination of Soleimani will reduce the ability of the Iranians to act."
    )


def test_heading_followed_by_a_paragraph_is_not_joined_to_it():
    text = f"Proxy forces\n\n{PARAGRAPH}\n\nIraq: A battlefield for Iran and the US\n\n{SECOND}"
    assert clean_article(text).body == text


# --- metadata parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-01-03", dt.date(2020, 1, 3)),
        ("2020-01-03T20:32:10Z", dt.date(2020, 1, 3)),
        ("2020-01-05T18:30:00+00:00", dt.date(2020, 1, 5)),
        ("January 03, 2020", dt.date(2020, 1, 3)),
        ("Jan 3, 2020", dt.date(2020, 1, 3)),
        ("3 January 2020", dt.date(2020, 1, 3)),
        ("3rd January 2020", dt.date(2020, 1, 3)),
        ("1/3/2020, 8:32:10 PM", dt.date(2020, 1, 3)),
        ("1/3/2020", dt.date(2020, 1, 3)),
        ("10.01.20", dt.date(2020, 1, 10)),
        ("10.01.2020", dt.date(2020, 1, 10)),
        ("Published: January 13, 2020", dt.date(2020, 1, 13)),
        (dt.date(2020, 1, 3), dt.date(2020, 1, 3)),
        ("yesterday", None),
        ("", None),
        ("13/13/2020", None),
        (None, None),
    ],
)
def test_published_dates_are_read_from_common_formats(value, expected):
    assert parse_published(value) == expected


def test_authors_come_from_a_list_or_a_semicolon_string():
    assert split_authors(["Jane Doe", " John  Smith ", "Jane Doe"]) == ["Jane Doe", "John Smith"]
    assert split_authors("By Jane Doe; John Smith") == ["Jane Doe", "John Smith"]
    assert split_authors("") == []


# --- the demo corpus ---------------------------------------------------------------------------------

DEMO_TABLE = [
    (
        "000_616074d22a71f991.txt",
        "Targeted Killing of Qasem Soleimani: A Step into War",
        "The Limited Times",
        "",
        dt.date(2020, 1, 3),
        "With the murder of Qasem Soleimani, the United States declared war on Iran.",
    ),
    (
        "001_12552d08efe9346a.txt",
        "A more dangerous world: US killing of Iran’s Soleimani stokes fears of regional conflict",
        "FRANCE 24",
        "",
        dt.date(2020, 1, 3),
        "The killing on Friday of General Qassem Soleimani, the head of Iran's elite Quds Force",
    ),
    (
        "002_2bce262efd13d711.txt",
        "U.S. Kills Qassem Soleimani",
        "Tablet",
        "Tony Badran",
        dt.date(2020, 1, 3),
        "The Pentagon has confirmed that, at the direction of President Donald Trump",
    ),
    (
        "003_9d3470bc36e5f580.txt",
        "Revenge for Qassem Soleimani's Killing: Is the Matter Closed?",
        "Valdai Discussion Club",
        "Maxim Suchkov",
        dt.date(2020, 1, 10),
        "On January 8, in retaliation for the assassination of General Qasem Soleimani, Iran launched",
    ),
    (
        "004_cd19bbfc24ada866.txt",
        "What led to the US killing of top Iranian Commander Qasem Soleimani —and what lies ahead?",
        "AGA",
        "Deepika Saraswat",
        dt.date(2020, 1, 13),
        "The assassination of Major General Qassem Soleimani, the Commander of the special unit",
    ),
]

FURNITURE = [
    "Navigate to",
    "Getty Images",
    "Photos (M)",
    "Read more",
    "Read More",
    "Like this article?",
    "Sign up",
    "Posted on",
    "Original publication",
    "Source: **",
    "AUTHOR",
    "Location: Moscow",
    "Competence:",
    "Field of expertise",
    "Work experience",
    "Senior Fellow",
    "Leave a Reply",
    "Reseracher",
    "Tony Badran is Tablet",
    "1/3/2020",
    "10.01.20",
    "REVENGE FOR",
]


@pytest.fixture
def demo(db):
    report = import_paths([DEMO])
    assert report.summary() == "imported 5, duplicates 0, refused 0"
    return {Path(r.name).name: Article.objects.get(pk=r.article_id) for r in report.results}


@pytest.mark.parametrize(("file", "title", "source", "authors", "published", "first_words"), DEMO_TABLE)
def test_demo_article_has_the_metadata_of_the_issue_table(
    demo, file, title, source, authors, published, first_words
):
    article = demo[file]
    assert article.title == title
    assert article.source.name == source
    assert article.authors == authors
    assert article.published == published
    assert article.original_filename == file


@pytest.mark.parametrize(("file", "title", "source", "authors", "published", "first_words"), DEMO_TABLE)
def test_demo_body_starts_at_the_first_paragraph(demo, file, title, source, authors, published, first_words):
    assert demo[file].body.startswith(first_words)


@pytest.mark.parametrize("file", [row[0] for row in DEMO_TABLE])
def test_demo_body_has_no_furniture_and_is_normalised(demo, file):
    article = demo[file]
    for furniture in FURNITURE:
        assert furniture not in article.body, f"{furniture!r} left in {file}"
    assert_normalised(article.body)
    assert article.sha256 == Article.hash_body(article.body)
    assert article.word_count > 500
    assert article.sentence_starts[0] == 0
    assert len(article.sentence_starts) > 10


def test_demo_standfirst_goes_to_the_standfirst_not_the_body(demo):
    tablet = demo["002_2bce262efd13d711.txt"]
    standfirst = (
        "Donald Trump cuts off Iran’s terror arm in Iraq, while Israel braces for Iranian retaliation"
    )
    assert tablet.standfirst == standfirst
    assert standfirst not in tablet.body


def test_demo_broken_paragraph_is_rejoined_and_headings_stay_paragraphs(demo):
    valdai = demo["003_9d3470bc36e5f580.txt"].body
    assert "will reduce the ability of the Iranians" in valdai
    aga = [text for _, text in demo["004_cd19bbfc24ada866.txt"].paragraphs()]
    assert "Iraq: A battlefield for Iran and the US" in aga
    assert aga[-1].endswith("fresh tide of anti-Americanism.")
    france = [text for _, text in demo["001_12552d08efe9346a.txt"].paragraphs()]
    assert "Proxy forces" in france


def test_demo_ends_at_the_articles_last_paragraph(demo):
    assert demo["002_2bce262efd13d711.txt"].body.endswith("strike U.S. embassies with impunity.")
    assert demo["003_9d3470bc36e5f580.txt"].body.endswith('"surprise" before the elections.')


def test_importing_the_demo_again_reports_duplicates(demo):
    report = import_paths([DEMO])
    assert report.summary() == "imported 0, duplicates 5, refused 0"
    first = report.results[0]
    assert first.status == "duplicate"
    assert first.message == f"skipped: duplicate of article {demo[Path(first.name).name].pk}"
    assert Article.objects.count() == 5


def test_manifest_is_not_imported_as_an_article(demo):
    assert not Article.objects.filter(original_filename="manifest.csv").exists()


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


def test_progress_is_reported_per_file(db, tmp_path):
    for n in range(3):
        write(tmp_path, f"{n}.txt", f"Title {n}\n\n{PARAGRAPH} {n}")
    calls = []
    import_paths([tmp_path], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


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


def test_upload_over_the_limit_is_refused(db, settings):
    settings.MARGINALIA_MAX_IMPORT_BYTES = 100
    result = only(import_uploads([SimpleUploadedFile("big.txt", b"x" * 101)]))
    assert result.status == "refused"
    assert "101 bytes" in result.message


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


def test_pasted_text_needs_text_and_title(db):
    assert only(import_text(title="T", text="  ")).message == "no text to import"
    assert only(import_text(title=" ", text=PARAGRAPH)).message == "a title is needed for pasted text"
    assert Article.objects.count() == 0


# --- the command -----------------------------------------------------------------------------------


def test_command_prints_refusals_and_duplicates_and_the_summary(db, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(DEMO, folder)
    write(folder, "broken.jsonl", json.dumps({"title": "T", "text": PARAGRAPH}) + "\n{oops\n")
    call_command("import_articles", str(folder / "000_616074d22a71f991.txt"), stdout=io.StringIO())

    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_articles", str(folder), stdout=out)
    lines = out.getvalue().splitlines()
    assert failure.value.returncode == 1
    assert lines[-1] == "imported 5, duplicates 1, refused 1"
    not_json = "not JSON: Expecting property name enclosed in double quotes (column 2)"
    assert f"{folder / 'broken.jsonl'}: line 2: {not_json}" in lines
    assert any(
        line.startswith(f"{folder / '000_616074d22a71f991.txt'}: skipped: duplicate of article")
        for line in lines
    )
    assert len(lines) == 3, "imported files are quiet at the default verbosity"


def test_command_lists_imported_files_at_verbosity_2_and_exits_zero(db, tmp_path):
    write(tmp_path, "a.txt", f"Title A\n\n{PARAGRAPH}")
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), verbosity=2, stdout=out)
    lines = out.getvalue().splitlines()
    article = Article.objects.get()
    assert lines == [
        f"{tmp_path / 'a.txt'}: imported as article {article.pk}: Title A",
        "imported 1, duplicates 0, refused 0",
    ]


def test_command_prints_warnings(db, tmp_path):
    write(tmp_path, "old.txt", f"Caf\u00e9\n\n{PARAGRAPH}".encode("cp1252"))
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=out)
    assert "warning: not UTF-8: read as Windows-1252" in out.getvalue()


def test_command_refuses_an_unknown_user(db, tmp_path):
    with pytest.raises(CommandError, match='no user named "nobody"'):
        call_command("import_articles", str(tmp_path), user="nobody")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_command_shows_a_progress_bar_on_a_terminal_for_many_files(db, tmp_path):
    for n in range(12):
        write(tmp_path, f"{n:02d}.txt", f"Title {n}\n\n{PARAGRAPH} Number {n}.")
    terminal, out = Terminal(), io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=out, stderr=terminal)
    assert "] 6/12 files" in terminal.getvalue()
    assert "[" + "#" * 30 + "] 12/12 files" in terminal.getvalue()
    assert out.getvalue().splitlines() == ["imported 12, duplicates 0, refused 0"]


def test_command_shows_no_progress_bar_when_not_on_a_terminal_or_for_few_files(db, tmp_path):
    for n in range(12):
        write(tmp_path / "many", f"{n:02d}.txt", f"Title {n}\n\n{PARAGRAPH} Number {n}.")
    write(tmp_path / "few", "one.txt", f"One\n\n{SECOND}")
    piped = io.StringIO()
    call_command("import_articles", str(tmp_path / "many"), stdout=io.StringIO(), stderr=piped)
    terminal = Terminal()
    call_command("import_articles", str(tmp_path / "few"), stdout=io.StringIO(), stderr=terminal)
    assert piped.getvalue() == terminal.getvalue() == ""
