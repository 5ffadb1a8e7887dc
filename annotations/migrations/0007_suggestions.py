import django.db.models.deletion

import annotations.models.suggestions
from django.conf import settings
from django.db import migrations, models


def first_version(apps, schema_editor):
    import uuid

    apps.get_model("annotations", "VocabularyVersion").objects.get_or_create(
        pk=1, defaults={"number": 1, "stamp": uuid.uuid4().hex}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0006_assignments"),
        ("corpus", "0002_article_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VocabularyVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveBigIntegerField(default=0)),
                (
                    "stamp",
                    models.CharField(default=annotations.models.suggestions._new_stamp, max_length=32),
                ),
            ],
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SuggestionRejection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(help_text="The suggested text, folded.", max_length=200)),
                ("text", models.CharField(help_text="The suggested text as the article has it.", max_length=200)),
                ("label", models.CharField(blank=True, help_text="A new actor's proposed label.", max_length=200)),
                ("certainty", models.CharField(blank=True, max_length=10)),
                ("kind", models.CharField(blank=True, max_length=10)),
                ("start", models.PositiveIntegerField(help_text="Where it was rejected first.")),
                ("rejected_at", models.DateTimeField(auto_now_add=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="corpus.article"
                    ),
                ),
                (
                    "rejected_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="annotations.term",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("term__isnull", False)),
                        fields=("article", "key", "term"),
                        name="rejection_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("term__isnull", True)), fields=("article", "key"), name="rejection_new_once"
                    ),
                ],
            },
        ),
    ]
