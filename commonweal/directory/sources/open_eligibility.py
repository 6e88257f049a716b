"""The Open Eligibility taxonomy (v2.0, Aunt Bertha, CC BY-SA 3.0) as HSDS taxonomy rows,
and the categories it gives to services that carry another vocabulary's codes.

Open Eligibility has two facets, kept as two HSDS taxonomies so that "the categories" are
exactly the eleven top-level service terms:

- "Open Eligibility": what a service does (Emergency, Food, Housing, … Legal; 4 levels);
- "Open Eligibility Situations": who it is for (Age Group > Seniors, Survivors > …; 2 levels).

Every term keeps its Open Eligibility id as its HSDS `code`, with a stable uuid5 id. The
source has one duplicated id: 1206 is both "Medical Care" (level 2) and its own child
"Primary Care" (level 3). The first row keeps the code; a later row reusing an id gets a
letter suffix ("1206a" is Primary Care) and children of "1206" hang under Medical Care.

`categorize` maps source codes to Open Eligibility terms with a mapping table kept as
data (`data/airs_to_open_eligibility.csv`: code prefix → term codes, longest prefix
wins, an empty right-hand side means "no category"). The AIRS/211 taxonomy is licensed,
so the table holds AIRS *codes* only, never AIRS term names.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from commonweal.directory.sources.ids import attribute_row, hsds_row, stable_uuid
from commonweal.directory.tabular import ImportFailed, ImportIssue, Row, SourceRef, TabularData

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BUNDLED_FILE = DATA_DIR / "open_eligibility.csv"
MAPPING_FILES = {"airs": DATA_DIR / "airs_to_open_eligibility.csv"}

SOURCE = "open-eligibility"
TAXONOMY_NAME = "Open Eligibility"
SITUATIONS_TAXONOMY_NAME = "Open Eligibility Situations"
TAXONOMY_ID = stable_uuid(SOURCE, "taxonomy", "services")
SITUATIONS_TAXONOMY_ID = stable_uuid(SOURCE, "taxonomy", "situations")
# link_type of the attributes `categorize` adds: what a service does / who it is for.
CATEGORY_LINK_TYPE = "service_category"
SITUATION_LINK_TYPE = "service_situation"

COLUMNS = ("id", "title", "level", "parent_id", "facet", "path", "description")
_UPSTREAM = "https://github.com/auntbertha/openeligibility"
_TAXONOMIES = {
    "service": (
        TAXONOMY_ID,
        TAXONOMY_NAME,
        "Open Eligibility human services taxonomy v2.0 (2014): the kinds of help a "
        "service gives. By Aunt Bertha, Inc. (now findhelp), CC BY-SA 3.0.",
    ),
    "situation": (
        SITUATIONS_TAXONOMY_ID,
        SITUATIONS_TAXONOMY_NAME,
        "Open Eligibility human situations v2.0 (2014): the people and circumstances a "
        "service is for. By Aunt Bertha, Inc. (now findhelp), CC BY-SA 3.0.",
    ),
}
# Which taxonomies hold each vocabulary's source codes: a word in the taxonomy's name
# (Miami's is "Open211 Miami - AIRS").
_VOCABULARY_MARKERS = {"airs": re.compile(r"\bairs\b", re.IGNORECASE)}


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    facet: str
    path: str
    parent_code: str
    description: str
    ref: SourceRef


def term_id(code: str) -> str:
    """The HSDS id of the Open Eligibility term with this code ("1130", "1206a")."""
    return stable_uuid(SOURCE, "taxonomy_term", code)


def detect(path: Path) -> bool:
    """True for the Open Eligibility flat CSV (or a folder holding exactly one)."""
    try:
        file = _find_file(path)
        return file is not None and _header(file) == COLUMNS
    except OSError:
        return False


def read(path: Path | None = None) -> TabularData:
    """The taxonomy and term rows of Open Eligibility (the bundled copy by default)."""
    file = BUNDLED_FILE if path is None else _find_file(path)
    if file is None:
        raise ImportFailed([ImportIssue(str(path), None, None, "no Open Eligibility CSV found")])
    terms = _parse(file)
    data: TabularData = {"taxonomy": [], "taxonomy_term": []}
    ref = SourceRef(str(file), 1)
    for facet in ("service", "situation"):
        taxonomy_id, name, description = _TAXONOMIES[facet]
        data["taxonomy"].append(
            hsds_row(
                "taxonomy",
                {
                    "id": taxonomy_id,
                    "name": name,
                    "description": description,
                    "uri": _UPSTREAM,
                    "version": "2.0",
                },
                ref,
            )
        )
    for term in terms:
        taxonomy_id, taxonomy_name, _ = _TAXONOMIES[term.facet]
        data["taxonomy_term"].append(
            hsds_row(
                "taxonomy_term",
                {
                    "id": term_id(term.code),
                    "code": term.code,
                    "name": term.name,
                    "description": _description(term),
                    "parent_id": term_id(term.parent_code) if term.parent_code else "",
                    "taxonomy": taxonomy_name,
                    "taxonomy_id": taxonomy_id,
                    "language": "en",
                },
                term.ref,
                {"code": "id", "name": "title", "parent_id": "parent_id"},
            )
        )
    return data


@cache
def bundled_terms() -> dict[str, Term]:
    """The bundled taxonomy's terms by code (after the duplicate-id fix)."""
    return {t.code: t for t in _parse(BUNDLED_FILE)}


def _find_file(path: Path) -> Path | None:
    """`path` itself, or the one CSV in folder `path` with the Open Eligibility header."""
    if not path.is_dir():
        return path if path.is_file() else None
    matches = [c for c in sorted(path.glob("*.csv")) if _header(c) == COLUMNS]
    return matches[0] if len(matches) == 1 else None


def _header(file: Path) -> tuple[str, ...]:
    with file.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        return tuple(h.strip() for h in next(csv.reader(handle), []))


def _parse(file: Path) -> list[Term]:
    name = str(file)
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = file.read_bytes()[: error.start].count(b"\n") + 1
        raise ImportFailed([ImportIssue(name, line, None, "not UTF-8 text")]) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportFailed([ImportIssue(name, 1, c, "required column is missing") for c in missing])
    issues: list[ImportIssue] = []
    terms: list[Term] = []
    seen: dict[str, int] = {}  # source id → times seen so far
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1  # a quoted field may span lines
        values = dict(zip(header, (field.strip() for field in record), strict=False))
        if not any(values.values()):
            continue
        source_id, title, facet = (
            values.get("id", ""),
            values.get("title", ""),
            values.get("facet", ""),
        )
        for column, value in (("id", source_id), ("title", title)):
            if not value:
                issues.append(ImportIssue(name, line, column, "must not be empty"))
        if facet not in _TAXONOMIES:
            issues.append(
                ImportIssue(name, line, "facet", f"must be 'service' or 'situation', not {facet!r}")
            )
        if not source_id or not title or facet not in _TAXONOMIES:
            continue
        count = seen.get(source_id, 0)
        seen[source_id] = count + 1
        # A reused id (the 1206 bug) gets a letter suffix; the first row keeps the id.
        code = source_id if count == 0 else f"{source_id}{chr(ord('a') + count - 1)}"
        terms.append(
            Term(
                code=code,
                name=title,
                facet=facet,
                path=values.get("path", "") or title,
                parent_code=values.get("parent_id", ""),
                description=values.get("description", ""),
                ref=SourceRef(name, line),
            )
        )
    codes = {t.code: t for t in terms}
    for term in terms:
        parent = codes.get(term.parent_code)
        if term.parent_code and parent is None:
            issues.append(
                ImportIssue(
                    name, term.ref.line, "parent_id", f"unknown parent id {term.parent_code!r}"
                )
            )
        elif parent is not None and parent.facet != term.facet:
            issues.append(
                ImportIssue(name, term.ref.line, "parent_id", "the parent is in the other facet")
            )
    if issues:
        raise ImportFailed(issues)
    return terms


def _description(term: Term) -> str:
    # Upstream describes only the 11 top-level service terms; HSDS requires a
    # description, so the others state their place in the tree.
    kind = "service category" if term.facet == "service" else "situation"
    return term.description or f"Open Eligibility {kind}: {term.path}."


# --- categories from another vocabulary's codes ---------------------------------------


@dataclass(frozen=True)
class Mapping:
    prefix: str
    codes: tuple[str, ...]
    line: int


@cache
def mapping(vocabulary: str = "airs") -> tuple[Mapping, ...]:
    """The mapping table of `vocabulary`, longest prefix first."""
    file = MAPPING_FILES.get(vocabulary)
    if file is None:
        raise ValueError(f"no Open Eligibility mapping for vocabulary {vocabulary!r}")
    known = bundled_terms()
    issues: list[ImportIssue] = []
    rows: list[Mapping] = []
    with file.open(encoding="utf-8", newline="") as handle:
        for line, values in enumerate(csv.DictReader(handle), start=2):
            prefix = values["source_code_prefix"].strip()
            codes = tuple(values["open_eligibility_codes"].split())
            unknown = [c for c in codes if c not in known]
            if not prefix or unknown:
                issues.append(
                    ImportIssue(
                        str(file), line, "open_eligibility_codes", f"unknown codes {unknown}"
                    )
                )
            rows.append(Mapping(prefix, codes, line))
    if issues:
        raise ImportFailed(issues)
    return tuple(sorted(rows, key=lambda m: (-len(m.prefix), m.prefix)))


def map_code(code: str, vocabulary: str = "airs") -> tuple[str, ...]:
    """Open Eligibility codes for one source code (the longest matching prefix wins)."""
    return _map_code(code.strip().upper(), vocabulary)


@cache
def _map_code(code: str, vocabulary: str) -> tuple[str, ...]:
    for entry in mapping(vocabulary):
        if _has_prefix(code, entry.prefix):
            return entry.codes
    return ()


def _has_prefix(code: str, prefix: str) -> bool:
    # AIRS codes are "BD", "BD-1800", "BD-1800.2000", "BD-1800.2000-640": below the
    # two-letter level a prefix must end at a "-" or "." so "LN-15" never matches "LN-1500".
    if not code.startswith(prefix):
        return False
    return len(code) == len(prefix) or len(prefix) <= 2 or code[len(prefix)] in "-."


def categorize(data: TabularData, vocabulary: str = "airs") -> None:
    """Give every service tagged with `vocabulary` codes its Open Eligibility terms.

    Adds one attribute per (service, term) — link_type "service_category" for the
    services facet, "service_situation" for situations — with ids derived from what they
    link, so running it twice (or on a re-read) adds nothing new. Adds the Open
    Eligibility taxonomy rows when `data` lacks them.
    """
    marker = _VOCABULARY_MARKERS.get(vocabulary)
    if marker is None:
        raise ValueError(f"no Open Eligibility mapping for vocabulary {vocabulary!r}")
    taxonomy_ids = {
        r.values["id"] for r in data.get("taxonomy", []) if marker.search(r.values.get("name", ""))
    }
    source_codes = {
        r.values["id"]: r.values["code"]
        for r in data.get("taxonomy_term", [])
        if r.values.get("taxonomy_id") in taxonomy_ids
        or marker.search(r.values.get("taxonomy", ""))
    }
    terms = bundled_terms()
    present = {r.values["id"] for r in data.get("attribute", [])}
    added: list[Row] = []
    for attribute in list(data.get("attribute", [])):
        values = attribute.values
        if (
            values.get("link_entity") != "service"
            or values.get("taxonomy_term_id") not in source_codes
        ):
            continue
        for code in map_code(source_codes[values["taxonomy_term_id"]], vocabulary):
            row = category_attribute(values["link_id"], code, attribute.ref, terms)
            if row.values["id"] not in present:
                present.add(row.values["id"])
                added.append(row)
    data.setdefault("attribute", []).extend(added)
    if added:
        add_taxonomy(data)


def category_attribute(
    service_id: str, code: str, ref: SourceRef, terms: dict[str, Term] | None = None
) -> Row:
    """The attribute linking a service to the Open Eligibility term `code`."""
    term = (terms or bundled_terms())[code]
    return attribute_row(
        source=SOURCE,
        link_entity="service",
        link_id=service_id,
        taxonomy_term_id=term_id(code),
        link_type=CATEGORY_LINK_TYPE if term.facet == "service" else SITUATION_LINK_TYPE,
        value="",
        ref=ref,
    )


def add_taxonomy(data: TabularData) -> None:
    """Add the Open Eligibility taxonomy and term rows that `data` does not have yet."""
    for table, rows in read().items():
        present = data.setdefault(table, [])
        ids = {r.values["id"] for r in present}
        present.extend(r for r in rows if r.values["id"] not in ids)
