"""Indexes for the hot paths (issue 13).

On both databases: the live passages of an article in reading order (partial: the reader reads them
from the index alone), an analyst's recent tags (Tag.recent_terms), the passages of a term (the
Annotations screen's term filter), and the history of one object (a passage's panel, a term's page,
a note's stale-save message).

On PostgreSQL only: trigram indexes (pg_trgm) where a filter is `contains` — the type-ahead's
Alias.key and Term.label_key (`key__contains`), and the Annotations screen's text filter on Span.quote
and Note.text (`icontains`, which PostgreSQL runs as `UPPER(col) LIKE UPPER(%s)`, hence the index on
UPPER(col)). Like the search index of corpus 0002 they are not part of the model state, so
makemigrations never sees them, and on SQLite the extension and the indexes are skipped.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEXES = [
    # (model, index name, expression)
    ("Alias", "alias_key_trgm", "key"),
    ("Term", "term_label_key_trgm", "label_key"),
    ("Span", "span_quote_upper_trgm", "quote"),
    ("Note", "note_text_upper_trgm", "text"),
]


def _index(name, field):
    from django.contrib.postgres.indexes import GinIndex, OpClass
    from django.db.models.functions import Upper

    expression = Upper(field) if name.endswith("_upper_trgm") else models.F(field)
    return GinIndex(OpClass(expression, name="gin_trgm_ops"), name=name)


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, field in TRIGRAM_INDEXES:
        schema_editor.add_index(apps.get_model("annotations", model), _index(name, field))


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, field in TRIGRAM_INDEXES:
        schema_editor.remove_index(apps.get_model("annotations", model), _index(name, field))


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0008_claim_attributes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="span",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["article", "start", "-end", "id"],
                name="span_live_reading_order",
            ),
        ),
        migrations.AddIndex(
            model_name="tag",
            index=models.Index(fields=["created_by", "-created_at", "-id"], name="tag_recent_by_analyst"),
        ),
        migrations.AddIndex(
            model_name="tag",
            index=models.Index(fields=["term", "span"], name="tag_term_span"),
        ),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(fields=["span", "-at"], name="change_span_history"),
        ),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(fields=["term", "-at"], name="change_term_history"),
        ),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(fields=["object_type", "object_id", "-at"], name="change_object_history"),
        ),
        # A no-op on SQLite (CreateExtension checks the vendor).
        TrigramExtension(),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
