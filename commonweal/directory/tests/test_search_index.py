"""The text index stays in step with the directory on every write path."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import QuerySet
from django.utils import translation

from commonweal.directory import editing, sources
from commonweal.directory.importer import import_tabular
from commonweal.directory.models import (
    Attribute,
    Language,
    Organization,
    Service,
    ServiceAtLocation,
)
from commonweal.directory.search import engine, index
from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.search.text import index_text, normalise, stems
from commonweal.directory.search.types import SearchRequest
from commonweal.directory.tests.search_directory import add, build_search_directory, term

HSDS3 = Path(__file__).parent / "fixtures" / "hsds3" / "csv"


@pytest.fixture
def directory(db):
    reset_dictionary()
    # English labels ("Spanish", "1.2 mi"), whatever language an earlier test left active.
    with translation.override("en"):
        yield build_search_directory()
    reset_dictionary()


def found(q: str) -> list[str]:
    return [hit.name for hit in engine.search(SearchRequest(q=q)).hits]


def test_text_is_normalised_and_stemmed_in_both_languages() -> None:
    assert normalise("Médico, ¿DÓNDE?") == "medico donde"
    assert set(stems("renta")) == {"renta", "rent"}
    assert stems("pantries") == ("pantri",)
    # Stop words leave no trace; nothing but letters and digits survives.
    assert index_text('the "food" * NEAR( OR -pantries') == "food near pantri"


def test_writes_mark_documents_and_a_refresh_rebuilds_them(directory) -> None:
    # Every service written by the builder was marked by the database's triggers.
    assert index.refresh() == 10
    assert index.indexed_count() == Service.objects.count() == 10
    assert index.refresh() == 0  # nothing left to do
    Service.objects.filter(pk=directory.dental.pk).update(description="Braces for teens.")
    assert index.refresh() == 1


def test_a_partner_edit_is_searchable_at_once(directory, organization, partner_staff) -> None:
    service = add(organization, "Quiet Corner")
    assert found("quinceanera") == []
    editing.update_service(
        service, by=partner_staff, changes={"description": "Quinceañera dresses to borrow."}
    )
    assert found("quinceanera") == ["Quiet Corner"]
    editing.update_service(service, by=partner_staff, changes={"name": "Dress Closet"})
    assert found("quinceanera") == ["Dress Closet"]
    assert found("corner") == []


def test_languages_set_by_a_partner_are_indexed(directory, organization, partner_staff) -> None:
    service = add(organization, "Northside Hall")
    editing.set_languages(
        service, by=partner_staff, languages=[editing.LanguageInput(name="Tagalog", code="tl")]
    )
    assert "Northside Hall" in found("tagalog")


def test_organisation_rename_reindexes_its_services(directory) -> None:
    directory.organization.name = "Caridades Arquidiocesanas"
    directory.organization.save()
    assert "Rent Relief Program" in found("arquidiocesanas")


def test_a_new_category_on_a_service_is_indexed(directory) -> None:
    assert "Justice for All Society" not in found("notary")
    Attribute.objects.create(
        link_id=directory.legal.id, link_entity="service", taxonomy_term=term("1388")
    )
    assert "Justice for All Society" in found("notary")


def test_a_deleted_service_leaves_the_index(directory) -> None:
    assert found("cleanings") == ["Downtown Smiles"]
    directory.dental.delete()
    assert found("cleanings") == []
    assert index.indexed_count() == Service.objects.count()


def test_deleting_an_organisation_removes_its_services(directory) -> None:
    Organization.objects.filter(pk=directory.organization.pk).delete()
    assert found("rent") == []
    assert index.indexed_count() == Service.objects.count() == 4


def test_a_bulk_update_without_signals_is_seen(directory) -> None:
    Service.objects.filter(pk=directory.legal.pk).update(name="Tenant Defense Project")
    assert found("tenant defense")[0] == "Tenant Defense Project"


def test_a_renamed_category_is_seen(directory) -> None:
    from commonweal.directory.models import TaxonomyTerm

    TaxonomyTerm.objects.filter(pk=term("1375").pk).update(name="Abogacía gratuita")
    assert "Justice for All Society" in found("abogacia")


def test_a_language_removed_is_forgotten(directory) -> None:
    Language.objects.filter(service=directory.vietnamese_counseling, code="vi").delete()
    assert "Family Wellness Center" not in found("vietnamese")


def test_an_import_is_indexed_in_the_same_transaction(db) -> None:
    import_tabular(sources.read(HSDS3), source="hsds3")
    # The importer refreshed the index itself: nothing is left for the first search.
    assert index.indexed_count() == Service.objects.count() > 0
    assert index.refresh() == 0
    service = Service.objects.get(name="Community Counselling")
    hits = engine.search(SearchRequest(q="counselling anxiety"))
    assert service.pk in {hit.service_id for hit in hits.hits}


def test_a_reimport_that_changes_a_description_reindexes(db, tmp_path) -> None:
    import_tabular(sources.read(HSDS3), source="hsds3")
    data = sources.read(HSDS3)
    row = next(r for r in data["service"] if r.values["name"] == "Community Counselling")
    row.values["description"] = "Walk-in sessions for grieving teenagers."
    import_tabular(data, source="hsds3")
    assert "Community Counselling" in found("teenagers")


def test_a_dry_run_import_leaves_no_documents(db) -> None:
    import_tabular(sources.read(HSDS3), source="hsds3", dry_run=True)
    assert index.indexed_count() == 0


def test_reindex_command_rebuilds_a_damaged_index(directory) -> None:
    index.refresh()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {index.DOC_TABLE}")
    assert found("cleanings") == []
    out = StringIO()
    call_command("reindex", stdout=out)
    assert "Indexed 10 services" in out.getvalue()
    assert found("cleanings") == ["Downtown Smiles"]


def test_the_migration_builds_the_index_for_existing_rows(directory) -> None:
    # The migration's own function, run again over data already stored.
    from importlib import import_module

    migration = import_module("commonweal.directory.migrations.0003_search_index")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {index.DOC_TABLE}")
        if not index.is_postgres():
            cursor.execute(f"DELETE FROM {index.FTS_TABLE}")

    class Apps:
        @staticmethod
        def get_model(app: str, name: str):
            return Service

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.create_and_fill(Apps, editor)
    assert index.indexed_count() == 10


def test_a_busy_database_postpones_the_refresh_but_not_the_search(directory, monkeypatch) -> None:
    from django.db import OperationalError

    index.refresh()

    def busy(limit=None):
        raise OperationalError("database is locked")

    monkeypatch.setattr(index, "refresh", busy)
    Service.objects.filter(pk=directory.dental.pk).update(description="Braces for teens.")
    # The old document is still searched; the mark waits for the next refresh.
    assert found("cleanings") == ["Downtown Smiles"]
    monkeypatch.undo()
    assert found("braces") == ["Downtown Smiles"]


def _active_rows() -> QuerySet:
    return ServiceAtLocation.objects.filter(service__status="active")


def _by_location(found: list) -> dict:
    """sal id → (service id, name, scores): what the engine reads of each row."""
    return {row[0]: (row[1], row[5], tuple(round(x, 6) for x in row[6])) for row in found}


def test_documents_ranked_first_find_what_the_joined_statement_finds(directory) -> None:
    index.refresh()
    expressions = [
        (index.match_expression([stems("pantry")]), 1.0),
        (index.phrases_expression([[stems("food")]]), 0.3),
    ]
    joined = index.weighted_text_candidates(_active_rows(), 500, expressions)
    first = index.weighted_text_candidates(_active_rows(), 500, expressions, narrow=False)
    assert _by_location(first) == _by_location(joined)
    names = {row[5] for row in first}
    assert {"Little Havana Food Pantry", "Hialeah Community Pantry"} <= names
    assert directory.defunct_pantry.name not in names  # inactive: not among the rows


def test_documents_ranked_first_rank_more_when_the_best_fail_the_rows(directory) -> None:
    # Better matches than any active pantry, all inactive: the first documents ranked
    # are all skipped, and the search ranks more until it has its rows.
    for n in range(3):
        add(directory.organization, f"Pantry Pantry {n}", description="Pantry.", status="inactive")
    index.refresh()
    expressions = [(index.match_expression([stems("pantry")]), 1.0)]
    joined = index.weighted_text_candidates(_active_rows(), 2, expressions)
    first = index.weighted_text_candidates(_active_rows(), 2, expressions, narrow=False)
    assert len(first) == 2
    assert _by_location(first) == _by_location(joined)
    assert not any(row[5].startswith("Pantry Pantry") for row in first)
