"""The GIN index for the articles' full-text search, on PostgreSQL only.

It is built on exactly corpus.search.ARTICLE_SEARCH_VECTOR, the expression ArticleQuerySet.search()
filters on, so the planner can use it (tests/test_corpus_views.py proves it with EXPLAIN). SQLite has
no such index; its search is the plain fallback. The index is not part of the model state, so
makemigrations never sees it.
"""

from django.db import migrations

INDEX_NAME = "corpus_article_search_gin"


def _index():
    from django.contrib.postgres.indexes import GinIndex

    from corpus.search import ARTICLE_SEARCH_VECTOR

    return GinIndex(ARTICLE_SEARCH_VECTOR, name=INDEX_NAME)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("corpus", "Article"), _index())


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("corpus", "Article"), _index())


class Migration(migrations.Migration):
    dependencies = [("corpus", "0001_initial")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
