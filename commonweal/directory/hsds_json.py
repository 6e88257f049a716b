"""HSDS 3.0 JSON records built from the directory models, in the shapes HSDA serves.

- list records: a table's one-to-one fields (services also nest `organization` and
  `program`, service_at_locations nest `location` and `service`), as on HSDA list pages;
- full records: everything nested as the official examples do
  (hsds_schema/compiled/service.json etc.), with `attributes` carrying their taxonomy
  term (and its taxonomy as `taxonomy_detail`) and `metadata` the change log;
- minimal service records for `?minimal=true`.

Field names and order come from the HSDS 3.0 datapackage descriptor. Empty optional
values are left out (the schemas' `uri`, `email` and `uuid` formats reject ""); fields
the schemas require are always present, as "" when empty. Times are "HH:MM" ("HH:MM:SS"
when seconds are set), dates ISO 8601, `last_modified` RFC 3339 in UTC.

Full records are built in batches with a fixed number of queries per batch
(`full_services`, `full_organizations`, `full_service_at_locations`), so a whole
directory serialises without a query per service.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import models
from django.db.models import QuerySet

from commonweal.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from commonweal.directory.schema_validation import OFFICIAL_BASE, official_schemas, resource_specs

# HSDS 3.0 datapackage resource name → model. (`Url` is HSDS 3.1 and has no 3.0 table.)
TABLE_MODELS: dict[str, type[models.Model]] = {
    "organization": Organization,
    "program": Program,
    "service": Service,
    "attribute": Attribute,
    "service_at_location": ServiceAtLocation,
    "location": Location,
    "phone": Phone,
    "contact": Contact,
    "address": Address,
    "schedule": Schedule,
    "funding": Funding,
    "service_area": ServiceArea,
    "required_document": RequiredDocument,
    "language": Language,
    "accessibility": Accessibility,
    "taxonomy_term": TaxonomyTerm,
    "metadata": Metadata,
    "meta_table_description": MetaTableDescription,
    "cost_option": CostOption,
    "organization_identifier": OrganizationIdentifier,
    "taxonomy": Taxonomy,
}

# HSDS columns whose model attribute has another name. FK columns ("organization_id")
# are the models' Django attnames already.
_ATTNAMES = {("taxonomy_term", "taxonomy"): "taxonomy_name"}


def extension_digits(text: str) -> str:
    """HSDS 3.0 types `phone.extension` as a number; it is stored as typed ("x12",
    "ext. 12"), and exported as the digits one dials ("12"), or not at all."""
    return "".join(ch for ch in text if ch.isdigit())


def attname(table: str, column: str) -> str:
    """The model attribute holding HSDS `table.column`."""
    return _ATTNAMES.get((table, column), column)


@cache
def columns(table: str) -> tuple[tuple[str, str], ...]:
    """(HSDS column, model attribute) pairs of a table, in datapackage order."""
    return tuple((name, attname(table, name)) for name in resource_specs()[table].field_names)


@cache
def required_fields(table: str) -> frozenset[str]:
    """Fields the official object schema requires (present even when empty)."""
    schema = official_schemas().get(f"{OFFICIAL_BASE}{table}.json", {})
    return frozenset(schema.get("required", ()))


# --- values ---------------------------------------------------------------------------


def format_time(value: time) -> str:
    if value.microsecond:
        return value.strftime("%H:%M:%S.%f")
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def format_datetime(value: datetime) -> str:
    """RFC 3339 in UTC with a Z, to the precision stored (milliseconds when they suffice)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if value.microsecond == 0:
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
    elif value.microsecond % 1000 == 0:
        text = value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    else:
        text = value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text + "Z"


def format_decimal(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent ("12.50" → "12.5", "12.00" → "12")."""
    return format(value.normalize(), "f")


def json_value(value: Any) -> Any:
    """A model value as JSON (None stays None)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return format_time(value)
    return value


def fields(table: str, obj: models.Model) -> dict[str, Any]:
    """The HSDS one-to-one fields of `obj` (a row of `table`) as JSON."""
    return _record(table, [getattr(obj, attribute) for _, attribute in columns(table)])


# --- list and single records ------------------------------------------------------------


def organization_record(org: Organization) -> dict[str, Any]:
    """An organization's one-to-one fields (HSDA organization list item)."""
    return fields("organization", org)


def program_record(program: Program) -> dict[str, Any]:
    return fields("program", program)


def service_record(service: Service) -> dict[str, Any]:
    """A service's one-to-one fields with its organization and program (HSDA service list
    item). Select `organization` and `program` related to avoid a query each."""
    record = fields("service", service)
    record["organization"] = organization_record(service.organization)
    if service.program is not None:
        record["program"] = program_record(service.program)
    return record


def minimal_service(service: Service) -> dict[str, Any]:
    """`?minimal=true`: HSDA asks for just id and modification time, but its list schema
    requires `name` and `status`, so those stay too."""
    return {
        "id": str(service.id),
        "name": service.name,
        "status": service.status,
        "last_modified": format_datetime(service.last_modified),
    }


def location_record(location: Location) -> dict[str, Any]:
    return fields("location", location)


def service_at_location_record(sal: ServiceAtLocation) -> dict[str, Any]:
    """HSDA service_at_location list item: its fields, its location's and its service's.
    Select `location`, `service__organization` and `service__program` related."""
    record = fields("service_at_location", sal)
    record["location"] = location_record(sal.location)
    record["service"] = service_record(sal.service)
    return record


def taxonomy(tax: Taxonomy) -> dict[str, Any]:
    """An HSDS taxonomy record (HSDA /taxonomies/{id})."""
    return fields("taxonomy", tax)


def taxonomy_term(term: TaxonomyTerm) -> dict[str, Any]:
    """An HSDS taxonomy term with its taxonomy as `taxonomy_detail` (select `taxonomy`)."""
    record = fields("taxonomy_term", term)
    if term.taxonomy is not None:
        record["taxonomy_detail"] = taxonomy(term.taxonomy)
    return record


# --- full records -----------------------------------------------------------------------
#
# Built from `values_list` rows rather than model instances and Django's prefetching:
# for a whole directory that is several times faster (no model or per-instance queryset
# is made), and the number of queries per batch stays fixed whatever the batch holds.

IN_CHUNK = 900  # ids per IN (...): under SQLite's historical 999-variable limit


def made_rows(
    table: str, attnames: list[str], *, field: str | None = None, ids: Any = None
) -> list[tuple[Any, ...]]:
    """Rows of `table` made rather than stored: programmes and mobile routes, which the
    programs app owns, as HSDS program and schedule rows (programs/hsds_programmes.py)."""
    from commonweal.programs import hsds_programmes

    if table not in hsds_programmes.TABLES:
        return []
    return hsds_programmes.values(table, attnames, field=field, ids=ids)


def _record(table: str, values: Sequence[Any]) -> dict[str, Any]:
    """The HSDS JSON record of one `values_list(*columns(table))` row."""
    record: dict[str, Any] = {}
    required = required_fields(table)
    for (column, _attribute), raw in zip(columns(table), values, strict=True):
        value = json_value(raw)
        if table == "phone" and column == "extension":
            value = int(extension_digits(value)) if extension_digits(value) else None
        if value is None or value == "":
            if column in required and value == "":
                record[column] = ""
            continue
        record[column] = value
    return record


class _Batch:
    """Rows for a batch of full records, loaded table by table as JSON-ready dicts. Every
    record made is remembered, so attributes and metadata (which point at any table by a
    bare UUID) can be attached to all of them in bulk at the end."""

    def __init__(self, terms: dict[uuid.UUID, dict[str, Any]]) -> None:
        self.records: list[dict[str, Any]] = []
        self.terms = terms  # taxonomy term records, shared across batches

    def _rows(
        self, table: str, field: str, ids: Iterable[Any]
    ) -> Iterator[tuple[Any, dict[str, Any]]]:
        model = TABLE_MODELS[table]
        attnames = [attribute for _, attribute in columns(table)]
        key = attnames.index(field)
        wanted = sorted({i for i in ids if i is not None})
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start : start + IN_CHUNK]
            rows = (
                model.objects.filter(**{f"{field}__in": chunk})
                .order_by("id")
                .values_list(*attnames)
            )
            for values in rows:
                record = _record(table, values)
                self.records.append(record)
                yield values[key], record
        for values in made_rows(table, attnames, field=field, ids=wanted):
            record = _record(table, values)
            self.records.append(record)
            yield values[key], record

    def grouped(
        self, table: str, field: str, ids: Iterable[Any]
    ) -> dict[Any, list[dict[str, Any]]]:
        """Records of `table` whose `field` is one of `ids`, grouped by that field."""
        groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for value, record in self._rows(table, field, ids):
            groups[value].append(record)
        return groups

    def by_id(self, table: str, ids: Iterable[Any]) -> dict[Any, dict[str, Any]]:
        return dict(self._rows(table, "id", ids))

    def phones(self, field: str, ids: Iterable[Any]) -> dict[Any, list[dict[str, Any]]]:
        groups = self.grouped("phone", field, ids)
        languages = self.grouped(
            "language", "phone_id", (uuid.UUID(p["id"]) for g in groups.values() for p in g)
        )
        for group in groups.values():
            for phone in group:
                _put(phone, "languages", languages.get(uuid.UUID(phone["id"]), []))
        return groups

    def contacts(self, field: str, ids: Iterable[Any]) -> dict[Any, list[dict[str, Any]]]:
        groups = self.grouped("contact", field, ids)
        phones = self.phones("contact_id", (uuid.UUID(c["id"]) for g in groups.values() for c in g))
        for group in groups.values():
            for contact in group:
                _put(contact, "phones", phones.get(uuid.UUID(contact["id"]), []))
        return groups

    def locations(self, ids: Iterable[Any]) -> dict[Any, dict[str, Any]]:
        """Full location records by id: languages, addresses, contacts, accessibility,
        phones and schedules, in HSDS order."""
        locations = self.by_id("location", ids)
        parts = [
            ("languages", self.grouped("language", "location_id", locations)),
            ("addresses", self.grouped("address", "location_id", locations)),
            ("contacts", self.contacts("location_id", locations)),
            ("accessibility", self.grouped("accessibility", "location_id", locations)),
            ("phones", self.phones("location_id", locations)),
            ("schedules", self.grouped("schedule", "location_id", locations)),
        ]
        for location_id, record in locations.items():
            for key, groups in parts:
                _put(record, key, groups.get(location_id, []))
        return locations

    def organizations(
        self, ids: Iterable[Any], *, with_locations: bool
    ) -> dict[Any, dict[str, Any]]:
        """Organization records by id with funding, contacts, phones, (locations,)
        programs and identifiers."""
        organizations = self.by_id("organization", ids)
        parts = [
            ("funding", self.grouped("funding", "organization_id", organizations)),
            ("contacts", self.contacts("organization_id", organizations)),
            ("phones", self.phones("organization_id", organizations)),
        ]
        if with_locations:
            by_org = self.grouped("location", "organization_id", organizations)
            full = self.locations(
                uuid.UUID(loc["id"]) for group in by_org.values() for loc in group
            )
            parts.append(
                (
                    "locations",
                    {
                        org: [full[uuid.UUID(loc["id"])] for loc in group]
                        for org, group in by_org.items()
                    },
                )
            )
        parts += [
            ("programs", self.grouped("program", "organization_id", organizations)),
            (
                "organization_identifiers",
                self.grouped("organization_identifier", "organization_id", organizations),
            ),
        ]
        for org_id, record in organizations.items():
            for key, groups in parts:
                _put(record, key, groups.get(org_id, []))
        return organizations

    def services(self, ids: Sequence[uuid.UUID]) -> dict[Any, dict[str, Any]]:
        """Full service records by id, as HSDA's /services/{id} returns them.

        The nested organization has its fields and small lists but not its locations:
        the service's own are in `service_at_locations`, and repeating every location of
        a large organization in each of its services would make a whole-directory export
        grow with the square of the organization's size."""
        services = self.by_id("service", ids)
        org_ids = {uuid.UUID(s["organization_id"]) for s in services.values()}
        program_ids = {uuid.UUID(s["program_id"]) for s in services.values() if "program_id" in s}
        organizations = self.organizations(org_ids, with_locations=False)
        programs = self.by_id("program", program_ids)
        links = self.grouped("service_at_location", "service_id", services)
        link_ids = [uuid.UUID(x["id"]) for group in links.values() for x in group]
        locations = self.locations(
            uuid.UUID(x["location_id"]) for group in links.values() for x in group
        )
        link_parts = [
            ("contacts", self.contacts("service_at_location_id", link_ids)),
            ("phones", self.phones("service_at_location_id", link_ids)),
            ("schedules", self.grouped("schedule", "service_at_location_id", link_ids)),
        ]
        for group in links.values():
            for link in group:
                for key, groups in link_parts:
                    _put(link, key, groups.get(uuid.UUID(link["id"]), []))
                link["location"] = locations[uuid.UUID(link["location_id"])]
        before = [
            ("phones", self.phones("service_id", services)),
            ("schedules", self.grouped("schedule", "service_id", services)),
            ("service_areas", self.grouped("service_area", "service_id", services)),
            ("service_at_locations", links),
            ("languages", self.grouped("language", "service_id", services)),
        ]
        after = [
            ("funding", self.grouped("funding", "service_id", services)),
            ("cost_options", self.grouped("cost_option", "service_id", services)),
        ]
        last = [
            ("required_documents", self.grouped("required_document", "service_id", services)),
            ("contacts", self.contacts("service_id", services)),
        ]
        for service_id, record in services.items():
            for key, groups in before:
                _put(record, key, groups.get(service_id, []))
            record["organization"] = organizations[uuid.UUID(record["organization_id"])]
            for key, groups in after:
                _put(record, key, groups.get(service_id, []))
            if "program_id" in record:
                record["program"] = programs[uuid.UUID(record["program_id"])]
            for key, groups in last:
                _put(record, key, groups.get(service_id, []))
        return services

    def attach_links(self) -> None:
        """Give every record made its `attributes` (with their taxonomy terms) and its
        `metadata`, last, as HSDS orders them."""
        by_id: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
        for record in self.records:
            by_id[uuid.UUID(record["id"])].append(record)
        attributes = list(self._rows("attribute", "link_id", by_id))
        metadata = self.grouped("metadata", "resource_id", by_id)
        self._load_terms({uuid.UUID(a["taxonomy_term_id"]) for _, a in attributes})
        grouped: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
        for link_id, attribute in attributes:
            attribute["taxonomy_term"] = self.terms[uuid.UUID(attribute["taxonomy_term_id"])]
            grouped[link_id].append(attribute)
        for record_id, records in by_id.items():
            for record in records:
                _put(record, "attributes", grouped.get(record_id, []))
                _put(record, "metadata", metadata.get(record_id, []))

    def _load_terms(self, ids: set[uuid.UUID]) -> None:
        missing = ids - set(self.terms)
        if not missing:
            return
        terms = TaxonomyTerm.objects.select_related("taxonomy")
        for start in range(0, len(missing), IN_CHUNK):
            for term in terms.filter(id__in=list(missing)[start : start + IN_CHUNK]):
                self.terms[term.id] = taxonomy_term(term)


def _put(record: dict[str, Any], key: str, items: list[dict[str, Any]]) -> None:
    if items:
        record[key] = items


def _batches(queryset: QuerySet, size: int) -> Iterator[list[uuid.UUID]]:
    ids = list(queryset.values_list("id", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def full_services(
    queryset: QuerySet[Service] | None = None, *, batch_size: int = 500
) -> Iterator[dict[str, Any]]:
    """Full HSDS service records for every service in `queryset` (default: all), in its
    order, each batch of services loaded with a fixed number of queries."""
    queryset = Service.objects.order_by("id") if queryset is None else queryset
    terms: dict[uuid.UUID, dict[str, Any]] = {}
    for ids in _batches(queryset, batch_size):
        batch = _Batch(terms)
        services = batch.services(ids)
        batch.attach_links()
        for service_id in ids:
            yield services[service_id]


def service_full(service: Service) -> dict[str, Any]:
    """The full HSDA record of one service (GET /services/{id})."""
    return next(full_services(Service.objects.filter(pk=service.pk)))


def full_service_at_locations(
    queryset: QuerySet[ServiceAtLocation], *, batch_size: int = 500
) -> Iterator[dict[str, Any]]:
    """Full service_at_location records: the link's contacts, phones and schedules, its
    full location, and its service (full, without the service's other locations)."""
    for ids in _batches(queryset, batch_size):
        pairs = dict(ServiceAtLocation.objects.filter(id__in=ids).values_list("id", "service_id"))
        services = {
            record["id"]: record
            for record in full_services(
                Service.objects.filter(id__in=set(pairs.values())).order_by("id")
            )
        }
        for sal_id in ids:
            service = services[str(pairs[sal_id])]
            nested = next(x for x in service["service_at_locations"] if x["id"] == str(sal_id))
            record = {k: v for k, v in nested.items() if k not in ("attributes", "metadata")}
            record["service"] = {k: v for k, v in service.items() if k != "service_at_locations"}
            for key in ("attributes", "metadata"):
                if key in nested:
                    record[key] = nested[key]
            yield record


def service_at_location_full(sal: ServiceAtLocation) -> dict[str, Any]:
    """The full HSDA record of one service_at_location (GET /service_at_locations/{id})."""
    return next(full_service_at_locations(ServiceAtLocation.objects.filter(pk=sal.pk)))


def full_organizations(
    queryset: QuerySet[Organization], *, full_service: bool = False, batch_size: int = 200
) -> Iterator[dict[str, Any]]:
    """Full organization records: funding, contacts, phones, full locations, programs,
    identifiers, attributes, metadata and `services` — list records, or full service
    records when `full_service`."""
    terms: dict[uuid.UUID, dict[str, Any]] = {}
    for ids in _batches(queryset, batch_size):
        batch = _Batch(terms)
        organizations = batch.organizations(ids, with_locations=True)
        batch.attach_links()
        services = (
            Service.objects.filter(organization_id__in=ids)
            .order_by("name", "id")
            .select_related("organization", "program")
        )
        by_org: dict[uuid.UUID, list[Service]] = defaultdict(list)
        for service in services:
            by_org[service.organization_id].append(service)
        full: dict[str, dict[str, Any]] = {}
        if full_service:
            service_ids = [s.pk for group in by_org.values() for s in group]
            full = {
                r["id"]: r
                for r in full_services(Service.objects.filter(id__in=service_ids).order_by("id"))
            }
        for org_id in ids:
            record = organizations[org_id]
            if full_service:
                record["services"] = [full[str(s.pk)] for s in by_org[org_id]]
            else:
                record["services"] = [service_record(s) for s in by_org[org_id]]
            yield record


def organization_full(org: Organization, *, full_service: bool = False) -> dict[str, Any]:
    """The full HSDA record of one organization (GET /organizations/{id})."""
    return next(
        full_organizations(Organization.objects.filter(pk=org.pk), full_service=full_service)
    )
