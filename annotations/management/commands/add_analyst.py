"""Add a colleague: `manage.py add_analyst USERNAME [--lead] [--email ADDRESS] [--no-input]`.

The password is typed twice at a prompt (never on the command line, where the shell history and the
process list would keep it) and checked by the site's password rules. With --no-input a password is
generated and printed once, for scripts and for handing over in person. --lead puts the account in the
`leads` group, which holds the vocabulary's permissions (annotations/permissions.py).
"""

from __future__ import annotations

import getpass
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from annotations.permissions import leads_group

PROMPTS = 3


class Command(BaseCommand):
    help = (
        "Create an analyst account (--lead: a lead, who may merge and retire terms). The password is "
        "asked at a prompt; with --no-input a one-time password is generated and printed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--lead", action="store_true", help="Make the account a lead (the leads group).")
        parser.add_argument("--email", default="", help="The colleague's e-mail address.")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Ask nothing: generate a password and print it once.",
        )

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        username = options["username"].strip()
        user = User(**{User.USERNAME_FIELD: username}, email=options["email"].strip())
        try:
            user.full_clean(exclude=["password"], validate_unique=False)
            if user.email:
                validate_email(user.email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
            raise CommandError(
                f"An account “{username}” already exists; nothing was changed. Choose another name, or "
                f"set its password with `manage.py changepassword {username}`."
            )
        generated = options["no_input"]
        password = secrets.token_urlsafe(12) if generated else self.ask_password(user)
        with transaction.atomic():
            user.set_password(password)
            user.save()
            if options["lead"]:
                user.groups.add(leads_group())
        role = "lead" if options["lead"] else "analyst"
        self.stdout.write(self.style.SUCCESS(f"Added {role} {username}."))
        if generated:
            self.stdout.write(f"Password: {password}")
            self.stdout.write(
                "Shown this once: give it to them privately; `manage.py changepassword "
                f"{username}` sets another."
            )

    def ask_password(self, user) -> str:
        for _ in range(PROMPTS):
            password = getpass.getpass(f"Password for {user.get_username()}: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ; try again.")
                continue
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError("No password set; nothing was created.")
