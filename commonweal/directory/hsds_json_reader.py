"""Reads HSDS JSON (full records, HSDA pages, NDJSON, the tabular form) into TabularData."""

from __future__ import annotations

import codecs
import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commonweal.directory.hsds_reader import (
    DESCRIPTOR_NAME,
    MSG_NOT_JSON,
    MSG_TOO_DEEP,
    MSG_UNKNOWN_COLUMN,
    decode_utf8,
    hsds_tables,
    table_for_file,
)
from commonweal.directory.tabular import ImportFailed, ImportIssue, Row, SourceRef, TabularData

# Full records nested as HSDA returns them are flattened into the datapackage's tables.

# For each table, its nested children: key -> (child table, how they link).
#   "child": the child carries the parent's id in `<parent>_id`
#   "ref":   the parent carries the child's id (service.organization -> organization_id)
#   "attribute" / "metadata": generic links (link_id + link_entity, resource_id + resource_type)
_CHILD = "child"
_REF = "ref"
_GENERIC = {"attributes": ("attribute", "attribute"), "metadata": ("metadata", "metadata")}
_NESTING: dict[str, dict[str, tuple[str, str]]] = {
    "organization": {
        "funding": ("funding", _CHILD),
        "fundings": ("funding", _CHILD),
        "contacts": ("contact", _CHILD),
        "phones": ("phone", _CHILD),
        "locations": ("location", _CHILD),
        "programs": ("program", _CHILD),
        "organization_identifiers": ("organization_identifier", _CHILD),
        "services": ("service", _CHILD),
    },
    "service": {
        "phones": ("phone", _CHILD),
        "schedules": ("schedule", _CHILD),
        "service_areas": ("service_area", _CHILD),
        "service_at_locations": ("service_at_location", _CHILD),
        "languages": ("language", _CHILD),
        "funding": ("funding", _CHILD),
        "fundings": ("funding", _CHILD),
        "cost_options": ("cost_option", _CHILD),
        "required_documents": ("required_document", _CHILD),
        "contacts": ("contact", _CHILD),
        "organization": ("organization", _REF),
        "program": ("program", _REF),
    },
    "location": {
        "languages": ("language", _CHILD),
        "addresses": ("address", _CHILD),
        "contacts": ("contact", _CHILD),
        "accessibility": ("accessibility", _CHILD),
        "accessibilities": ("accessibility", _CHILD),
        "phones": ("phone", _CHILD),
        "schedules": ("schedule", _CHILD),
    },
    "service_at_location": {
        "contacts": ("contact", _CHILD),
        "phones": ("phone", _CHILD),
        "schedules": ("schedule", _CHILD),
        "location": ("location", _REF),
        "service": ("service", _REF),
    },
    "contact": {"phones": ("phone", _CHILD)},
    "phone": {"languages": ("language", _CHILD)},
    "attribute": {"taxonomy_term": ("taxonomy_term", _REF)},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", _REF)},
}

# Which kind of full record a top-level JSON object is, by the keys only that kind has.
_RECORD_MARKERS: dict[str, frozenset[str]] = {
    "service": frozenset(
        {
            "status", "organization", "organization_id", "program", "program_id",
            "service_at_locations", "service_areas", "cost_options", "required_documents",
            "interpretation_services", "application_process", "fees_description", "wait_time",
            "fees", "accreditations", "eligibility_description", "minimum_age", "maximum_age",
            "assured_date", "assurer_email", "licenses", "alert", "last_modified",
        }
    ),
    "organization": frozenset(
        {
            "services", "locations", "programs", "organization_identifiers", "parent_organization_id",
            "year_incorporated", "website", "tax_status", "tax_id", "legal_status", "logo",
        }
    ),
    "service_at_location": frozenset({"service", "location", "service_id", "location_id"}),
    "location": frozenset(
        {"location_type", "latitude", "longitude", "addresses", "accessibility", "transportation",
         "external_identifier", "external_identifier_type"}
    ),
    "taxonomy_term": frozenset({"code", "parent_id", "taxonomy", "taxonomy_detail", "taxonomy_id", "term_uri"}),
}  # fmt: skip


def _record_table(record: dict[str, Any]) -> str | None:
    keys = set(record)
    scores = {table: len(keys & markers) for table, markers in _RECORD_MARKERS.items()}
    best = max(scores.values())
    winners = [t for t, s in scores.items() if s == best]
    return winners[0] if best and len(winners) == 1 else None


@dataclass
class _Origin:
    record: int
    path: str


class _Flattener:
    """Turns nested HSDS records into rows, merging a record that appears more than once
    (the same phone under a service, its location and its contact) into one row."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[ImportIssue] = []
        self.rows: dict[str, dict[str, Row]] = {}
        self.origins: dict[tuple[str, str], dict[str, _Origin]] = {}

    def add_record(self, number: int, record: Any) -> None:
        if not isinstance(record, dict):
            self._issue(number, "$", "expected an HSDS record (a JSON object)")
            return
        table = _record_table(record)
        if table is None:
            self._issue(
                number,
                "$",
                "cannot tell which kind of HSDS record this is "
                "(expected a full service, organization, service_at_location, location or taxonomy_term)",
            )
            return
        self._visit(number, table, record, "$", {})

    def _issue(self, number: int, path: str, message: str) -> None:
        self.issues.append(ImportIssue(self.file, number, path, message))

    def _visit(
        self, number: int, table: str, obj: Any, path: str, inherited: dict[str, tuple[str, str]]
    ) -> str | None:
        """Add `obj` (and its children) as a `table` row; returns its id. `inherited` maps
        field -> (value, path) that the nesting implies."""
        if not isinstance(obj, dict):
            self._issue(number, path, f"expected a {table} object, found {_json_kind(obj)}")
            return None
        spec = hsds_tables()[table]
        raw_id = obj.get("id")
        if not isinstance(raw_id, str) or not raw_id.strip():
            self._issue(number, f"{path}.id", f"{table} has no id")
            return None
        record_id = raw_id.strip()
        nesting = {**_NESTING.get(table, {}), **_GENERIC}
        values: dict[str, tuple[str, str]] = {}
        children: list[tuple[str, str, str, Any]] = []  # key, child table, link, value
        for key, value in obj.items():
            key_path = f"{path}.{key}"
            if table == "taxonomy_term" and key == "taxonomy" and isinstance(value, dict):
                children.append((key, "taxonomy", _REF, value))
                continue
            if key in spec.fields and not isinstance(value, dict | list):
                values[key] = (_scalar(value), key_path)
            elif key in nesting:
                child_table, link = nesting[key]
                children.append((key, child_table, link, value))
            elif key in spec.fields:
                self._issue(number, key_path, f"expected a single value, found {_json_kind(value)}")
            else:
                message = f"unknown field: HSDS 3.0 {table} has no '{key}'"
                close = difflib.get_close_matches(key, [*spec.fields, *nesting], n=1)
                if close:
                    message += f" (did you mean '{close[0]}'?)"
                self._issue(number, key_path, message)
        for name, (value, origin) in inherited.items():
            given = values.get(name)
            if given is not None and given[0] not in ("", value):
                self._issue(
                    number,
                    given[1],
                    f"{table} {record_id} is nested under {value} but its {name} says {given[0]}",
                )
            values[name] = (value, origin) if given is None or given[0] == "" else given

        # Referenced objects first: their ids become this row's foreign keys.
        for key, child_table, link, value in children:
            if link == _REF:
                child_inherited: dict[str, tuple[str, str]] = {}
                if table == "service" and child_table == "program" and "organization_id" in values:
                    # A service's program belongs to the service's organization.
                    child_inherited["organization_id"] = values["organization_id"]
                child_id = self._visit(number, child_table, value, f"{path}.{key}", child_inherited)
                if child_id is not None:
                    values.setdefault(f"{child_table}_id", (child_id, f"{path}.{key}.id"))
        if table == "service" and "program_id" in values and "organization_id" in values:
            program = self.rows.get("program", {}).get(values["program_id"][0])
            if program is not None and not program.values.get("organization_id"):
                self._merge(
                    number,
                    "program",
                    program.values["id"],
                    {"organization_id": values["organization_id"]},
                )
        self._merge(number, table, record_id, values)

        for key, child_table, link, value in children:
            if link == _REF:
                continue
            if not isinstance(value, list):
                self._issue(
                    number,
                    f"{path}.{key}",
                    f"expected a list of {child_table} records, found {_json_kind(value)}",
                )
                continue
            origin = f"{path}.{key}"
            if link == _CHILD:
                child_inherited = {f"{table}_id": (record_id, origin)}
            elif link == "attribute":
                child_inherited = {"link_id": (record_id, origin), "link_entity": (table, origin)}
            else:
                child_inherited = {
                    "resource_id": (record_id, origin),
                    "resource_type": (table, origin),
                }
            for index, item in enumerate(value):
                self._visit(number, child_table, item, f"{origin}[{index}]", child_inherited)
        return record_id

    def _merge(
        self, number: int, table: str, record_id: str, values: dict[str, tuple[str, str]]
    ) -> None:
        table_rows = self.rows.setdefault(table, {})
        row = table_rows.get(record_id)
        key = (table, record_id)
        if row is None:
            row = Row(table, {"id": record_id}, SourceRef(self.file, number))
            table_rows[record_id] = row
            self.origins[key] = {}
        origins = self.origins[key]
        for name, (value, path) in values.items():
            if name == "id":
                row.source_columns.setdefault("id", path)
                continue
            current = row.values.get(name)
            if current is None or current == "":
                row.values[name] = value
                row.source_columns[name] = path
                origins[name] = _Origin(number, path)
            elif value != "" and value != current:
                first = origins.get(name)
                where = f"record {first.record}, {first.path}" if first else "an earlier record"
                self._issue(
                    number,
                    path,
                    f"conflicting values for {table} {record_id} field {name}: {value!r} here, {current!r} at {where}",
                )

    def tables(self) -> TabularData:
        order = list(hsds_tables())
        return {
            table: list(self.rows[table].values()) for table in sorted(self.rows, key=order.index)
        }


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return f"the value {value!r}"


def _scalar(value: Any) -> str:
    # Numbers arrive as their source text (parse_int/parse_float=str) so nothing is rounded.
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _loads(text: str) -> Any:
    return json.loads(text, parse_int=str, parse_float=str, parse_constant=str)


def _json_records(
    text: str, file: str, issues: list[ImportIssue]
) -> list[tuple[int, Any]] | TabularData:
    """(record number, record) pairs; NDJSON records are numbered by their line."""
    try:
        document = _loads(text)
    except RecursionError:
        issues.append(ImportIssue(file, None, None, MSG_TOO_DEEP))
        return []
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            issues.append(
                ImportIssue(
                    file, exc.lineno, None, MSG_NOT_JSON.format(error=exc.msg, column=exc.colno)
                )
            )
            return []
        records: list[tuple[int, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, _loads(line)))
            except RecursionError:
                issues.append(ImportIssue(file, number, None, MSG_TOO_DEEP))
            except json.JSONDecodeError as line_exc:
                issues.append(
                    ImportIssue(
                        file,
                        number,
                        None,
                        MSG_NOT_JSON.format(error=line_exc.msg, column=line_exc.colno),
                    )
                )
        return records
    if isinstance(document, list):
        return list(enumerate(document, start=1))
    if isinstance(document, dict):
        if isinstance(document.get("contents"), list):
            return list(enumerate(document["contents"], start=1))  # an HSDA list page
        tabular = _tabular_json(document, file)
        if tabular is not None:
            return tabular
        return [(1, document)]
    issues.append(
        ImportIssue(
            file, 1, "$", "expected an HSDS record, a list of records, an HSDA page or NDJSON"
        )
    )
    return []


def _tabular_json(document: dict[str, Any], file: str) -> TabularData | None:
    """The HSDS 'tabular' JSON form ({"services.csv": [rows...], ...}), or None."""
    if not document:
        return None
    by_key: dict[str, str] = {}
    for key in document:
        table = table_for_file(key) or (key if key in hsds_tables() else None)
        if table is None or not isinstance(document[key], list):
            return None
        by_key[key] = table
    data: TabularData = {}
    for key, table in by_key.items():
        for index, item in enumerate(document[key]):
            item = item if isinstance(item, dict) else {}
            data.setdefault(table, []).append(
                Row(
                    table,
                    {k: _scalar(v) for k, v in item.items()},
                    SourceRef(file, index + 1),
                    {k: f"$['{key}'][{index}].{k}" for k in item},
                )
            )
    return data


def read_hsds_json(path: Path) -> TabularData:
    """Read HSDS JSON: one full service/organization record, a list of them, an HSDA page
    ({"contents": [...]}) or NDJSON, flattened into HSDS tables. Raises ImportFailed."""
    path = Path(path)
    issues: list[ImportIssue] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(
            [ImportIssue(str(path), None, None, f"cannot be read: {exc.strerror or exc}")]
        ) from None
    text = decode_utf8(raw, path.name, issues)
    if text is None:
        raise ImportFailed(issues)
    if not text.strip():
        raise ImportFailed(
            [ImportIssue(path.name, None, None, "file is empty: expected HSDS JSON records")]
        )
    records = _json_records(text, path.name, issues)
    if isinstance(records, dict):
        data = records
        for table, rows in data.items():
            spec = hsds_tables()[table]
            for row in rows:
                for name in row.values:
                    if name not in spec.fields:
                        issues.append(
                            ImportIssue(
                                path.name,
                                row.ref.line,
                                row.column_for(name),
                                MSG_UNKNOWN_COLUMN.format(table=table, column=name),
                            )
                        )
    else:
        flattener = _Flattener(path.name)
        for number, record in records:
            flattener.add_record(number, record)
        issues.extend(flattener.issues)
        data = flattener.tables()
    if issues:
        raise ImportFailed(issues)
    return data


def detect_json(path: Path) -> bool:
    """True for a .json/.ndjson/.jsonl file that starts like JSON."""
    path = Path(path)
    if not path.is_file() or path.suffix.lower() not in {".json", ".ndjson", ".jsonl"}:
        return False
    if path.name == DESCRIPTOR_NAME:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
    except OSError:
        return False
    return head[:1] in {b"{", b"["}
