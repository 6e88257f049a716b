"""Checking HSDS tabular rows before they are written: typed values, required fields,
enumerations, ranges, unique ids and foreign keys, each problem with file, line and column.

Pure: the database is consulted only through the `existing` callback the importer passes,
so these checks run (and are tested) without one.

Decisions worth knowing:
- A field absent from a row (its column is not in the file) is left alone on update;
  present but empty means "no value".
- `last_modified` empty means "not given": the importer keeps the stored value (or now).
- Times are "HH:MM" or "HH:MM:SS", optionally with "Z" or a "±hh:mm" offset. The
  wall-clock time is kept (TimeField holds no offset) and the offset goes into the
  schedule's HSDS `timezone` field (hours from UTC) when that is empty; a `timezone` that
  contradicts the offset, or opens/closes offsets that differ, are errors. A time without
  an offset is in the schedule's `timezone`, else the directory's TIME_ZONE setting.
- HSDS 3.0 `unique` constraints on program.organization_id and taxonomy_term.code are
  defects of the descriptor (an organization has many programs; codes repeat across
  taxonomies) and are not enforced; ids are unique per table.
- A row that points at a rejected row is rejected too, even when the target id already
  exists in the directory: the source meant its own version of that record.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone as django_timezone

from commonweal.directory import models as directory
from commonweal.directory.hsds_reader import hsds_tables
from commonweal.directory.tabular import ImportIssue, Row, SourceRef, TabularData

# Write order: every table after the tables its foreign keys point at.
TABLE_ORDER: tuple[str, ...] = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "organization_identifier",
    "program",
    "service",
    "location",
    "service_at_location",
    "contact",
    "phone",
    "address",
    "schedule",
    "service_area",
    "language",
    "accessibility",
    "cost_option",
    "required_document",
    "funding",
    "url",
    "attribute",
    "metadata",
    "meta_table_description",
)

MODELS: dict[str, type[models.Model]] = {
    "taxonomy": directory.Taxonomy,
    "taxonomy_term": directory.TaxonomyTerm,
    "organization": directory.Organization,
    "organization_identifier": directory.OrganizationIdentifier,
    "program": directory.Program,
    "service": directory.Service,
    "location": directory.Location,
    "service_at_location": directory.ServiceAtLocation,
    "contact": directory.Contact,
    "phone": directory.Phone,
    "address": directory.Address,
    "schedule": directory.Schedule,
    "service_area": directory.ServiceArea,
    "language": directory.Language,
    "accessibility": directory.Accessibility,
    "cost_option": directory.CostOption,
    "required_document": directory.RequiredDocument,
    "funding": directory.Funding,
    "url": directory.Url,
    "attribute": directory.Attribute,
    "metadata": directory.Metadata,
    "meta_table_description": directory.MetaTableDescription,
}
TABLE_OF_MODEL = {model: table for table, model in MODELS.items()}

# HSDS column -> model attribute, where they differ.
RENAMED = {("taxonomy_term", "taxonomy"): "taxonomy_name"}

MSG_REQUIRED = "is required but empty"
MSG_UUID = "{value!r} is not a UUID (expected 8-4-4-4-12 hexadecimal digits)"
MSG_NUMBER = "{value!r} is not a number"
MSG_INTEGER = "{value!r} is not a whole number"
MSG_DATE = "{value!r} is not a date (expected YYYY-MM-DD)"
MSG_DATETIME = "{value!r} is not a date-time (expected ISO 8601, e.g. 2023-03-15T10:30:45Z)"
MSG_TIME = "{value!r} is not a time (expected HH:MM or HH:MM:SS, optionally with Z or ±hh:mm)"
MSG_LATITUDE = "latitude {value} is outside -90..90"
MSG_LONGITUDE = "longitude {value} is outside -180..180"
MSG_ENUM = "{value!r} is not one of: {allowed}"
MSG_TOO_LONG = "is {length} characters long; at most {max_length} fit"
MSG_NUL = "contains a NUL character"
MSG_DUPLICATE = "duplicate id {id}: {table} rows must have unique ids (also on {others})"
MSG_DANGLING = "no {target} has id {value}, in this import or in the directory"
_DANGLING_TAIL = MSG_DANGLING.rsplit("}", 1)[1]
MSG_CASCADE = "points at {target} {value}, which was rejected ({where})"
MSG_UNKNOWN_FIELD = "unknown field: {table} has no '{field}'"
MSG_UNKNOWN_TABLE = "unknown table '{table}'"
MSG_LINK_ENTITY = "{value!r} is not an HSDS table that attributes can link to"

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER_RE = re.compile(r"^[+-]?\d+(\.0*)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}(?::?\d{2})?)?$")
_COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")


class Invalid(ValueError):
    """A value that cannot be stored; its message names the problem, not the place."""


# --- value parsers (pure) ---------------------------------------------------------------


def parse_uuid(value: str) -> uuid.UUID:
    parsed = _uuid_from_text(value.strip())
    if parsed is None:
        raise Invalid(MSG_UUID.format(value=value))
    return parsed


# The same ids recur as foreign keys in many rows; building a UUID is the costliest
# step of checking a large import, so recent ones are remembered.
@functools.lru_cache(maxsize=1 << 17)
def _uuid_from_text(text: str) -> uuid.UUID | None:
    return uuid.UUID(text) if _UUID_RE.match(text) else None


def parse_float(value: str) -> float:
    text = value.strip()
    if not _NUMBER_RE.match(text):
        raise Invalid(MSG_NUMBER.format(value=value))
    number = float(text)
    if not math.isfinite(number):
        raise Invalid(MSG_NUMBER.format(value=value))
    return number


def parse_int(value: str) -> int:
    text = value.strip()
    if not _INTEGER_RE.match(text):
        raise Invalid(MSG_INTEGER.format(value=value))
    return int(text.split(".")[0])


def parse_decimal(value: str, *, max_digits: int, decimal_places: int) -> Decimal:
    text = value.strip()
    if not _NUMBER_RE.match(text):
        raise Invalid(MSG_NUMBER.format(value=value))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid(MSG_NUMBER.format(value=value)) from None
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimal_places:
        raise Invalid(f"{value!r} has more than {decimal_places} decimal places")
    if abs(number) >= Decimal(10) ** (max_digits - decimal_places):
        raise Invalid(
            f"{value!r} is too large (at most {max_digits - decimal_places} digits before the point)"
        )
    return number


def parse_date(value: str) -> dt.date:
    text = value.strip()
    if not _DATE_RE.match(text):
        raise Invalid(MSG_DATE.format(value=value))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(MSG_DATE.format(value=value)) from None


def parse_datetime(value: str) -> dt.datetime:
    text = value.strip()
    if not _DATE_RE.match(text[:10]):
        raise Invalid(MSG_DATETIME.format(value=value))
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(MSG_DATETIME.format(value=value)) from None
    if django_timezone.is_naive(parsed):
        parsed = django_timezone.make_aware(parsed)
    return parsed


def parse_time(value: str) -> tuple[dt.time, float | None]:
    """A wall-clock time and its UTC offset in hours (None when the value has none)."""
    match = _TIME_RE.match(value.strip())
    if not match:
        raise Invalid(MSG_TIME.format(value=value))
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise Invalid(MSG_TIME.format(value=value))
    offset: float | None = None
    if match[4]:
        offset = 0.0 if match[4] == "Z" else _offset_hours(match[4])
        if offset is None:
            raise Invalid(MSG_TIME.format(value=value))
    return dt.time(hours, minutes, seconds), offset


def _offset_hours(text: str) -> float | None:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    off_hours, off_minutes = int(digits[:2]), int(digits[2:] or 0)
    if off_hours > 14 or off_minutes > 59:
        return None
    return sign * (off_hours + off_minutes / 60)


# --- per-table rules --------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRule:
    name: str  # HSDS column
    attname: str  # model attribute
    parse: Callable[[str], Any]
    required: bool
    empty: Any  # stored for an empty value: "" for text, None otherwise
    target: str | None = None  # table a foreign key points at


@dataclass(frozen=True)
class TableRules:
    table: str
    model: type[models.Model]
    fields: dict[str, FieldRule]
    foreign_keys: tuple[FieldRule, ...]
    required: tuple[str, ...]


def _text_parser(
    max_length: int | None, allowed: tuple[str, ...] | None, country: bool
) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if "\x00" in value:
            raise Invalid(MSG_NUL)
        if allowed is not None and value not in allowed:
            raise Invalid(MSG_ENUM.format(value=value, allowed=", ".join(allowed)))
        if country and not _COUNTRY_RE.match(value):
            raise Invalid(f"{value!r} is not a two-letter ISO 3166-1 country code")
        if max_length is not None and len(value) > max_length:
            raise Invalid(MSG_TOO_LONG.format(length=len(value), max_length=max_length))
        return value

    return parse


def _ranged(
    parse: Callable[[str], Any], low: float, high: float, message: str
) -> Callable[[str], Any]:
    def check(value: str) -> Any:
        number = parse(value)
        if not low <= number <= high:
            raise Invalid(message.format(value=value.strip()))
        return number

    return check


def _at_least(parse: Callable[[str], Any], low: float) -> Callable[[str], Any]:
    def check(value: str) -> Any:
        number = parse(value)
        if number < low:
            raise Invalid(f"{value.strip()!r} must be at least {low:g}")
        return number

    return check


def _digits(value: str) -> str:
    # HSDS types phone.extension as a number; the model keeps its text as given.
    text = _text_parser(None, None, False)(value)
    if not text.strip().isdigit():
        raise Invalid(f"{value!r} is not a phone extension (digits only)")
    return text


# Range and format rules beyond the column's type (sources cited where they exist).
_SPECIAL: dict[tuple[str, str], Callable[[str], Any]] = {
    ("location", "latitude"): _ranged(parse_float, -90, 90, MSG_LATITUDE),
    ("location", "longitude"): _ranged(parse_float, -180, 180, MSG_LONGITUDE),
    # UTC offsets run from -12:00 to +14:00.
    ("schedule", "timezone"): _ranged(
        parse_float, -12, 14, "timezone {value} is not a UTC offset (-12..14)"
    ),
    # RFC 5545 §3.3.10: COUNT and INTERVAL are positive integers.
    ("schedule", "count"): _at_least(parse_int, 1),
    ("schedule", "interval"): _at_least(parse_int, 1),
    ("service", "minimum_age"): _at_least(
        lambda v: parse_decimal(v, max_digits=6, decimal_places=2), 0
    ),
    ("service", "maximum_age"): _at_least(
        lambda v: parse_decimal(v, max_digits=6, decimal_places=2), 0
    ),
    ("phone", "extension"): _digits,
}


def _parser_for(
    table: str, model_field: models.Field, allowed: tuple[str, ...] | None
) -> Callable[[str], Any]:
    special = _SPECIAL.get((table, model_field.attname))
    if special is not None:
        return special
    if isinstance(model_field, models.ForeignKey | models.UUIDField):
        return parse_uuid
    if isinstance(model_field, models.DateTimeField):
        return parse_datetime
    if isinstance(model_field, models.DateField):
        return parse_date
    if isinstance(model_field, models.TimeField):
        return lambda value: parse_time(value)[0]
    if isinstance(model_field, models.DecimalField):
        digits, places = model_field.max_digits, model_field.decimal_places
        return lambda value: parse_decimal(value, max_digits=digits, decimal_places=places)
    if isinstance(model_field, models.FloatField):
        return parse_float
    if isinstance(model_field, models.IntegerField):
        return parse_int
    return _text_parser(
        getattr(model_field, "max_length", None),
        allowed,
        country=(table, model_field.attname) == ("address", "country"),
    )


@functools.cache
def table_rules() -> dict[str, TableRules]:
    """Field rules per table, from the model (types, lengths) and the HSDS 3.0 descriptor
    (required fields, enumerations)."""
    specs = hsds_tables()
    rules: dict[str, TableRules] = {}
    for table, model in MODELS.items():
        spec = specs.get(table)
        fields: dict[str, FieldRule] = {}
        for model_field in model._meta.concrete_fields:
            attname = model_field.attname
            name = next(
                (col for (t, col), att in RENAMED.items() if t == table and att == attname), attname
            )
            allowed = spec.enums.get(name) if spec else None
            if allowed is None and model_field.choices:
                allowed = tuple(str(value) for value, _label in model_field.choices)
            # A model default (status "active", last_modified now) is not a requirement on
            # the source; the HSDS descriptor says which of those the source must give.
            model_required = not (
                model_field.null
                or model_field.blank
                or model_field.has_default()
                or model_field.primary_key
            )
            required = (
                bool(spec and name in spec.required) or model_required or model_field.primary_key
            )
            is_text = isinstance(model_field, models.CharField | models.TextField)
            target = None
            if isinstance(model_field, models.ForeignKey):
                target = TABLE_OF_MODEL[model_field.related_model]
            fields[name] = FieldRule(
                name=name,
                attname=attname,
                parse=_parser_for(table, model_field, allowed),
                required=required,
                empty="" if is_text else None,
                target=target,
            )
        rules[table] = TableRules(
            table=table,
            model=model,
            fields=fields,
            foreign_keys=tuple(f for f in fields.values() if f.target),
            required=tuple(f.name for f in fields.values() if f.required),
        )
    return rules


# --- checking ---------------------------------------------------------------------------


@dataclass
class CheckedRow:
    """A row whose values are typed and ready for the model (keys are model attributes)."""

    table: str
    id: uuid.UUID
    values: dict[str, Any]
    row: Row

    @property
    def ref(self) -> SourceRef:
        return self.row.ref


@dataclass
class Validated:
    rows: dict[str, list[CheckedRow]] = field(default_factory=dict)
    issues: list[ImportIssue] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)
    # (table, id) of a row rejected only for pointing at rejected rows -> the row whose own
    # problem started the chain (rows with problems of their own are their own root).
    roots: dict[tuple[str, uuid.UUID], SourceRef] = field(default_factory=dict)

    def root_of(self, table: str, row_id: uuid.UUID, ref: SourceRef) -> SourceRef:
        return self.roots.get((table, row_id), ref)

    @property
    def accepted_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def _issue(row: Row, name: str | None, message: str) -> ImportIssue:
    return ImportIssue(row.ref.file, row.ref.line, row.column_for(name) if name else None, message)


def check_row(
    row: Row, rules: TableRules | None = None
) -> tuple[dict[str, Any], list[ImportIssue]]:
    """Typed model values for one row, and every problem in it (no cross-row checks)."""
    rules = rules or table_rules()[row.table]
    values: dict[str, Any] = {}
    issues: list[ImportIssue] = []
    given = row.values
    for name, raw in given.items():
        rule = rules.fields.get(name)
        if rule is None:
            issues.append(_issue(row, name, MSG_UNKNOWN_FIELD.format(table=row.table, field=name)))
            continue
        if raw is None or not raw.strip():
            if rule.required:
                issues.append(_issue(row, name, MSG_REQUIRED))
            elif rule.name == "last_modified":
                continue  # not given: keep what is stored (see module docstring)
            else:
                values[rule.attname] = rule.empty
            continue
        try:
            values[rule.attname] = rule.parse(raw)
        except Invalid as exc:
            issues.append(_issue(row, name, str(exc)))
    for name in rules.required:
        if name not in given:
            issues.append(_issue(row, name, MSG_REQUIRED))
    if row.table == "schedule":
        issues.extend(_schedule_offsets(row, values))
    return values, issues


def _schedule_offsets(row: Row, values: dict[str, Any]) -> list[ImportIssue]:
    """Move opens_at/closes_at UTC offsets into the HSDS `timezone` field (see docstring)."""
    offsets: dict[str, float] = {}
    for name in ("opens_at", "closes_at"):
        raw = row.values.get(name) or ""
        if not raw.strip():
            continue
        try:
            offset = parse_time(raw)[1]
        except Invalid:
            continue  # already reported
        if offset is not None:
            offsets[name] = offset
    if not offsets:
        return []
    if len(set(offsets.values())) > 1:
        return [_issue(row, "closes_at", "opens_at and closes_at have different UTC offsets")]
    offset = next(iter(offsets.values()))
    stated = values.get("timezone")
    if stated is None:
        if "timezone" not in row.values or not (row.values.get("timezone") or "").strip():
            values["timezone"] = offset
        return []
    if stated != offset:
        name = next(iter(offsets))
        return [
            _issue(
                row, name, f"UTC offset {offset:+g} contradicts the schedule's timezone {stated:g}"
            )
        ]
    return []


ExistingIds = Callable[[str, Collection[uuid.UUID]], set[uuid.UUID]]


def validate(
    data: TabularData,
    *,
    existing: ExistingIds | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Validated:
    """Check every row; rows with problems (and rows pointing at them) are left out of
    `rows` and described in `issues`. `existing(table, ids)` returns which ids are stored."""
    rules = table_rules()
    result = Validated()
    for table, rows in data.items():
        if table not in rules and rows:
            first = rows[0].ref
            result.issues.append(
                ImportIssue(first.file, None, None, MSG_UNKNOWN_TABLE.format(table=table))
            )
            result.rejected[table] += len(rows)

    total = sum(len(rows) for rows in data.values())
    done = 0
    rejected: dict[str, dict[uuid.UUID, SourceRef]] = defaultdict(dict)
    candidates: dict[str, dict[uuid.UUID, CheckedRow]] = {}
    for table in TABLE_ORDER:
        rows = data.get(table) or []
        candidates[table] = _check_rows(table, rows, rejected[table], result)
        done += len(rows)
        if progress is not None and rows:
            progress("checking", done, total)

    accepted: dict[str, dict[uuid.UUID, CheckedRow]] = defaultdict(dict)
    for table in TABLE_ORDER:
        if candidates[table]:
            accepted[table] = _check_references(
                table, candidates[table], accepted, rejected, existing, result
            )
            result.rows[table] = list(accepted[table].values())
    result.issues.sort(key=lambda i: (i.file, i.line or 0))
    return result


def _check_rows(
    table: str, rows: list[Row], rejected: dict[uuid.UUID, SourceRef], result: Validated
) -> dict[uuid.UUID, CheckedRow]:
    """Each row on its own, then ids unique within the table (every copy is rejected)."""
    rules = table_rules()[table]
    checked: dict[uuid.UUID, CheckedRow] = {}
    first_row: dict[uuid.UUID, Row] = {}
    duplicates: dict[uuid.UUID, list[Row]] = {}
    failed: set[int] = set()  # id() of rows already rejected on their own
    for row in rows:
        values, issues = check_row(row, rules)
        if issues:
            result.issues.extend(issues)
            result.rejected[table] += 1
            failed.add(id(row))
        row_id = values.get("id")
        if row_id is None:
            continue
        first = first_row.setdefault(row_id, row)
        if first is not row:
            duplicates.setdefault(row_id, [first]).append(row)
        elif issues:
            rejected[row_id] = row.ref
        else:
            checked[row_id] = CheckedRow(table, row_id, values, row)
    for row_id, copies in duplicates.items():
        for row in copies:
            others = ", ".join(_where(other.ref) for other in copies if other is not row)
            result.issues.append(
                _issue(row, "id", MSG_DUPLICATE.format(id=row_id, table=table, others=others))
            )
            if id(row) not in failed:
                result.rejected[table] += 1
        rejected[row_id] = copies[0].ref
        checked.pop(row_id, None)
    return checked


def _where(ref: SourceRef) -> str:
    return f"{ref.file}, line {ref.line}"


def _cascade_issue(
    row: Row, name: str, target: str, value: uuid.UUID, target_ref: SourceRef, root: SourceRef
) -> ImportIssue:
    message = MSG_CASCADE.format(value=value, target=target, where=_where(target_ref))
    return ImportIssue(row.ref.file, row.ref.line, row.column_for(name), message, caused_by=root)


def is_missing_reference(issue: ImportIssue) -> bool:
    """Whether `issue` is a foreign key to an id found nowhere (often the echo of a bad id
    elsewhere, so reports list it after problems with values)."""
    return issue.caused_by is None and issue.message.endswith(_DANGLING_TAIL)


def _check_references(
    table: str,
    rows_by_id: dict[uuid.UUID, CheckedRow],
    accepted: dict[str, dict[uuid.UUID, CheckedRow]],
    rejected: dict[str, dict[uuid.UUID, SourceRef]],
    existing: ExistingIds | None,
    result: Validated,
) -> dict[uuid.UUID, CheckedRow]:
    """Foreign keys must point at a row accepted earlier in this import or one the
    directory holds; a row pointing at a rejected row is rejected with it."""
    keys = [
        (rule.name, rule.attname, rule.target or "") for rule in table_rules()[table].foreign_keys
    ]
    references: dict[uuid.UUID, list[tuple[str, str, uuid.UUID]]] = {}
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for row_id, item in rows_by_id.items():
        values = item.values
        refs = [
            (name, target, values[att]) for name, att, target in keys if values.get(att) is not None
        ]
        if table == "attribute" and values.get("link_entity") in MODELS:
            refs.append(("link_id", values["link_entity"], values["link_id"]))
        references[row_id] = refs
        for _name, target, value in refs:
            if value in accepted[target] or (target == table and value in rows_by_id):
                continue
            if value not in rejected[target]:
                wanted[target].add(value)
    found: dict[str, set[uuid.UUID]] = {}
    if existing is not None:
        found = {target: existing(target, ids) for target, ids in wanted.items()}

    for row_id, item in list(rows_by_id.items()):
        problems: list[ImportIssue] = []
        own_problem = False
        if table == "attribute" and item.values.get("link_entity") not in MODELS:
            entity = item.values.get("link_entity")
            problems.append(_issue(item.row, "link_entity", MSG_LINK_ENTITY.format(value=entity)))
            own_problem = True
        for name, target, value in references[row_id]:
            if value in accepted[target] or (target == table and value in rows_by_id):
                continue  # a parent in this same table is checked once the table is known
            if value in rejected[target]:
                target_ref = rejected[target][value]
                problems.append(
                    _cascade_issue(
                        item.row,
                        name,
                        target,
                        value,
                        target_ref,
                        result.root_of(target, value, target_ref),
                    )
                )
            elif value not in found.get(target, ()):
                problems.append(
                    _issue(item.row, name, MSG_DANGLING.format(value=value, target=target))
                )
                own_problem = True
        if problems:
            result.issues.extend(problems)
            result.rejected[table] += 1
            rejected[table][row_id] = item.ref
            if not own_problem:
                result.roots[(table, row_id)] = next(
                    p.caused_by for p in problems if p.caused_by is not None
                )
            del rows_by_id[row_id]
    _reject_orphaned_self_references(table, rows_by_id, rejected, result)
    return rows_by_id


def _reject_orphaned_self_references(
    table: str,
    rows_by_id: dict[uuid.UUID, CheckedRow],
    rejected: dict[str, dict[uuid.UUID, SourceRef]],
    result: Validated,
) -> None:
    """Parent organizations and parent terms: a row whose parent (in this table) was
    rejected is rejected too, repeated until nothing changes."""
    self_keys = [r for r in table_rules()[table].foreign_keys if r.target == table]
    if not self_keys:
        return
    changed = True
    while changed:
        changed = False
        for row_id, item in list(rows_by_id.items()):
            for rule in self_keys:
                parent = item.values.get(rule.attname)
                if parent is not None and parent in rejected[table]:
                    parent_ref = rejected[table][parent]
                    root = result.root_of(table, parent, parent_ref)
                    result.issues.append(
                        _cascade_issue(item.row, rule.name, table, parent, parent_ref, root)
                    )
                    result.rejected[table] += 1
                    rejected[table][row_id] = item.ref
                    result.roots[(table, row_id)] = root
                    del rows_by_id[row_id]
                    changed = True
                    break
