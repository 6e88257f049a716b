"""Check HSDS 3.0 records, tables and whole exports against the vendored official schemas.

The schemas are Open Referral's own (commonweal/directory/hsds_schema/, HSDS 3.0 at commit
279fd2e): compiled JSON Schemas for full records and list pages, one schema per object, and
the tabular datapackage descriptor. JSON records are checked with jsonschema (Draft 2020-12)
with format checking on; jsonschema has no checker of its own for `uri` or `date-time`
without extra packages, so the two are defined here (RFC 3986 absolute URI, RFC 3339).
"""

from __future__ import annotations

import copy
import csv
import gzip
import json
import math
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urljoin

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from commonweal.directory.tabular import ImportIssue, Row, SourceRef, TabularData

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
# Where Open Referral publishes the same files; the HSDA OpenAPI document refers to them
# by these URLs, so the vendored copies are registered under them (nothing is fetched).
OFFICIAL_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

# Record kinds and the official schema each is checked against.
RECORD_SCHEMAS = {
    "service": "compiled/service.json",
    "service_list": "compiled/service_list.json",
    "organization": "compiled/organization.json",
    "organization_list": "compiled/organization_list.json",
    "service_at_location": "compiled/service_at_location.json",
    "service_at_location_list": "compiled/service_at_location_list.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}

MAX_ERRORS_PER_RECORD = 20


# --- the vendored schemas ------------------------------------------------------------


@cache
def official_schemas() -> dict[str, dict[str, Any]]:
    """Every vendored schema keyed by its official URL (e.g. OFFICIAL_BASE + "compiled/service.json")."""
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted((SCHEMA_DIR / "schema").glob("*.json")):
        if path.name == "openapi.json":
            continue
        schemas[OFFICIAL_BASE + path.name] = json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((SCHEMA_DIR / "compiled").glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            schemas[OFFICIAL_BASE + "compiled/" + path.name.removesuffix(".gz")] = json.load(handle)
    for url, schema in schemas.items():
        # The files carry no $id; give each its published URL so relative $refs
        # ("metadata.json" inside taxonomy_term.json) resolve against the registry.
        schema["$id"] = url
    return schemas


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (url, Resource.from_contents(schema, default_specification=DRAFT202012))
        for url, schema in official_schemas().items()
    )


def schema_for(kind: str) -> dict[str, Any]:
    try:
        return official_schemas()[OFFICIAL_BASE + RECORD_SCHEMAS[kind]]
    except KeyError:
        raise ValueError(f"no HSDS schema for record kind {kind!r}") from None


def bundle_official_refs(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of an OpenAPI document whose $refs to the official HSDS schemas (by their
    published URLs) point into its own components/schemas instead, with the vendored
    schemas copied there: a self-contained document that needs nothing from the network."""
    bundled = copy.deepcopy(document)
    components = bundled.setdefault("components", {}).setdefault("schemas", {})
    official = official_schemas()
    pending: list[str] = []

    def component(url: str) -> str:
        name = "hsds_" + url.removeprefix(OFFICIAL_BASE).removesuffix(".json").replace("/", "_")
        if name not in components:
            components[name] = {}  # reserve it: schemas refer to each other in cycles
            pending.append(url)
        return f"#/components/schemas/{name}"

    def rewrite(node: Any, base: str) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                target = urljoin(base, ref)
                if target in official:
                    node["$ref"] = component(target)
            for value in node.values():
                rewrite(value, base)
        elif isinstance(node, list):
            for value in node:
                rewrite(value, base)

    rewrite(bundled.get("paths", {}), OFFICIAL_BASE)
    while pending:
        url = pending.pop()
        schema = copy.deepcopy(official[url])
        schema.pop("$id", None)
        rewrite(schema, url)
        components[
            "hsds_" + url.removeprefix(OFFICIAL_BASE).removesuffix(".json").replace("/", "_")
        ] = schema
    return bundled


# --- formats --------------------------------------------------------------------------

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uri(value: str) -> bool:
    """An absolute URI per RFC 3986 (scheme required, ASCII only, valid %-escapes)."""
    return bool(_URI.match(value)) and not _BAD_PERCENT.search(value)


def is_date_time(value: str) -> bool:
    """An RFC 3339 date-time, as JSON Schema's `date-time` format requires (offset required)."""
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


def is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=("date", "uuid"))
    checker.checks("uri")(lambda v: not isinstance(v, str) or is_uri(v))
    checker.checks("date-time")(lambda v: not isinstance(v, str) or is_date_time(v))
    checker.checks("email")(lambda v: not isinstance(v, str) or is_email(v))
    checker.checks("uuid")(lambda v: not isinstance(v, str) or is_uuid(v))
    return checker


FORMAT_CHECKER = _format_checker()


# --- JSON records ---------------------------------------------------------------------


@cache
def validator(kind: str) -> Draft202012Validator:
    """A compiled validator for one record kind (cached: building one for the large
    compiled schemas costs far more than validating a record)."""
    return Draft202012Validator(
        schema_for(kind), registry=_registry(), format_checker=FORMAT_CHECKER
    )


def _json_path(parts: Iterable[str | int]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def record_errors(kind: str, record: Any) -> list[tuple[str, str]]:
    """(json path, message) for each way `record` breaks the official schema of `kind`;
    the path is "" for the record itself."""
    errors = sorted(
        validator(kind).iter_errors(record), key=lambda e: list(map(str, e.absolute_path))
    )
    return [(_json_path(e.absolute_path), e.message) for e in errors[:MAX_ERRORS_PER_RECORD]]


def validate_record(kind: str, record: Any) -> list[str]:
    """Problems with one HSDS JSON record of `kind` ("service", "organization", ...), each as
    "json.path: message"; [] when it conforms to the official schema."""
    return [f"{path or '(record)'}: {message}" for path, message in record_errors(kind, record)]


def validate_service(record: Any) -> list[str]:
    """Problems with a full HSDS 3.0 service record (the HSDA /services/{id} shape)."""
    return validate_record("service", record)


# --- tabular data ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    format: str | None
    required: bool
    enum: tuple[str, ...] | None


@dataclass(frozen=True)
class ResourceSpec:
    name: str
    path: str
    fields: tuple[FieldSpec, ...]
    foreign_keys: tuple[tuple[str, str], ...]  # (field, referenced resource)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


@cache
def datapackage_descriptor() -> dict[str, Any]:
    """The vendored HSDS 3.0 datapackage.json (21 resources)."""
    return json.loads((SCHEMA_DIR / "datapackage.json").read_text(encoding="utf-8"))


@cache
def resource_specs() -> dict[str, ResourceSpec]:
    """HSDS 3.0 tables by datapackage resource name, in the descriptor's order."""
    specs: dict[str, ResourceSpec] = {}
    for resource in datapackage_descriptor()["resources"]:
        fields = tuple(
            FieldSpec(
                name=f["name"],
                type=f.get("type", "string"),
                format=f.get("format"),
                required=bool(f.get("constraints", {}).get("required")),
                enum=tuple(f["constraints"]["enum"])
                if "enum" in f.get("constraints", {})
                else None,
            )
            for f in resource["schema"]["fields"]
        )
        fks = tuple(
            (fk["fields"], fk["reference"]["resource"])
            for fk in resource["schema"].get("foreignKeys", [])
        )
        specs[resource["name"]] = ResourceSpec(resource["name"], resource["path"], fields, fks)
    return specs


# Self-references and the polymorphic attribute link the descriptor does not declare.
EXTRA_FOREIGN_KEYS = {
    "organization": (("parent_organization_id", "organization"),),
    "taxonomy_term": (("parent_id", "taxonomy_term"),),
}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
# Table Schema's default time format is HH:MM:SS; HSDS data (and our export) also use
# HH:MM, so both are accepted, with an optional UTC offset.
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"
)


def check_value(spec: FieldSpec, value: str) -> str | None:
    """Why a non-empty tabular value breaks its field's HSDS type, format or enum; None if it fits."""
    kind = spec.type
    if kind == "string":
        if spec.format == "uuid" and not is_uuid(value):
            return _("%(value)r is not a valid UUID") % {"value": value}
        if spec.format == "email" and not is_email(value):
            return _("%(value)r is not a valid e-mail address") % {"value": value}
        if spec.format == "uri" and not is_uri(value):
            if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", value):
                return _(
                    "%(value)r is not a valid URI (spaces, braces and the like must be %%-encoded)"
                ) % {"value": value}
            return _("%(value)r is not a valid URI (it needs a scheme such as https://)") % {
                "value": value
            }
    elif kind == "number":
        if not _NUMBER.match(value) or not math.isfinite(float(value)):
            return _("%(value)r is not a number") % {"value": value}
    elif kind == "integer":
        if not _INTEGER.match(value):
            return _("%(value)r is not a whole number") % {"value": value}
    elif kind == "date":
        if not is_date(value):
            return _("%(value)r is not a date (YYYY-MM-DD)") % {"value": value}
    elif kind == "time":
        if not _TIME.match(value):
            return _("%(value)r is not a time (HH:MM or HH:MM:SS)") % {"value": value}
    elif kind == "datetime":
        if not _DATETIME.match(value) or not _parses_as_datetime(value):
            return _("%(value)r is not a date and time (YYYY-MM-DDTHH:MM:SSZ)") % {"value": value}
    elif kind == "boolean":
        if value.lower() not in {"true", "false"}:
            return _("%(value)r is not true or false") % {"value": value}
    if spec.enum is not None and value not in spec.enum:
        return _("%(value)r is not one of: %(choices)s") % {
            "value": value,
            "choices": ", ".join(spec.enum),
        }
    return None


def _parses_as_datetime(value: str) -> bool:
    text = value.replace(" ", "T").replace("z", "Z").replace("Z", "+00:00")
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def validate_tabular(data: TabularData) -> list[ImportIssue]:
    """Each row against its HSDS 3.0 table's field types, formats, enums and required
    constraints (an empty cell counts as missing, as in Table Schema), plus unique ids.

    Not checked here: foreign keys (the importer checks them against the database too),
    and the descriptor's other `unique` constraints — `program.organization_id` (an
    organization may run several programmes; HSDS 3.1 drops it) and `taxonomy_term.code`
    (codes are unique within a taxonomy, not across taxonomies).
    """
    issues: list[ImportIssue] = []
    specs = resource_specs()
    for table, rows in data.items():
        spec = specs.get(table)
        if spec is None:
            where = rows[0].ref.file if rows else table
            issues.append(
                ImportIssue(
                    where, None, None, _("%(table)r is not an HSDS 3.0 table") % {"table": table}
                )
            )
            continue
        first_line_of: dict[str, int] = {}
        for row in rows:
            issues.extend(_row_issues(spec, row, first_line_of))
    return issues


# HSDS 3.0 marks these required, yet a change log row for a field that had no value
# before (or was cleared) can only hold "" there; the official JSON schemas accept "".
MAY_BE_EMPTY = {("metadata", "previous_value"), ("metadata", "replacement_value")}


def _row_issues(
    spec: ResourceSpec, row: Row, first_line_of: dict[str, int]
) -> Iterator[ImportIssue]:
    for field_spec in spec.fields:
        value = row.values.get(field_spec.name, "")
        column = row.column_for(field_spec.name)
        if value == "":
            if field_spec.required and (spec.name, field_spec.name) not in MAY_BE_EMPTY:
                yield ImportIssue(row.ref.file, row.ref.line, column, _("a value is required"))
            continue
        problem = check_value(field_spec, value)
        if problem:
            yield ImportIssue(row.ref.file, row.ref.line, column, problem)
    row_id = row.values.get("id", "")
    if row_id:
        if row_id in first_line_of:
            yield ImportIssue(
                row.ref.file,
                row.ref.line,
                row.column_for("id"),
                _("duplicate id %(id)s (first on line %(line)s)")
                % {"id": row_id, "line": first_line_of[row_id]},
            )
        else:
            first_line_of[row_id] = row.ref.line


# --- a whole export -------------------------------------------------------------------


def read_csv_rows(path: Path, table: str) -> tuple[list[str], list[Row]]:
    """Header and rows of one CSV, each row with the line its record starts on (header = 1).
    Raises UnicodeDecodeError / csv.Error for unreadable files."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows: list[Row] = []
        start = reader.line_num + 1
        for record in reader:
            values = dict(zip(header, record, strict=False))
            rows.append(Row(table, values, SourceRef(path.name, start)))
            start = reader.line_num + 1
    return header, rows


def validate_export(directory: Path) -> list[str]:
    """Everything wrong with an HSDS 3.0 export folder: datapackage.json, one CSV per HSDS
    table with exactly the 3.0 columns, every row's types and formats, references between
    the tables, and services.json (every record against the official compiled service
    schema, one per service in services.csv). [] when all is well."""
    problems: list[str] = []
    descriptor_path = directory / "datapackage.json"
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        resources = {r["name"]: r for r in descriptor["resources"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        message = _("cannot read the package descriptor")
        return [f"datapackage.json: {message}: {exc}"]

    ids: dict[str, set[str]] = {}
    tables: TabularData = {}
    for name, spec in resource_specs().items():
        resource = resources.get(name)
        if resource is None:
            message = _("resource %(name)r is missing") % {"name": name}
            problems.append(f"datapackage.json: {message}")
            continue
        path = directory / resource.get("path", spec.path)
        try:
            header, rows = read_csv_rows(path, name)
        except FileNotFoundError:
            message = _("file is missing")
            problems.append(f"{path.name}: {message}")
            continue
        except (UnicodeDecodeError, csv.Error) as exc:
            message = _("cannot read as UTF-8 CSV")
            problems.append(f"{path.name}: {message}: {exc}")
            continue
        if header != spec.field_names:
            problems.append(
                f"{path.name}, line 1: "
                + _("columns are %(found)s, HSDS 3.0 requires %(expected)s")
                % {"found": ",".join(header), "expected": ",".join(spec.field_names)}
            )
            continue
        tables[name] = rows
        ids[name] = {row.values["id"] for row in rows}
    problems.extend(str(issue) for issue in validate_tabular(tables))
    problems.extend(_dangling_references(tables, ids))
    problems.extend(_services_json_problems(directory / "services.json", ids.get("service")))
    return problems


def _dangling_references(tables: TabularData, ids: dict[str, set[str]]) -> Iterator[str]:
    specs = resource_specs()
    for name, rows in tables.items():
        references = specs[name].foreign_keys + EXTRA_FOREIGN_KEYS.get(name, ())
        for field_name, target in references:
            known = ids.get(target)
            if known is None:
                continue
            for row in rows:
                value = row.values.get(field_name, "")
                if value and value not in known:
                    yield str(
                        ImportIssue(
                            row.ref.file,
                            row.ref.line,
                            field_name,
                            _("%(value)s is not the id of any %(target)s")
                            % {"value": value, "target": target},
                        )
                    )
        if name == "attribute":
            for row in rows:
                entity, link_id = row.values.get("link_entity", ""), row.values.get("link_id", "")
                if entity in ids and link_id and link_id not in ids[entity]:
                    yield str(
                        ImportIssue(
                            row.ref.file,
                            row.ref.line,
                            "link_id",
                            _("%(value)s is not the id of any %(target)s")
                            % {"value": link_id, "target": entity},
                        )
                    )


_NUMBER_CHARS = frozenset("0123456789.eE+-")


def iter_json_array(handle: TextIO, chunk_size: int = 1 << 20) -> Iterator[Any]:
    """The items of the JSON array in `handle`, one at a time, reading `chunk_size`
    characters at a time: a whole directory's services.json need not fit in memory.
    Raises ValueError when the text is not a JSON array."""
    decoder = json.JSONDecoder()
    buffer, pos, at_end = "", 0, False

    def fill() -> bool:
        nonlocal buffer, pos, at_end
        more = handle.read(chunk_size)
        at_end = not more
        buffer, pos = buffer[pos:] + more, 0
        return bool(more)

    def skip_space() -> None:
        nonlocal pos
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n":
                pos += 1
            if pos < len(buffer) or not fill():
                return

    skip_space()
    if buffer[pos : pos + 1] != "[":
        raise ValueError("expected a JSON array")
    pos += 1
    skip_space()
    if buffer[pos : pos + 1] == "]":
        return
    while True:
        try:
            item, end = decoder.raw_decode(buffer, pos)
            # A number cut by the chunk boundary ("1." of "1.5e3") decodes as a shorter one.
            cut = end == len(buffer) or buffer[end] in _NUMBER_CHARS
            if isinstance(item, int | float) and cut and not at_end and fill():
                continue
        except json.JSONDecodeError:
            if not at_end and fill():
                continue
            raise
        yield item
        pos = end
        skip_space()
        separator = buffer[pos : pos + 1]
        pos += 1
        if separator == "]":
            skip_space()
            if pos < len(buffer):
                raise ValueError("extra data after the JSON array")
            return
        if separator != ",":
            raise ValueError(f"expected , or ] at character {pos}")
        skip_space()


def _services_json_problems(path: Path, service_ids: set[str] | None) -> Iterator[str]:
    seen: set[str] = set()
    count = 0
    try:
        with path.open(encoding="utf-8") as handle:
            for index, record in enumerate(iter_json_array(handle)):
                count += 1
                for json_path, message in record_errors("service", record):
                    yield f"{path.name}[{index}]{'.' + json_path if json_path else ''}: {message}"
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    seen.add(record["id"])
    except FileNotFoundError:
        message = _("file is missing")
        yield f"{path.name}: {message}"
        return
    except (UnicodeDecodeError, ValueError) as exc:
        message = _("is not a valid JSON array of service records")
        yield f"{path.name}: {message}: {exc}"
        return
    if service_ids is not None and seen != service_ids:
        missing, extra = len(service_ids - seen), len(seen - service_ids)
        yield f"{path.name}: " + _(
            "holds %(records)d services but services.csv has %(rows)d (%(missing)d missing, %(extra)d extra)"
        ) % {"records": count, "rows": len(service_ids), "missing": missing, "extra": extra}


def uuid_or_none(value: str) -> uuid.UUID | None:
    """`value` as a UUID when it is one (any case, hyphenated), else None."""
    return uuid.UUID(value) if is_uuid(value) else None
