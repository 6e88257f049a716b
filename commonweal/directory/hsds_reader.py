"""Reads an HSDS 3.0 datapackage (a folder or .zip of CSV files) into TabularData.

Readers only check *shape* (encoding, CSV syntax, known files and columns, required
columns); values are checked by `validation`. Any problem is collected as an ImportIssue
naming file, line and column, and the reader raises ImportFailed with all of them.
HSDS JSON is read by `hsds_json_reader`, which shares this module's table specs.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import functools
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from commonweal.directory.tabular import (
    ImportFailed,
    ImportIssue,
    Row,
    SourceRef,
    TabularData,
    zip_member_too_large,
)

VENDORED_DESCRIPTOR = Path(__file__).resolve().parent / "hsds_schema" / "datapackage.json"
DESCRIPTOR_NAME = "datapackage.json"

# The 3.0 descriptor marks these required, but real directories (211 exports, facility
# lists, opaque source taxonomies) often lack descriptive text, and an empty description
# does not break a record. Metadata previous/replacement values are legitimately empty
# when a field was blank before or has been cleared. Exports write "" for them.
RELAXED_REQUIRED: Mapping[str, frozenset[str]] = {
    "organization": frozenset({"description"}),
    "program": frozenset({"description"}),
    "taxonomy": frozenset({"description"}),
    "taxonomy_term": frozenset({"description"}),
    "metadata": frozenset({"previous_value", "replacement_value"}),
}

# Resource names only HSDS 1.x/2.x packages have; used to say "use --format hsds-2".
HSDS2_ONLY_RESOURCES = frozenset(
    {
        "service_taxonomy",
        "physical_address",
        "postal_address",
        "regular_schedule",
        "holiday_schedule",
        "eligibility",
        "payment_accepted",
        "accessibility_for_disabilities",
    }
)
HSDS2_ONLY_FILES = frozenset(
    {
        "services_taxonomy.csv",
        "physical_addresses.csv",
        "postal_addresses.csv",
        "regular_schedules.csv",
        "holiday_schedules.csv",
        "eligibility.csv",
        "payments_accepted.csv",
        "accessibility_for_disabilities.csv",
        "services_at_location.csv",
    }
)
HSDS3_ONLY_RESOURCES = frozenset(
    {"attribute", "address", "schedule", "taxonomy_term", "cost_option", "organization_identifier"}
)

MSG_EMPTY_FILE = "file is empty: expected a header row of HSDS 3.0 column names"
MSG_NOT_UTF8 = (
    "not valid UTF-8 (byte 0x{byte:02x} at byte {offset} of the line); save the file as UTF-8"
)
MSG_MISSING_COLUMN = "required column is missing"
MSG_UNKNOWN_COLUMN = "unknown column: HSDS 3.0 {table} has no field '{column}'"
MSG_UNKNOWN_FILE = "unknown file: {reason}"
MSG_BAD_ZIP = "not a readable zip archive (truncated or corrupt: {error})"
MSG_WRONG_WIDTH = "row has {found} values but the header has {expected} columns"
MSG_NOT_JSON = "not valid JSON: {error} (column {column})"
MSG_TOO_DEEP = "JSON nested too deeply to be an HSDS record"
# What reading a damaged zip member raises (NotImplementedError: a compression method
# Python lacks).
ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)

# Service-area extents are GeoJSON polygons that exceed csv's default 128 KiB field limit.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))

MAX_ENCODING_ISSUES = 20


@dataclass(frozen=True)
class TableSpec:
    """One HSDS 3.0 table as the official datapackage descriptor defines it."""

    name: str
    path: str
    fields: tuple[str, ...]
    required: frozenset[str]
    enums: Mapping[str, tuple[str, ...]]


@functools.cache
def hsds_tables() -> dict[str, TableSpec]:
    """The 21 HSDS 3.0 tables from the vendored descriptor, in its (foreign-key friendly) order."""
    descriptor = json.loads(VENDORED_DESCRIPTOR.read_text(encoding="utf-8"))
    tables: dict[str, TableSpec] = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        fields = resource["schema"]["fields"]
        relaxed = RELAXED_REQUIRED.get(name, frozenset())
        tables[name] = TableSpec(
            name=name,
            path=resource["path"],
            fields=tuple(f["name"] for f in fields),
            required=frozenset(
                f["name"]
                for f in fields
                if (f.get("constraints") or {}).get("required") and f["name"] not in relaxed
            ),
            enums={
                f["name"]: tuple(f["constraints"]["enum"])
                for f in fields
                if (f.get("constraints") or {}).get("enum")
            },
        )
    return tables


# ---------------------------------------------------------------------------------------
# Datapackages (CSV)


class _PackageFiles:
    """The files of a datapackage folder or zip, keyed by POSIX path inside it."""

    def __init__(
        self,
        label: str,
        readers: dict[str, Callable[[], bytes]],
        sizes: dict[str, int] | None = None,
        openers: dict[str, Callable[[], IO[bytes]]] | None = None,
    ) -> None:
        self.label = label  # prefix for issue file names: "" for a folder, "name.zip/" for a zip
        self.readers = readers
        self.sizes = sizes or {}  # uncompressed sizes of zip members
        self.openers = openers or {}

    def open(self, name: str) -> IO[bytes]:
        """The file as a binary stream, for reading it in pieces."""
        return self.openers[name]()

    def read(self, name: str, issues: list[ImportIssue]) -> bytes | None:
        if (too_large := zip_member_too_large(self.sizes.get(name, 0))) is not None:
            issues.append(ImportIssue(self.label + name, None, None, too_large))
            return None
        try:
            return self.readers[name]()
        except ZIP_READ_ERRORS as exc:
            issues.append(ImportIssue(self.label + name, None, None, MSG_BAD_ZIP.format(error=exc)))
        except OSError as exc:
            issues.append(
                ImportIssue(self.label + name, None, None, f"cannot be read: {exc.strerror or exc}")
            )
        return None


def _visible(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return not any(p.startswith(".") or p == "__MACOSX" for p in parts)


@contextmanager
def _open_package(path: Path) -> Iterator[_PackageFiles]:
    if not path.exists():
        raise ImportFailed([ImportIssue(str(path), None, None, "no such file or folder")])
    if path.is_dir():
        files = {
            p.relative_to(path).as_posix(): p
            for p in sorted(path.rglob("*"))
            if p.is_file() and _visible(p.relative_to(path).as_posix())
        }
        readers = {name: p.read_bytes for name, p in files.items()}
        openers = {name: functools.partial(p.open, "rb") for name, p in files.items()}
        yield _PackageFiles("", readers, openers=openers)
        return
    if path.suffix.lower() != ".zip" and not zipfile.is_zipfile(path):
        raise ImportFailed(
            [
                ImportIssue(
                    path.name,
                    None,
                    None,
                    "not an HSDS datapackage: expected a folder or a .zip of CSV files with datapackage.json",
                )
            ]
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ImportFailed(
            [ImportIssue(path.name, None, None, MSG_BAD_ZIP.format(error=exc))]
        ) from None
    with archive:
        readers = {
            info.filename: functools.partial(archive.read, info)
            for info in archive.infolist()
            if not info.is_dir() and _visible(info.filename)
        }
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        openers = {
            info.filename: functools.partial(archive.open, info)
            for info in archive.infolist()
            if not info.is_dir() and _visible(info.filename)
        }
        yield _PackageFiles(f"{path.name}/", readers, sizes, openers)


def _package_root(names: list[str]) -> str | None:
    """The folder inside the package that holds datapackage.json (or else the CSV files)."""
    descriptors = [n for n in names if PurePosixPath(n).name == DESCRIPTOR_NAME]
    candidates = descriptors or [n for n in names if n.lower().endswith(".csv")]
    if not candidates:
        return None
    shallowest = min(candidates, key=lambda n: (len(PurePosixPath(n).parts), n))
    parent = PurePosixPath(shallowest).parent.as_posix()
    return "" if parent == "." else parent + "/"


def _descriptor_resources(
    raw: bytes, file: str, issues: list[ImportIssue]
) -> tuple[list[tuple[str, list[str]]], str] | None:
    """(name, paths) of each resource in a package's own datapackage.json, and its version."""
    text = decode_utf8(raw, file, issues)
    if text is None:
        return None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        issues.append(
            ImportIssue(
                file, exc.lineno, None, MSG_NOT_JSON.format(error=exc.msg, column=exc.colno)
            )
        )
        return None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        issues.append(
            ImportIssue(file, None, "resources", "datapackage.json has no list of resources")
        )
        return None
    found: list[tuple[str, list[str]]] = []
    for index, resource in enumerate(resources):
        where = f"resources[{index}]"
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            issues.append(ImportIssue(file, None, where, "resource has no name"))
            continue
        paths = resource.get("path")
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            issues.append(
                ImportIssue(
                    file, None, where, f"resource '{resource['name']}' has no path to a CSV file"
                )
            )
            continue
        found.append((resource["name"], paths))
    return found, str(descriptor.get("version", ""))


def _resolve(
    path: str, root: str, names: set[str], by_basename: dict[str, list[str]]
) -> str | None:
    """A descriptor path inside the package; falls back to a unique file of that name
    anywhere below the root (some packages put CSVs in data/ yet list bare names)."""
    candidate = PurePosixPath(root + path.lstrip("./")).as_posix()
    if candidate in names:
        return candidate
    matches = by_basename.get(PurePosixPath(path).name.lower(), [])
    return matches[0] if len(matches) == 1 else None


def _unknown_table_reason(name: str) -> str:
    if name in HSDS2_ONLY_RESOURCES:
        return (
            f"resource '{name}' is an HSDS 2.x table, not HSDS 3.0; "
            "import this package with --format hsds-2"
        )
    return f"resource '{name}' is not an HSDS 3.0 table ({', '.join(hsds_tables())})"


def table_for_file(basename: str) -> str | None:
    """Without a descriptor: which table a CSV holds, by its official or singular name."""
    lowered = basename.lower()
    for spec in hsds_tables().values():
        if lowered in {spec.path.lower(), f"{spec.name}.csv"}:
            return spec.name
    return None


def read_datapackage(path: Path) -> TabularData:
    """Read an HSDS 3.0 datapackage (folder or .zip). Raises ImportFailed listing every problem."""
    path = Path(path)
    issues: list[ImportIssue] = []
    data: TabularData = {}
    with _open_package(path) as package:
        assignments = _assign_files(package, path, issues)
        for table in hsds_tables():
            for f in assignments.get(table, []):
                raw = package.read(f, issues)
                if raw is None:
                    continue
                rows = _parse_csv(raw, package.label + f, hsds_tables()[table], issues)
                if rows:
                    data.setdefault(table, []).extend(rows)
    if issues:
        raise ImportFailed(issues)
    return data


def _assign_files(
    package: _PackageFiles, path: Path, issues: list[ImportIssue]
) -> dict[str, list[str]]:
    """Which files hold each table; problems with the package's files go to `issues`
    (raises ImportFailed when the descriptor itself cannot be read)."""
    names = list(package.readers)
    root = _package_root(names)
    if root is None:
        raise ImportFailed(
            [ImportIssue(path.name, None, None, "no CSV files and no datapackage.json found")]
        )
    below_root = [n for n in names if n.startswith(root)]
    name_set = set(below_root)
    by_basename: dict[str, list[str]] = {}
    for n in below_root:
        by_basename.setdefault(PurePosixPath(n).name.lower(), []).append(n)

    # table -> files holding it
    assignments: dict[str, list[str]] = {}
    claimed: set[str] = set()
    descriptor_name = root + DESCRIPTOR_NAME
    if descriptor_name in name_set:
        claimed.add(descriptor_name)
        raw = package.read(descriptor_name, issues)
        parsed = (
            _descriptor_resources(raw, package.label + descriptor_name, issues)
            if raw is not None
            else None
        )
        if parsed is None:
            raise ImportFailed(issues)
        resources, _version = parsed
        for name, paths in resources:
            files = [f for f in (_resolve(p, root, name_set, by_basename) for p in paths) if f]
            claimed.update(files)
            if not files:
                continue  # an optional table the package does not ship
            if name not in hsds_tables():
                for f in files:
                    issues.append(
                        ImportIssue(
                            package.label + f,
                            None,
                            None,
                            MSG_UNKNOWN_FILE.format(reason=_unknown_table_reason(name)),
                        )
                    )
                continue
            assignments.setdefault(name, []).extend(files)
    else:
        for n in below_root:
            table = table_for_file(PurePosixPath(n).name) if n.lower().endswith(".csv") else None
            if table:
                assignments.setdefault(table, []).append(n)
                claimed.add(n)
        for table, files in assignments.items():
            if len(files) > 1 and len({PurePosixPath(f).name.lower() for f in files}) > 1:
                issues.append(
                    ImportIssue(
                        package.label + files[1],
                        None,
                        None,
                        f"both {files[0]} and {files[1]} hold table {table}; keep one",
                    )
                )
    for n in below_root:
        if n.lower().endswith(".csv") and n not in claimed:
            base = PurePosixPath(n).name.lower()
            if base in HSDS2_ONLY_FILES:
                reason = f"{PurePosixPath(n).name} is an HSDS 2.x file, not HSDS 3.0; import this package with --format hsds-2"
            elif descriptor_name in name_set:
                reason = f"{PurePosixPath(n).name} is not listed in datapackage.json"
            else:
                expected = ", ".join(s.path for s in hsds_tables().values())
                reason = f"{PurePosixPath(n).name} is not an HSDS 3.0 table file (expected one of {expected})"
            issues.append(
                ImportIssue(package.label + n, None, None, MSG_UNKNOWN_FILE.format(reason=reason))
            )
    return assignments


def decode_utf8(raw: bytes, file: str, issues: list[ImportIssue]) -> str | None:
    """UTF-8 text (a BOM is dropped), or None after reporting each line with bad bytes."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    bad = 0
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad += 1
            if bad <= MAX_ENCODING_ISSUES:
                issues.append(
                    ImportIssue(
                        file,
                        number,
                        None,
                        MSG_NOT_UTF8.format(byte=line[exc.start], offset=exc.start + 1),
                    )
                )
    if bad > MAX_ENCODING_ISSUES:
        issues.append(
            ImportIssue(
                file, None, None, f"{bad - MAX_ENCODING_ISSUES} more lines are not valid UTF-8"
            )
        )
    return None


def _name_undecodable_columns(raw: bytes, issues: list[ImportIssue], start: int) -> None:
    """Add the header name of the field holding each line's first bad byte to the
    encoding issues from `start` on: the CSV is parsed once more with the bad bytes kept
    as surrogates, which costs one extra pass over a file that is being rejected anyway."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    columns: dict[int, str] = {}  # physical line -> header name
    reader = csv.reader(io.StringIO(raw.decode("utf-8", "surrogateescape"), newline=""))
    header: list[str] | None = None
    next_line = 1
    try:
        for record in reader:
            line, next_line = next_line, reader.line_num + 1
            if header is None:
                if any(value.strip() for value in record):
                    header = [name.strip() for name in record]
                continue
            offset = 0  # newlines inside earlier quoted fields of this record
            for index, value in enumerate(record):
                bad = _SURROGATE.search(value)
                if bad and index < len(header) and header[index]:
                    columns.setdefault(
                        line + offset + value.count("\n", 0, bad.start()), header[index]
                    )
                offset += value.count("\n")
    except csv.Error:
        return  # the file is malformed as well: the line and byte must do
    for i in range(start, len(issues)):
        issue = issues[i]
        if issue.line is not None and issue.column is None and issue.line in columns:
            issues[i] = ImportIssue(issue.file, issue.line, columns[issue.line], issue.message)


_SURROGATE = re.compile("[\udc80-\udcff]")


def _parse_csv(raw: bytes, file: str, spec: TableSpec, issues: list[ImportIssue]) -> list[Row]:
    before = len(issues)
    text = decode_utf8(raw, file, issues)
    if text is None:
        _name_undecodable_columns(raw, issues, before)
        return []
    if not text.strip():
        issues.append(ImportIssue(file, None, None, MSG_EMPTY_FILE))
        return []
    return list(_iter_csv(io.StringIO(text, newline=""), file, spec, issues))


def _iter_csv(
    text: Iterable[str], file: str, spec: TableSpec, issues: list[ImportIssue]
) -> Iterator[Row]:
    """The rows of one CSV file, one at a time, with shape problems added to `issues`."""
    reader = csv.reader(text, strict=True)
    header: list[str] | None = None
    columns: list[tuple[int, str]] = []
    unnamed: list[int] = []
    unnamed_reported = False
    next_line = 1
    try:
        for record in reader:
            line, next_line = next_line, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue  # blank line, or a spreadsheet's row of empty cells
            if header is None:
                header = [name.strip() for name in record]
                checked = _check_header(header, file, line, spec, issues)
                if checked is None:
                    return
                columns, unnamed = checked
                continue
            if len(record) != len(header):
                issues.append(
                    ImportIssue(
                        file,
                        line,
                        None,
                        MSG_WRONG_WIDTH.format(found=len(record), expected=len(header)),
                    )
                )
                continue
            if unnamed and not unnamed_reported and any(record[i].strip() for i in unnamed):
                unnamed_reported = True
                issues.append(
                    ImportIssue(
                        file,
                        line,
                        None,
                        f"column {unnamed[0] + 1} has values but no name in the header",
                    )
                )
            yield Row(spec.name, {name: record[i] for i, name in columns}, SourceRef(file, line))
    except csv.Error as exc:
        issues.append(ImportIssue(file, reader.line_num or None, None, f"malformed CSV: {exc}"))


def _check_header(
    header: list[str], file: str, line: int, spec: TableSpec, issues: list[ImportIssue]
) -> tuple[list[tuple[int, str]], list[int]] | None:
    """Known (index, field) pairs and unnamed column indexes; None when the file is unusable."""
    before = len(issues)
    columns: list[tuple[int, str]] = []
    unnamed: list[int] = []
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name:
            unnamed.append(index)
            continue
        if name in seen:
            issues.append(ImportIssue(file, line, name, "column appears twice in the header"))
            continue
        seen.add(name)
        if name not in spec.fields:
            message = MSG_UNKNOWN_COLUMN.format(table=spec.name, column=name)
            close = difflib.get_close_matches(name, spec.fields, n=1)
            if close:
                message += f" (did you mean '{close[0]}'?)"
            issues.append(ImportIssue(file, line, name, message))
            continue
        columns.append((index, name))
    for name in spec.fields:
        if name in spec.required and name not in seen:
            issues.append(ImportIssue(file, line, name, MSG_MISSING_COLUMN))
    if len(issues) > before:
        return None
    return columns, unnamed


def detect_datapackage(path: Path) -> bool:
    """True for a folder or zip that holds an HSDS 3.0 (not 2.x) datapackage."""
    path = Path(path)
    if not path.exists() or (path.is_file() and path.suffix.lower() != ".zip"):
        return False
    try:
        with _open_package(path) as package:
            names = list(package.readers)
            root = _package_root(names)
            if root is None:
                return False
            descriptor = root + DESCRIPTOR_NAME
            if descriptor in package.readers:
                scratch: list[ImportIssue] = []
                raw = package.read(descriptor, scratch)
                parsed = (
                    _descriptor_resources(raw, descriptor, scratch) if raw is not None else None
                )
                if parsed is None:
                    return False
                resources, version = parsed
                resource_names = {name for name, _ in resources}
                if resource_names & HSDS2_ONLY_RESOURCES:
                    return False
                return version.startswith("3") or bool(resource_names & HSDS3_ONLY_RESOURCES)
            basenames = {PurePosixPath(n).name.lower() for n in names if n.startswith(root)}
            if basenames & HSDS2_ONLY_FILES:
                return False
            return any(table_for_file(b) for b in basenames)
    except ImportFailed:
        return False


# ---------------------------------------------------------------------------------------
# Streaming: a datapackage too large to hold in memory


class StreamedPackage:
    """The tables of an open datapackage, read lazily: `rows(table)` parses its CSV files
    again on every call and yields one row at a time, so an importer holds one batch, not
    the whole package. Shape problems (encoding, CSV syntax, row width) found while
    reading go to `issues`, as `read_datapackage` would have raised them."""

    def __init__(self, package: _PackageFiles, assignments: dict[str, list[str]]) -> None:
        self.package = package
        self.assignments = assignments
        self.issues: list[ImportIssue] = []
        self._reported: set[str] = set()  # files whose shape problems are already listed

    def tables(self) -> list[str]:
        return [t for t in hsds_tables() if self.assignments.get(t)]

    def rows(self, table: str) -> Iterator[Row]:
        spec = hsds_tables()[table]
        for name in self.assignments.get(table, []):
            # A second pass over a file (the importer re-reads a table in rare cases)
            # must not report its problems twice.
            issues = self.issues if name not in self._reported else []
            self._reported.add(name)
            yield from self._file_rows(name, spec, issues)

    def _file_rows(self, name: str, spec: TableSpec, issues: list[ImportIssue]) -> Iterator[Row]:
        file = self.package.label + name
        size = self.package.sizes.get(name, 0)
        if (too_large := zip_member_too_large(size)) is not None:
            issues.append(ImportIssue(file, None, None, too_large))
            return
        before = len(issues)
        try:
            with self.package.open(name) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                seen_text = False
                for row in _iter_csv(text, file, spec, issues):
                    seen_text = True
                    yield row
                if not seen_text and len(issues) == before and _is_blank(self.package, name):
                    issues.append(ImportIssue(file, None, None, MSG_EMPTY_FILE))
        except UnicodeDecodeError:
            # Report exactly what the whole-file reader reports (every bad line, with its
            # column); the rows already read are discarded with the failed import.
            del issues[before:]
            raw_bytes = self.package.read(name, issues)
            if raw_bytes is not None:
                _parse_csv(raw_bytes, file, spec, issues)
        except ZIP_READ_ERRORS as exc:
            issues.append(ImportIssue(file, None, None, MSG_BAD_ZIP.format(error=exc)))
        except OSError as exc:
            issues.append(ImportIssue(file, None, None, f"cannot be read: {exc.strerror or exc}"))


def _is_blank(package: _PackageFiles, name: str) -> bool:
    """Whether a file has nothing but white space (read in pieces: it may be large)."""
    with package.open(name) as raw:
        while chunk := raw.read(1 << 16):
            if chunk.replace(codecs.BOM_UTF8, b"").strip():
                return False
    return True


@contextmanager
def stream_datapackage(path: Path) -> Iterator[StreamedPackage]:
    """Open an HSDS 3.0 datapackage (folder or .zip) for a streaming import. Problems with
    its files (unknown tables, an unreadable descriptor) raise ImportFailed at once."""
    path = Path(path)
    issues: list[ImportIssue] = []
    with _open_package(path) as package:
        assignments = _assign_files(package, path, issues)
        if issues:
            raise ImportFailed(issues)
        yield StreamedPackage(package, assignments)
