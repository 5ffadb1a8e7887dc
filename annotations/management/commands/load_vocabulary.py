"""Load a vocabulary file: the seed's JSON shape or the flat CSV (format from the extension).

Without --user the operator loads: the three-way rule of annotations/vocabulary/curation.py, which never
undoes what the team curated. With --user NAME the file is that person's edit, with their permissions,
exactly as if they had uploaded it on the Vocabulary → Import screen.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.vocabulary import load_vocabulary


class Command(BaseCommand):
    help = (
        "Load actors and event types from a .json file (the seed's shape) or a .csv file "
        "(kind, id, label, code, parent, aliases, description). Loading twice changes nothing, and a load "
        "never undoes what the team changed. --user NAME loads as that analyst, with their permissions."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .json or .csv vocabulary file")
        parser.add_argument(
            "--user",
            metavar="NAME",
            help="Load as this analyst (what the Import screen does): their permissions apply and the "
            "history names them. Without it, the operator loads.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        user = None
        if options["user"] is not None:
            User = get_user_model()
            user = User.objects.filter(**{User.USERNAME_FIELD: options["user"]}).first()
            if user is None:
                raise CommandError(f"No account “{options['user']}”: see `manage.py add_analyst`.")
            if not user.is_active:
                raise CommandError(f"The account “{options['user']}” is inactive.")
        report = load_vocabulary(path, user=user)
        self.stdout.write(report.summary())
        for line in report.details():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} entr{'y' if len(report.errors) == 1 else 'ies'} refused"
            )
