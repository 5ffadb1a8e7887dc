"""Each article's count of live passages (PassageCount), kept by triggers on annotations_span.

A passage counts from the moment it is written live until it is deleted (soft: `deleted_at` set) or
removed; restoring it counts it again; moving it to another article (nothing does today) moves its
count. The triggers run inside the statement that changes the passage, so every door keeps the count:
the save's one statement (ops/compiled.insert_linked), an undo, an import, a bundle, raw SQL.

On SQLite, a later migration that remakes annotations_span (Django's way to alter most of a SQLite
table's columns) drops its triggers with the old table: such a migration must create them again.
tests/test_passage_count.py fails if the migrated database lacks them.
"""

from django.db import migrations, models
import django.db.models.deletion

POSTGRESQL = [
    """
    CREATE FUNCTION annotations_count_passage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
            UPDATE annotations_passagecount SET live = live - 1 WHERE article_id = OLD.article_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
            -- The article's row is there from its first passage on: update it, and insert only once.
            UPDATE annotations_passagecount SET live = live + 1 WHERE article_id = NEW.article_id;
            IF NOT FOUND THEN
                INSERT INTO annotations_passagecount (article_id, live) VALUES (NEW.article_id, 1)
                ON CONFLICT (article_id) DO UPDATE SET live = annotations_passagecount.live + 1;
            END IF;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER annotations_span_counted_insert AFTER INSERT ON annotations_span
    FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION annotations_count_passage()
    """,
    """
    CREATE TRIGGER annotations_span_counted_delete AFTER DELETE ON annotations_span
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION annotations_count_passage()
    """,
    """
    CREATE TRIGGER annotations_span_counted_update AFTER UPDATE OF deleted_at, article_id ON annotations_span
    FOR EACH ROW WHEN ((OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) OR OLD.article_id <> NEW.article_id)
    EXECUTE FUNCTION annotations_count_passage()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER annotations_span_counted_update ON annotations_span",
    "DROP TRIGGER annotations_span_counted_delete ON annotations_span",
    "DROP TRIGGER annotations_span_counted_insert ON annotations_span",
    "DROP FUNCTION annotations_count_passage()",
]

SQLITE = [
    """
    CREATE TRIGGER annotations_span_counted_insert AFTER INSERT ON annotations_span
    WHEN NEW.deleted_at IS NULL
    BEGIN
        INSERT OR IGNORE INTO annotations_passagecount (article_id, live) VALUES (NEW.article_id, 0);
        UPDATE annotations_passagecount SET live = live + 1 WHERE article_id = NEW.article_id;
    END
    """,
    """
    CREATE TRIGGER annotations_span_counted_delete AFTER DELETE ON annotations_span
    WHEN OLD.deleted_at IS NULL
    BEGIN
        UPDATE annotations_passagecount SET live = live - 1 WHERE article_id = OLD.article_id;
    END
    """,
    """
    CREATE TRIGGER annotations_span_counted_update AFTER UPDATE OF deleted_at, article_id ON annotations_span
    WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) OR OLD.article_id <> NEW.article_id
    BEGIN
        UPDATE annotations_passagecount SET live = live - 1
        WHERE article_id = OLD.article_id AND OLD.deleted_at IS NULL;
        INSERT OR IGNORE INTO annotations_passagecount (article_id, live)
        SELECT NEW.article_id, 0 WHERE NEW.deleted_at IS NULL;
        UPDATE annotations_passagecount SET live = live + 1
        WHERE article_id = NEW.article_id AND NEW.deleted_at IS NULL;
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER annotations_span_counted_update",
    "DROP TRIGGER annotations_span_counted_delete",
    "DROP TRIGGER annotations_span_counted_insert",
]

COUNT_WHAT_IS_THERE = """
    INSERT INTO annotations_passagecount (article_id, live)
    SELECT article_id, COUNT(*) FROM annotations_span WHERE deleted_at IS NULL GROUP BY article_id
"""


def statements(connection, forward: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRESQL if forward else POSTGRESQL_REVERSE
    if connection.vendor == "sqlite":
        return SQLITE if forward else SQLITE_REVERSE
    raise NotImplementedError(f"no passage-count triggers for {connection.vendor}")


def create_triggers(apps, schema_editor):
    for sql in [*statements(schema_editor.connection, forward=True), COUNT_WHAT_IS_THERE]:
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    for sql in statements(schema_editor.connection, forward=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0012_history_keys_unchecked"),
        ("corpus", "0003_article_analysis"),
    ]

    operations = [
        migrations.CreateModel(
            name="PassageCount",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="corpus.article",
                    ),
                ),
                ("live", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
