"""Vocabulary suggestions: the phrase matcher (corpus/nlp.py), which names suggest which term
(annotations/suggestions.py: certain, confirm, new actor), rejections, the cache, and what the
reader shows of them. The rules themselves are pinned in test_mention_rules.py."""

from __future__ import annotations

import json
import re
import uuid
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from annotations.models import Span, SuggestionRejection, Term
from annotations.suggestions import reject, suggestions_for, suggestions_with_labels
from corpus.models import Article
from corpus.nlp import phrase_matches
from tests.conftest import load_demo

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
    return [(article.body[s.start : s.end], s.term) for s in suggestions_for(article)]


def test_labels_and_aliases_of_active_terms_are_suggested(article, vocabulary):
    assert suggested(article) == [
        ("Qassem Soleimani", vocabulary["soleimani"].pk),
        ("Rohani", vocabulary["rouhani"].pk),
        ("Rouhani", vocabulary["rouhani"].pk),
        ("Iran", vocabulary["iran"].pk),
    ]
    assert {s.certainty for s in suggestions_for(article)} == {"certain"}


def test_a_name_of_two_terms_suggests_nothing_without_context(article, vocabulary):
    assert "Tehran" not in [text for text, _ in suggested(article)]


def test_a_retired_term_suggests_nothing_not_even_as_a_new_actor(article, vocabulary, charlie):
    assert "Old Guard" not in [text for text, _ in suggested(article)]
    vocabulary["old_guard"].unretire(by=charlie)
    assert ("Old Guard", vocabulary["old_guard"].pk) in suggested(article)


def test_every_vocabulary_edit_shows_at_once(article, vocabulary, alice, charlie):
    soleimani, rouhani = vocabulary["soleimani"], vocabulary["rouhani"]
    assert ("Qassem Soleimani", soleimani.pk) in suggested(article)

    rouhani.add_alias(
        "Iran", by=alice, shared=True
    )  # now a name of two terms: the one named last, to confirm
    [iran] = [s for s in suggestions_for(article) if s.key == "iran"]
    assert (iran.term, iran.certainty) == (rouhani.pk, "confirm")

    soleimani.retire(by=charlie)
    assert "Qassem Soleimani" not in [text for text, _ in suggested(article)]

    rouhani.remove_alias(rouhani.aliases.get(name="Rohani"), by=charlie)
    certain = [article.body[s.start : s.end] for s in suggestions_for(article) if s.certainty == "certain"]
    assert certain == ["Rouhani"]  # "Rohani" is now only a near miss, to confirm

    rouhani.edit({"label": "President Rouhani"}, by=charlie)
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
    with django_assert_num_queries(2):  # the vocabulary's version and the article's rejections
        assert suggestions_for(article, []) == first
    vocabulary["rouhani"].add_alias("Hassan Rohani", by=alice)
    assert suggestions_for(article, []) == first  # recomputed, same names


def test_a_rejected_pair_is_hidden_in_that_article_for_everyone_and_only_there(
    article, vocabulary, alice, bob
):
    other = Article.objects.create(
        title="Other", body=BODY + " Rouhani.", sha256=Article.hash_body(BODY + " Rouhani.")
    )
    rouhani = vocabulary["rouhani"]
    start = BODY.index("Rouhani")
    reject(article, start, start + 7, rouhani, "", by=alice)
    assert ("Rouhani", rouhani.pk) not in suggested(article)
    assert ("Rohani", rouhani.pk) in suggested(article)  # another name of the same term stays
    assert ("Rouhani", rouhani.pk) in suggested(other)
    reject(article, start, start + 7, rouhani, "", by=bob)
    assert SuggestionRejection.objects.get().rejected_by == alice  # counted once per article and pair


def test_a_generic_alias_is_suggested_if_an_analyst_added_it_not_from_a_file(db, alice, tmp_path):
    from annotations.vocabulary import load_vocabulary

    body = "The protesters marched while the alliance met."
    article = Article.objects.create(title="Generic", body=body, sha256=Article.hash_body(body))
    path = tmp_path / "vocabulary.csv"
    path.write_text(
        "kind,id,label,code,parent,aliases,description\n"
        "actor,nato,NATO,,,alliance,\n"
        "actor,iraqi-protesters,Iraqi protesters,,,protesters,\n",
        encoding="utf-8",
    )
    load_vocabulary(path, user=alice)
    assert suggested(article) == []
    Term.objects.get(slug="nato").add_alias("the alliance", by=alice)
    assert suggested(article) == [("the alliance", Term.objects.get(slug="nato").pk)]


# --- The reader ---


@pytest.fixture
def demo(db) -> Article:
    load_demo()  # as `make run` does (tests/conftest.py)
    return Article.objects.get(title="Targeted Killing of Qasem Soleimani: A Step into War")


UNDERLINE = r'<span class="suggest( confirm| new)?" data-o="(\d+)" data-term="(\d*)"[^>]*>([^<]*)</span>'


def underlines(html: str, certainty: str = "") -> list[tuple[int, int, str, str]]:
    """(start, end, term id, text) of every suggestion in the page (of one certainty if given): its end
    is its start and its characters (the page's text is escaped: these names hold no markup)."""
    found = re.findall(UNDERLINE, html)
    return [
        (int(o), int(o) + len(text), term, text)
        for kind, o, term, text in found
        if not certainty or kind.strip() == certainty or (certainty == "certain" and not kind)
    ]


def labels_listed(html: str) -> dict[str, str]:
    """The suggested terms' labels, listed once in the page (on the suggestions toggle)."""
    listed = re.search(r'data-labels="([^"]*)"', html)
    return json.loads(unescape(listed.group(1)))


def test_reader_underlines_vocabulary_names_in_the_demo_article(alice_client, demo):
    html = alice_client.get(f"/articles/{demo.pk}/").content.decode()
    soleimani = Term.objects.get(slug="qasem-soleimani")
    start = demo.body.index("Qasem Soleimani")
    assert (
        f'<span class="suggest" data-o="{start}" data-term="{soleimani.pk}">Qasem Soleimani</span>'
    ) in html
    assert labels_listed(html)[str(soleimani.pk)] == "Qasem Soleimani"  # the card names the term
    found = underlines(html)
    assert all(demo.body[start:end] == text for start, end, _term, text in found)
    assert {"Iran", "United States", "Trump", "U.S."} <= {text for *_, text in underlines(html, "certain")}
    assert "Hide suggestions" in html


def test_reader_underlines_inferred_suggestions_to_confirm_and_new_actors(alice_client, demo):
    html = alice_client.get(f"/articles/{demo.pk}/").content.decode()
    government = Term.objects.get(slug="iran-government")
    tehran = demo.body.index("Tehran will now retaliate")
    assert (
        f'<span class="suggest confirm" data-o="{tehran}" data-term="{government.pk}" '
        'data-kind="metonym">Tehran</span>'
    ) in html
    assert labels_listed(html)[str(government.pk)] == "Iranian government"
    assert {"Americans", "Iranians"} <= {text for *_, text in underlines(html, "confirm")}
    macron = demo.body.index("Emmanuel Macron")
    assert (
        f'<span class="suggest new" data-o="{macron}" data-term="" '
        'data-label="Emmanuel Macron" data-type="person">Emmanuel Macron</span>'
    ) in html
    assert "alliance" not in {text for *_, text in underlines(html)}


def test_hiding_suggestions_lasts_for_the_session_and_works_without_javascript(alice_client, demo):
    response = alice_client.post(f"/articles/{demo.pk}/suggestions/", {"show": "0"})
    assert response.status_code == 302 and response["Location"] == f"/articles/{demo.pk}/"
    html = alice_client.get(f"/articles/{demo.pk}/").content.decode()
    assert not underlines(html) and "Show suggestions" in html
    other = Article.objects.exclude(pk=demo.pk).first()
    assert not underlines(alice_client.get(f"/articles/{other.pk}/").content.decode())

    alice_client.post(f"/articles/{demo.pk}/suggestions/", {"show": "1"})
    assert underlines(alice_client.get(f"/articles/{demo.pk}/").content.decode())


def test_setting_off_shows_no_suggestions_and_no_toggle(alice_client, demo, settings):
    settings.MARGINALIA_SUGGESTIONS = False
    html = alice_client.get(f"/articles/{demo.pk}/").content.decode()
    assert not underlines(html) and "suggestions-toggle" not in html


def test_saved_passage_repaints_its_paragraph_with_the_remaining_suggestions(alice_client, demo):
    soleimani = Term.objects.get(slug="qasem-soleimani")
    start = demo.body.index("Qasem Soleimani")
    response = alice_client.post(
        f"/articles/{demo.pk}/spans/",
        {"start": start, "end": start + 15, "text": "Qasem Soleimani", "term": soleimani.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    paragraph = response.content.decode().split('<p hx-swap-oob="true"', 1)[1].split("</p>", 1)[0]
    found = underlines(paragraph)
    assert start not in [o for o, *_ in found]
    assert {"United States", "Iran"} <= {text for *_, text in found}
    span = Span.objects.get()
    assert (
        f'<a id="span-{span.pk}"></a><mark class="hl actor d1" data-o="{start}">Qasem Soleimani</mark>'
        in paragraph
    )


def test_repainted_paragraphs_have_no_suggestions_when_hidden(alice_client, demo):
    alice_client.post(f"/articles/{demo.pk}/suggestions/", {"show": "0"})
    start = demo.body.index("United States")
    united_states = Term.objects.get(slug="united-states")
    response = alice_client.post(
        f"/articles/{demo.pk}/spans/",
        {"start": start, "end": start + 13, "text": "United States", "term": united_states.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and not underlines(response.content.decode())


def test_hiding_suggestions_needs_login_and_post(alice_client, demo):
    response = Client().post(f"/articles/{demo.pk}/suggestions/", {"show": "0"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert alice_client.get(f"/articles/{demo.pk}/suggestions/").status_code == 405


def test_a_process_keeps_its_recent_articles_mentions_until_the_vocabulary_changes(
    db, django_assert_num_queries
):
    """Read from this process's memory on every repaint (no unpickling of the cache's copy); a change of
    vocabulary names a new key, so nothing stale is read."""
    from django.core.cache import cache

    from annotations import suggestions
    from annotations.models import Term

    term = Term.objects.create(slug="rouhani", kind="actor", label="Hassan Rouhani")
    term.ensure_label_alias(by=None)
    body = "Rouhani spoke."
    article = Article.objects.create(title="R", body=body, sha256=Article.hash_body(body))
    first = suggestions.article_mentions(article)
    cache.clear()  # the shared copy gone: the process's own is read
    assert suggestions.article_mentions(article) is first
    term.add_alias("Rohani", by=None)
    assert suggestions.article_mentions(article) is not first, "a new vocabulary version, a new key"
