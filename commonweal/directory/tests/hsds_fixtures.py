"""The HSDS 3.0 example package for import tests, and ways to break one cell of it."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HSDS3 = FIXTURES / "hsds3"
HSDS3_CSV = HSDS3 / "csv"  # the official example with its dangling ids repaired (see README)
OFFICIAL_CSV = HSDS3 / "official" / "csv"  # the official example exactly as published

# Ids in the example, for assertions.
ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
PHONE_ID = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"


def copy_package(dest: Path, source: Path = HSDS3_CSV) -> Path:
    """A writable copy of an example package under `dest`."""
    target = dest / source.name
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return target


def read_table(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_table(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def set_cell(package: Path, file: str, column: str, value: str, *, line: int = 2) -> None:
    """Set one cell: `line` counts the header as line 1, as import errors do."""
    rows = read_table(package / file)
    rows[line - 1][rows[0].index(column)] = value
    write_table(package / file, rows)


def drop_column(package: Path, file: str, column: str) -> None:
    rows = read_table(package / file)
    index = rows[0].index(column)
    write_table(package / file, [row[:index] + row[index + 1 :] for row in rows])


def add_row(package: Path, file: str, **values: str) -> None:
    """Append a row; columns not given are empty."""
    rows = read_table(package / file)
    rows.append([values.get(name, "") for name in rows[0]])
    write_table(package / file, rows)
