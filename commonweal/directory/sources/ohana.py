"""Reads Ohana API CSV data (Code for America's pre-HSDS format) into HSDS 3.0 rows.

Ohana hangs services off locations (`services.location_id`), keeps a location's
addresses in `addresses.csv` / `mail_addresses.csv`, and joins multi-valued fields into
one cell ("disabled_parking, ramp", "Spanish, Tagalog", "City, County, Donations").
Each becomes its own HSDS 3.0 row here; docs/data-import.md lists every field.
The San Mateo County sample in ../shared/data/ohana-san-mateo is the reference.
"""

from __future__ import annotations

import re
from pathlib import Path

from commonweal.directory.sources import hsds2, ids
from commonweal.directory.sources.cleaning import parse_ages, parse_date, web_address
from commonweal.directory.sources.languages import parse_languages
from commonweal.directory.sources.tabular_package import CsvRecord, CsvTable, Package
from commonweal.directory.tabular import ImportFailed, ImportIssue, SourceRef, TabularData

SOURCE = "ohana-san-mateo"
TAXONOMY = "Open Eligibility (Ohana)"
KEYWORDS_TAXONOMY = "Ohana keywords"

# file → required columns (what the mapping cannot do without).
LAYOUT: dict[str, tuple[str, ...]] = {
    "organizations.csv": ("id", "name"),
    "locations.csv": ("id", "organization_id", "name"),
    "services.csv": ("id", "location_id", "name"),
    "addresses.csv": ("id", "location_id", "address_1", "city", "state_province", "postal_code"),
    "mail_addresses.csv": (
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
    ),
    "contacts.csv": ("id", "name"),
    "phones.csv": ("id", "number"),
    "programs.csv": ("id", "organization_id", "name"),
    "regular_schedules.csv": ("id", "weekday", "opens_at", "closes_at"),
    "holiday_schedules.csv": ("id", "start_date", "end_date", "closed"),
    "taxonomy.csv": ("taxonomy_id", "name"),
}

# Ohana's accessibility codes (ohana-api Location::ACCESSIBILITY) in words.
ACCESSIBILITY = {
    "cd": "Information on CD",
    "deaf_interpreter": "Deaf interpreter",
    "disabled_parking": "Disabled parking",
    "elevator": "Elevator",
    "ramp": "Ramp",
    "restroom": "Accessible restroom",
    "tape_braille": "Information on tape or in Braille",
    "tty": "TTY",
    "wheelchair": "Wheelchair accessible",
    "wheelchair_van": "Wheelchair-accessible van",
}


def _split(value: str) -> list[str]:
    """An Ohana comma-joined list as its items."""
    return [item.strip() for item in value.split(",") if item.strip()]


class OhanaConverter(hsds2.Converter):
    def __init__(self, tables: dict[str, CsvTable], *, source: str = SOURCE) -> None:
        super().__init__(tables, source=source)
        # location (source id) → organization (source id): services take their location's.
        self.location_owner = {
            rec.get("id"): rec.get("organization_id") for rec in tables["locations.csv"]
        }

    def run(self) -> TabularData:
        self.organizations_ohana()
        self.programs()
        self.locations_ohana()
        self.services_ohana()
        self.addresses_ohana("addresses.csv", "physical")
        self.addresses_ohana("mail_addresses.csv", "postal")
        self.contacts()
        self.phones()
        self.schedules()
        self.taxonomy_ohana()
        self.finish_services()
        ids.add_internal_taxonomy(self.out)
        return {table: rows for table, rows in self.out.items() if rows}

    def funding_rows(
        self, owner: str, owner_id: str, text: str, table: CsvTable, rec: CsvRecord
    ) -> None:
        for source in _split(text):
            self.emit(
                "funding",
                {
                    "id": self.id("funding", f"{owner}:{rec.get('id')}:{source}"),
                    f"{owner}_id": owner_id,
                    "source": source,
                },
                self.ref(table, rec),
                {"source": "funding_sources"},
            )

    def organizations_ohana(self) -> None:
        for table, rec in self.each("organizations.csv"):
            raw = rec.get("id")
            values = self.values(
                rec,
                {
                    "name": "name",
                    "alternate_name": "alternate_name",
                    "description": "description",
                    "email": "email",
                    "legal_status": "legal_status",
                    "tax_id": "tax_id",
                    "tax_status": "tax_status",
                },
            )
            values["id"] = self.id("organization", raw)
            values["description"] = values["description"] or values["name"]
            values["website"] = web_address(rec.get("website"))
            founded = parse_date(rec.get("date_incorporated"))
            values["year_incorporated"] = str(founded.year) if founded else ""
            ref = self.ref(table, rec)
            self.emit("organization", values, ref, {"year_incorporated": "date_incorporated"})
            self.out["organization_identifier"].append(
                ids.organization_identifier_row(
                    source=self.source, organization_id=values["id"], source_id=raw, ref=ref
                )
            )
            self.funding_rows("organization", values["id"], rec.get("funding_sources"), table, rec)

    def locations_ohana(self) -> None:
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
            values["organization_id"] = self.id("organization", rec.get("organization_id"))
            values["url"] = web_address(rec.get("website"))
            virtual = rec.get("virtual").lower() in ("true", "t", "1", "yes")
            values["location_type"] = "virtual" if virtual else "physical"
            values.update(ids.location_identifier_values(self.source, raw))
            ref = self.ref(table, rec)
            self.emit("location", values, ref, {"url": "website", "location_type": "virtual"})
            for code in _split(rec.get("accessibility")):
                self.emit(
                    "accessibility",
                    {
                        "id": self.id("accessibility", f"{raw}:{code}"),
                        "location_id": values["id"],
                        "description": ACCESSIBILITY.get(code, code.replace("_", " ").capitalize()),
                    },
                    ref,
                    {"description": "accessibility"},
                )
            self.language_rows(
                {"location_id": values["id"]}, f"location:{raw}", rec.get("languages"), ref
            )
            if rec.get("email"):
                # HSDS 3.0 locations have no e-mail; a contact at the location carries it.
                self.emit(
                    "contact",
                    {
                        "id": self.id("contact", f"location-email:{raw}"),
                        "location_id": values["id"],
                        "email": rec.get("email"),
                    },
                    ref,
                )

    def language_rows(self, owner: dict[str, str], key: str, text: str, ref: SourceRef) -> None:
        for part in _split(text):
            mentions, remainder = parse_languages(part)
            for mention in mentions:
                self.emit(
                    "language",
                    dict(
                        owner,
                        id=self.id("language", f"{key}:{mention.code}:{mention.name}"),
                        name=mention.name,
                        code=mention.code,
                        note=mention.note,
                    ),
                    ref,
                    {"name": "languages", "code": "languages"},
                )
            if remainder and owner.get("service_id"):
                self.interpretation[owner["service_id"]].append(remainder)

    def services_ohana(self) -> None:
        columns = {
            "name": "name",
            "alternate_name": "alternate_name",
            "description": "description",
            "email": "email",
            "application_process": "application_process",
            "interpretation_services": "interpretation_services",
            "fees_description": "fees",
            "wait_time": "wait_time",
        }
        keywords_taxonomy = ""
        for table, rec in self.each("services.csv"):
            raw = rec.get("id")
            values = self.values(rec, columns)
            values["id"] = self.id("service", raw)
            values["organization_id"] = self.id(
                "organization", self.location_owner.get(rec.get("location_id"), "")
            )
            values["program_id"] = self.id("program", rec.get("program_id"))
            values["url"] = web_address(rec.get("website"))
            values["status"] = (rec.get("status") or "active").lower()
            # Ohana's "audience" (who the service is for) has no HSDS 3.0 field of its own;
            # it is a second paragraph of the eligibility description.
            eligibility = self.text(rec.get("eligibility"))
            audience = self.text(rec.get("audience"))
            values["eligibility_description"] = "\n\n".join(t for t in (eligibility, audience) if t)
            low, high = parse_ages(eligibility)
            values["minimum_age"] = "" if low is None else str(low)
            values["maximum_age"] = "" if high is None else str(high)
            ref = self.ref(table, rec)
            renamed = self.renamed(columns) | {
                "url": "website",
                "organization_id": "location_id",
                "eligibility_description": "eligibility",
            }
            self.services[values["id"]] = self.emit("service", values, ref, renamed)
            self.out["attribute"].append(
                ids.source_record_attribute(
                    source=self.source, service_id=values["id"], source_id=raw, ref=ref
                )
            )
            service_id = values["id"]
            self.emit(
                "service_at_location",
                {
                    "id": self.id("service_at_location", raw),
                    "service_id": service_id,
                    "location_id": self.id("location", rec.get("location_id")),
                },
                ref,
                {"location_id": "location_id"},
            )
            self.funding_rows("service", service_id, rec.get("funding_sources"), table, rec)
            self.language_rows(
                {"service_id": service_id}, f"service:{raw}", rec.get("languages"), ref
            )
            for item in _split(rec.get("required_documents")):
                self.emit(
                    "required_document",
                    {
                        "id": self.id("required_document", f"{raw}:{item}"),
                        "service_id": service_id,
                        "document": item,
                    },
                    ref,
                    {"document": "required_documents"},
                )
            for item in _split(rec.get("service_areas")):
                self.emit(
                    "service_area",
                    {
                        "id": self.id("service_area", f"{raw}:{item}"),
                        "service_id": service_id,
                        "name": item,
                    },
                    ref,
                    {"name": "service_areas"},
                )
            for payment in _split(rec.get("accepted_payments")):
                self.out["attribute"].append(
                    ids.attribute_row(
                        source=self.source,
                        link_entity="service",
                        link_id=service_id,
                        taxonomy_term_id=ids.internal_term_id(ids.PAYMENT_ACCEPTED),
                        link_type=ids.PAYMENT_ACCEPTED,
                        value=payment,
                        ref=ref,
                        source_columns={"value": "accepted_payments"},
                    )
                )
            for code in _split(rec.get("taxonomy_ids")):
                self.link_service_term(service_id, code, "", ref, "taxonomy_ids")
            for keyword in dict.fromkeys(_split(rec.get("keywords"))):
                keywords_taxonomy = keywords_taxonomy or self.keywords_taxonomy(ref)
                self.keyword(service_id, keyword, keywords_taxonomy, ref)

    # Ohana keywords are free-text search terms; HSDS 3.0 has no keywords field, so each
    # distinct keyword is a term of a "Ohana keywords" taxonomy, linked by an attribute.
    def keywords_taxonomy(self, ref: SourceRef) -> str:
        taxonomy_id = self.id("taxonomy", KEYWORDS_TAXONOMY)
        self.emit(
            "taxonomy",
            {
                "id": taxonomy_id,
                "name": KEYWORDS_TAXONOMY,
                "description": f"Search keywords given to services in the {self.source} Ohana data.",
            },
            ref,
        )
        return taxonomy_id

    def keyword(self, service_id: str, keyword: str, taxonomy_id: str, ref: SourceRef) -> None:
        code = re.sub(r"\s+", " ", keyword.lower())
        term_id = self.id("taxonomy_term", f"keyword:{code}")
        if term_id not in self.ids_seen["taxonomy_term"]:
            self.emit(
                "taxonomy_term",
                {
                    "id": term_id,
                    "code": code,
                    "name": keyword,
                    "description": keyword,
                    "taxonomy": KEYWORDS_TAXONOMY,
                    "taxonomy_id": taxonomy_id,
                },
                ref,
                {"name": "keywords", "code": "keywords"},
            )
        self.out["attribute"].append(
            ids.attribute_row(
                source=self.source,
                link_entity="service",
                link_id=service_id,
                taxonomy_term_id=term_id,
                link_type="keyword",
                value="",
                ref=ref,
                source_columns={"taxonomy_term_id": "keywords"},
            )
        )

    def addresses_ohana(self, name: str, kind: str) -> None:
        for table, rec in self.each(name):
            values = self.address_values(rec, kind)
            if values is None:
                continue
            values["id"] = self.id(
                "address" if kind == "physical" else "mail_address", rec.get("id")
            )
            self.emit("address", values, self.ref(table, rec))

    def phone_values(self, rec: CsvRecord) -> dict[str, str] | None:
        values = super().phone_values(rec)
        if values is None:
            return None
        if rec.get("country_prefix"):
            values["number"] = f"{rec.get('country_prefix')} {values['number']}"
        extra = [values["description"]]
        if rec.get("vanity_number"):
            extra.append(rec.get("vanity_number"))
        values["description"] = "; ".join(e for e in extra if e)
        return values

    def taxonomy_ohana(self) -> None:
        """taxonomy.csv is the Open Eligibility tree with Ohana's dotted ids (101-02-01)."""
        table = self.tables.get("taxonomy.csv")
        if table is None:
            return
        taxonomy_id = self.id("taxonomy", TAXONOMY)
        self.emit(
            "taxonomy",
            {
                "id": taxonomy_id,
                "name": TAXONOMY,
                "description": "The Open Eligibility human services taxonomy as Ohana numbers it "
                "(dotted ids such as 101-02-01). CC BY-SA 3.0, Aunt Bertha.",
                "version": "1",
            },
            SourceRef(table.display, 1),
        )
        for rec in table:
            code = rec.get("taxonomy_id")
            name = self.text(rec.get("name"))
            self.emit(
                "taxonomy_term",
                {
                    "id": self.id("taxonomy_term", code),
                    "code": code,
                    "name": name,
                    "description": name,
                    "parent_id": self.id("taxonomy_term", rec.get("parent_id")),
                    "taxonomy": TAXONOMY,
                    "taxonomy_id": taxonomy_id,
                    "language": "en",
                },
                self.ref(table, rec),
                {"code": "taxonomy_id"},
            )


def _tables(package: Package) -> dict[str, CsvTable]:
    issues: list[ImportIssue] = []
    tables: dict[str, CsvTable] = {}
    for name, member in sorted(package.csv_members.items()):
        if name not in LAYOUT:
            issues.append(
                ImportIssue(
                    package.display(member), None, None, "unknown file: not an Ohana CSV file"
                )
            )
            continue
        try:
            table = package.table(name)
        except ImportFailed as failed:
            issues.extend(failed.issues)
            continue
        assert table is not None
        issues.extend(
            ImportIssue(table.display, 1, column, "required column is missing")
            for column in LAYOUT[name]
            if column not in table.header
        )
        tables[name] = table
    for required in ("organizations.csv", "locations.csv", "services.csv"):
        if required not in package.csv_members:
            issues.append(
                ImportIssue(package.display(required), None, None, "required file is missing")
            )
    if issues:
        raise ImportFailed(issues)
    return tables


def read(path: Path, *, source: str = SOURCE) -> TabularData:
    """Read an Ohana CSV folder (or .zip) as HSDS 3.0 rows."""
    package = Package(Path(path))
    return OhanaConverter(_tables(package), source=source).run()


def detect(path: Path) -> bool:
    """Ohana's layout: services.csv hangs off locations (a location_id column) and
    locations carry Ohana's own columns (short_desc, admin_emails)."""
    try:
        package = Package(Path(path))
        if not all(package.has(n) for n in ("organizations.csv", "locations.csv", "services.csv")):
            return False
        header = (
            package.read_bytes(package.csv_members["locations.csv"])
            .split(b"\n", 1)[0]
            .decode("utf-8", "replace")
        )
    except ImportFailed:
        return False
    columns = {c.strip() for c in header.split(",")}
    return {"short_desc", "admin_emails"} <= columns or {"short_desc", "virtual"} <= columns
