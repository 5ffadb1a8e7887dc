"""Cleaning imported text: normalisation, furniture rules, header/bio/sign-off rules, metadata parsing."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
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
from tests.import_helpers import PARAGRAPH, SECOND, assert_normalised

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


def _caption_by_its_pattern(line: str) -> bool:
    return bool(FURNITURE_LINES["caption with agency credit"].fullmatch(line.strip()))


@pytest.mark.parametrize(
    "line",
    [
        "x" * 400 + "/AFP",
        "x" * 401 + "/AFP",
        "x" * 400 + "/Anadolu Agency Photo)",
        "x" * 401 + "/Anadolu Agency Photo)",
        "Smoke over the airport/Reuters)",
        "Smoke over the airport/Reuters) later",
        "Getty Images",
        "Photo by a stringer via GETTY IMAGES",
        "A convoy/EPA-EFE Photo",
        "the afp said",
        "/ap",
        "",
    ],
)
def test_caption_rule_decides_as_its_whole_pattern_would(line):
    """furniture_rule only tries the caption pattern on lines whose end holds a credit: that shortcut
    must never change the answer, at the 400-character cap and with the closing bracket."""
    assert (furniture_rule(line) == "caption with agency credit") == _caption_by_its_pattern(line)


@given(st.text(alphabet="ab /)GgettyImsAFPREUTEReuterphoto", max_size=60))
@hypothesis_settings(max_examples=200, deadline=None)
def test_caption_shortcut_agrees_with_the_pattern_on_any_line(text):
    line = "x" * 380 + text
    assert (furniture_rule(line) == "caption with agency credit") == _caption_by_its_pattern(line)


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


@pytest.mark.parametrize(
    "line",
    [
        "Published on:        January     3rd,      2020",
        "Last updated on : 21st December 2019",
        "   03.01.2020   ",
    ],
)
def test_a_date_line_with_its_prefix_ordinals_and_spaces_is_still_read(line):
    assert parse_published(line) is not None


def test_a_long_line_is_no_date_even_when_it_holds_one():
    assert parse_published("On January 3, 2020, " + "the strike was reported by several outlets " * 3) is None
