"""`commonweal two_factor_reset <username>`: for a user who lost their phone and their
recovery codes. Their app and codes are removed; they set up a new app at next sign-in."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes (they set up a new app next time)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"{username}: no such user.")
        apps, _ = TOTPDevice.objects.filter(user=user).delete()
        codes, _ = StaticDevice.objects.filter(user=user).delete()
        audit.record(
            action=AuditEvent.Action.UPDATE,
            obj=user,
            detail={"changed": "two-factor reset by an operator"},
        )
        self.stdout.write(
            f"Two-step sign-in reset for {username}: they set up a new app next time."
        )
