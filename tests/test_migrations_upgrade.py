"""An instance from before this release upgrades in place: its articles, passages and notes survive
`migrate`, and its passages are counted (the corpus migration that adds the analysis state and the
stored search vector once failed on PostgreSQL with "pending trigger events" as soon as the table held
rows)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_database_with_articles_and_passages_upgrades(alice):
    call_command("migrate", "corpus", "0002_article_search_index", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO corpus_source (name, home_page, reliability) VALUES ('Tablet', '', '')")
        cursor.execute("SELECT id FROM corpus_source")
        (source_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO corpus_article (source_id, imported_by_id, title, standfirst, authors, url, "
            "language, body, sha256, word_count, sentence_starts, imported_at, original_filename) VALUES "
            "(%s, %s, 'Strike', '', '', '', 'en', 'Iran vowed revenge.', 'abc', 3, '[0]', "
            "CURRENT_TIMESTAMP, '')",
            [source_id, alice.pk],
        )
        cursor.execute("SELECT id FROM corpus_article WHERE sha256 = 'abc'")
        (article_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO annotations_note (article_id, author_id, text, created_at, updated_at, version) "
            "VALUES (%s, %s, 'A note', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
            [article_id, alice.pk],
        )
        for start, end, deleted in ((0, 4, None), (5, 10, None), (11, 18, "CURRENT_TIMESTAMP")):
            cursor.execute(
                'INSERT INTO annotations_span (article_id, start, "end", quote, prefix, suffix, '
                "created_by_id, created_at, updated_at, version, deleted_at) "
                "VALUES (%s, %s, %s, 'x', '', '', %s, "
                f"CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, {deleted or 'NULL'})",
                [article_id, start, end, alice.pk],
            )

    call_command("migrate", stdout=io.StringIO())

    from corpus.models import Article

    article = Article.objects.get(pk=article_id)
    assert article.analysed_at is not None  # an article from before counts as analysed
    assert article.notes.get().text == "A note"
    # The passage count the migration adds starts from the live passages already there.
    from annotations.models import PassageCount

    assert PassageCount.objects.get(article=article).live == 2
    if connection.vendor == "postgresql":
        assert Article.objects.search("revenge").filter(pk=article_id).exists()
