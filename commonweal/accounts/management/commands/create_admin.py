"""`commonweal createadmin`: create a superuser, prompting for the password or reading it from the environment."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent, User


class Command(BaseCommand):
    help = "Create a superuser (site administrator). Prompts for the password unless --password-from-env is given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="The new administrator's username.")
        parser.add_argument("--email", default="", help="Their email address (optional).")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of prompting (for automation).",
        )

    def handle(
        self, *args: Any, username: str, email: str, password_from_env: str | None, **options: Any
    ) -> None:
        username = username.strip()
        user = User(username=username, email=email.strip())
        try:
            user.clean_fields(exclude=["password"])
        except ValidationError as error:
            raise CommandError(_describe(error)) from error
        if user.email:
            try:
                validate_email(user.email)
            except ValidationError as error:
                raise CommandError(f"--email: {_describe(error)}") from error
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"A user named {username!r} already exists; choose another --username."
            )

        password = self._password(password_from_env)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(
                "The password was refused:\n  " + "\n  ".join(error.messages)
            ) from error

        with transaction.atomic():
            user = User.objects.create_superuser(
                username=username, email=user.email, password=password
            )
            audit.record(action=AuditEvent.Action.CREATE, obj=user, detail={"via": "createadmin"})
        self.stdout.write(self.style.SUCCESS(f"Created administrator {username!r}."))

    def _password(self, env_var: str | None) -> str:
        if env_var:
            password = os.environ.get(env_var)
            if password is None:
                raise CommandError(
                    f"--password-from-env: the environment variable {env_var} is not set."
                )
            if not password:
                raise CommandError(
                    f"--password-from-env: the environment variable {env_var} is empty."
                )
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                "No terminal to ask for a password. Use --password-from-env VAR for automation."
            )
        password = getpass.getpass("Password: ")
        if not password:
            raise CommandError("The password may not be empty.")
        if getpass.getpass("Password (again): ") != password:
            raise CommandError("The two passwords did not match; nothing was created.")
        return password


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"--{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
