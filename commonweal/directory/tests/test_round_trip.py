"""Import → export → import is lossless: every field of every directory model comes back.

`Url` is left out of the comparison: it is HSDS 3.1's table, which HSDS 3.0 (and so the
export) has no place for, and no 3.0 import creates one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonweal.directory.export import export_directory
from commonweal.directory.hsds_json import TABLE_MODELS
from commonweal.directory.models import Metadata

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HSDS3_EXAMPLE = FIXTURES / "hsds3" / "csv"
MIAMI_FIXTURE = FIXTURES / "miami-211"


def snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every stored field of every row of every HSDS table, keyed by table and id."""
    return {
        table: {row["id"]: row for row in model.objects.values()}
        for table, model in TABLE_MODELS.items()
    }


def wipe_directory() -> None:
    for model in TABLE_MODELS.values():
        model.objects.all().delete()


def round_trip(data: Any, tmp_path: Path) -> None:
    """Import `data`, export it, re-import the export over the original (nothing may
    change), then import it into an empty directory and compare every field."""
    from commonweal.directory.hsds_reader import read_datapackage
    from commonweal.directory.importer import import_tabular

    import_tabular(data, source="original")
    before = snapshot()
    assert before["service"], "the source must hold services"
    export = tmp_path / "export"
    summary = export_directory(export, validate=True)
    assert summary.rows["service"] == len(before["service"])

    metadata_rows = Metadata.objects.count()
    again = import_tabular(read_datapackage(export), source="export")
    assert (again.total.created, again.total.updated, again.total.rejected) == (0, 0, 0)
    assert again.total.unchanged == sum(len(rows) for rows in before.values())
    assert Metadata.objects.count() == metadata_rows

    wipe_directory()
    assert snapshot()["service"] == {}
    fresh = import_tabular(read_datapackage(export), source="export")
    assert fresh.total.created == sum(len(rows) for rows in before.values())
    after = snapshot()
    for table in TABLE_MODELS:
        assert after[table] == before[table], table
    assert summary.problems == [], summary.problems[:10]


@pytest.mark.django_db
def test_it_round_trips_the_hsds_3_example_losslessly(tmp_path) -> None:
    from commonweal.directory.hsds_reader import read_datapackage

    round_trip(read_datapackage(HSDS3_EXAMPLE), tmp_path)


@pytest.mark.django_db
def test_it_round_trips_the_miami_211_fixture_losslessly(tmp_path) -> None:
    from commonweal.directory.sources import miami211

    round_trip(miami211.read(MIAMI_FIXTURE), tmp_path)


@pytest.mark.django_db
def test_it_round_trips_a_directory_with_every_table_filled(tmp_path) -> None:
    """Built through the models rather than an importer, so every optional field is set
    (times with seconds, decimals with cents, a child term, attributes on a location)."""
    from commonweal.directory.hsds_reader import read_datapackage
    from commonweal.directory.importer import import_tabular
    from commonweal.directory.tests.directory_builder import build_full_service, build_taxonomy

    _, _, term = build_taxonomy()
    for i in range(2):
        build_full_service(name=f"Pantry {i}", term=term)
    before = snapshot()
    export_directory(tmp_path / "export")
    wipe_directory()

    import_tabular(read_datapackage(tmp_path / "export"), source="export")

    after = snapshot()
    for table in TABLE_MODELS:
        assert after[table] == before[table], table


@pytest.mark.django_db
def test_it_reimports_services_json_over_the_directory_without_a_change(tmp_path) -> None:
    """services.json says the same as the CSV files: read back by the HSDS JSON reader,
    every record it holds is already there, field for field."""
    from commonweal.directory.hsds_json_reader import read_hsds_json
    from commonweal.directory.hsds_reader import read_datapackage
    from commonweal.directory.importer import import_tabular

    import_tabular(read_datapackage(HSDS3_EXAMPLE), source="original")
    export_directory(tmp_path / "export")

    summary = import_tabular(read_hsds_json(tmp_path / "export" / "services.json"), source="json")

    assert (summary.total.created, summary.total.updated, summary.total.rejected) == (0, 0, 0)
    assert summary.total.unchanged > 10


@pytest.mark.django_db
def test_it_round_trips_the_bundled_demo_directory_losslessly(tmp_path) -> None:
    """The issue's proof on the demo data (about 4,400 services, 38,000 attributes),
    including that every exported record conforms to the official HSDS 3.0 schemas."""
    from commonweal.directory.demo import read_demo
    from commonweal.directory.hsds_reader import read_datapackage
    from commonweal.directory.importer import import_tabular

    import_tabular(read_demo(), source="demo")
    before = snapshot()
    summary = export_directory(tmp_path / "export", validate=True)
    assert summary.problems == [], summary.problems[:10]
    again = import_tabular(read_datapackage(tmp_path / "export"), source="export")
    assert (again.total.created, again.total.updated, again.total.rejected) == (0, 0, 0)
    wipe_directory()

    import_tabular(read_datapackage(tmp_path / "export"), source="export")

    after = snapshot()
    assert len(after["service"]) > 4000
    for table in TABLE_MODELS:
        assert after[table] == before[table], table
