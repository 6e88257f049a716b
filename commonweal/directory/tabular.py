"""The shape every importer produces: HSDS 3.0 tabular rows with where each came from.

Every source format (HSDS 3.0 CSV datapackage, HSDS JSON, the Miami 211 HSDS 2.0-era
package, SAMHSA/HRSA facility lists, the Open Eligibility taxonomy) is read into
`TabularData`: HSDS 3.0 table names (the datapackage resource names: "organization",
"service", "service_at_location", ...) mapped to rows whose `values` use HSDS 3.0
tabular field names with *string* values ("" for empty), exactly as they would appear
in an HSDS 3.0 CSV. One validation and write path then serves every source, and each
error can name the file, line and column of the original input.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class SourceRef:
    """Where a value came from: `line` is 1-based with the CSV header on line 1;
    for JSON, `line` is the 1-based record number and `column` a JSON path."""

    file: str
    line: int


@dataclass
class Row:
    table: str
    values: dict[str, str]
    ref: SourceRef
    # Maps an HSDS field name to the column name in the original file, when they differ
    # (e.g. Miami's `physical_addresses.csv` column `address_1`), for error messages.
    source_columns: dict[str, str] = field(default_factory=dict)

    def column_for(self, field_name: str) -> str:
        return self.source_columns.get(field_name, field_name)


@dataclass(frozen=True)
class ImportIssue:
    file: str
    line: int | None
    column: str | None
    message: str
    # For a row rejected only because it points at a rejected row: the row whose own
    # problem started the chain, so reports can put that problem first.
    caused_by: SourceRef | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    """Raised when input cannot be imported; carries every issue found, nothing written."""

    def __init__(self, issues: list[ImportIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues[:20]))


class ReadFailed(ImportFailed):
    """The input itself could not be read (bad CSV, encoding): met while streaming it."""


TabularData = dict[str, list[Row]]

# The largest file inside a zip that an import will unpack (a guard against zip bombs:
# a few kilobytes can declare gigabytes). Far above any real directory's CSV file.
MAX_ZIP_MEMBER_BYTES = 1 << 30


def zip_member_too_large(size: int) -> str | None:
    """The error message for an oversized zip member, or None when it may be read."""
    if size > MAX_ZIP_MEMBER_BYTES:
        return (
            f"unpacks to {size:,} bytes, more than the {MAX_ZIP_MEMBER_BYTES:,} an import "
            "accepts from one file in a zip"
        )
    return None


class TableSource(Protocol):
    """Tables to import, read one row at a time (`rows` may be called again for a second
    pass). `issues` collects shape problems the reading itself finds (bad CSV, encoding),
    which make the import fail as a reader's ImportFailed would have."""

    issues: list[ImportIssue]

    def tables(self) -> list[str]: ...

    def rows(self, table: str) -> Iterator[Row]: ...


class InMemoryTables:
    """TabularData already in memory, as a TableSource."""

    def __init__(self, data: TabularData) -> None:
        self.data = data
        self.issues: list[ImportIssue] = []

    def tables(self) -> list[str]:
        return [table for table, rows in self.data.items() if rows]

    def rows(self, table: str) -> Iterator[Row]:
        return iter(self.data.get(table) or [])
