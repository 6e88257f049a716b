"""A bulk import writes its rows without one trigger mark each and indexes what it
inserted once; the triggers are back for every later write; services without any location
are known per index generation."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation

from commonweal.directory import sources
from commonweal.directory.importer import import_tabular
from commonweal.directory.models import Location, Organization, Service, ServiceAtLocation
from commonweal.directory.search import engine, index
from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.search.types import SearchRequest

HSDS3 = Path(__file__).parent / "fixtures" / "hsds3" / "csv"


@pytest.fixture(autouse=True)
def _fresh_dictionary():
    reset_dictionary()
    with translation.override("en"):
        yield
    reset_dictionary()


def _marks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {index.DIRTY_TABLE}")
        return int(cursor.fetchone()[0])


def test_an_import_leaves_no_marks_and_indexes_every_service(db) -> None:
    import_tabular(sources.read(HSDS3), source="hsds3")
    assert _marks() == 0
    assert index.indexed_count() == Service.objects.count() > 0
    # The insert triggers are back: a write after the import is marked as before.
    organization = Organization.objects.first()
    Service.objects.create(organization=organization, name="Tool Library", status="active")
    assert _marks() == 1
    assert index.refresh() == 1


def test_a_failed_import_keeps_the_insert_triggers(db, monkeypatch) -> None:
    from commonweal.directory import importer

    real_insert = importer._insert

    def failing_insert(model, rows):
        real_insert(model, rows)
        if model is Service:  # after some rows were written with the triggers off
            raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        import_tabular(sources.read(HSDS3), source="hsds3")
    assert Service.objects.count() == 0
    organization = Organization.objects.create(name="Neighbours")
    Service.objects.create(organization=organization, name="Tool Library", status="active")
    assert _marks() == 1


def test_a_service_without_location_is_found_until_it_gets_one(db) -> None:
    organization = Organization.objects.create(name="Warmline Network")
    hotline = Service.objects.create(
        organization=organization, name="Evening Warmline", status="active"
    )
    assert [h.name for h in engine.search(SearchRequest(q="warmline")).hits] == ["Evening Warmline"]
    assert hotline.pk in index.unplaced_services()
    location = Location.objects.create(name="Office", latitude=25.77, longitude=-80.19)
    ServiceAtLocation.objects.create(service=hotline, location=location)
    # The new location marked the service, so the next search sees a new generation.
    hits = engine.search(SearchRequest(q="warmline")).hits
    assert [h.service_at_location_id is not None for h in hits] == [True]
    assert hotline.pk not in index.unplaced_services()
