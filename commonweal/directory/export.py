"""Export the directory as an HSDS 3.0 datapackage and as HSDS JSON.

One export folder holds one CSV per HSDS 3.0 table (exactly the datapackage's columns,
UTF-8, header row), a `datapackage.json` derived from the official descriptor, and
`services.json` (every service as a full nested record). It is written into a temporary
folder beside the destination and moved into place only when complete, so a reader
never sees a half-written export; an earlier export at the destination is replaced.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import tempfile
import time as clock
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commonweal.directory import hsds_json
from commonweal.directory.models import Service
from commonweal.directory.schema_validation import (
    datapackage_descriptor,
    resource_specs,
    validate_export,
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)

SERVICES_JSON = "services.json"
DESCRIPTOR = "datapackage.json"

# The demo directory (Miami 211, Open Eligibility) is CC BY-SA, so exports of it must be
# too; a deployment with other data sets HSDS_EXPORT_LICENSE in settings.
DEFAULT_LICENSE = {
    "name": "CC-BY-SA-4.0",
    "path": "https://creativecommons.org/licenses/by-sa/4.0/",
    "title": "Creative Commons Attribution-ShareAlike 4.0",
}


class ExportError(Exception):
    """The export could not be written; nothing at the destination was changed."""


@dataclass
class ExportSummary:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)  # per HSDS table
    services: int = 0  # records in services.json
    seconds: float = 0.0
    validated: bool = False
    problems: list[str] = field(default_factory=list)  # from validation, [] when valid


def tabular_value(value: Any) -> str:
    """A model value as it is written in an HSDS CSV cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return hsds_json.format_decimal(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return hsds_json.format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return hsds_json.format_time(value)
    return str(value)


def table_rows(table: str) -> Iterator[list[str]]:
    """Every row of an HSDS table as CSV cells, in id order."""
    model = hsds_json.TABLE_MODELS[table]
    attnames = [attribute for _, attribute in hsds_json.columns(table)]
    extension = attnames.index("extension") if table == "phone" else None
    for values in model.objects.order_by("id").values_list(*attnames).iterator(chunk_size=2000):
        row = [tabular_value(v) for v in values]
        if extension is not None:
            row[extension] = hsds_json.extension_digits(row[extension])
        yield row
    # Programmes and mobile routes are part of the directory: their program and schedule
    # rows are made from them now (programs/hsds_programmes.py), never stored twice.
    for values in hsds_json.made_rows(table, attnames):
        yield [tabular_value(v) for v in values]


def descriptor() -> dict[str, Any]:
    """This site's datapackage.json: the official HSDS 3.0 descriptor (resources, fields,
    keys unchanged) with our name, title, licence and creation time."""
    package = copy.deepcopy(datapackage_descriptor())
    site = getattr(settings, "SITE_NAME", "commonweal")
    licence = getattr(settings, "HSDS_EXPORT_LICENSE", DEFAULT_LICENSE)
    package.update(
        {
            "name": f"{slugify(site) or 'commonweal'}-directory",
            "title": f"{site} directory",
            "description": "Human services directory exported by commonweal in Open Referral HSDS 3.0 "
            "(Human Services Data Specification: an Open Referral resource, https://openreferral.org/).",
            "created": hsds_json.format_datetime(timezone.now()),
            # HSDS's own key, kept for HSDS tools, and the Data Package standard's list.
            "license": {"url": licence["path"], "type": licence["name"], "name": licence["title"]},
            "licenses": [licence],
        }
    )
    for resource in package["resources"]:
        resource["encoding"] = "utf-8"
    return package


def export_directory(
    dest: Path, *, progress: Progress | None = None, validate: bool = False
) -> ExportSummary:
    """Write the whole directory to `dest` as an HSDS 3.0 datapackage plus services.json.

    `dest` may be new, empty, or an earlier export (which is replaced); anything else
    raises ExportError. With `validate`, the finished export is checked against the
    official schemas and the problems returned in the summary (the export is kept so
    they can be inspected)."""
    started = clock.perf_counter()
    dest = Path(dest).absolute()
    _check_replaceable(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
        )
    except OSError as exc:
        raise ExportError(
            _("cannot write to %(path)s: %(error)s") % {"path": dest.parent, "error": exc}
        ) from exc
    summary = ExportSummary(path=dest)
    try:
        with _snapshot():
            for table, spec in resource_specs().items():
                summary.rows[table] = _write_csv(
                    staging / spec.path, table, spec.field_names, progress
                )
            summary.services = _write_services_json(staging / SERVICES_JSON, progress)
            (staging / DESCRIPTOR).write_text(
                json.dumps(descriptor(), indent=2, ensure_ascii=False) + "\n", "utf-8"
            )
        if validate:
            if progress:
                progress("validate", 0, 1)
            summary.problems = validate_export(staging)
            summary.validated = True
            if progress:
                progress("validate", 1, 1)
        _move_into_place(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    summary.seconds = clock.perf_counter() - started
    return summary


def _write_csv(path: Path, table: str, header: list[str], progress: Progress | None) -> int:
    total = hsds_json.TABLE_MODELS[table].objects.count()
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in table_rows(table):
            writer.writerow(row)
            count += 1
            if progress and count % 5000 == 0:
                progress(table, count, total)
    if progress:
        progress(table, count, max(total, count))
    return count


def _write_services_json(path: Path, progress: Progress | None) -> int:
    total = Service.objects.count()
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for record in hsds_json.full_services(Service.objects.order_by("id")):
            handle.write("\n" if count == 0 else ",\n")
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            count += 1
            if progress and count % 200 == 0:
                progress("services.json", count, total)
        handle.write("\n]\n")
    if progress:
        progress("services.json", count, max(total, count))
    return count


@contextmanager
def _snapshot() -> Iterator[None]:
    """Read every table from one consistent state of the database: one transaction, and on
    PostgreSQL a repeatable-read one (its default isolation sees each query's own state)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _export_file_names() -> set[str]:
    return {spec.path for spec in resource_specs().values()} | {DESCRIPTOR, SERVICES_JSON}


def _check_replaceable(dest: Path) -> None:
    if not dest.exists():
        return
    if not dest.is_dir():
        raise ExportError(_("%(path)s exists and is not a folder") % {"path": dest})
    names = {p.name for p in dest.iterdir()}
    if names and (DESCRIPTOR not in names or not names <= _export_file_names()):
        raise ExportError(
            _("%(path)s holds other files; export into a new or empty folder, or an earlier export")
            % {"path": dest}
        )


def _move_into_place(staging: Path, dest: Path) -> None:
    os.chmod(staging, 0o755)  # mkdtemp makes it private; an export is for sharing
    if not dest.exists():
        staging.rename(dest)
        return
    retired = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.old")
    dest.rename(retired)
    try:
        staging.rename(dest)
    except OSError:
        retired.rename(dest)
        raise
    shutil.rmtree(retired, ignore_errors=True)
