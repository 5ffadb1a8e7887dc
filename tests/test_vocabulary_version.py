"""The vocabulary's version (annotations.models.VocabularyVersion): every kind of change of a term
or an alias bumps it, in the same transaction; the compiled vocabulary is rebuilt once per version
and process; warm() builds it ahead; the suggestions cache can live in Redis for every process."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

import annotations.suggestions as suggestions
from annotations.models import Alias, Term, VocabularyVersion
from annotations.vocabulary import load_vocabulary
from corpus.models import Article


@pytest.fixture
def iran(db, alice) -> Term:
    term = Term.objects.create(slug="iran", kind="actor", label="Iran", actor_type="state", country="IRN")
    term.ensure_label_alias(by=alice)
    return term


@pytest.fixture
def rouhani(db, alice) -> Term:
    term = Term.objects.create(
        slug="hassan-rouhani", kind="actor", label="Hassan Rouhani", actor_type="person"
    )
    term.add_alias("Rouhani", by=alice)
    return term


def bumps(change) -> int:
    """How far the version moved while `change()` ran."""
    before = VocabularyVersion.current()
    change()
    return VocabularyVersion.current() - before


def test_every_kind_of_vocabulary_change_bumps_the_version(iran, rouhani, alice, charlie, tmp_path):
    path = tmp_path / "vocabulary.csv"
    path.write_text(
        "kind,id,label,code,parent,aliases,description\nactor,nato,NATO,,,North Atlantic Alliance,\n",
        encoding="utf-8",
    )
    changes = {
        "create a term": lambda: Term.objects.create(slug="iraq", kind="actor", label="Iraq"),
        "edit a term": lambda: rouhani.edit({"label": "Hassan Rohani"}, by=charlie),
        "add an alias": lambda: rouhani.add_alias("Rowhani", by=alice),
        "remove an alias": lambda: rouhani.remove_alias(rouhani.aliases.get(name="Rowhani"), by=charlie),
        "retire": lambda: rouhani.retire(by=charlie),
        "bring back": lambda: rouhani.unretire(by=charlie),
        "merge": lambda: Term.objects.get(slug="iraq").merge_into(iran, by=charlie),
        "propose from the reader": lambda: Term.propose("Emmanuel Macron", "person", by=alice),
        "load a vocabulary file": lambda: load_vocabulary(path, user=alice),
        "update terms in bulk": lambda: Term.objects.filter(slug="nato").update(code="IGO"),
        "bulk_update terms": lambda: Term.objects.bulk_update([Term(pk=iran.pk, code="IRN")], ["code"]),
        "update aliases in bulk": lambda: Alias.objects.filter(term=iran).update(shared=False),
        "create aliases in bulk": lambda: Alias.objects.bulk_create(
            [Alias(term=iran, name="Persia", key="persia", kind="actor")]
        ),
        "delete an alias": lambda: Alias.objects.get(key="persia").delete(),
        "delete aliases in bulk": lambda: Alias.objects.filter(term__slug="nato", key="nato").delete(),
        "delete a term": lambda: Term.objects.get(slug="nato").delete(),
    }
    assert {name: bumps(change) > 0 for name, change in changes.items()} == dict.fromkeys(changes, True)


def test_a_bulk_update_bumps_the_version_once(iran, rouhani):
    iran.code, rouhani.code = "IRN", "IRNGOV"
    assert bumps(lambda: Term.objects.bulk_update([iran, rouhani], ["code"])) == 1


def test_the_bump_is_in_the_same_transaction_as_the_change(rouhani, alice):
    before = VocabularyVersion.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        rouhani.add_alias("Rowhani", by=alice)
        assert VocabularyVersion.current() > before  # already bumped, before the commit…
        raise RuntimeError("the change fails")
    assert VocabularyVersion.current() == before  # …and undone with it
    assert not rouhani.aliases.filter(name="Rowhani").exists()


def test_the_version_is_one_primary_key_read(rouhani, django_assert_num_queries):
    with django_assert_num_queries(1):
        suggestions.vocabulary_version()


def test_a_request_reads_the_version_once_and_again_after_a_bump(rouhani, django_assert_num_queries):
    from ops import compiled

    compiled.request_started()  # as Django's request_started signal does
    try:
        with django_assert_num_queries(1):
            first = VocabularyVersion.key()
            assert VocabularyVersion.key() == first
        VocabularyVersion.bump()
        with django_assert_num_queries(1):
            assert VocabularyVersion.key() != first
    finally:
        compiled.request_finished()
    with django_assert_num_queries(2):  # outside a request, every call reads it
        VocabularyVersion.key()
        VocabularyVersion.key()


def test_a_version_read_ahead_of_a_bump_is_not_the_answer_after_it(rouhani):
    from ops import compiled

    before = VocabularyVersion.key()
    compiled.request_started()
    try:
        VocabularyVersion.key_ahead()
        # Another read: on PostgreSQL the version's goes with it, and waits for key() to ask.
        compiled.Compiled(lambda pk: Term.objects.filter(pk=pk).values_list("pk"))(pk=rouhani.pk)
        VocabularyVersion.bump()
        assert VocabularyVersion.key() != before
    finally:
        compiled.request_finished()


def test_a_save_reads_the_version_once(rouhani, alice_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = "Hassan Rouhani spoke. Rouhani said more."
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    data = {"start": 0, "end": 14, "text": "Hassan Rouhani", "term": rouhani.pk}
    with CaptureQueriesContext(connection) as captured:
        response = alice_client.post(f"/articles/{article.pk}/spans/", data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Rouhani" in response.text
    versions = [q["sql"] for q in captured if "annotations_vocabularyversion" in q["sql"]]
    assert len(versions) == 1, versions  # its term and its repaint's suggestions ask the same read


def test_a_term_is_read_once_per_vocabulary_version(rouhani, django_assert_num_queries):
    with django_assert_num_queries(2):  # the version, the term
        first = Term.as_stored(rouhani.pk)
    with django_assert_num_queries(1):  # the version only
        assert Term.as_stored(rouhani.pk) is first
    rouhani.label = "President Rouhani"
    rouhani.save()
    assert Term.as_stored(rouhani.pk).label == "President Rouhani"
    assert Term.as_stored(rouhani.pk + 1000) is None


def test_the_vocabulary_is_compiled_once_per_version(rouhani, alice, django_assert_num_queries):
    first = suggestions.vocabulary_index()
    with django_assert_num_queries(1):  # the version only
        assert suggestions.vocabulary_index() is first
    rouhani.add_alias("Rowhani", by=alice)
    assert suggestions.vocabulary_index() is not first


def test_warm_builds_the_compiled_vocabulary_ahead(rouhani, django_assert_num_queries):
    suggestions._compiled = None
    assert suggestions.warm() is True
    with django_assert_num_queries(1):
        suggestions.vocabulary_index()


@pytest.fixture
def shared_cache() -> Iterator[None]:
    """The default cache in Redis for the test (Django's RedisCache), as CACHE_URL/REDIS_URL make it.

    Each test process (pytest-xdist's gw0, gw1, ...) has a Redis database of its own: the cache's
    clear() empties its whole database, which would drop another process's keys in mid-test."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("Redis is not running on 127.0.0.1:6379; the shared cache is tested where it is.")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")  # gw0, gw1, ... take databases 15, 14, ...
    database = 15 - int(worker.removeprefix("gw"))
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{database}",
            "KEY_PREFIX": f"marginalia-test-{uuid.uuid4().hex}",  # nothing shared with another run
        }
    }
    with override_settings(CACHES=redis):
        try:
            yield
        finally:
            cache.clear()


@pytest.fixture
def analysed(db) -> Article:
    body = "Rouhani spoke."
    return Article.objects.create(title="Rouhani spoke", body=body, sha256=Article.hash_body(body))


def test_another_process_reads_the_suggestions_from_redis(
    rouhani, analysed, django_assert_num_queries, shared_cache
):
    article = analysed
    found = suggestions.suggestions_for(article, [])
    assert [(s.key, s.term) for s in found] == [("rouhani", rouhani.pk)]
    suggestions._compiled = None  # a fresh process: nothing compiled, nothing in its memory
    suggestions.forget_recent()
    with django_assert_num_queries(2):  # the version and the rejections; mentions from Redis
        assert suggestions.suggestions_for(article, []) == found
    assert suggestions._compiled is None


def test_an_analysed_article_is_not_warmed_into_a_cache_of_the_process_own(rouhani, analysed):
    """The worker analyses uploads: what it computes into its own memory no web process would read."""
    key = suggestions.mentions_key(analysed, suggestions.vocabulary_version())
    assert suggestions.warm_article(analysed) is False  # the default: each process's own memory
    assert cache.get(key) is None


def test_an_analysed_article_is_warmed_into_a_cache_every_process_reads(rouhani, analysed, shared_cache):
    key = suggestions.mentions_key(analysed, suggestions.vocabulary_version())
    assert suggestions.warm_article(analysed) is True
    found, labels = cache.get(key)
    assert [(m.key, m.term) for m in found] == [("rouhani", rouhani.pk)]
    assert labels == {rouhani.pk: "Hassan Rouhani"}
