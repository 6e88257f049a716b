"""`send_training_reminders`: email trained people whose certificate expires soon (daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from commonweal.programs import training


class Command(BaseCommand):
    help = "Queue an email to each trained person whose certificate expires within 60 days."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = training.send_expiry_reminders()
        self.stdout.write(f"{sent} reminder(s) queued")
