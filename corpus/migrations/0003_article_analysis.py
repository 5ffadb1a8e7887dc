"""Article.analysed_at: None while an article waits for its background analysis (corpus.analysis).

Articles imported before this migration were analysed during their import: they are marked analysed
as of their import time.
"""

import django.utils.timezone
from django.db import migrations, models


def mark_existing_analysed(apps, schema_editor):
    Article = apps.get_model("corpus", "Article")
    Article.objects.update(analysed_at=models.F("imported_at"))



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
    ]
