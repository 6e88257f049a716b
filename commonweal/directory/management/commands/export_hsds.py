"""`commonweal export DIR`: the directory as an HSDS 3.0 datapackage and services.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from commonweal.directory.export import ExportError, export_directory

MAX_PROBLEMS_SHOWN = 50


def _console(stream: Any) -> Console:
    # Django's OutputWrapper ends every write with a newline; rich writes partial lines.
    # soft_wrap keeps each "file, line N, column C: …" on one line for grep.
    return Console(file=getattr(stream, "_out", stream), highlight=False, soft_wrap=True)


class Command(BaseCommand):
    help = (
        "Export the directory to DIR as an Open Referral HSDS 3.0 datapackage (one CSV per table "
        "and datapackage.json) and services.json (every service as a full nested record). DIR may "
        "be new, empty or an earlier export, which is replaced once the new one is complete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, help="Folder to write the export to.")
        parser.add_argument(
            "--validate",
            action="store_true",
            help="Check every exported row and record against the official HSDS 3.0 schemas; "
            "exit with status 1 if any does not conform.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out, err = _console(self.stdout), _console(self.stderr)
        bar = Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
        )
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            with bar:
                summary = export_directory(
                    options["dir"], progress=progress, validate=options["validate"]
                )
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(
                _("Export failed, {dir} is unchanged: {error}").format(
                    dir=options["dir"], error=exc
                )
            ) from None

        table = Table(title=_("HSDS 3.0 export in {path}").format(path=summary.path))
        table.add_column(_("table"))
        table.add_column(_("rows"), justify="right")
        for name, count in summary.rows.items():
            table.add_row(name, f"{count:,}")
        table.add_row("services.json", f"{summary.services:,}")
        out.print(table)
        out.print(_("Written in {seconds:.1f} s.").format(seconds=summary.seconds), markup=False)
        if not summary.validated:
            return
        if summary.problems:
            for problem in summary.problems[:MAX_PROBLEMS_SHOWN]:
                out.print(f"  {problem}", markup=False)
            if len(summary.problems) > MAX_PROBLEMS_SHOWN:
                out.print(
                    _("  … and {count:,} more").format(
                        count=len(summary.problems) - MAX_PROBLEMS_SHOWN
                    )
                )
            raise CommandError(
                _("{count:,} problems: the export does not conform to HSDS 3.0.").format(
                    count=len(summary.problems)
                ),
                returncode=1,
            )
        out.print(
            _("Validated: every row and record conforms to the official HSDS 3.0 schemas."),
            markup=False,
        )
