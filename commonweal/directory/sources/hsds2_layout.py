"""Which files an HSDS 1.x / 2.0 package may hold and the columns each must have."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from commonweal.directory.sources.tabular_package import CsvTable, Package
from commonweal.directory.tabular import ImportFailed, ImportIssue

_SCHEMA_DIR = Path(__file__).resolve().parent.parent / "hsds_schema"

# HSDS 1.x tables that 2.0.1 renamed or restructured; their required columns are those of
# the HSDS 1.1 template datapackage.json (which both shared data sets ship).
_V1_TABLES: dict[str, tuple[str, ...]] = {
    "regular_schedules.csv": ("id", "weekday"),
    "holiday_schedules.csv": ("id", "closed", "start_date", "end_date"),
    "services_taxonomy.csv": ("id", "service_id", "taxonomy_id"),
    "taxonomy.csv": ("id", "name"),
}

# 2.0.1 requires these but the 1.x packages it replaced lack them; we derive them instead.
_NOT_REQUIRED = {("metadata.csv", "resource_type")}

# Files whose presence says "this is the pre-3.0 layout" (3.0 renamed all of them).
_V2_MARKERS = {
    "services_at_location.csv",
    "physical_addresses.csv",
    "postal_addresses.csv",
    "regular_schedules.csv",
    "holiday_schedules.csv",
    "services_taxonomy.csv",
    "accessibility_for_disabilities.csv",
    "payments_accepted.csv",
    "service_attributes.csv",
    "other_attributes.csv",
    "eligibility.csv",
    "taxonomy.csv",
}


@cache
def layout() -> dict[str, tuple[str, ...]]:
    """File name → required columns, from the HSDS 2.0.1 descriptor plus the 1.x tables."""
    descriptor = json.loads((_SCHEMA_DIR / "datapackage-2.0.1.json").read_text(encoding="utf-8"))
    files: dict[str, tuple[str, ...]] = {}
    for resource in descriptor["resources"]:
        path = resource["path"]
        files[path] = tuple(
            f["name"]
            for f in resource["schema"]["fields"]
            if f.get("constraints", {}).get("required") and (path, f["name"]) not in _NOT_REQUIRED
        )
    files.update(_V1_TABLES)
    return files


def check_layout(package: Package) -> dict[str, CsvTable]:
    """Read every CSV of the package, or raise ImportFailed naming each unknown file,
    missing required file and missing required column."""
    known = layout()
    issues: list[ImportIssue] = []
    tables: dict[str, CsvTable] = {}
    for name, member in sorted(package.csv_members.items()):
        if name not in known:
            issues.append(
                ImportIssue(
                    package.display(member),
                    None,
                    None,
                    "unknown file: not a table of HSDS 1.x or 2.0",
                )
            )
            continue
        try:
            table = package.table(name)
        except ImportFailed as failed:
            issues.extend(failed.issues)
            continue
        assert table is not None
        for column in known[name]:
            if column not in table.header:
                issues.append(ImportIssue(table.display, 1, column, "required column is missing"))
        tables[name] = table
    for required in ("organizations.csv", "services.csv"):
        if required not in package.csv_members:
            issues.append(
                ImportIssue(package.display(required), None, None, "required file is missing")
            )
    if issues:
        raise ImportFailed(issues)
    return tables


def looks_like_hsds2(package: Package) -> bool:
    if not (package.has("organizations.csv") and package.has("services.csv")):
        return False
    if any(package.has(m) for m in _V2_MARKERS):
        return True
    descriptor = package.descriptor() or {}
    return str(descriptor.get("version", "")).startswith(("1", "2"))
