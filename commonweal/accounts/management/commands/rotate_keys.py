"""`commonweal rotate-keys`: re-encrypt every encrypted field with the newest key."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonweal.lib import encryption, key_rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field of every model with the first (newest) key in "
        "COMMONWEAL_ENCRYPTION_KEYS, in batches, one transaction per batch. Recipe: put a new "
        "key first in COMMONWEAL_ENCRYPTION_KEYS, restart, run this, then remove the old key. "
        "Safe to run again: values already on the newest key are left alone."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows per transaction (default 500)."
        )

    def handle(self, *args: Any, dry_run: bool, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            results = key_rotation.rotate_all(dry_run=dry_run, batch_size=batch_size)
        except encryption.UndecryptableValue as error:
            raise CommandError(
                f"{error} Batches before this one are done; add the missing key back "
                "(anywhere after the first) and run rotate-keys again."
            ) from None
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        # Counts only: never a value.
        for result in results:
            counts = result.counts
            self.stdout.write(
                f"{result.label} ({', '.join(result.fields)}): {counts.rows} rows, "
                f"{counts.values} encrypted values, {verb} {counts.changed}"
            )
        total = sum(result.counts.changed for result in results)
        self.stdout.write(
            self.style.SUCCESS(f"{'Dry run: ' if dry_run else ''}{verb} {total} values in total.")
        )
