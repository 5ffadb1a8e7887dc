"""Load the demo: five articles, the seed vocabulary, the demo analyst. Running it twice changes nothing."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

from annotations.vocabulary import load_vocabulary
from corpus.importers import import_paths

DEMO_USERNAME = "analyst"
DEMO_PASSWORD = "marginalia-demo"
CORPUS_DIR = Path(__file__).resolve().parents[3] / "corpus" / "demo"
VOCABULARY_FILE = Path(__file__).resolve().parents[2] / "demo" / "seed_vocabulary.json"


class Command(BaseCommand):
    help = "Load the demo corpus, the demo vocabulary and the demo analyst (idempotent)."

    def handle(self, *args, **options) -> None:
        Group.objects.get_or_create(name="leads")
        analyst, created = User.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"first_name": "Demo", "last_name": "Analyst"}
        )
        if created:
            analyst.set_password(DEMO_PASSWORD)
            analyst.save()

        report = import_paths([CORPUS_DIR], user=analyst)
        self.stdout.write(f"Demo corpus: {report.summary()}")
        vocabulary = load_vocabulary(VOCABULARY_FILE, user=analyst)
        self.stdout.write(f"Demo vocabulary: {vocabulary.summary()}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}"
                + ("" if created else " (existing account; its password was left as it is)")
            )
        )
