"""`load_demo`: import the bundled demo directory (Miami 211 + Miami-Dade facilities)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from commonweal.accounts import audit
from commonweal.directory import demo
from commonweal.directory.management.commands.import_hsds import (
    console_for,
    print_issues,
    summary_table,
)
from commonweal.directory.tabular import ImportFailed


class Command(BaseCommand):
    help = gettext_lazy(
        "Import the bundled demo directory: the Miami 211 directory and the SAMHSA/HRSA "
        "facilities in Miami-Dade, with Open Eligibility categories. Loading it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--build-from",
            type=Path,
            metavar="SHARED_DATA",
            help=gettext_lazy(
                "first remake the bundle from this ../shared/data folder (for maintainers)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = console_for(self.stdout)
        if options["build_from"]:
            counts = demo.build_bundle(options["build_from"])
            for name, count in counts.items():
                out.print(_("{name}: {count}").format(name=name, count=count), markup=False)
        progress = Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=getattr(self.stderr, "_out", self.stderr), highlight=False),
        )
        try:
            with progress:
                task = progress.add_task(_("reading"), total=None)

                def advance(stage: str, done: int, total: int) -> None:
                    progress.update(task, description=stage, completed=done, total=total)

                summary = demo.load_demo(progress=advance)
        except ImportFailed as exc:
            print_issues(out, exc.issues)
            raise CommandError(
                _("The demo directory has {count} problems; nothing was imported.").format(
                    count=len(exc.issues)
                ),
                returncode=1,
            ) from None
        out.print(summary_table(summary))
        audit.record(
            action="import",
            object_type="directory.import",
            object_id=demo.SOURCE,
            detail=summary.as_dict(),
        )
