"""Vocabulary suggestions: the matcher (corpus/nlp.py) and which names suggest which term
(annotations/suggestions.py)."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from annotations.models import Span, Term
from annotations.suggestions import suggestions_for, suggestions_with_labels
from corpus.models import Article
from corpus.nlp import phrase_matches

SOLEIMANI, ROUHANI, US = 1, 2, 3
PHRASES = [
    ("Qasem Soleimani", SOLEIMANI),
    ("Qassem Soleimani", SOLEIMANI),
    ("Soleimani", SOLEIMANI),
    ("Hassan Rouhani", ROUHANI),
    ("Rouhani", ROUHANI),
    ("Rohani", ROUHANI),
    ("US", US),
    ("United States", US),
]


def matched(text: str, phrases=PHRASES) -> list[tuple[str, int]]:
    return [(text[start:end], term) for start, end, term in phrase_matches(text, uuid.uuid4().hex, phrases)]


# --- The matcher ---


def test_alias_spellings_find_their_term():
    text = "Qassem Soleimani met Rohani. Later Rouhani spoke of Qasem Soleimani."
    assert matched(text) == [
        ("Qassem Soleimani", SOLEIMANI),
        ("Rohani", ROUHANI),
        ("Rouhani", ROUHANI),
        ("Qasem Soleimani", SOLEIMANI),
    ]


def test_names_match_whatever_their_case():
    assert matched("QASSEM SOLEIMANI and hassan rouhani") == [
        ("QASSEM SOLEIMANI", SOLEIMANI),
        ("hassan rouhani", ROUHANI),
    ]


def test_longest_name_wins_where_names_overlap():
    assert matched("Hassan Rouhani said that Soleimani") == [
        ("Hassan Rouhani", ROUHANI),
        ("Soleimani", SOLEIMANI),
    ]


def test_names_match_whole_tokens_and_possessives():
    assert matched("Rouhani's men, the Rouhanis and Soleimani’s death") == [
        ("Rouhani", ROUHANI),
        ("Soleimani", SOLEIMANI),
    ]


def test_short_capital_names_match_only_in_capitals():
    assert matched("The US told us: the United States") == [("US", US), ("United States", US)]


def test_offsets_are_code_points():
    text = "😀 e\u0301 “Rouhani”"
    [(start, end, term)] = phrase_matches(text, uuid.uuid4().hex, PHRASES)
    assert text[start:end] == "Rouhani" and start == 6 and term == ROUHANI


def test_a_new_version_rebuilds_the_matcher():
    version = uuid.uuid4().hex
    assert phrase_matches("Rouhani", version, [("Rouhani", 7)]) == [(0, 7, 7)]
    assert phrase_matches("Rouhani", version, [("Rouhani", 8)]) == [(0, 7, 7)]  # same version: kept
    assert phrase_matches("Rouhani", uuid.uuid4().hex, [("Rouhani", 8)]) == [(0, 7, 8)]


# --- Which names suggest which term ---

BODY = (
    "Qassem Soleimani was killed. Rohani and Rouhani are one man.\n\n"
    "Tehran vowed revenge, said Iran. The Old Guard stayed silent."
)


@pytest.fixture
def article(db) -> Article:
    return Article.objects.create(title="Suggestions", body=BODY, sha256=Article.hash_body(BODY))


@pytest.fixture
def vocabulary(db, alice) -> dict[str, Term]:
    soleimani = Term.objects.create(slug="qasem-soleimani", kind="actor", label="Qasem Soleimani")
    soleimani.add_alias("Qassem Soleimani", by=alice)
    rouhani = Term.objects.create(slug="hassan-rouhani", kind="actor", label="Hassan Rouhani")
    rouhani.add_alias("Rouhani", by=alice)
    rouhani.add_alias("Rohani", by=alice)
    iran = Term.objects.create(slug="iran", kind="actor", label="Iran")
    iran.add_alias("Tehran", by=alice)
    government = Term.objects.create(slug="iran-government", kind="actor", label="Iranian government")
    government.add_alias("Tehran", by=alice, shared=True)
    old_guard = Term.objects.create(
        slug="old-guard", kind="actor", label="Old Guard", retired_at=timezone.now()
    )
    return {"soleimani": soleimani, "rouhani": rouhani, "iran": iran, "old_guard": old_guard}


def suggested(article: Article) -> list[tuple[str, int]]:
    return [(article.body[start:end], term) for start, end, term in suggestions_for(article)]


def test_labels_and_aliases_of_active_terms_are_suggested(article, vocabulary):
    assert suggested(article) == [
        ("Qassem Soleimani", vocabulary["soleimani"].pk),
        ("Rohani", vocabulary["rouhani"].pk),
        ("Rouhani", vocabulary["rouhani"].pk),
        ("Iran", vocabulary["iran"].pk),
    ]


def test_a_name_of_two_terms_suggests_nothing(article, vocabulary):
    assert "Tehran" not in [text for text, _ in suggested(article)]


def test_a_retired_term_suggests_nothing(article, vocabulary, alice):
    assert "Old Guard" not in [text for text, _ in suggested(article)]
    vocabulary["old_guard"].unretire(by=alice)
    assert ("Old Guard", vocabulary["old_guard"].pk) in suggested(article)


def test_every_vocabulary_edit_shows_at_once(article, vocabulary, alice):
    soleimani, rouhani = vocabulary["soleimani"], vocabulary["rouhani"]
    assert ("Qassem Soleimani", soleimani.pk) in suggested(article)

    rouhani.add_alias("Iran", by=alice, shared=True)  # now a name of two terms
    assert "Iran" not in [text for text, _ in suggested(article)]

    soleimani.retire(by=alice)
    assert "Qassem Soleimani" not in [text for text, _ in suggested(article)]

    rouhani.remove_alias(rouhani.aliases.get(name="Rohani"), by=alice)
    assert [text for text, _ in suggested(article)] == ["Rouhani"]

    rouhani.edit({"label": "President Rouhani"}, by=alice)
    _, labels = suggestions_with_labels(article)
    assert labels == {rouhani.pk: "President Rouhani"}


def test_passages_hide_the_suggestions_they_overlap(article, vocabulary, alice):
    start = BODY.index("Soleimani was killed")
    Span.create_for(article, start, start + 20, "Soleimani was killed", by=alice)
    deleted = Span.create_for(article, 0, 6, "Qassem", by=alice)
    deleted.soft_delete(by=alice, version=deleted.version)
    texts = [text for text, _ in suggested(article)]
    assert "Qassem Soleimani" not in texts and "Rohani" in texts


def test_suggestions_are_cached_until_the_vocabulary_changes(
    article, vocabulary, alice, django_assert_num_queries
):
    first = suggestions_for(article, [])
    with django_assert_num_queries(2):  # the vocabulary's version; the matches come from the cache
        assert suggestions_for(article, []) == first
