"""The reader's index of an article's live passages in reading order carries each passage's analyst too:
independent coding filters the reader on it (annotations/models/visibility.py), and without it every
passage read costs a lookup in the table (at 10,000 passages, a quarter of the render)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0009_perf_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="span", name="span_live_reading_order"),
        migrations.AddIndex(
            model_name="span",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["article", "start", "-end", "id", "created_by"],
                name="span_live_reading_order",
            ),
        ),
    ]
