"""`commonweal audit verify`: check the audit log's hash chain from the first event to the last."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from commonweal.accounts import audit


class Command(BaseCommand):
    help = "Check the audit log. `verify` walks the hash chain and names the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="verify")
        verify = subcommands.add_parser(
            "verify",
            help="Check every event's hash and the chain between them (exit 1 if broken).",
        )
        verify.add_argument(
            "--expect",
            metavar="HASH",
            default="",
            help="A hash printed by an earlier run: fail unless that event is still in the "
            "chain (finds events removed from the end of the log).",
        )
        verify.add_argument(
            "--batch-size", type=int, default=audit.VERIFY_BATCH, help="Events read at a time."
        )
        verify.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        using = options["database"]
        if using not in connections:
            raise CommandError(f"No database called {using!r} in settings.DATABASES.")
        verdict = audit.verify(
            using=using, batch_size=options["batch_size"], expect_hash=options["expect"].strip()
        )
        if not audit.guard_installed(using):
            self.stderr.write(
                "Warning: the database triggers that keep audit events append-only are "
                "missing; run `commonweal migrate` (a migration that rebuilt the table may "
                "have dropped them)."
            )
        problem = verdict.problem
        if problem is not None:
            where = f"event {problem.event_id}" if problem.event_id is not None else "the log"
            when = f" ({problem.at.isoformat()})" if problem.at is not None else ""
            raise CommandError(
                f"Audit log BROKEN at {where}{when}: {problem.message}. "
                f"{verdict.count} events before it are intact.",
                returncode=1,
            )
        self.stdout.write(
            f"Audit log intact: {verdict.count} events, last hash {verdict.last_hash}"
        )
