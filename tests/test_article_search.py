"""The Articles search reads vocabulary names: a name typed finds every name of its term, the page says
what else was searched, and "only the words as typed" searches the literal words. On SQLite and
PostgreSQL (the stored search vector), through the real list and the test client."""

from __future__ import annotations

import pytest
from django.db import connection

from annotations.models import Term
from corpus.models import Article
from corpus.search import read_search
from tests.conftest import load_demo

LIST = "/"


def make_article(title: str, body: str) -> Article:
    article = Article.objects.create(title=title, body=body, sha256=Article.hash_body(body))
    Article.objects.filter(pk=article.pk).analyse()  # PostgreSQL: the stored vector, as after an import
    return article


def titles(response) -> set[str]:
    return set(response.context["page_obj"].object_list and [a.title for a in response.context["page_obj"]])


@pytest.fixture
def demo(db, charlie):
    load_demo()
    soleimani = Term.objects.get(slug="qasem-soleimani")
    soleimani.add_alias("Soleimany", by=charlie)
    # PostgreSQL's English stemming reads "Soleimany" as "soleimani" even as typed; "Sulaymani" stays itself.
    soleimani.add_alias("Sulaymani", by=charlie)
    return soleimani


@pytest.fixture
def quds(db, charlie):
    term = Term.objects.create(slug="quds-force", kind="actor", label="Quds Force")
    term.ensure_label_alias(by=charlie)
    term.add_alias("Qods Force", by=charlie)
    term.add_alias("Sepah Qods", by=charlie)
    return term


def test_a_name_finds_every_article_naming_its_term(demo, alice_client):
    every_soleimani_article = set(Article.objects.values_list("title", flat=True))
    assert len(every_soleimani_article) == 5
    response = alice_client.get(LIST, {"q": "Soleimany"})
    assert titles(response) == every_soleimani_article
    html = response.content.decode()
    assert "“Soleimany” is a name of <strong>Qasem Soleimani</strong>: also searched" in html
    assert "Qasem Soleimani, Qassem Soleimani" in html
    assert 'href="?q=Soleimany&amp;literal=1"' in html


def test_only_the_words_as_typed_searches_the_literal_word(demo, alice_client):
    response = alice_client.get(LIST, {"q": "Sulaymani", "literal": "1"})
    assert titles(response) == set()
    html = response.content.decode()
    assert "also searched" not in html
    assert "Searched only the words as typed." in html
    assert "No articles match this search." in html


def test_a_word_that_is_no_name_is_searched_as_typed(demo, alice_client):
    response = alice_client.get(LIST, {"q": "Qassem"})
    assert len(titles(response)) == 4  # one article writes only "Qasem"
    assert "also searched" not in response.content.decode()


def test_a_name_of_several_words_is_read_as_one_name(demo, alice_client):
    search = read_search("Qassem Soleimani killing")
    assert [name.typed for name in search.names] == ["Qassem Soleimani"]
    assert search.words == "killing"
    response = alice_client.get(LIST, {"q": "Qassem Soleimani"})
    assert len(titles(response)) == 5


def test_names_and_other_words_must_all_be_found(demo, alice_client):
    both = make_article("Both", "Soleimani met the envoy in Zarqawiyya.")
    make_article("Name only", "Soleimani travelled.")
    response = alice_client.get(LIST, {"q": "Soleimany Zarqawiyya"})
    assert titles(response) == {both.title}


def test_variants_match_whole_names_case_insensitively(quds, alice_client):
    shouting = make_article("Shouting", "THE QODS FORCE ANSWERED.")
    make_article("Inside a word", "The Qods Forcenet reply came later.")
    make_article("Words apart", "Qods units and an air force were seen.")
    response = alice_client.get(LIST, {"q": "quds force"})
    assert titles(response) == {shouting.title}


def test_a_shared_name_is_searched_only_as_typed(quds, charlie, alice_client):
    other = Term.objects.create(slug="quds-brigade", kind="actor", label="Quds Brigade")
    other.add_alias("Sepah Qods", by=charlie, shared=True)
    quds.aliases.filter(name="Sepah Qods").update(shared=True)
    assert read_search("Sepah Qods").names == ()
    # A name of one term still expands, and never to the shared name.
    assert "Sepah Qods" not in read_search("Qods Force").names[0].names


def test_quoted_phrases_and_exclusions_stay_as_typed(quds):
    search = read_search('"Quds Force commander" -Qods Soleimani')
    assert search.names == ()
    assert search.words == '"Quds Force commander" -Qods Soleimani'


def test_the_assign_link_keeps_the_literal_search(demo, charlie, client):
    client.force_login(charlie)
    html = client.get(LIST, {"q": "Sulaymani", "literal": "1"}).content.decode()
    assert '<input type="hidden" name="literal" value="1">' not in html  # nothing found: no Assign form
    html = client.get(LIST, {"q": "Soleimani", "literal": "1"}).content.decode()
    assert '<input type="hidden" name="literal" value="1">' in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vector is PostgreSQL's")
def test_postgresql_searches_names_on_the_stored_vector(demo):
    assert Article.objects.filter(search_vector__isnull=True).count() == 0
    assert Article.objects.search("Soleimany").count() == 5
    assert Article.objects.search("Sulaymani").count() == 5
    assert Article.objects.search("Sulaymani", literal=True).count() == 0


def test_the_label_of_a_merged_term_finds_the_names_of_its_survivor(quds, charlie):
    old = Term.objects.create(slug="qods", kind="actor", label="Qods")
    old.ensure_label_alias(by=charlie)
    old.merge_into(quds, by=charlie)
    [name] = read_search("Qods").names
    assert name.term == "Quds Force" and "Qods Force" in name.names
