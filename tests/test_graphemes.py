"""A passage never cuts a user-perceived character in two (annotations/graphemes.py, Span.create_for)."""

from __future__ import annotations

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.graphemes import check_range, is_boundary
from annotations.models import Refused, Span, Term
from corpus.models import Article

FLAG, FAMILY, Q_TILDE = "🇮🇷", "👨\u200d👩\u200d👧", "q\u0303"
BODY = f"Iran {FLAG} flag, a {FAMILY} family, the letter {Q_TILDE} here.\n\nNext 🇮🇷🇺🇸 pair."


def boundaries(text: str) -> set[int]:
    return {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}


@pytest.fixture
def article(db) -> Article:
    return Article.objects.create(title="Clusters", body=BODY, sha256=Article.hash_body(BODY))


@pytest.mark.parametrize("cluster", [FLAG, FAMILY, Q_TILDE])
def test_a_passage_ending_inside_a_character_is_refused(article, alice, cluster):
    start = BODY.index(cluster)
    with pytest.raises(Refused) as refused:
        Span.create_for(article, start, start + 1, BODY[start : start + 1], by=alice)
    assert f"ends inside the character “{cluster}”" in refused.value.message
    assert not Span.objects.exists()


def test_a_passage_starting_inside_a_character_is_refused(article, alice):
    start = BODY.index(FAMILY) + 2
    end = BODY.index(" family")
    with pytest.raises(Refused, match=f"starts inside the character “{FAMILY}”"):
        Span.create_for(article, start, end, BODY[start:end], by=alice)


def test_the_second_of_two_flags_is_its_own_character(article, alice):
    start = BODY.index("🇺🇸")
    span = Span.create_for(article, start, start + 2, "🇺🇸", by=alice)
    assert span.quote == "🇺🇸"
    with pytest.raises(Refused):
        Span.create_for(article, start - 1, start + 2, BODY[start - 1 : start + 2], by=alice)


@pytest.mark.parametrize("cluster", [FLAG, FAMILY, Q_TILDE])
def test_whole_characters_are_accepted(article, alice, cluster):
    start = BODY.index(cluster)
    span = Span.create_for(article, start, start + len(cluster), cluster, by=alice)
    assert span.quote == cluster


def test_the_reader_endpoint_refuses_half_a_flag_with_the_message(alice_client, article):
    iran = Term.objects.create(slug="iran", kind="actor", label="Iran")
    start = BODY.index(FLAG)
    response = alice_client.post(
        f"/articles/{article.pk}/spans/",
        {"start": start, "end": start + 1, "text": BODY[start], "term": iran.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert f"ends inside the character “{FLAG}”" in response.content.decode()
    assert not Span.objects.exists()


def test_check_range_names_no_problem_for_whole_characters():
    assert check_range(BODY, 0, len(BODY)) is None
    assert is_boundary(BODY, 0) and is_boundary(BODY, len(BODY)) and not is_boundary(BODY, len(BODY) + 1)


PIECES = ["a", "b", " ", "é", "e\u0301", FLAG, "🇺🇸", FAMILY, Q_TILDE, "😀", "\n", "ก\u0e33", "👍🏽", "\r\n"]
# Where the scan may start (graphemes._safe_start, between two ASCII characters) must not matter: a lone
# CR, a tab, a keycap (digit + VS16 + enclosing keycap), a prepended character (Arabic number sign).
PIECES += ["\r", "\t", "1\ufe0f\u20e3", "\u0600", "©\ufe0f"]


@settings(max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=30), data=st.data())
def test_is_boundary_agrees_with_regex_clusters_anywhere(pieces, data):
    text = "".join(pieces)
    expected = boundaries(text)
    for offset in range(len(text) + 1):
        assert is_boundary(text, offset) == (offset in expected), (text, offset)


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=2, max_size=20), data=st.data())
def test_create_for_accepts_exactly_the_selections_between_characters(db, alice, pieces, data):
    body = "".join(pieces)
    article, _ = Article.objects.get_or_create(
        sha256=Article.hash_body(body), defaults={"body": body, "title": "t"}
    )
    start = data.draw(st.integers(0, len(body) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(body)), label="end")
    trimmed_start, trimmed_end = start, end
    while trimmed_start < trimmed_end and body[trimmed_start].isspace():
        trimmed_start += 1
    while trimmed_end > trimmed_start and body[trimmed_end - 1].isspace():
        trimmed_end -= 1
    clusters = boundaries(body)
    try:
        span = Span.create_for(article, start, end, body[start:end], by=alice)
    except Refused as refused:
        whole = trimmed_start in clusters and trimmed_end in clusters
        assert trimmed_start >= trimmed_end or not whole, refused.message
    else:
        assert span.start in clusters and span.end in clusters
        assert span.quote == body[span.start : span.end]
