"""Importing the demo corpus: the metadata table of the issue, clean bodies, re-import as duplicates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from corpus.importers import import_paths
from corpus.models import Article
from tests.import_helpers import DEMO, assert_normalised

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
