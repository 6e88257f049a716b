"""`import_hsds PATH`: import a directory data set in one all-or-nothing transaction."""

from __future__ import annotations

import csv
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from commonweal.accounts import audit
from commonweal.directory import issue_summary, sources
from commonweal.directory.importer import ImportSummary, import_tables
from commonweal.directory.tabular import (
    ImportFailed,
    ImportIssue,
    InMemoryTables,
    ReadFailed,
    TableSource,
)
from commonweal.directory.validation import TABLE_ORDER
from commonweal.ops import write_errors


def console_for(stream: Any) -> Console:
    # OutputWrapper appends a newline to every write; rich writes partial lines.
    return Console(file=getattr(stream, "_out", stream), highlight=False, soft_wrap=True)


def print_issues(console: Console, issues: list[ImportIssue]) -> None:
    """Root problems first, with the rows rejected because of each collapsed under it."""
    for line in issue_summary.summary_lines(issues):
        console.print(line, markup=False)


def problems_found(issues: list[ImportIssue]) -> str:
    """ "3 problems found" or "1 problem found (and 7 more rows rejected as a result)"."""
    problems, dependents = issue_summary.counts(issues)
    text = ngettext("{count} problem found", "{count} problems found", problems).format(
        count=problems
    )
    if dependents:
        text += " " + ngettext(
            "(and {count} more row rejected as a result)",
            "(and {count} more rows rejected as a result)",
            dependents,
        ).format(count=dependents)
    return text


def _caused_by(issue: ImportIssue) -> str:
    ref = issue.caused_by
    return "" if ref is None else f"{ref.file}:{ref.line}"


def write_report(path: Path, issues: list[ImportIssue]) -> None:
    """Every rejected row's problems, root problems first; `caused_by` names the row whose
    own problem rejected a row that was fine in itself."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "column", "reason", "caused_by"])
        for issue in issue_summary.ordered_issues(issues):
            writer.writerow(
                [issue.file, issue.line or "", issue.column or "", issue.message, _caused_by(issue)]
            )


def default_report_path(source: Path) -> Path:
    # In the working directory: never inside the input (a CSV there would be read as a
    # table next time) nor beside it (a shared, read-only data folder).
    return Path.cwd() / f"{source.name.removesuffix(source.suffix) or source.name}-rejects.csv"


def summary_table(summary: ImportSummary) -> Table:
    table = Table(title=_("Import summary"), title_justify="left")
    table.add_column(_("table"))
    for heading in (_("created"), _("updated"), _("unchanged"), _("rejected")):
        table.add_column(heading, justify="right")
    order = [t for t in TABLE_ORDER if t in summary.tables] + [
        t for t in summary.tables if t not in TABLE_ORDER
    ]
    for name in order:
        counts = summary.tables[name]
        table.add_row(
            name,
            *(str(n) for n in (counts.created, counts.updated, counts.unchanged, counts.rejected)),
        )
    total = summary.total
    table.add_section()
    table.add_row(
        _("total"),
        *(str(n) for n in (total.created, total.updated, total.unchanged, total.rejected)),
        style="bold",
    )
    return table


class Command(BaseCommand):
    help = (
        "Import an HSDS 3.0 datapackage (folder or .zip), HSDS JSON, or a known public data set "
        "into the directory. All or nothing: any rejected row aborts the import unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="folder, .zip or .json file to import")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=list(sources.FORMATS),
            help="input format (detected when omitted)",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and write the rejected ones to a report file",
        )
        parser.add_argument(
            "--report",
            type=Path,
            help="CSV file for rejected rows (default: <input>-rejects.csv in the current folder)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and count everything, then write nothing",
        )
        parser.add_argument(
            "--updated-by",
            default="import",
            help="name recorded in the change log (metadata)",
        )

    def unreadable(
        self, out: Console, path: Path, report: Path | None, exc: ImportFailed
    ) -> NoReturn:
        print_issues(out, exc.issues)
        if report:
            write_report(report, exc.issues)
        count = len(exc.issues)
        raise CommandError(
            ngettext(
                "{path} could not be read ({count} problem); nothing was imported.",
                "{path} could not be read ({count} problems); nothing was imported.",
                count,
            ).format(path=path, count=count),
            returncode=1,
        ) from None

    def run_import(
        self,
        tables: TableSource,
        path: Path,
        fmt: str,
        report: Path | None,
        out: Console,
        err: Console,
        options: dict[str, Any],
    ) -> ImportSummary:
        rows = (
            sum(len(r) for r in tables.data.values())
            if isinstance(tables, InMemoryTables)
            else None  # unknown until read
        )
        progress = Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
        )
        try:
            with progress:
                task = progress.add_task(_("checking"), total=rows)

                def advance(stage: str, done: int, total: int) -> None:
                    progress.update(task, description=stage, completed=done, total=total or None)

                return import_tables(
                    tables,
                    source=f"{fmt}:{path}",
                    skip_invalid=options["skip_invalid"],
                    updated_by=options["updated_by"],
                    progress=advance,
                    dry_run=options["dry_run"],
                    total_rows=rows or 0,
                )
        except ReadFailed as exc:
            self.unreadable(out, path, report, exc)
        except ImportFailed as exc:
            print_issues(out, exc.issues)
            if report:
                write_report(report, exc.issues)
                out.print(
                    _("Rejected rows written to {report}").format(report=report), markup=False
                )
            raise CommandError(
                _(
                    "{problems}; nothing was imported. Fix them, or use --skip-invalid "
                    "to import the valid rows."
                ).format(problems=problems_found(exc.issues)),
                returncode=1,
            ) from None
        except write_errors.DATABASE_ERRORS as exc:
            # A full disk or a read-only database: the import's one transaction rolled back.
            raise CommandError(
                _("{reason} Nothing was imported; the directory is as it was.").format(
                    reason=write_errors.describe(exc)
                ),
                returncode=1,
            ) from None

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        report: Path | None = options["report"]
        out = console_for(self.stdout)
        err = Console(file=getattr(self.stderr, "_out", self.stderr), highlight=False)
        with ExitStack() as stack:
            try:
                fmt = options["fmt"] or sources.detect(path)
                out.print(
                    _("Reading {path} (format {fmt})…").format(path=path, fmt=fmt), markup=False
                )
                # A datapackage is read as it is imported (it may be too big to hold).
                tables = stack.enter_context(sources.open_tables(path, fmt))
            except ImportFailed as exc:
                self.unreadable(out, path, report, exc)
            summary = self.run_import(tables, path, fmt, report, out, err, options)

        out.print(summary_table(summary))
        if summary.rejected:
            out.print(_("Rejected rows:"))
            print_issues(out, summary.rejected)
            target = report or default_report_path(path)
            try:
                write_report(target, summary.rejected)
            except OSError:
                target = Path.cwd() / default_report_path(path).name
                write_report(target, summary.rejected)
            out.print(_("Rejected rows written to {report}").format(report=target), markup=False)
        if summary.dry_run:
            out.print(_("Dry run: nothing was written."))
            return
        out.print(
            _("{changes} field changes recorded in metadata; {seconds:.1f} s.").format(
                changes=summary.metadata_written, seconds=summary.seconds
            )
        )
        audit.record(
            action="import",
            object_type="directory.import",
            object_id=fmt,
            detail={**summary.as_dict(), "path": str(path)},
        )
