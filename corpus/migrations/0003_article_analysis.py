"""The two-step import: articles are stored first and analysed in the background (corpus.analysis).

- Article.analysed_at: None while an article waits for its analysis. Articles imported before this
  migration were analysed during their import: they are marked analysed as of their import time.
- Article.search_vector: the PostgreSQL full-text vector, stored by the analysis instead of computed
  by an index on the expression at every insert (migration 0002's index, dropped here). Its GIN index
  and the partial index that finds the articles not indexed yet are PostgreSQL only and, like 0002's,
  not part of the model state (corpus.search uses them; tests/test_corpus_views.py proves it).
"""

import django.contrib.postgres.search
import django.utils.timezone
from django.db import migrations, models

OLD_INDEX = "corpus_article_search_gin"
VECTOR_INDEX = "corpus_article_search_vector_gin"
UNINDEXED_INDEX = "corpus_article_unindexed"


def mark_existing_analysed(apps, schema_editor):
    Article = apps.get_model("corpus", "Article")
    Article.objects.update(analysed_at=models.F("imported_at"))
    if schema_editor.connection.vendor == "postgresql":
        # Rows with deferred foreign-key checks pending would stop the ALTER/CREATE INDEX that follow
        # ("pending trigger events") on a database that already holds articles.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def stored_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from corpus.search import ARTICLE_SEARCH_VECTOR

    Article = apps.get_model("corpus", "Article")
    Article.objects.update(search_vector=ARTICLE_SEARCH_VECTOR)
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute(f"CREATE INDEX {VECTOR_INDEX} ON corpus_article USING gin (search_vector)")
    schema_editor.execute(f"CREATE INDEX {UNINDEXED_INDEX} ON corpus_article (id) WHERE search_vector IS NULL")


def expression_index_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {VECTOR_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {UNINDEXED_INDEX}")
    from django.contrib.postgres.indexes import GinIndex

    from corpus.search import ARTICLE_SEARCH_VECTOR

    schema_editor.add_index(apps.get_model("corpus", "Article"), GinIndex(ARTICLE_SEARCH_VECTOR, name=OLD_INDEX))


class Migration(migrations.Migration):

    dependencies = [
        ('corpus', '0002_article_search_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='analysed_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, null=True),
        ),
        migrations.RunPython(mark_existing_analysed, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('analysed_at__isnull', True)), fields=['imported_at'], name='corpus_article_analysing'),
        ),
        migrations.AddField(
            model_name='article',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(stored_search_vector, expression_index_again),
    ]
