"""`commonweal backup [--output PATH]`: copy the database into one archive, safe while the site runs."""

from __future__ import annotations

import argparse
import os
from importlib import metadata
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from commonweal.accounts import audit
from commonweal.ops import backup, pg_tools
from commonweal.ops.manifest import latest_per_app


def installed_version() -> str:
    try:
        return metadata.version("commonweal")
    except metadata.PackageNotFoundError:
        return ""


class Command(BaseCommand):
    help = (
        "Back up the database into one archive (the database copy and a manifest naming its "
        "format, schema version and time). SQLite: the online backup API, safe while the "
        "site runs. PostgreSQL: pg_dump --format=custom (from PATH or PG_BIN_DIR). The "
        "encryption keys are not in it: keep them apart (docs/backups.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="file to write, or a folder for a dated file name "
            "(default: commonweal-backup-<UTC time>.tar in the current folder)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        try:
            result = backup.back_up(
                connection.settings_dict,
                output=options["output"],
                pg_bin_dir=os.environ.get("PG_BIN_DIR") or None,
                version=installed_version(),
            )
        except (backup.BackupFailed, pg_tools.ToolFailed) as exc:
            raise CommandError(
                _("{reason} No backup was written.").format(reason=exc), returncode=1
            ) from None
        manifest = result.manifest
        self.stdout.write(
            _("Backed up the database ({format}, {tables} tables, {size}) to {path}").format(
                format=manifest.format,
                tables=result.tables,
                size=filesizeformat(result.path.stat().st_size),
                path=result.path,
            )
        )
        latest = latest_per_app(manifest.migrations)
        self.stdout.write(
            _("Schema: {count} migrations applied, {apps} apps.").format(
                count=len(manifest.migrations), apps=len(latest)
            )
        )
        self.stdout.write(
            _(
                "The encryption keys (COMMONWEAL_ENCRYPTION_KEYS) are not in the backup: keep "
                "them safe, apart from it. Without them the notes and answers cannot be read."
            )
        )
        try:
            audit.record(
                action="backup",
                object_type="database",
                object_id=result.path.name,
                detail={"format": manifest.format, "sha256": manifest.sha256},
            )
        except DatabaseError:
            self.stderr.write(_("Note: the backup could not be recorded in the audit log."))
