"""Reads an HSDS 1.x / 2.0 tabular datapackage (the layout before HSDS 3.0) into HSDS 3.0 rows.

The package (a folder or a .zip of CSV files) is read by `tabular_package` and its
layout checked by `hsds2_layout`; values are tidied by `cleaning` and `hours_text`. How
each table and field maps onto 3.0 is written up in docs/data-import.md; the mapping
itself is `Converter`, which the Miami 211 reader extends with that data set's quirks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from commonweal.directory.sources import ids
from commonweal.directory.sources.cleaning import (
    clean_text,
    parse_ages,
    parse_date,
    split_extension,
    web_address,
)
from commonweal.directory.sources.hours_text import (
    WEEKDAYS,
    byday,
    parse_time,
    parse_time_range,
    weekday_code,
)
from commonweal.directory.sources.hsds2_layout import check_layout, looks_like_hsds2
from commonweal.directory.sources.languages import language_name, parse_languages
from commonweal.directory.sources.tabular_package import CsvRecord, CsvTable, Package
from commonweal.directory.tabular import ImportFailed, Row, SourceRef, TabularData

# Source words for phone types and countries → the HSDS 3.0 values.
_PHONE_TYPES = {
    "voice": "voice",
    "fax": "fax",
    "cell": "cell",
    "mobile": "cell",
    "video": "video",
    "pager": "pager",
    "textphone": "textphone",
    "tty": "textphone",
    "tdd": "textphone",
    "text": "text",
    "sms": "text",
    "hotline": "voice",
}

_COUNTRIES = {
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "u.s.": "US",
    "u.s.a.": "US",
}

# ---------------------------------------------------------------------------------------
# The mapping onto HSDS 3.0.


@dataclass
class WeeklyHours:
    """One day's opening period of one service/location, before days are grouped."""

    owner: dict[str, str]  # service_id / location_id / service_at_location_id (HSDS 3.0 ids)
    day: str  # MO..SU
    opens_at: str
    closes_at: str
    description: str
    notes: str
    rec: CsvRecord
    table: CsvTable
    source_id: str = ""  # the source row's own id, when it has a usable one
    source_columns: dict[str, str] = field(default_factory=dict)


class Converter:
    """Maps the tables of one HSDS 1.x / 2.0 package onto HSDS 3.0 rows.

    One method per source table; subclasses (Miami 211) override the hooks for a data
    set's quirks. `run()` returns the TabularData.
    """

    # When the source states how old its data is (an ISO datetime), every service's
    # last_modified says so; otherwise the import time stands.
    data_as_of: str | None = None

    def __init__(self, tables: dict[str, CsvTable], *, source: str) -> None:
        self.tables = tables
        self.source = source
        self.out: TabularData = defaultdict(list)
        self.ids_seen: dict[str, set[str]] = defaultdict(set)
        # service id (3.0) → texts for interpretation_services gathered from other tables
        self.interpretation: dict[str, list[str]] = defaultdict(list)
        self.eligibility: dict[str, list[str]] = defaultdict(list)
        self.services: dict[str, Row] = {}

    # -- hooks --------------------------------------------------------------------------

    def text(self, value: str) -> str:
        return clean_text(value)

    def id(self, table: str, raw: str) -> str:
        """The 3.0 id for a source id of `table` (one of the 3.0 table names)."""
        raw = raw.strip()
        return ids.stable_uuid(self.source, table, raw) if raw else ""

    def service_organization(self, rec: CsvRecord) -> str:
        return rec.get("organization_id")

    def location_organization(self, rec: CsvRecord) -> str:
        return rec.get("organization_id")

    def taxonomy_description(self, name: str) -> str:
        return f"{name} terms as used in the {self.source} data set."

    def term_names(self, code: str, name: str) -> tuple[str, str]:
        """(name, description) for a taxonomy.csv term: its name twice, as HSDS 3.0
        requires a description and 1.x has none."""
        return name, name

    # -- plumbing -----------------------------------------------------------------------

    def ref(self, table: CsvTable, rec: CsvRecord) -> SourceRef:
        return SourceRef(file=table.display, line=rec.line)

    def emit(
        self,
        table: str,
        values: dict[str, str],
        ref: SourceRef,
        source_columns: dict[str, str] | None = None,
    ) -> Row:
        row = ids.hsds_row(table, values, ref, source_columns)
        self.out[table].append(row)
        self.ids_seen[table].add(row.values["id"])
        return row

    def values(self, rec: CsvRecord, columns: dict[str, str]) -> dict[str, str]:
        """HSDS 3.0 field → cleaned value of the source column named in `columns`."""
        return {hsds: self.text(rec.get(column)) for hsds, column in columns.items()}

    @staticmethod
    def renamed(columns: dict[str, str]) -> dict[str, str]:
        return {hsds: column for hsds, column in columns.items() if hsds != column}

    def each(self, name: str) -> Iterator[tuple[CsvTable, CsvRecord]]:
        table = self.tables.get(name)
        if table is not None:
            for rec in table:
                yield table, rec

    # -- run ----------------------------------------------------------------------------

    def run(self) -> TabularData:
        self.organizations()
        self.programs()
        self.services_table()
        self.eligibility_table()
        self.locations()
        self.services_at_location()
        self.addresses("physical_addresses.csv", "physical")
        self.addresses("postal_addresses.csv", "postal")
        self.contacts()
        self.phones()
        self.schedules()
        self.funding()
        self.service_areas()
        self.required_documents()
        self.payments_accepted()
        self.languages()
        self.accessibility()
        self.taxonomies()
        self.service_taxonomy()
        self.attributes_v2()
        self.metadata()
        self.meta_table_descriptions()
        self.finish_services()
        ids.add_internal_taxonomy(self.out)
        return {table: rows for table, rows in self.out.items() if rows}

    # -- organizations, programs, services ------------------------------------------------

    def organizations(self) -> None:
        for table, rec in self.each("organizations.csv"):
            raw = rec.get("id")
            values = self.values(
                rec,
                {
                    "name": "name",
                    "alternate_name": "alternate_name",
                    "description": "description",
                    "email": "email",
                    "tax_status": "tax_status",
                    "tax_id": "tax_id",
                    "legal_status": "legal_status",
                },
            )
            values["id"] = self.id("organization", raw)
            values["website"] = web_address(rec.get("url"))
            # HSDS 3.0 requires a description; an empty one becomes the name.
            values["description"] = values["description"] or values["name"]
            year = re.match(r"\s*(\d{4})", rec.get("year_incorporated"))
            values["year_incorporated"] = year[1] if year else rec.get("year_incorporated")
            ref = self.ref(table, rec)
            self.emit("organization", values, ref, {"website": "url"})
            if raw and not ids.is_uuid(raw):
                self.out["organization_identifier"].append(
                    ids.organization_identifier_row(
                        source=self.source, organization_id=values["id"], source_id=raw, ref=ref
                    )
                )

    def programs(self) -> None:
        for table, rec in self.each("programs.csv"):
            values = self.values(rec, {"name": "name", "alternate_name": "alternate_name"})
            values["id"] = self.id("program", rec.get("id"))
            values["organization_id"] = self.id("organization", rec.get("organization_id"))
            # HSDS 2.x programs have no description; 3.0 requires one.
            values["description"] = (
                self.text(rec.get("description")) or values["alternate_name"] or values["name"]
            )
            self.emit("program", values, self.ref(table, rec))

    def services_table(self) -> None:
        columns = {
            "name": "name",
            "alternate_name": "alternate_name",
            "description": "description",
            "email": "email",
            "interpretation_services": "interpretation_services",
            "application_process": "application_process",
            "wait_time": "wait_time",
            "fees_description": "fees",
            "accreditations": "accreditations",
            "licenses": "licenses",
        }
        for table, rec in self.each("services.csv"):
            raw = rec.get("id")
            values = self.values(rec, columns)
            values["id"] = self.id("service", raw)
            values["organization_id"] = self.id("organization", self.service_organization(rec))
            values["program_id"] = self.id("program", rec.get("program_id"))
            values["url"] = web_address(rec.get("url"))
            values["status"] = (rec.get("status") or "active").lower()
            if self.data_as_of:
                values["last_modified"] = self.data_as_of
            ref = self.ref(table, rec)
            row = self.emit("service", values, ref, self.renamed(columns))
            self.services[values["id"]] = row
            if raw and not ids.is_uuid(raw):
                self.out["attribute"].append(
                    ids.source_record_attribute(
                        source=self.source, service_id=values["id"], source_id=raw, ref=ref
                    )
                )
            # A non-standard `taxonomy_ids` column (sample package, Ohana) lists term ids.
            for code in filter(None, (c.strip() for c in rec.get("taxonomy_ids").split(","))):
                self.link_service_term(values["id"], code, "", ref, "taxonomy_ids")

    def eligibility_table(self) -> None:
        for _table, rec in self.each("eligibility.csv"):
            text = self.text(rec.get("eligibility"))
            service_id = self.id("service", rec.get("service_id"))
            if text and service_id:
                self.eligibility[service_id].append(text)

    def finish_services(self) -> None:
        """Fill what other tables said about services: eligibility and interpretation."""
        for service_id, row in self.services.items():
            texts = list(dict.fromkeys(self.eligibility.get(service_id, [])))
            if texts:
                description = "\n\n".join(texts)
                row.values["eligibility_description"] = description
                row.source_columns["eligibility_description"] = "eligibility.csv: eligibility"
                low, high = parse_ages(description)
                row.values["minimum_age"] = "" if low is None else str(low)
                row.values["maximum_age"] = "" if high is None else str(high)
            notes = list(dict.fromkeys(self.interpretation.get(service_id, [])))
            if notes:
                existing = row.values["interpretation_services"]
                row.values["interpretation_services"] = "\n".join(
                    ([existing] if existing else []) + notes
                )

    # -- locations and addresses --------------------------------------------------------

    def locations(self) -> None:
        for table, rec in self.each("locations.csv"):
            raw = rec.get("id")
            values = self.values(
                rec,
                {
                    "name": "name",
                    "alternate_name": "alternate_name",
                    "description": "description",
                    "transportation": "transportation",
                    "latitude": "latitude",
                    "longitude": "longitude",
                },
            )
            values["id"] = self.id("location", raw)
            values["organization_id"] = self.id("organization", self.location_organization(rec))
            values["location_type"] = "physical"
            if raw and not ids.is_uuid(raw):
                values.update(ids.location_identifier_values(self.source, raw))
            self.emit("location", values, self.ref(table, rec))

    def services_at_location(self) -> None:
        for table, rec in self.each("services_at_location.csv"):
            self.emit(
                "service_at_location",
                {
                    "id": self.id("service_at_location", rec.get("id")),
                    "service_id": self.id("service", rec.get("service_id")),
                    "location_id": self.id("location", rec.get("location_id")),
                    "description": self.text(rec.get("description")),
                },
                self.ref(table, rec),
            )

    def address_values(self, rec: CsvRecord, kind: str) -> dict[str, str] | None:
        """The 3.0 address for a 2.x physical/postal address, None when it is empty."""
        values = self.values(
            rec,
            {
                "attention": "attention",
                "address_1": "address_1",
                "city": "city",
                "region": "region",
                "state_province": "state_province",
                "postal_code": "postal_code",
                "country": "country",
            },
        )
        # HSDS 3.0 dropped address_3 and address_4: they join address_2.
        extra = [self.text(rec.get(c)) for c in ("address_2", "address_3", "address_4")]
        values["address_2"] = ", ".join(e for e in extra if e)
        if not any(values[k] for k in ("address_1", "address_2", "city", "postal_code")):
            return None
        if not values["address_1"] and values["address_2"]:
            values["address_1"], values["address_2"] = values["address_2"], ""
        country = values["country"]
        values["country"] = _COUNTRIES.get(country.lower(), country.upper()) if country else "US"
        values["state_province"] = (
            values["state_province"].upper()
            if len(values["state_province"]) <= 3
            else values["state_province"]
        )
        values["address_type"] = kind
        values["location_id"] = self.id("location", rec.get("location_id"))
        return values

    def addresses(self, name: str, kind: str) -> None:
        table_key = "physical_address" if kind == "physical" else "postal_address"
        for table, rec in self.each(name):
            values = self.address_values(rec, kind)
            if values is None:
                continue
            values["id"] = self.id(table_key, rec.get("id"))
            self.emit("address", values, self.ref(table, rec))

    # -- contacts and phones --------------------------------------------------------------

    def contacts(self) -> None:
        for table, rec in self.each("contacts.csv"):
            values = self.values(
                rec,
                {"name": "name", "title": "title", "department": "department", "email": "email"},
            )
            if not any(values.values()):
                continue
            values.update(
                id=self.id("contact", rec.get("id")),
                organization_id=self.id("organization", rec.get("organization_id")),
                service_id=self.id("service", rec.get("service_id")),
                service_at_location_id=self.id(
                    "service_at_location", rec.get("service_at_location_id")
                ),
                location_id=self.id("location", rec.get("location_id")),
            )
            self.emit("contact", values, self.ref(table, rec))

    def phone_values(self, rec: CsvRecord) -> dict[str, str] | None:
        number, extension = rec.get("number"), rec.get("extension")
        if not number:
            return None
        if not extension:
            number, extension = split_extension(number)
        descriptions = [self.text(rec.get("description"))]
        if extension and not extension.isdigit():
            # HSDS 3.0 extension is a number; "OPT9"-style extensions go in the description.
            descriptions.append(f"ext. {extension}")
            extension = ""
        raw_type = (rec.get("type") or rec.get("number_type")).lower()  # Ohana: number_type
        phone_type = _PHONE_TYPES.get(raw_type, raw_type)
        if raw_type == "hotline":
            descriptions.append("hotline")
        if rec.get("department"):
            descriptions.append(self.text(rec.get("department")))
        return {
            "number": number,
            "extension": extension,
            "type": phone_type,
            "description": "; ".join(d for d in descriptions if d),
            "location_id": self.id("location", rec.get("location_id")),
            "service_id": self.id("service", rec.get("service_id")),
            "organization_id": self.id("organization", rec.get("organization_id")),
            "contact_id": self.id("contact", rec.get("contact_id")),
            "service_at_location_id": self.id(
                "service_at_location", rec.get("service_at_location_id")
            ),
        }

    def phones(self) -> None:
        for table, rec in self.each("phones.csv"):
            values = self.phone_values(rec)
            if values is None:
                continue
            values["id"] = self.id("phone", rec.get("id"))
            ref = self.ref(table, rec)
            self.emit("phone", values, ref)
            self.phone_languages(values["id"], rec.get("language"), rec, ref)

    def phone_languages(self, phone_id: str, text: str, rec: CsvRecord, ref: SourceRef) -> None:
        for part in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
            if re.fullmatch(r"[A-Za-z]{2,3}", part):
                # Already an ISO 639 code, as HSDS 2.0 phone.language asks: "en", "es".
                found = [(language_name(part) or "", part.lower(), "")]
            else:
                found = [(m.name, m.code, m.note) for m in parse_languages(part)[0]]
            for name, code, note in found:
                self.emit(
                    "language",
                    {
                        "id": self.id("language", f"phone:{rec.get('id')}:{code}"),
                        "phone_id": phone_id,
                        "name": name,
                        "code": code,
                        "note": note,
                    },
                    ref,
                    {"name": "language", "code": "language"},
                )

    # -- schedules ----------------------------------------------------------------------

    def owner(self, rec: CsvRecord) -> dict[str, str]:
        return {
            "service_id": self.id("service", rec.get("service_id")),
            "location_id": self.id("location", rec.get("location_id")),
            "service_at_location_id": self.id(
                "service_at_location", rec.get("service_at_location_id")
            ),
        }

    def schedules(self) -> None:
        self.emit_weekly(list(self.regular_hours()))
        self.holiday_schedules()
        self.schedules_v2()

    def regular_hours(self) -> Iterator[WeeklyHours]:
        """regular_schedules.csv rows as one WeeklyHours per open day ("Closed" days skipped)."""
        table = self.tables.get("regular_schedules.csv")
        if table is None:
            return
        sunday_first = any(r.get("weekday").strip() == "0" for r in table)
        for rec in table:
            day = weekday_code(rec.get("weekday"), sunday_first=sunday_first) or rec.get("weekday")
            opens, closes = rec.get("opens_at"), rec.get("closes_at")
            if "closed" in (opens.lower(), closes.lower()):
                continue
            times = parse_time_range(opens, closes) if opens and closes else None
            if times is None:
                times = (parse_time(opens) or opens, parse_time(closes) or closes)
            yield WeeklyHours(
                owner=self.owner(rec),
                day=day,
                opens_at=times[0],
                closes_at=times[1],
                description=self.text(rec.get("original_text") or rec.get("description")),
                notes="",
                rec=rec,
                table=table,
                source_id=rec.get("id"),
                source_columns={"byday": "weekday"},
            )

    def emit_weekly(self, hours: list[WeeklyHours]) -> None:
        """One WEEKLY schedule row per owner and opening period, its days in `byday`
        ("MO,TU,WE,TH,FR")."""
        groups: dict[tuple, list[WeeklyHours]] = {}
        for h in hours:
            key = (tuple(sorted(h.owner.items())), h.opens_at, h.closes_at, h.description, h.notes)
            groups.setdefault(key, []).append(h)
        for (owner, opens, closes, description, notes), members in groups.items():
            days = {m.day for m in members}
            first = members[0]
            content = f"{dict(owner)}|{byday(days)}|{opens}|{closes}|{notes}|{description}"
            given = next((m.source_id for m in members if ids.is_uuid(m.source_id)), "")
            schedule_id = given.lower() if given else self.id("schedule", content)
            values = dict(owner)
            values.update(
                id=schedule_id,
                freq="WEEKLY",
                wkst="MO",
                byday=byday(days) if all(d in WEEKDAYS for d in days) else ",".join(sorted(days)),
                opens_at=opens,
                closes_at=closes,
                description=description,
                notes=notes,
            )
            self.emit("schedule", values, self.ref(first.table, first.rec), first.source_columns)

    def holiday_schedules(self) -> None:
        for table, rec in self.each("holiday_schedules.csv"):
            values = self.owner(rec)
            # Keep a UUID id unless a weekly row already has it (the sample package gives
            # its holiday the id of its first weekday row).
            values["id"] = self.id("schedule", rec.get("id"))
            if values["id"] in self.ids_seen["schedule"]:
                values["id"] = self.id("schedule", "holiday:" + rec.get("id"))
            closed = rec.get("closed").strip().lower() in ("true", "t", "1", "yes", "y")
            start, end = parse_date(rec.get("start_date")), parse_date(rec.get("end_date"))
            descriptions = []
            if start and end and start.year == 1 and end.year == 1:
                # Ohana's convention: year 0001 means "every year". HSDS 3.0 cannot say
                # "yearly" (freq is WEEKLY or MONTHLY), so it is said in words.
                span = f"{start:%B} {start.day}"
                if end != start:
                    span += f" to {end:%B} {end.day}"
                descriptions.append(f"Every year, {span}")
            else:
                values["valid_from"] = start.isoformat() if start else rec.get("start_date")
                values["valid_to"] = end.isoformat() if end else rec.get("end_date")
            if closed:
                descriptions.append("Closed")
            else:
                times = parse_time_range(rec.get("opens_at"), rec.get("closes_at"))
                values["opens_at"] = times[0] if times else rec.get("opens_at")
                values["closes_at"] = times[1] if times else rec.get("closes_at")
            values["description"] = ": ".join(descriptions)
            self.emit(
                "schedule",
                values,
                self.ref(table, rec),
                {"valid_from": "start_date", "valid_to": "end_date", "description": "closed"},
            )

    def schedules_v2(self) -> None:
        """HSDS 2.0.1 schedules.csv already has 3.0's iCalendar-style fields."""
        passthrough = (
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
        )
        for table, rec in self.each("schedules.csv"):
            values = self.owner(rec)
            values.update({f: self.text(rec.get(f)) for f in passthrough})
            values["id"] = self.id("schedule", rec.get("id"))
            values["freq"] = values["freq"].upper()
            values["opens_at"] = parse_time(rec.get("opens_at")) or rec.get("opens_at")
            values["closes_at"] = parse_time(rec.get("closes_at")) or rec.get("closes_at")
            self.emit("schedule", values, self.ref(table, rec))

    # -- the small service tables -------------------------------------------------------

    def funding(self) -> None:
        for table, rec in self.each("funding.csv"):
            self.emit(
                "funding",
                {
                    "id": self.id("funding", rec.get("id")),
                    "organization_id": self.id("organization", rec.get("organization_id")),
                    "service_id": self.id("service", rec.get("service_id")),
                    "source": self.text(rec.get("source")),
                },
                self.ref(table, rec),
            )

    def service_areas(self) -> None:
        for table, rec in self.each("service_areas.csv"):
            self.emit(
                "service_area",
                {
                    "id": self.id("service_area", rec.get("id")),
                    "service_id": self.id("service", rec.get("service_id")),
                    "name": self.text(rec.get("service_area")),
                    "description": self.text(rec.get("description")),
                },
                self.ref(table, rec),
                {"name": "service_area"},
            )

    def required_documents(self) -> None:
        for table, rec in self.each("required_documents.csv"):
            self.emit(
                "required_document",
                {
                    "id": self.id("required_document", rec.get("id")),
                    "service_id": self.id("service", rec.get("service_id")),
                    "document": self.text(rec.get("document")),
                },
                self.ref(table, rec),
            )

    def payments_accepted(self) -> None:
        """HSDS 3.0 dropped payment_accepted: each becomes an attribute of the service."""
        for table, rec in self.each("payments_accepted.csv"):
            payment = self.text(rec.get("payment"))
            service_id = self.id("service", rec.get("service_id"))
            if not payment or not service_id:
                continue
            self.out["attribute"].append(
                ids.attribute_row(
                    source=self.source,
                    link_entity="service",
                    link_id=service_id,
                    taxonomy_term_id=ids.internal_term_id(ids.PAYMENT_ACCEPTED),
                    link_type=ids.PAYMENT_ACCEPTED,
                    value=payment,
                    ref=self.ref(table, rec),
                    source_columns={"value": "payment", "link_id": "service_id"},
                )
            )

    def languages(self) -> None:
        used: set[str] = set()
        for table, rec in self.each("languages.csv"):
            service_id = self.id("service", rec.get("service_id"))
            location_id = self.id("location", rec.get("location_id"))
            mentions, remainder = parse_languages(self.text(rec.get("language")))
            if remainder and service_id:
                self.interpretation[service_id].append(remainder)
            raw = rec.get("id")
            for mention in mentions:
                language_id = (
                    raw.lower()
                    if ids.is_uuid(raw) and len(mentions) == 1 and raw.lower() not in used
                    else self.id("language", f"{raw}:{service_id}:{location_id}:{mention.code}")
                )
                if language_id in used:
                    continue  # the same language said twice for the same record
                used.add(language_id)
                self.emit(
                    "language",
                    {
                        "id": language_id,
                        "service_id": service_id,
                        "location_id": location_id,
                        "name": mention.name,
                        "code": mention.code,
                        "note": mention.note,
                    },
                    self.ref(table, rec),
                    {"name": "language", "code": "language", "note": "language"},
                )

    def accessibility(self) -> None:
        for table, rec in self.each("accessibility_for_disabilities.csv"):
            values = self.values(rec, {"description": "accessibility", "details": "details"})
            if not values["description"] and not values["details"]:
                continue
            values["id"] = self.id("accessibility", rec.get("id"))
            values["location_id"] = self.id("location", rec.get("location_id"))
            self.emit(
                "accessibility", values, self.ref(table, rec), {"description": "accessibility"}
            )

    # -- taxonomies and attributes -------------------------------------------------------

    def taxonomy_for(self, name: str) -> str:
        """The 3.0 taxonomy row for a vocabulary name, created on first use."""
        taxonomy_id = self.id("taxonomy", name or self.source)
        if taxonomy_id not in self.ids_seen["taxonomy"]:
            self.emit(
                "taxonomy",
                {
                    "id": taxonomy_id,
                    "name": name or self.source,
                    "description": self.taxonomy_description(name or self.source),
                },
                SourceRef(file=self.tables_display("taxonomy.csv"), line=1),
            )
        return taxonomy_id

    def tables_display(self, name: str) -> str:
        table = self.tables.get(name)
        return table.display if table else name

    def taxonomies(self) -> None:
        """1.x taxonomy.csv (one vocabulary per row) → taxonomy + taxonomy_term rows. A
        parent named only by parent_id/parent_name gets a term of its own."""
        table = self.tables.get("taxonomy.csv")
        if table is None:
            self.terms_v2()
            return
        present = {rec.get("id") for rec in table}
        for rec in table:
            code = rec.get("id")
            term_id = self.id("taxonomy_term", code)
            if term_id in self.ids_seen["taxonomy_term"]:
                continue  # a repeated id: the first row wins
            vocabulary = self.text(rec.get("vocabulary"))
            taxonomy_id = self.taxonomy_for(vocabulary)
            parent = rec.get("parent_id")
            if (
                parent
                and parent not in present
                and self.id("taxonomy_term", parent) not in self.ids_seen["taxonomy_term"]
            ):
                parent_name, parent_description = self.term_names(
                    parent, self.text(rec.get("parent_name")) or parent
                )
                self.emit_term(
                    parent,
                    parent_name,
                    parent_description,
                    "",
                    vocabulary,
                    taxonomy_id,
                    self.ref(table, rec),
                )
            name, description = self.term_names(code, self.text(rec.get("name")))
            self.emit_term(
                code, name, description, parent, vocabulary, taxonomy_id, self.ref(table, rec)
            )
        self.terms_v2()

    def emit_term(
        self,
        code: str,
        name: str,
        description: str,
        parent: str,
        vocabulary: str,
        taxonomy_id: str,
        ref: SourceRef,
    ) -> None:
        self.emit(
            "taxonomy_term",
            {
                "id": self.id("taxonomy_term", code),
                "code": "" if ids.is_uuid(code) else code,
                "name": name,
                "description": description or name,
                "parent_id": self.id("taxonomy_term", parent),
                "taxonomy": vocabulary,
                "taxonomy_id": taxonomy_id,
            },
            ref,
            {"code": "id", "parent_id": "parent_id", "taxonomy": "vocabulary"},
        )

    def terms_v2(self) -> None:
        """HSDS 2.0.1 taxonomy_terms.csv (term, description, parent_id, taxonomy)."""
        for table, rec in self.each("taxonomy_terms.csv"):
            vocabulary = self.text(rec.get("taxonomy"))
            term = self.text(rec.get("term"))
            self.emit(
                "taxonomy_term",
                {
                    "id": self.id("taxonomy_term", rec.get("id")),
                    "code": rec.get("id") if not ids.is_uuid(rec.get("id")) else "",
                    "name": term,
                    "description": self.text(rec.get("description")) or term,
                    "parent_id": self.id("taxonomy_term", rec.get("parent_id")),
                    "taxonomy": vocabulary,
                    "taxonomy_id": self.taxonomy_for(vocabulary) if vocabulary else "",
                    "language": rec.get("language"),
                },
                self.ref(table, rec),
                {"name": "term"},
            )

    def link_service_term(
        self, service_id: str, code: str, value: str, ref: SourceRef, column: str
    ) -> None:
        row = ids.attribute_row(
            source=self.source,
            link_entity="service",
            link_id=service_id,
            taxonomy_term_id=self.id("taxonomy_term", code),
            link_type="source_taxonomy",
            value=value,
            ref=ref,
            source_columns={"taxonomy_term_id": column, "link_id": "service_id"},
        )
        if row.values["id"] not in self.ids_seen["attribute"]:
            self.out["attribute"].append(row)
            self.ids_seen["attribute"].add(row.values["id"])

    def service_taxonomy(self) -> None:
        """1.x services_taxonomy.csv → attributes (link_type "source_taxonomy"); a pair
        listed twice becomes one attribute."""
        for table, rec in self.each("services_taxonomy.csv"):
            self.link_service_term(
                self.id("service", rec.get("service_id")),
                rec.get("taxonomy_id"),
                self.text(rec.get("taxonomy_detail")),
                self.ref(table, rec),
                "taxonomy_id",
            )

    def attributes_v2(self) -> None:
        """HSDS 2.0.1 service_attributes.csv and other_attributes.csv."""
        for table, rec in self.each("service_attributes.csv"):
            self.emit(
                "attribute",
                {
                    "id": self.id("attribute", rec.get("id")),
                    "link_id": self.id("service", rec.get("service_id")),
                    "link_entity": "service",
                    "taxonomy_term_id": self.id("taxonomy_term", rec.get("taxonomy_term_id")),
                },
                self.ref(table, rec),
                {"link_id": "service_id"},
            )
        for table, rec in self.each("other_attributes.csv"):
            entity = rec.get("link_type")
            self.emit(
                "attribute",
                {
                    "id": self.id("attribute", rec.get("id")),
                    "link_id": self.id(entity, rec.get("link_id")),
                    "link_entity": entity,
                    "taxonomy_term_id": self.id("taxonomy_term", rec.get("taxonomy_term_id")),
                },
                self.ref(table, rec),
                {"link_entity": "link_type"},
            )

    # -- metadata -----------------------------------------------------------------------

    def metadata(self) -> None:
        """Change-log rows. 1.x metadata has no resource_type: it is the table that holds
        resource_id. Rows about records not in the package are left out."""
        table = self.tables.get("metadata.csv")
        if table is None:
            return
        owners: dict[str, str] = {}
        for name, rows in self.out.items():
            for row in rows:
                owners.setdefault(row.values["id"], name)
        for rec in table:
            resource_type = rec.get("resource_type")
            raw = rec.get("resource_id")
            resource_id = (
                raw.lower()
                if ids.is_uuid(raw)
                else (self.id(resource_type, raw) if resource_type else "")
            )
            resource_type = resource_type or owners.get(resource_id, "")
            if resource_id not in owners:
                continue
            when = parse_date(rec.get("last_action_date"))
            self.emit(
                "metadata",
                {
                    "id": self.id("metadata", rec.get("id")),
                    "resource_id": resource_id,
                    "resource_type": resource_type,
                    "last_action_date": when.isoformat() if when else rec.get("last_action_date"),
                    "last_action_type": rec.get("last_action_type"),
                    "field_name": rec.get("field_name"),
                    "previous_value": rec.get("previous_value"),
                    "replacement_value": rec.get("replacement_value"),
                    "updated_by": rec.get("updated_by"),
                },
                self.ref(table, rec),
            )

    def meta_table_descriptions(self) -> None:
        for table, rec in self.each("meta_table_descriptions.csv"):
            language = rec.get("language")
            mentions, _ = parse_languages(language)
            self.emit(
                "meta_table_description",
                {
                    "id": self.id("meta_table_description", rec.get("id")),
                    "name": self.text(rec.get("name")),
                    "language": mentions[0].code if len(mentions) == 1 else language,
                    "character_set": rec.get("character_set"),
                },
                self.ref(table, rec),
            )


# ---------------------------------------------------------------------------------------
# Entry points for the format registry (commonweal.directory.sources).


def source_label(package: Package) -> str:
    """The label stable ids are derived from: the package's datapackage.json `name`,
    unless that is the HSDS template's "human_services_data", then the folder/zip name."""
    descriptor = package.descriptor() or {}
    name = str(descriptor.get("name") or "").strip()
    if name and name != "human_services_data":
        return name
    return package.path.stem


def read(path: Path, *, source: str | None = None) -> TabularData:
    """Read an HSDS 1.x / 2.0 datapackage (folder or .zip) as HSDS 3.0 rows."""
    package = Package(Path(path))
    tables = check_layout(package)
    return Converter(tables, source=source or source_label(package)).run()


def detect(path: Path) -> bool:
    """True for an HSDS 1.x / 2.0 package that is not one with its own reader (Miami 211,
    Ohana), so format detection does not depend on the order readers are tried in."""
    try:
        package = Package(Path(path))
        if not looks_like_hsds2(package):
            return False
    except ImportFailed:
        return False
    from commonweal.directory.sources import miami211, ohana

    return not (miami211.detect(path) or ohana.detect(path))
