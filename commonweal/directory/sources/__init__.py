"""The import formats: a registry of readers that turn a file or folder into TabularData.

Each format names a `read(path) -> TabularData` and a `detect(path) -> bool` by dotted
path, imported only when needed, so a format whose module is missing (or whose optional
dependency is) fails with a clear message instead of breaking every import.
"""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commonweal.directory.hsds_reader import MSG_BAD_ZIP
from commonweal.directory.tabular import (
    ImportFailed,
    ImportIssue,
    InMemoryTables,
    TableSource,
    TabularData,
)


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    reader: str  # "module:function"
    detector: str | None


# Detection tries these in order: specific sources before the generic formats they are
# built on (Miami 211 is an HSDS 2.0-era package; hsds-2 would claim it too).
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "miami-211",
            "Open211 Miami 211 directory (HSDS 2.0-era datapackage)",
            "commonweal.directory.sources.miami211:read",
            "commonweal.directory.sources.miami211:detect",
        ),
        Format(
            "ohana",
            "Ohana API sample data (pre-HSDS CSV)",
            "commonweal.directory.sources.ohana:read",
            "commonweal.directory.sources.ohana:detect",
        ),
        Format(
            "samhsa",
            "SAMHSA / HRSA treatment facility lists",
            "commonweal.directory.sources.samhsa:read",
            "commonweal.directory.sources.samhsa:detect",
        ),
        Format(
            "open-eligibility",
            "Open Eligibility taxonomy",
            "commonweal.directory.sources.open_eligibility:read",
            "commonweal.directory.sources.open_eligibility:detect",
        ),
        Format(
            "hsds",
            "HSDS 3.0 datapackage (folder or .zip of CSV files with datapackage.json)",
            "commonweal.directory.hsds_reader:read_datapackage",
            "commonweal.directory.hsds_reader:detect_datapackage",
        ),
        Format(
            "hsds-json",
            "HSDS 3.0 JSON (full records, a list, an HSDA page or NDJSON)",
            "commonweal.directory.hsds_json_reader:read_hsds_json",
            "commonweal.directory.hsds_json_reader:detect_json",
        ),
        Format(
            "hsds-2",
            "HSDS 1.x/2.x datapackage",
            "commonweal.directory.sources.hsds2:read",
            "commonweal.directory.sources.hsds2:detect",
        ),
    )
}


class FormatUnavailable(Exception):
    """A format's reader cannot be imported here (module absent, or a dependency of it)."""


def _load(dotted: str) -> Callable[..., Any]:
    module_name, _, attribute = dotted.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise FormatUnavailable(f"{module_name} (missing module {exc.name})") from exc
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise FormatUnavailable(dotted) from None


def available_formats() -> list[str]:
    """Names of the formats whose reader can be imported here."""
    names = []
    for fmt in FORMATS.values():
        try:
            _load(fmt.reader)
        except FormatUnavailable:
            continue
        names.append(fmt.name)
    return names


def _package_path(path: Path) -> Path:
    # Pointing at a package's datapackage.json means the package it describes.
    path = Path(path)
    return path.parent if path.name == "datapackage.json" and path.is_file() else path


def detect(path: Path) -> str:
    """The name of the format `path` is in. Raises ImportFailed when none matches."""
    path = _package_path(path)
    if not path.exists():
        raise ImportFailed([ImportIssue(str(path), None, None, "no such file or folder")])
    if path.is_file() and path.suffix.lower() == ".zip":
        _check_zip(path)  # a broken zip matches no format; say what is wrong with it instead
    for fmt in FORMATS.values():
        if fmt.detector is None:
            continue
        try:
            detector = _load(fmt.detector)
        except FormatUnavailable:
            continue
        try:
            if detector(path):
                return fmt.name
        except Exception:  # a detector tripping over odd input just means "not mine"
            continue
    nothing = _nothing_to_read(path)
    if nothing:
        raise ImportFailed([ImportIssue(path.name, None, None, nothing)])
    raise ImportFailed(
        [
            ImportIssue(
                path.name,
                None,
                None,
                "cannot tell which format this is; pass --format with one of: "
                + ", ".join(available_formats()),
            )
        ]
    )


# What the readers read; a folder without any of these holds nothing to import.
DATA_SUFFIXES = frozenset({".csv", ".json", ".ndjson", ".jsonl", ".zip", ".xlsx", ".xls", ".tsv"})


def _nothing_to_read(path: Path) -> str | None:
    """Why `path` cannot hold a data set at all (so "which format?" is the wrong question)."""
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(4096)
        if not head.strip() and path.stat().st_size <= len(head):
            return "file is empty"
        return None
    if path.is_dir():
        has_data = any(
            p.is_file()
            and p.suffix.lower() in DATA_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
            for p in path.rglob("*")
        )
        if not has_data:
            return "folder has no data files (expected CSV or JSON files, or a .zip of them)"
    return None


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path):
            pass
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ImportFailed(
            [ImportIssue(path.name, None, None, MSG_BAD_ZIP.format(error=exc))]
        ) from None


def read(path: Path, fmt: str | None = None) -> TabularData:
    """Read `path` in format `fmt` (detected when None). Raises ImportFailed on bad input."""
    path = _package_path(path)
    name = fmt or detect(path)
    spec = FORMATS.get(name)
    if spec is None:
        raise ImportFailed(
            [
                ImportIssue(
                    path.name,
                    None,
                    None,
                    f"unknown format {name!r}; known formats: {', '.join(FORMATS)}",
                )
            ]
        )
    try:
        reader = _load(spec.reader)
    except FormatUnavailable as exc:
        raise ImportFailed(
            [
                ImportIssue(
                    path.name,
                    None,
                    None,
                    f"format {name} is not available in this installation ({exc})",
                )
            ]
        ) from None
    if not path.exists():
        raise ImportFailed([ImportIssue(str(path), None, None, "no such file or folder")])
    return reader(path)


@contextmanager
def open_tables(path: Path, fmt: str) -> Iterator[TableSource]:
    """The tables of `path` for `importer.import_tables`: an HSDS 3.0 datapackage is read
    one row at a time (it may hold a million services); other formats are read whole."""
    if fmt == "hsds":
        from commonweal.directory.hsds_reader import stream_datapackage

        package = _package_path(path)
        if not package.exists():
            raise ImportFailed([ImportIssue(str(package), None, None, "no such file or folder")])
        with stream_datapackage(package) as tables:
            yield tables
        return
    yield InMemoryTables(read(path, fmt))
