"""Load the demo: five articles, the seed vocabulary, the demo analyst. Running it twice changes nothing,
and never undoes what the team did to the vocabulary (annotations/vocabulary/curation.py).

With DEBUG off it refuses to run unless --allow-production is given: the demo analyst's password is
published in the README. Given it, the demo analyst gets a generated password instead, printed once.
A password is printed only when this command set it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from annotations.permissions import leads_group
from annotations.vocabulary import load_vocabulary
from corpus.importers import import_paths

DEMO_USERNAME = "analyst"
DEMO_PASSWORD = "marginalia-demo"
CORPUS_DIR = Path(__file__).resolve().parents[3] / "corpus" / "demo"
VOCABULARY_FILE = Path(__file__).resolve().parents[2] / "demo" / "seed_vocabulary.json"


class Command(BaseCommand):
    help = (
        "Load the demo corpus, the demo vocabulary and the demo analyst (idempotent; never undoes the "
        "team's curation). Refuses with DEBUG off unless --allow-production."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo although DEBUG is off; the demo analyst then gets a generated password.",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo analyst's password is published. "
                "Nothing was loaded. Add colleagues with `manage.py add_analyst`; to load the demo here "
                "anyway, run `manage.py load_demo --allow-production` (the demo analyst then gets a "
                "generated password)."
            )
        leads_group()
        analyst, created = User.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"first_name": "Demo", "last_name": "Analyst"}
        )
        password = None
        if created:
            password = DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(12)
            analyst.set_password(password)
            analyst.save()

        report = import_paths([CORPUS_DIR], user=analyst)
        self.stdout.write(f"Demo corpus: {report.summary()}")
        # The seed is the shared vocabulary's, loaded by the operator: it belongs to no analyst.
        vocabulary = load_vocabulary(VOCABULARY_FILE)
        self.stdout.write(f"Demo vocabulary: {vocabulary.summary()}")
        for line in vocabulary.details():
            if not line.startswith("shared name:"):
                self.stdout.write(f"  {line}")
        if password is None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo login: {DEMO_USERNAME} (existing account; its password was left as it is)"
                )
            )
        elif settings.DEBUG:
            self.stdout.write(self.style.SUCCESS(f"Demo login: {DEMO_USERNAME} / {password}"))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Demo login: {DEMO_USERNAME} / {password} (generated; shown this once)")
            )
