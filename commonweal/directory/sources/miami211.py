"""Reads the Open211 Miami directory (an HSDS 1.x-layout package) into HSDS 3.0 rows.

The generic HSDS 1.x/2.0 mapping (hsds2.Converter) plus what this data set needs, each
found by reading the files and the tool that made them (openreferral/hsds-transformer's
Open211MiamiTransformer), and written up in docs/data-import.md:

- ids are small integers reused across tables → uuid5 per table (ids.stable_uuid);
- a service's organization_id may name a child agency that is not an organization, and
  every location's organization_id is its own id → both resolved up the agency tree;
- eligibility.csv has neither ids nor service ids (the transformer deduplicated the texts
  after losing the link), so it cannot be attached to services and is not imported;
- regular_schedules.csv was derived from each service's `original_text` by a parser that
  misreads multi-part hours, so hours are parsed again from that text (`parse_hours`);
- taxonomy codes are AIRS/211 LA codes, a licensed taxonomy: kept as opaque codes only;
- text went through a UTF-8 → code page 437 round trip ("AttorneyGÇÖs"): repaired where
  the damage is unambiguous;
- 1,829 locations have no coordinates: placed at their ZIP code's centroid and flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from commonweal.directory.sources import hsds2, ids
from commonweal.directory.sources.cleaning import clean_text
from commonweal.directory.sources.hours_text import (
    WEEKDAYS,
    parse_time,
    parse_time_range,
    weekday_code,
)
from commonweal.directory.sources.hsds2 import WeeklyHours
from commonweal.directory.sources.hsds2_layout import check_layout, looks_like_hsds2
from commonweal.directory.sources.tabular_package import CsvRecord, CsvTable, Package
from commonweal.directory.tabular import ImportFailed, TabularData

SOURCE = "miami-211"
VOCABULARY = "Open211 Miami - AIRS"

# ---------------------------------------------------------------------------------------
# Text: undo the UTF-8 → code page 437 mojibake.

_CP437 = bytes(range(256)).decode("cp437")
# "’" is E2 80 99; read as code page 437 that is "Γ", "Ç", "Ö", and the export turned "Γ"
# into "G". So "GÇ" + one character is a three-byte punctuation mark (’ “ ” – — …).
_THREE_BYTE = re.compile("GÇ([" + re.escape(_CP437[0x80:0xC0]) + "])")
# Two-byte letters where the damaged form has one reading only. "+¦" stands for ñ, ó
# and ú alike, so it is left as it is.
_TWO_BYTE = {"+í": "á", "+¡": "í", "+¬": "é", "+º": "ç", "+Æ": "Ò", "-á": " ", "-«": "®", "-¬": "©"}
_TWO_BYTE_RE = re.compile("|".join(re.escape(k) for k in _TWO_BYTE))


def repair_text(value: str) -> str:
    """ "AttorneyGÇÖs" → "Attorney’s", "Caf+¬" → "Café"."""
    if not value or value.isascii():
        return value

    def three(match: re.Match[str]) -> str:
        byte = _CP437.index(match[1])
        try:
            return bytes([0xE2, 0x80, byte]).decode("utf-8")
        except UnicodeDecodeError:
            return match[0]

    value = _THREE_BYTE.sub(three, value)
    value = value.replace("\u200b", "")  # zero-width spaces the repair brings back
    return _TWO_BYTE_RE.sub(lambda m: _TWO_BYTE[m[0]], value)


# ---------------------------------------------------------------------------------------
# Hours: "9:00am-5:00pm, Mon-Fri;\n9:00am-12:00pm, Sat" → weekly periods.


@dataclass(frozen=True)
class Period:
    days: frozenset[str]  # MO..SU
    opens_at: str  # "HH:MM"
    closes_at: str  # "HH:MM", "" when only a start time is given ("9:30am, Sat")
    notes: str  # the heading it was under and any qualifier: "Walk-In Hours; by appointment"


_T = r"(?:\d{1,2}(?::\d{1,2}){0,2}|\d{3,4})\s*(?:a\.?m\.?|p\.?m\.?|a|p)?|noon|midnight"
_RANGE = rf"(?P<o>{_T})(?:\s*(?:[-–]\s*)+|\s+to\s+)(?P<c>{_T})|(?P<single>{_T})"
_RANGE_RE = re.compile(_RANGE, re.I)
_TIMES = rf"(?:{_T})(?:\s*(?:[-–]\s*)+(?:{_T})|\s+to\s+(?:{_T}))?"
_SEGMENT_RE = re.compile(
    rf"^(?P<times>{_TIMES}(?:\s*(?:&|/|\band\b|,)\s*{_TIMES})*)"
    r"\s*(?P<q1>\([^()]*\))?\s*[,\-–]?\s*(?P<days>[A-Za-z][A-Za-z ,&.\-–]*?)\s*(?P<q2>\([^()]*\))?\s*[:;.]?$",
    re.I,
)
_TIMES_ONLY_RE = re.compile(
    rf"^(?P<times>{_TIMES}(?:\s*(?:&|/|\band\b|,)\s*{_TIMES})*)\s*[;,]?$", re.I
)
_ALL_DAY_RE = re.compile(
    r"^(?:24\s*hours(?:\s*a\s*day)?|24/7)(?:\s*,?\s*(?P<days>7\s*days\s*a\s*week|daily|[A-Za-z ,&.\-–]+?))?\s*[.;]?$",
    re.I,
)
# A qualifier that names dates ("Feb 9, 16, 23", "1st Tuesday") is not a weekly schedule.
_DATED = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d|\b\d+(st|nd|rd|th)\b|every\s+other",
    re.I,
)


def parse_days(text: str) -> frozenset[str] | None:
    """ "Mon-Fri", "Mon, Wed, Thur", "Tue-Sun", "Mon, Wed-Sun", "7 days a week" → day codes;
    None unless every part of the text is a day or a day range."""
    text = text.strip().rstrip(":;,.").strip()
    if re.fullmatch(r"(?:7\s*days(?:\s*a\s*week)?|daily|every\s*day)", text, re.I):
        return frozenset(WEEKDAYS)
    days: set[str] = set()
    for part in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", text):
        if not part:
            continue
        span = re.fullmatch(r"([A-Za-z]+)\.?\s*[-–]\s*([A-Za-z]+)\.?", part)
        if span:
            first, last = weekday_code(span[1]), weekday_code(span[2])
            if first is None or last is None:
                return None
            i = WEEKDAYS.index(first)
            while True:
                days.add(WEEKDAYS[i])
                if WEEKDAYS[i] == last:
                    break
                i = (i + 1) % 7
        else:
            day = weekday_code(part)
            if day is None:
                return None
            days.add(day)
    return frozenset(days) or None


def _times(text: str) -> list[tuple[str, str]] | None:
    periods = []
    for match in _RANGE_RE.finditer(text):
        if match["single"]:
            start = parse_time(match["single"])
            if start is None:
                return None
            periods.append((start, ""))
        else:
            both = parse_time_range(match["o"], match["c"])
            if both is None:
                return None
            periods.append(both)
    return periods or None


def _qualifier(*parts: str | None) -> str | None:
    """The text of "(by appointment)"-style qualifiers; None if one names dates."""
    texts = [p.strip("() ") for p in parts if p]
    if any(_DATED.search(t) for t in texts):
        return None
    return "; ".join(t for t in texts if t)


def _segment(segment: str) -> tuple[frozenset[str] | None, list[tuple[str, str]], str] | None:
    """(days, [(opens, closes)], qualifier) for one "times, days" segment; days None for
    times alone ("8:00am-12:00pm" before "; 1:00pm-5:00pm, Mon-Fri"); None if neither."""
    all_day = _ALL_DAY_RE.match(segment)
    if all_day:
        days = parse_days(all_day["days"]) if all_day["days"] else frozenset(WEEKDAYS)
        return (days, [("00:00", "23:59")], "") if days else None
    match = _SEGMENT_RE.match(segment)
    if match:
        days = parse_days(match["days"])
        times = _times(match["times"])
        qualifier = _qualifier(match["q1"], match["q2"])
        if days is not None and times is not None and qualifier is not None:
            return days, times, qualifier
    alone = _TIMES_ONLY_RE.match(segment)
    if alone:
        times = _times(alone["times"])
        if times is not None:
            return None, times, ""
    return None


def parse_hours(text: str) -> tuple[list[Period], list[str]]:
    """The weekly opening periods a Miami `original_text` states, and the lines that are
    not one (notes such as "By appointment only", or dated sessions).

    Lines are split at ";" too. A line ending in ":" is a heading for the lines below it
    up to the next blank line ("Walk-In Hours:"). Times that are written without days
    ("8:00am-12:00pm; 1:00pm-5:00pm, Mon-Fri") take the days that follow.
    """
    periods: list[Period] = []
    leftovers: list[str] = []
    heading = ""
    pending: list[tuple[str, str]] = []
    for line in text.split("\n"):
        if not line.strip():
            heading, pending = "", []
            continue
        for piece in line.split(";"):
            segment = piece.strip()
            if not segment:
                continue
            found = _segment(segment)
            inline = re.match(r"^([^:]{2,60}):\s*(\S.*)$", segment)
            if found is None and inline:
                # "After Care: 4:00pm-6:00pm, Mon-Thur" — a heading for this line only.
                found = _segment(inline[2])
                if found is not None and found[0] is not None:
                    found = (
                        found[0],
                        found[1],
                        "; ".join(n for n in (inline[1].strip(), found[2]) if n),
                    )
            if found is None:
                if segment.endswith(":") and len(segment) <= 80:
                    heading, pending = segment[:-1].strip(), []
                else:
                    leftovers.append(segment)
                continue
            days, times, qualifier = found
            if days is None:
                pending.extend(times)
                continue
            notes = "; ".join(n for n in (heading, qualifier) if n)
            for opens, closes in pending + times:
                periods.append(Period(days, opens, closes, notes))
            pending = []
    leftovers.extend(f"{o}-{c}" if c else o for o, c in pending)
    return periods, leftovers


# ---------------------------------------------------------------------------------------
# The converter.


class MiamiConverter(hsds2.Converter):
    # The package has no per-record dates; its files were exported on 2019-07-29 (the
    # data set's README). Pages say "last updated" from this, never the import's date.
    data_as_of = "2019-07-29T00:00:00Z"

    def __init__(self, tables: dict[str, CsvTable]) -> None:
        super().__init__(tables, source=SOURCE)
        organizations = {rec.get("id") for rec in tables.get("organizations.csv", [])}
        parents = {
            rec.get("id"): rec.get("organization_id") for rec in tables.get("services.csv", [])
        }
        self.agency_organization = {
            agency: _top(agency, organizations, parents) for agency in parents
        }
        self.organization_ids = organizations
        # location (3.0 id) → postal code of an address too incomplete for HSDS 3.0
        self.loose_postal_codes: dict[str, str] = {}

    def text(self, value: str) -> str:
        return clean_text(repair_text(value))

    # Every agency record is a service and a location with the same number; a service's
    # organization_id is its parent agency, which may itself be a child agency (447
    # services), and a location's organization_id is its own number (3,015 locations
    # whose agency is not an organization). Both climb to the top-level agency.
    def service_organization(self, rec: CsvRecord) -> str:
        return self.agency_organization.get(rec.get("id")) or rec.get("organization_id")

    def location_organization(self, rec: CsvRecord) -> str:
        agency = rec.get("organization_id")
        if agency in self.organization_ids:
            return agency
        return self.agency_organization.get(agency) or agency

    def taxonomy_description(self, name: str) -> str:
        return (
            "AIRS/211 LA taxonomy codes as 211 Miami assigned them. The AIRS taxonomy is "
            "licensed, so only its codes are kept, as opaque identifiers."
        )

    def term_names(self, code: str, name: str) -> tuple[str, str]:
        # Never the AIRS term name: the code is the name.
        return code, f"{VOCABULARY} code {code}"

    def addresses(self, name: str, kind: str) -> None:
        """HSDS 3.0 needs address_1, city, state and postal code. 35 Miami addresses lack
        some (a ZIP code alone, a Canadian address with no city): those are not imported
        as addresses, but their ZIP code still places the location approximately."""
        table_key = "physical_address" if kind == "physical" else "postal_address"
        for table, rec in self.each(name):
            values = self.address_values(rec, kind)
            if values is None:
                continue
            if not all(values[k] for k in ("address_1", "city", "state_province", "postal_code")):
                if values["postal_code"]:
                    self.loose_postal_codes[values["location_id"]] = values["postal_code"]
                continue
            values["id"] = self.id(table_key, rec.get("id"))
            self.emit("address", values, self.ref(table, rec))

    def regular_hours(self) -> Iterator[WeeklyHours]:
        """Hours parsed again from each service's original_text (one text per service;
        the file repeats it on every weekday row the transformer made from it)."""
        table = self.tables.get("regular_schedules.csv")
        if table is None:
            return
        first: dict[str, CsvRecord] = {}
        for rec in table:
            first.setdefault(rec.get("service_id"), rec)
        for raw_service, rec in first.items():
            text = self.text(rec.get("original_text"))
            owner = {
                "service_id": self.id("service", raw_service),
                "location_id": "",
                "service_at_location_id": "",
            }
            periods, _notes = parse_hours(text)
            if not periods:
                # Nothing weekly in it ("Call for dates and times"): keep the words.
                self.emit(
                    "schedule",
                    dict(owner, id=self.id("schedule", f"{raw_service}|text"), description=text),
                    self.ref(table, rec),
                    {"description": "original_text"},
                )
                continue
            for period in periods:
                for day in sorted(period.days, key=WEEKDAYS.index):
                    yield WeeklyHours(
                        owner=owner,
                        day=day,
                        opens_at=period.opens_at,
                        closes_at=period.closes_at,
                        description=text,
                        notes=period.notes,
                        rec=rec,
                        table=table,
                        source_columns={
                            "byday": "original_text",
                            "opens_at": "original_text",
                            "closes_at": "original_text",
                            "description": "original_text",
                        },
                    )

    def run(self) -> TabularData:
        data = super().run()
        self.place_by_zip(data)
        ids.add_internal_taxonomy(data)
        _categorize(data)
        return data

    def place_by_zip(self, data: TabularData) -> None:
        """Locations without coordinates get their ZIP code's centroid, flagged with an
        `approximate_location` attribute ("zip-centroid:33157")."""
        try:
            from commonweal.directory.sources.geocode import normalize_zip, zip_centroid
        except ImportError:
            return
        postal = dict(self.loose_postal_codes)
        for address in data.get("address", []):
            if address.values["address_type"] == "physical":
                postal.setdefault(address.values["location_id"], address.values["postal_code"])
        for location in data.get("location", []):
            values = location.values
            if values["latitude"] or values["longitude"]:
                continue
            code = postal.get(values["id"], "")
            point = zip_centroid(code) if code else None
            if point is None:
                continue
            values["latitude"], values["longitude"] = f"{point[0]:.6f}", f"{point[1]:.6f}"
            location.source_columns.update(latitude="postal_code", longitude="postal_code")
            data.setdefault("attribute", []).append(
                ids.approximate_location_attribute(
                    source=SOURCE,
                    location_id=values["id"],
                    method=f"zip-centroid:{normalize_zip(code)}",
                    ref=location.ref,
                )
            )


def _top(agency: str, organizations: set[str], parents: dict[str, str]) -> str:
    """The top-level agency (an organization) above `agency`."""
    seen = set()
    while agency not in organizations and agency in parents and agency not in seen:
        seen.add(agency)
        agency = parents[agency]
    return agency


def _categorize(data: TabularData) -> None:
    """Open Eligibility categories from the AIRS codes (helper module; skipped if absent)."""
    try:
        from commonweal.directory.sources.open_eligibility import categorize
    except ImportError:
        return
    categorize(data, vocabulary="airs")


# ---------------------------------------------------------------------------------------
# Entry points for the format registry.


def read(path: Path) -> TabularData:
    """Read the Open211 Miami package (folder or .zip) as HSDS 3.0 rows."""
    package = Package(Path(path))
    tables = check_layout(package)
    return MiamiConverter(tables).run()


def detect(path: Path) -> bool:
    """An HSDS 1.x package whose taxonomy is the "Open211 Miami - AIRS" vocabulary."""
    try:
        package = Package(Path(path))
        if not looks_like_hsds2(package) or not package.has("taxonomy.csv"):
            return False
        member = package.csv_members["taxonomy.csv"]
        head = package.read_bytes(member)[:4096].decode("utf-8", errors="replace")
    except ImportFailed:
        return False
    return VOCABULARY in head
