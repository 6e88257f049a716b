"""A folder or .zip of CSV files, read as tables whose records know the line they start on."""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from commonweal.directory.tabular import ImportFailed, ImportIssue, zip_member_too_large


@dataclass(frozen=True)
class CsvRecord:
    values: dict[str, str]
    line: int

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class CsvTable:
    name: str  # file name, e.g. "services.csv"
    display: str  # what error messages call the file: path of the original file
    header: list[str]
    records: list[CsvRecord]

    def __iter__(self) -> Iterator[CsvRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


class Package:
    """A folder or a zip holding CSV files (anywhere inside) and maybe a datapackage.json."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            members = [
                str(p.relative_to(self.path).as_posix())
                for p in sorted(self.path.rglob("*"))
                if p.is_file()
            ]
        elif self.path.is_file() and self.path.suffix.lower() == ".zip":
            try:
                self._zip = zipfile.ZipFile(self.path)
                members = [i.filename for i in self._zip.infolist() if not i.is_dir()]
            except (zipfile.BadZipFile, OSError) as exc:
                raise ImportFailed(
                    [ImportIssue(str(self.path), None, None, f"not a readable zip file ({exc})")]
                ) from exc
        else:
            raise ImportFailed(
                [ImportIssue(str(self.path), None, None, "expected a folder or a .zip file")]
            )
        self.members = [m for m in members if not _hidden(m)]
        self.csv_members: dict[str, str] = {}
        duplicates: list[str] = []
        for member in sorted(self.members, key=lambda m: (m.count("/"), m)):
            name = PurePosixPath(member).name.lower()
            if not name.endswith(".csv"):
                continue
            if name in self.csv_members:
                duplicates.append(member)
            else:
                self.csv_members[name] = member
        if duplicates:
            raise ImportFailed(
                [
                    ImportIssue(
                        self.display(m),
                        None,
                        None,
                        "a second file with this name; which one to read is ambiguous",
                    )
                    for m in duplicates
                ]
            )

    def display(self, member: str) -> str:
        return str(self.path / member)

    def read_bytes(self, member: str) -> bytes:
        if self._zip is not None and (
            too_large := zip_member_too_large(self._zip.getinfo(member).file_size)
        ):
            raise ImportFailed([ImportIssue(self.display(member), None, None, too_large)])
        try:
            if self._zip is not None:
                return self._zip.read(member)
            return (self.path / member).read_bytes()
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            # A truncated or corrupt zip member fails here, not when the zip is opened.
            raise ImportFailed(
                [ImportIssue(self.display(member), None, None, f"cannot read the file ({exc})")]
            ) from exc

    def descriptor(self) -> dict | None:
        """The package's own datapackage.json, if it has one (shallowest wins)."""
        candidates = sorted(
            (m for m in self.members if PurePosixPath(m).name == "datapackage.json"),
            key=lambda m: m.count("/"),
        )
        if not candidates:
            return None
        raw = self.read_bytes(candidates[0])
        try:
            loaded = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFailed(
                [ImportIssue(self.display(candidates[0]), None, None, f"not valid JSON ({exc})")]
            ) from exc
        return loaded if isinstance(loaded, dict) else None

    def has(self, name: str) -> bool:
        return name.lower() in self.csv_members

    def table(self, name: str) -> CsvTable | None:
        member = self.csv_members.get(name.lower())
        if member is None:
            return None
        return parse_csv(self.read_bytes(member), name=name.lower(), display=self.display(member))


def _hidden(member: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(member).parts)


def parse_csv(raw: bytes, *, name: str, display: str) -> CsvTable:
    """Parse CSV bytes; each record knows the line it starts on (header = line 1), so a
    record after a multi-line quoted field still points at its own first line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            [
                ImportIssue(
                    display,
                    line,
                    None,
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from exc
    if not text.strip():
        raise ImportFailed([ImportIssue(display, None, None, "empty file: no header row")])
    reader = csv.reader(io.StringIO(text, newline=""))
    issues: list[ImportIssue] = []
    try:
        header = [h.strip() for h in next(reader)]
        records: list[CsvRecord] = []
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if len(fields) > len(header):
                issues.append(
                    ImportIssue(
                        display,
                        line,
                        None,
                        f"{len(fields)} values but the header has {len(header)} columns",
                    )
                )
                continue
            fields = fields + [""] * (len(header) - len(fields))
            records.append(
                CsvRecord({h: v.strip() for h, v in zip(header, fields, strict=True)}, line)
            )
    except csv.Error as exc:
        raise ImportFailed(
            [ImportIssue(display, reader.line_num, None, f"malformed CSV ({exc})")]
        ) from exc
    if issues:
        raise ImportFailed(issues)
    return CsvTable(name=name, display=display, header=header, records=records)
