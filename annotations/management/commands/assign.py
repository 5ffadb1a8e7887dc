"""Assign articles to analysts from the command line, as a lead does on the Assign page.

python manage.py assign --set "Week 1" --to alice bob --independent --due 2026-12-05 --by charlie
python manage.py assign --article 12 13 --to alice --note "Start with these"
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from annotations.filter_options import find_saved_set
from annotations.forms_assignments import ArticleChoice
from annotations.models import Assignment, Refused
from annotations.permissions import LEADS_GROUP
from corpus.models import Article


class Command(BaseCommand):
    help = "Assign articles (ids, or a saved set's) to analysts, optionally for independent double coding."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--set", dest="set_name", metavar="NAME", help="a saved set (or OWNER/NAME)")
        which.add_argument("--article", nargs="+", metavar="ID")
        parser.add_argument("--to", nargs="+", required=True, metavar="USERNAME")
        parser.add_argument("--independent", action="store_true", help="independent double coding")
        parser.add_argument("--due", metavar="YYYY-MM-DD")
        parser.add_argument("--note", default="")
        parser.add_argument("--name", default="", help="a name for the assignment")
        parser.add_argument("--by", metavar="LEAD", help="the lead who assigns (default: the only lead)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["set_name"]:
            articles = list(
                Article.objects.filter(
                    pk__in=find_saved_set(options["set_name"]).spans().values("article_id")
                )
            )
        else:
            from django.http import QueryDict

            params = QueryDict(mutable=True)
            params.setlist("article", options["article"])
            choice = ArticleChoice(params)
            if choice.errors:
                raise CommandError(" ".join(choice.errors))
            articles = list(choice.articles.only("pk", "title"))
        due = None
        if options["due"]:
            try:
                due = dt.date.fromisoformat(options["due"])
            except ValueError:
                raise CommandError(f"--due must be a date as YYYY-MM-DD, not “{options['due']}”.") from None
        try:
            assignment = Assignment.hand_out(
                articles,
                self.users(options["to"]),
                by=self.lead(options["by"]),
                independent=options["independent"],
                due=due,
                note=options["note"],
                name=options["name"],
            )
        except Refused as error:
            raise CommandError(error.message) from error
        mode = "independently " if assignment.independent else ""
        self.stdout.write(
            f"Assignment {assignment.pk}: {len(articles)} article(s) {mode}to {', '.join(options['to'])}."
        )

    def users(self, names: list[str]) -> list:
        User = get_user_model()
        found = {u.get_username(): u for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": names})}
        unknown = [name for name in names if name not in found]
        if unknown:
            raise CommandError(f"No analyst called {', '.join(f'“{n}”' for n in unknown)}.")
        return [found[name] for name in names]

    def lead(self, name: str | None):
        if name:
            return self.users([name])[0]
        User = get_user_model()
        leads = list(
            User.objects.filter(Q(is_superuser=True) | Q(is_staff=True) | Q(groups__name=LEADS_GROUP))
            .filter(is_active=True)
            .distinct()[:2]
        )
        if len(leads) != 1:
            raise CommandError("Name the lead who assigns with --by USERNAME.")
        return leads[0]
