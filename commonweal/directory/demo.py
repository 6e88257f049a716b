"""The bundled demo directory: Miami 211 plus the SAMHSA/HRSA facilities in Miami-Dade,
with Open Eligibility categories, loaded in one all-or-nothing import.

Everything `make run` needs ships in `data/demo/` (≈ 2 MB), so it needs nothing from
../shared: `miami-211.zip` is the Open211 Miami HSDS datapackage (datapackage.json +
data/*.csv, unchanged; CC BY-SA 4.0) and `facilities/*.csv.gz` are the Miami-Dade, FL
rows of the four SAMHSA/HRSA files in their original layout (public domain).
`build_bundle` remakes both from ../shared/data, byte for byte.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from django.db.models import Count

from commonweal.directory.importer import ImportSummary, import_tabular
from commonweal.directory.models import Organization, OrganizationIdentifier, Service, Taxonomy
from commonweal.directory.sources import miami211, open_eligibility, samhsa
from commonweal.directory.tabular import TabularData

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"
MIAMI_ZIP = DEMO_DIR / "miami-211.zip"
FACILITIES_DIR = DEMO_DIR / "facilities"
SOURCE = "demo"
# The facilities kept from the national files (the county as SAMHSA spells it).
COUNTY, STATE = "Miami-Dade", "FL"
FACILITY_FILES = (
    "hrsa_fqhc_sites.csv",
    "mental_health_facilities.csv",
    "opioid_treatment_programs.csv",
    "substance_use_treatment_facilities.csv",
)

Progress = Callable[[str, int, int], None]


def read_demo() -> TabularData:
    """The demo directory as one TabularData (nothing written)."""
    return merge(
        open_eligibility.read(),
        miami211.read(MIAMI_ZIP),
        samhsa.read(FACILITIES_DIR),
    )


def load_demo(*, progress: Progress | None = None) -> ImportSummary:
    """Import the demo directory in one transaction; a second run changes nothing."""
    return import_tabular(read_demo(), source=SOURCE, updated_by="load_demo", progress=progress)


def demo_is_loaded() -> bool:
    """Whether the directory already holds the demo (its taxonomy and both its sources)."""
    return (
        Taxonomy.objects.filter(id=open_eligibility.TAXONOMY_ID).exists()
        and OrganizationIdentifier.objects.filter(
            identifier__startswith=f"{miami211.SOURCE}:"
        ).exists()
        and Service.objects.filter(description__contains="SAMHSA").exists()
    )


def partner_organizations() -> tuple[Organization, Organization | None]:
    """Two demo organizations for the demo logins (partner staff belong to the first):
    the two Miami 211 agencies with the most services, so the demo has listings to edit."""
    ranked = (
        Organization.objects.filter(
            organization_identifiers__identifier__startswith=f"{miami211.SOURCE}:"
        )
        .annotate(service_count=Count("services", distinct=True))
        .order_by("-service_count", "name", "id")[:2]
    )
    found = list(ranked)
    if not found:
        raise LookupError("the demo directory is not loaded")
    return found[0], (found[1] if len(found) > 1 else None)


def merge(*parts: TabularData) -> TabularData:
    """One TabularData from several; a row repeated with the same id and values (the
    Open Eligibility rows every reader adds) is kept once. Rows that share an id but
    differ are all kept, so validation reports the clash with both places."""
    merged: TabularData = {}
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for part in parts:
        for table, rows in part.items():
            target = merged.setdefault(table, [])
            for row in rows:
                key = (table, row.values.get("id", ""))
                if seen.get(key) == row.values:
                    continue
                seen.setdefault(key, row.values)
                target.append(row)
    return merged


def build_bundle(shared_data: Path, dest: Path = DEMO_DIR) -> dict[str, int]:
    """Remake the demo bundle from ../shared/data; returns rows (or files) per bundle file."""
    dest.mkdir(parents=True, exist_ok=True)
    counts = {"miami-211.zip": _zip_package(shared_data / "hsds-miami-211", dest / MIAMI_ZIP.name)}
    source = shared_data / "samhsa-treatment-facilities"
    lines = samhsa.source_lines(source, county=COUNTY, state=STATE)
    (dest / FACILITIES_DIR.name).mkdir(exist_ok=True)
    for name in FACILITY_FILES:
        target = dest / FACILITIES_DIR.name / f"{name}.gz"
        counts[target.name] = samhsa.write_subset(
            source / name, lines.get(source / name, []), target
        )
    return counts


def _zip_package(folder: Path, target: Path) -> int:
    members = [folder / "datapackage.json", *sorted((folder / "data").glob("*.csv"))]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member in members:
            # A fixed timestamp: the same files give the same zip bytes.
            info = zipfile.ZipInfo(
                member.relative_to(folder).as_posix(), date_time=(2019, 7, 29, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.read_bytes(), compresslevel=9)
    return len(members)
