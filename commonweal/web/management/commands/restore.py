"""`commonweal restore PATH`: replace the database with a backup made by `commonweal backup`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.translation import gettext as _

from commonweal.accounts import audit
from commonweal.ops import pg_tools, restore
from commonweal.ops.manifest import describe


class Command(BaseCommand):
    help = (
        "Restore a backup made by `commonweal backup` into the configured database. Refuses a "
        "backup from a newer commonweal, and a database that is not empty unless --force. "
        "Stop the web server and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup archive (.tar)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite a database that is not empty (everything in it is replaced)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        connections[alias].close()
        try:
            result = restore.restore(
                options["path"],
                connections[alias].settings_dict,
                force=options["force"],
                pg_bin_dir=os.environ.get("PG_BIN_DIR") or None,
            )
        except (restore.RestoreRefused, pg_tools.ToolFailed) as exc:
            raise CommandError(str(exc), returncode=1) from None
        manifest = result.manifest
        self.stdout.write(
            _("Restored the backup made {created_at} ({format}, {tables} tables).").format(
                created_at=manifest.created_at.isoformat(timespec="seconds"),
                format=manifest.format,
                tables=result.tables,
            )
        )
        if result.left_in_place:
            self.stderr.write(
                _(
                    "These tables were in the database but not in the backup and were left as "
                    "they were: {tables}. Drop them, or restore into an empty database."
                ).format(tables=", ".join(result.left_in_place))
            )
        if result.schema.older:
            self.stdout.write(
                _(
                    "The backup is from an older version of commonweal ({count} migrations "
                    "not applied: {migrations}). Run `commonweal migrate` now, before "
                    "starting the site."
                ).format(
                    count=len(result.schema.missing), migrations=describe(result.schema.missing)
                )
            )
            return
        try:
            audit.record(
                action="restore",
                object_type="database",
                object_id=options["path"].name,
                detail={"format": manifest.format, "sha256": manifest.sha256},
            )
        except DatabaseError:
            self.stderr.write(_("Note: the restore could not be recorded in the audit log."))
        finally:
            connections[alias].close()
