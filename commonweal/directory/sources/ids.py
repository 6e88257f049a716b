"""Stable HSDS ids for sources whose ids are not UUIDs, and the internal "commonweal" taxonomy.

HSDS 3.0 wants UUIDs. A source with its own small-integer ids (Miami 211, Ohana) gets a
uuid5 of a fixed namespace and "source:table:id", so the same record always gets the same
UUID and a re-import updates it in place. The table is part of the key because sources
reuse numbers across tables (Miami's location 136 is not its organization 136).

The source id itself is kept on the record, so people can trace a row back to its source:
organizations get an `organization_identifier`, locations an `external_identifier`, and
services an `attribute` pointing at the internal term `source_record_id`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from commonweal.directory.tabular import Row, SourceRef, TabularData

# Fixed forever: uuid5(NAMESPACE_URL, "https://github.com/commonweal/commonweal#hsds-ids").
# Changing it would give every imported record a new id.
NAMESPACE = uuid.UUID("4bf40d6b-63df-55ac-a197-07e93c883334")

_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)

_DATAPACKAGE = Path(__file__).resolve().parent.parent / "hsds_schema" / "datapackage.json"


def is_uuid(value: str) -> bool:
    """True for the canonical 8-4-4-4-12 hex form HSDS uses (not braces or bare hex)."""
    return bool(_UUID_RE.fullmatch(value.strip()))


def stable_uuid(source: str, table: str, source_id: str) -> str:
    """The HSDS id for `source_id` of `table` in `source`: kept when already a UUID
    (lower-cased, the canonical form), else uuid5 of "source:table:source_id"."""
    source_id = source_id.strip()
    if is_uuid(source_id):
        return source_id.lower()
    return str(uuid.uuid5(NAMESPACE, f"{source}:{table}:{source_id}"))


def source_key(source: str, source_id: str) -> str:
    """How a source id is written where it is kept: "miami-211:136"."""
    return f"{source}:{source_id.strip()}"


@cache
def hsds_fields() -> dict[str, tuple[str, ...]]:
    """HSDS 3.0 tabular field names per table, in datapackage order."""
    package = json.loads(_DATAPACKAGE.read_text(encoding="utf-8"))
    return {
        resource["name"]: tuple(f["name"] for f in resource["schema"]["fields"])
        for resource in package["resources"]
    }


def hsds_row(
    table: str,
    values: dict[str, str],
    ref: SourceRef,
    source_columns: dict[str, str] | None = None,
) -> Row:
    """A Row with every HSDS 3.0 field of `table` ("" where not given)."""
    fields = hsds_fields()[table]
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"{table} has no HSDS 3.0 field {sorted(unknown)}")
    return Row(
        table=table,
        values={name: values.get(name, "") for name in fields},
        ref=ref,
        source_columns=dict(source_columns or {}),
    )


# --- the internal taxonomy -------------------------------------------------------------

INTERNAL_TAXONOMY = "commonweal"
INTERNAL_TAXONOMY_ID = stable_uuid(INTERNAL_TAXONOMY, "taxonomy", INTERNAL_TAXONOMY)
INTERNAL_TAXONOMY_DESCRIPTION = (
    "Terms commonweal uses to describe its own records: where a record came from and "
    "how trustworthy its data is. Not a service category."
)

SOURCE_RECORD_ID = "source_record_id"
APPROXIMATE_LOCATION = "approximate_location"
PAYMENT_ACCEPTED = "payment_accepted"

INTERNAL_TERMS: dict[str, tuple[str, str]] = {
    SOURCE_RECORD_ID: (
        "Source record id",
        "The record's id in the data set it was imported from, as 'source:id' "
        "(for example 'miami-211:136').",
    ),
    APPROXIMATE_LOCATION: (
        "Approximate location",
        "The location's latitude and longitude are an estimate, not a surveyed point; "
        "the value says how it was estimated (for example 'zip-centroid:33157').",
    ),
    PAYMENT_ACCEPTED: (
        "Payment accepted",
        "A method of payment the service accepts (HSDS 2.0 payment_accepted, which "
        "HSDS 3.0 dropped); the value names it (for example 'cash').",
    ),
}

_INTERNAL_REF = SourceRef(file="commonweal/directory/sources/ids.py", line=0)


def internal_term_id(code: str) -> str:
    if code not in INTERNAL_TERMS:
        raise KeyError(f"unknown internal term {code!r}")
    return stable_uuid(INTERNAL_TAXONOMY, "taxonomy_term", code)


def internal_taxonomy_rows(codes: Iterable[str]) -> list[Row]:
    """The taxonomy row and the term rows for `codes` of the internal taxonomy."""
    rows = [
        hsds_row(
            "taxonomy",
            {
                "id": INTERNAL_TAXONOMY_ID,
                "name": INTERNAL_TAXONOMY,
                "description": INTERNAL_TAXONOMY_DESCRIPTION,
                "version": "1",
            },
            _INTERNAL_REF,
        )
    ]
    for code in sorted(set(codes)):
        name, description = INTERNAL_TERMS[code]
        rows.append(
            hsds_row(
                "taxonomy_term",
                {
                    "id": internal_term_id(code),
                    "code": code,
                    "name": name,
                    "description": description,
                    "taxonomy": INTERNAL_TAXONOMY,
                    "taxonomy_id": INTERNAL_TAXONOMY_ID,
                    "language": "en",
                },
                _INTERNAL_REF,
            )
        )
    return rows


def add_internal_taxonomy(data: TabularData) -> None:
    """Add the internal taxonomy rows for every internal term `data`'s attributes use
    (idempotent: rows already present are not added twice)."""
    used = {
        code
        for code in INTERNAL_TERMS
        if any(
            r.values["taxonomy_term_id"] == internal_term_id(code)
            for r in data.get("attribute", [])
        )
    }
    if not used:
        return
    for row in internal_taxonomy_rows(used):
        present = {r.values["id"] for r in data.get(row.table, [])}
        if row.values["id"] not in present:
            data.setdefault(row.table, []).append(row)


def attribute_row(
    *,
    source: str,
    link_entity: str,
    link_id: str,
    taxonomy_term_id: str,
    link_type: str,
    value: str,
    ref: SourceRef,
    source_columns: dict[str, str] | None = None,
) -> Row:
    """An attribute with an id derived from what it links, so re-reads give the same id."""
    key = f"{link_entity}:{link_id}:{taxonomy_term_id}:{value}"
    return hsds_row(
        "attribute",
        {
            "id": stable_uuid(source, "attribute", key),
            "link_id": link_id,
            "taxonomy_term_id": taxonomy_term_id,
            "link_type": link_type,
            "link_entity": link_entity,
            "value": value,
        },
        ref,
        source_columns,
    )


def organization_identifier_row(
    *, source: str, organization_id: str, source_id: str, ref: SourceRef
) -> Row:
    return hsds_row(
        "organization_identifier",
        {
            "id": stable_uuid(source, "organization_identifier", source_id),
            "organization_id": organization_id,
            "identifier_scheme": "commonweal-source",
            "identifier_type": "source id",
            "identifier": source_key(source, source_id),
        },
        ref,
        {"identifier": "id"},
    )


def location_identifier_values(source: str, source_id: str) -> dict[str, str]:
    """The location fields that keep a location's source id."""
    return {
        "external_identifier": source_key(source, source_id),
        "external_identifier_type": "source id",
    }


def source_record_attribute(*, source: str, service_id: str, source_id: str, ref: SourceRef) -> Row:
    return attribute_row(
        source=source,
        link_entity="service",
        link_id=service_id,
        taxonomy_term_id=internal_term_id(SOURCE_RECORD_ID),
        link_type=SOURCE_RECORD_ID,
        value=source_key(source, source_id),
        ref=ref,
        source_columns={"value": "id"},
    )


def approximate_location_attribute(
    *, source: str, location_id: str, method: str, ref: SourceRef
) -> Row:
    """Flags a location whose coordinates are an estimate; `method` like "zip-centroid:33157"."""
    return attribute_row(
        source=source,
        link_entity="location",
        link_id=location_id,
        taxonomy_term_id=internal_term_id(APPROXIMATE_LOCATION),
        link_type=APPROXIMATE_LOCATION,
        value=method,
        ref=ref,
    )
