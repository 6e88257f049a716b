"""`validate_hsds PATH`: read and check a data set against HSDS 3.0 without writing anything."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonweal.directory import sources
from commonweal.directory.importer import existing_ids
from commonweal.directory.management.commands.import_hsds import (
    console_for,
    print_issues,
    problems_found,
)
from commonweal.directory.tabular import ImportFailed, ImportIssue, TabularData
from commonweal.directory.validation import validate


def schema_checker() -> Callable[[TabularData], list[ImportIssue]] | None:
    """The official-schema check, when this installation has it."""
    try:
        module = importlib.import_module("commonweal.directory.schema_validation")
    except ModuleNotFoundError:
        return None
    return getattr(module, "validate_tabular", None)


def _rows(count: int) -> str:
    return ngettext("{count} row", "{count} rows", count).format(count=count)


class Command(BaseCommand):
    help = (
        "Check an HSDS datapackage, HSDS JSON file or known data set without importing it: "
        "the import's own checks (against the current directory) and the official HSDS 3.0 schemas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="folder, .zip or .json file to check")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=list(sources.FORMATS),
            help="input format (detected when omitted)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        out = console_for(self.stdout)
        try:
            fmt = options["fmt"] or sources.detect(path)
            data = sources.read(path, fmt)
        except ImportFailed as exc:
            print_issues(out, exc.issues)
            count = len(exc.issues)
            raise CommandError(
                ngettext(
                    "{path} could not be read ({count} problem).",
                    "{path} could not be read ({count} problems).",
                    count,
                ).format(path=path, count=count),
                returncode=1,
            ) from None

        validated = validate(data, existing=existing_ids)
        issues = list(validated.issues)
        checker = schema_checker()
        if checker is not None:
            seen = {(i.file, i.line, i.column) for i in issues}
            # Both checks see a bad value; report it once.
            issues.extend(i for i in checker(data) if (i.file, i.line, i.column) not in seen)
        issues.sort(key=lambda i: (i.file, i.line or 0))
        rows = sum(len(r) for r in data.values())
        if issues:
            print_issues(out, issues)
            raise CommandError(
                _("{rows} checked ({fmt}): {problems}.").format(
                    problems=problems_found(issues), rows=_rows(rows), fmt=fmt
                ),
                returncode=1,
            )
        tables = ngettext("{count} table", "{count} tables", len(data)).format(count=len(data))
        out.print(
            _("OK: {rows} in {tables} ({fmt}), no problems found.").format(
                rows=_rows(rows), tables=tables, fmt=fmt
            ),
            markup=False,
        )
        if checker is None:
            out.print(_("(The official-schema check is not available in this installation.)"))
