from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0007_suggestions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimAttribute",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50, unique=True)),
                ("label", models.CharField(max_length=100)),
                ("definition", models.TextField(blank=True)),
                ("value_type", models.CharField(blank=True, max_length=50)),
                ("values", models.JSONField(blank=True, default=list)),
                ("extra", models.JSONField(blank=True, default=dict)),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["position", "name"],
            },
        ),
    ]
