"""SAMHSA treatment facilities and HRSA health center sites (via OEPS) as HSDS 3.0 rows.

Four public-domain extracts, recognised by their header, as a folder of them or one file
(`.csv` or `.csv.gz`):

| file (kind)                         | source  | service name               | categories          |
|-------------------------------------|---------|----------------------------|---------------------|
| mental_health_facilities            | samhsa  | Mental health treatment    | Counseling (1220)   |
| substance_use_treatment_facilities  | samhsa  | Substance use treatment    | Addiction & Recovery|
| opioid_treatment_programs           | samhsa  | Opioid treatment program   | … + Outpatient      |
| hrsa_fqhc_sites                     | hrsa    | Community health center    | Primary Care, Discounted Healthcare |

Each row becomes an organization (the facility's `name1`, one per name and state), a
location with its coordinates and address, a service (the kind's name, plus the locator's
`name2` — a program or branch — after a dash; "DBA x" becomes the alternate name), a
service_at_location, its phones, and attributes linking the service to its Open
Eligibility category and situation (mental illness, substance dependency).

The rows have no ids, so ids are uuid5s of a key made from the row's content
(`stable_uuid(source, table, key)`): a location's key is
"STATE|name1|street1|street2|city|zip5" (normalised: lower case, runs of anything but
letters and digits → one space), a service's key is "kind|<location key>|name2", an
organization's "STATE|name1". A re-read of the same rows gives the same ids; rows
repeating a key (the mental health file repeats 344) are one facility: the first
row's values win and phone numbers are merged.

Quirks handled: ZIPs that lost their leading zeros are padded; the unnamed first column
(R row names) is ignored; the opioid file is Windows-1252, not UTF-8; the HRSA file has
HTML entities ("&amp;") and phone extensions ("305-517-6613 x303"); website "http://"
alone means none. The HRSA extract has no ZIP codes, and HSDS requires one on an address,
so HRSA sites get no address row: their street address is the location's description and
their position is the geocoded point.

`read(path, county=..., state=...)` keeps one county: the mental health and substance
use files name it; for the opioid and HRSA rows, which do not, the county is the one
those files give for the same ZIP code, else for the same city (when at least 90% of the
facilities there agree), else the majority among the three nearest facilities that name
one (same state). For the 230 Florida HRSA/opioid sites that this or the county of the
nearest 2020 Census tract population centre puts in Miami-Dade, the two agree on 229
(the other is on the Broward line; measured once, with ../shared/data).
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from commonweal.directory.sources import open_eligibility
from commonweal.directory.sources.ids import hsds_row, stable_uuid
from commonweal.directory.tabular import ImportFailed, ImportIssue, Row, SourceRef, TabularData


@dataclass(frozen=True)
class Kind:
    name: str
    source: str
    # Columns that identify the file; `fields` maps our field → the file's column.
    fields: dict[str, str]
    service_name: str
    description: str
    categories: tuple[str, ...]
    situations: tuple[str, ...] = ()


_LOCATOR = (
    "listed in SAMHSA's Behavioral Health Treatment Services Locator (findtreatment.gov) "
    "in {year}, as compiled by the Opioid Environment Policy Scan (OEPS, "
    "doi:10.5281/zenodo.5842465). The listing does not say which treatments, payment "
    "options or hours are offered: call before you go."
)

KINDS: tuple[Kind, ...] = (
    Kind(
        name="mental_health",
        source="samhsa",
        fields={
            "name": "name1",
            "program": "name2",
            "street1": "street1",
            "street2": "street2",
            "city": "city",
            "state": "state",
            "zip": "zip",
            "county": "county",
            "phone": "phone",
            "intake_prompt": "intake_prompt",
            "intake1": "intake1",
            "intake2": "intake2",
            "website": "website",
            "latitude": "latitude",
            "longitude": "longitude",
            "type_facility": "type_facility",
        },
        service_name="Mental health treatment",
        description="Mental health treatment facility " + _LOCATOR.format(year=2020),
        categories=("1220",),  # Health > Medical Care > Prevent & Treat > Counseling
        situations=("20051",),  # Health > Mental Illness
    ),
    Kind(
        name="substance_use",
        source="samhsa",
        fields={
            "name": "name1",
            "program": "name2",
            "street1": "street1",
            "street2": "street2",
            "city": "city",
            "state": "state",
            "zip": "zip",
            "county": "county",
            "latitude": "latitude",
            "longitude": "longitude",
        },
        service_name="Substance use treatment",
        description="Substance use treatment facility " + _LOCATOR.format(year=2021),
        categories=("1178",),  # Health > Addiction & Recovery
        situations=("20050",),  # Health > Substance Dependency
    ),
    Kind(
        name="opioid_treatment",
        source="samhsa",
        fields={
            "name": "ID",
            "street1": "ADDRESS",
            "city": "CITY",
            "state": "STATE",
            "zip": "POSTAL",
            "latitude": "Latitude",
            "longitude": "Longitude",
        },
        service_name="Opioid treatment program",
        description=(
            "Opioid treatment program: a SAMHSA-certified program that treats opioid use "
            "disorder with medication, listed in SAMHSA's Opioid Treatment Program "
            "Directory in 2021, as compiled by the Opioid Environment Policy Scan (OEPS, "
            "doi:10.5281/zenodo.5842465). Call to ask about admission, payment and hours."
        ),
        categories=("1178", "1181"),  # Addiction & Recovery; … > Outpatient Treatment
        situations=("20050",),
    ),
    Kind(
        name="fqhc",
        source="hrsa",
        fields={
            "name": "name",
            "state": "st_abbr",
            "city": "city",
            "street1": "address",
            "phone": "phone",
            "testing_status": "testing_status",
            "longitude": "lon",
            "latitude": "lat",
        },
        service_name="Community health center",
        description=(
            "Federally Qualified Health Center site, listed by the Health Resources and "
            "Services Administration (HRSA) in 2020, as compiled by the Opioid "
            "Environment Policy Scan (OEPS, doi:10.5281/zenodo.5842465). Health centers "
            "give primary care and charge on a sliding fee scale based on income. Call to "
            "ask which services this site offers and when it is open."
        ),
        categories=("1206a", "1201"),  # Medical Care > Primary Care; … > Discounted Healthcare
    ),
)

_ORGANIZATION_DESCRIPTIONS = {
    "samhsa": "Behavioral health treatment provider listed by SAMHSA (US Substance Abuse "
    "and Mental Health Services Administration).",
    "hrsa": "Health center site listed by HRSA (US Health Resources and Services "
    "Administration) as a Federally Qualified Health Center.",
}

_WORDS = re.compile(r"[^a-z0-9]+")
_PHONE = re.compile(r"^\s*(?P<number>[^x]*?)\s*(?:x\s*(?P<ext>\d+))?\s*$", re.IGNORECASE)
_ZIP = re.compile(r"^\s*(\d{1,5})(?:-?(\d{4}))?\s*$")


@dataclass
class Facility:
    kind: Kind
    ref: SourceRef
    values: dict[str, str]
    phones: list[tuple[str, str, str]] = field(default_factory=list)  # number, ext, description

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @cached_property
    def zip5(self) -> str:
        match = _ZIP.match(self.get("zip"))
        return match.group(1).zfill(5) if match else ""

    @cached_property
    def location_key(self) -> str:
        parts = ("name", "street1", "street2", "city")
        return "|".join(
            [self.get("state").upper(), *(_norm(self.get(p)) for p in parts), self.zip5]
        )

    @cached_property
    def service_key(self) -> str:
        return f"{self.kind.name}|{self.location_key}|{_norm(self.get('program'))}"

    def point(self) -> tuple[float, float] | None:
        try:
            lat, lon = float(self.get("latitude")), float(self.get("longitude"))
        except ValueError:
            return None
        return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def detect(path: Path) -> bool:
    """True for one of the four facility files, or a folder holding at least one."""
    try:
        return any(_kind_of(_header(f)) for f in _candidates(path))
    except (OSError, ImportFailed, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
        return False


def read(path: Path, *, county: str | None = None, state: str | None = None) -> TabularData:
    """HSDS rows for the facilities in `path`, optionally only one state and/or county
    ("Miami-Dade", matched ignoring case, punctuation and a trailing "County")."""
    return _to_hsds(_merge_duplicates(_select(path, county=county, state=state)))


def source_lines(
    path: Path, *, county: str | None = None, state: str | None = None
) -> dict[Path, list[int]]:
    """The lines (where each kept record starts) that `read` with these filters uses, per
    file: how the demo bundle cuts its Miami-Dade subset out of the national files."""
    lines: dict[Path, list[int]] = {}
    for facility in _select(path, county=county, state=state):
        lines.setdefault(Path(facility.ref.file), []).append(facility.ref.line)
    return lines


def write_subset(file: Path, lines: Iterable[int], dest: Path) -> int:
    """Write the header and the records of `file` that start on `lines` to `dest`
    (`.csv.gz`, UTF-8, values unchanged — quirks included). Returns the record count."""
    wanted = set(lines)
    reader = csv.reader(io.StringIO(_text(file), newline=""))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(next(reader))
    count, start = 0, reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if line in wanted:
            writer.writerow(record)
            count += 1
    # mtime=0: the same input gives the same bytes, so the bundle diffs only on real change.
    dest.write_bytes(gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    return count


def _select(path: Path, *, county: str | None, state: str | None) -> list[Facility]:
    files = [f for f in _candidates(path) if _kind_of(_header(f))]
    if not files:
        raise ImportFailed(_unrecognised(path))
    wanted_state = state.strip().upper() if state else None
    facilities = [f for file in files for f in _read_file(file, state=wanted_state)]
    if county:
        wanted = _norm_county(county)
        resolve = _county_resolver(facilities)
        facilities = [f for f in facilities if resolve(f) == wanted]
    return facilities


# --- reading --------------------------------------------------------------------------


def _candidates(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.name.endswith((".csv", ".csv.gz")))
    return [path]


def _text(file: Path) -> str:
    raw = gzip.decompress(file.read_bytes()) if file.name.endswith(".gz") else file.read_bytes()
    if not raw.strip():
        raise ImportFailed([ImportIssue(str(file), None, None, "the file is empty")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # The OEPS opioid file is Windows-1252 ("Clínica"); nothing else decodes both.
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFailed(
            [ImportIssue(str(file), line, None, "neither UTF-8 nor Windows-1252 text")]
        ) from error


def _header(file: Path) -> list[str]:
    """The first row's cells, reading only the start of the file (detection looks at
    every CSV in a folder, some of them large)."""
    opener = gzip.open if file.name.endswith(".gz") else open
    with opener(file, "rb") as handle:
        head = handle.read(8192).split(b"\n", 1)[0]
    text = head.decode("utf-8-sig", errors="replace")
    return [h.strip() for h in next(csv.reader([text]), [])]


def _unrecognised(path: Path) -> list[ImportIssue]:
    """Why `path` holds no facility file: for one file that is nearly one, its missing columns."""
    if path.is_file():
        _text(path)  # raises for an empty or undecodable file: the more useful message
        header = set(_header(path))
        kind = max(KINDS, key=lambda k: len(header & set(k.fields.values())))
        missing = [c for c in kind.fields.values() if c not in header]
        if len(missing) < len(kind.fields) / 2:
            return [
                ImportIssue(str(path), 1, c, f"required column is missing (a {kind.name} file)")
                for c in missing
            ]
    return [ImportIssue(str(path), 1, None, "no SAMHSA/HRSA facility file found (unknown header)")]


def _kind_of(header: list[str]) -> Kind | None:
    columns = set(header)
    # Most specific first: the mental health file has every substance use column too.
    for kind in sorted(KINDS, key=lambda k: -len(k.fields)):
        if set(kind.fields.values()) <= columns:
            return kind
    return None


def _read_file(file: Path, *, state: str | None = None) -> Iterator[Facility]:
    text = _text(file)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    kind = _kind_of(header)
    if kind is None:
        raise ImportFailed(
            [ImportIssue(str(file), 1, None, "not a SAMHSA/HRSA facility file (unknown header)")]
        )
    index = {column: i for i, column in enumerate(header)}
    state_at = index[kind.fields["state"]]
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1  # a quoted field may span lines
        if not any(cell.strip() for cell in record):
            continue
        # Checked before any cleaning: a one-state read of the whole country stays fast.
        if state and (state_at >= len(record) or record[state_at].strip().upper() != state):
            continue
        values = {
            name: _clean(record[index[column]]) if index[column] < len(record) else ""
            for name, column in kind.fields.items()
        }
        facility = Facility(kind, SourceRef(str(file), line), values)
        for name, description in (("phone", ""), ("intake1", "Intake"), ("intake2", "Intake")):
            phone = _phone(values.get(name, ""))
            if phone:
                prompt = values.get("intake_prompt") if name != "phone" else ""
                facility.phones.append((*phone, prompt or description))
        yield facility


def _clean(value: str) -> str:
    return " ".join(html.unescape(value).split())


def _norm(value: str) -> str:
    return _WORDS.sub(" ", value.lower()).strip()


def _norm_county(value: str) -> str:
    words = _norm(value).split()
    if words and words[-1] in {"county", "parish", "borough"}:
        words = words[:-1]
    return " ".join("st" if w == "saint" else w for w in words)


def _phone(value: str) -> tuple[str, str] | None:
    match = _PHONE.match(value)
    if not match or sum(ch.isdigit() for ch in match.group("number")) < 7:
        return None
    return match.group("number").strip(), match.group("ext") or ""


def _website(value: str) -> str:
    value = value.strip()
    if value.lower().rstrip("/") in {"", "http:", "https:"}:
        return ""
    return value if re.match(r"^https?://", value, re.IGNORECASE) else f"http://{value}"


def _merge_duplicates(facilities: Iterable[Facility]) -> list[Facility]:
    merged: dict[str, Facility] = {}
    for facility in facilities:
        first = merged.setdefault(facility.service_key, facility)
        if first is not facility:
            first.phones.extend(p for p in facility.phones if p not in first.phones)
    return list(merged.values())


def _county_resolver(facilities: list[Facility]) -> Callable[[Facility], str]:
    """A function giving a facility's normalised county, from its own column or, for files
    without one, from the facilities that have one: same ZIP, else same city when they
    agree on it, else the 3 nearest."""
    labelled = [f for f in facilities if f.get("county")]
    by_zip: dict[tuple[str, str], Counter[str]] = {}
    by_city: dict[tuple[str, str], Counter[str]] = {}
    by_state: dict[str, list[tuple[float, float, str]]] = {}
    for f in labelled:
        county = _norm_county(f.get("county"))
        by_zip.setdefault((f.get("state").upper(), f.zip5), Counter())[county] += 1
        by_city.setdefault((f.get("state").upper(), _norm(f.get("city"))), Counter())[county] += 1
        point = f.point()
        if point:
            by_state.setdefault(f.get("state").upper(), []).append((*point, county))

    def resolve(f: Facility) -> str:
        if f.get("county"):
            return _norm_county(f.get("county"))
        state = f.get("state").upper()
        counts = by_zip.get((state, f.zip5)) if f.zip5 else None
        if counts:
            return counts.most_common(1)[0][0]
        # A city name is good evidence only when the facilities there agree (cities can
        # straddle counties, and some names recur within a state).
        counts = by_city.get((state, _norm(f.get("city"))))
        if counts and counts.most_common(1)[0][1] >= 0.9 * counts.total():
            return counts.most_common(1)[0][0]
        point = f.point()
        if point is None or not by_state.get(state):
            return ""
        scale = math.cos(math.radians(point[0]))
        nearest = sorted(
            by_state[state], key=lambda p: (p[0] - point[0]) ** 2 + ((p[1] - point[1]) * scale) ** 2
        )[:3]
        votes = Counter(p[2] for p in nearest)
        best = max(votes.values())
        # Ties go to the nearest facility's county.
        return next(p[2] for p in nearest if votes[p[2]] == best)

    return resolve


# --- mapping to HSDS ------------------------------------------------------------------


def _to_hsds(facilities: list[Facility]) -> TabularData:
    data: TabularData = {}
    seen: set[tuple[str, str]] = set()
    terms = open_eligibility.bundled_terms()

    def add(row: Row) -> None:
        key = (row.table, row.values["id"])
        if key not in seen:
            seen.add(key)
            data.setdefault(row.table, []).append(row)

    for f in facilities:
        kind, ref, source = f.kind, f.ref, f.kind.source
        columns = kind.fields
        organization_id = stable_uuid(
            source, "organization", f"{f.get('state').upper()}|{_norm(f.get('name'))}"
        )
        location_id = stable_uuid(source, "location", f.location_key)
        service_id = stable_uuid(source, "service", f.service_key)
        add(
            hsds_row(
                "organization",
                {
                    "id": organization_id,
                    "name": f.get("name"),
                    "description": _ORGANIZATION_DESCRIPTIONS[source],
                },
                ref,
                {"name": columns["name"]},
            )
        )
        street = ", ".join(
            p for p in (f.get("street1"), f.get("street2"), f.get("city"), f.get("state")) if p
        )
        add(
            hsds_row(
                "location",
                {
                    "id": location_id,
                    "location_type": "physical",
                    "organization_id": organization_id,
                    "name": f.get("name"),
                    # No ZIP, so no HSDS address (see the module docstring).
                    "description": street if not f.zip5 else "",
                    # Kept as written: validation reports a bad value against its column.
                    "latitude": f.get("latitude"),
                    "longitude": f.get("longitude"),
                },
                ref,
                {
                    "name": columns["name"],
                    "latitude": columns["latitude"],
                    "longitude": columns["longitude"],
                },
            )
        )
        if f.zip5 and f.get("street1"):
            add(
                hsds_row(
                    "address",
                    {
                        "id": stable_uuid(source, "address", f.location_key),
                        "location_id": location_id,
                        "address_1": f.get("street1"),
                        "address_2": f.get("street2"),
                        "city": f.get("city"),
                        "state_province": f.get("state").upper(),
                        "postal_code": f.zip5,
                        "country": "US",
                        "address_type": "physical",
                    },
                    ref,
                    {
                        k: columns.get(v, v)
                        for k, v in (
                            ("address_1", "street1"),
                            ("address_2", "street2"),
                            ("city", "city"),
                            ("state_province", "state"),
                            ("postal_code", "zip"),
                        )
                    },
                )
            )
        program = f.get("program")
        doing_business_as = program[4:].strip() if program.lower().startswith("dba ") else ""
        name = (
            kind.service_name
            if not program or doing_business_as
            else f"{kind.service_name} – {program}"
        )
        add(
            hsds_row(
                "service",
                {
                    "id": service_id,
                    "organization_id": organization_id,
                    "name": name,
                    "alternate_name": doing_business_as,
                    "description": kind.description,
                    "url": _website(f.get("website")),
                    "status": "active",
                },
                ref,
                {
                    "name": columns.get("program", columns["name"]),
                    "url": columns.get("website", "website"),
                },
            )
        )
        add(
            hsds_row(
                "service_at_location",
                {
                    "id": stable_uuid(source, "service_at_location", f.service_key),
                    "service_id": service_id,
                    "location_id": location_id,
                },
                ref,
            )
        )
        for number, extension, description in f.phones:
            add(
                hsds_row(
                    "phone",
                    {
                        "id": stable_uuid(source, "phone", f"{f.service_key}|{number}|{extension}"),
                        "service_id": service_id,
                        "number": number,
                        "extension": extension,
                        "type": "voice",
                        "description": description,
                    },
                    ref,
                    {"number": columns.get("phone", "phone")},
                )
            )
        for code in (*kind.categories, *kind.situations):
            add(open_eligibility.category_attribute(service_id, code, ref, terms))
    if data.get("attribute"):
        open_eligibility.add_taxonomy(data)
    return data
