"""The streaming import: rows are read lazily and written in batches, yet a bad row late in
a big table still fails the whole import with its line, and nothing stays written."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from commonweal.directory import importer, table_import
from commonweal.directory.hsds_reader import read_datapackage, stream_datapackage
from commonweal.directory.importer import import_tables, import_tabular
from commonweal.directory.models import Organization, Service
from commonweal.directory.table_import import ImportState, TableCheck
from commonweal.directory.tabular import ImportFailed, Row, SourceRef
from commonweal.directory.tests.hsds_fixtures import HSDS3_CSV, write_table
from commonweal.directory.validation import MODELS

ORG = "11111111-1111-4111-8111-111111111111"
SERVICE_HEADER = ["id", "organization_id", "name", "status"]


def service_id(n: int) -> str:
    return str(uuid.UUID(int=0x22222222_2222_4222_8222_000000000000 + n))


def write_package(folder: Path, services: int) -> Path:
    """An organisation and `services` services: line n + 1 of services.csv is service n."""
    folder.mkdir()
    write_table(folder / "organizations.csv", [["id", "name"], [ORG, "Big Directory Org"]])
    rows = [SERVICE_HEADER]
    rows += [[service_id(n), ORG, f"Service {n}", "active"] for n in range(1, services + 1)]
    write_table(folder / "services.csv", rows)
    return folder


def test_it_reads_rows_one_at_a_time(tmp_path: Path) -> None:
    package = write_package(tmp_path / "pkg", services=4)
    with (package / "services.csv").open("a", encoding="utf-8") as handle:
        handle.write("not,enough\r\n")  # line 6: a shape problem at the very end
    with stream_datapackage(package) as tables:
        rows = tables.rows("service")
        first = next(rows)
        # The first row is in hand before the reader has reached the bad last line.
        assert first.values["id"] == service_id(1)
        assert first.ref == SourceRef("services.csv", 2)
        assert tables.issues == []
        rest = list(rows)
    assert [row.ref.line for row in rest] == [3, 4, 5]
    assert [str(issue) for issue in tables.issues] == [
        "services.csv, line 6: row has 2 values but the header has 4 columns"
    ]


def test_it_hands_over_each_full_batch_before_the_table_ends() -> None:
    everything_exists = lambda table, ids: set(ids)  # noqa: E731 - every reference is found
    state = ImportState(existing=everything_exists)
    batches: list[int] = []
    check = TableCheck("service", state, lambda rows: batches.append(len(rows)), batch_size=3)
    for n in range(1, 8):
        check.add(
            Row(
                "service",
                {"id": service_id(n), "organization_id": ORG, "name": f"S{n}", "status": "active"},
                SourceRef("services.csv", n + 1),
            )
        )
        if n == 3:
            assert batches == [3]  # written while rows 4.. are still unread
    check.finish(lambda: iter(()))
    assert batches == [3, 3, 1]
    assert state.issues == []


@pytest.mark.django_db(transaction=True)
def test_a_bad_row_late_in_a_big_table_rolls_back_every_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_import, "BATCH", 50)
    package = write_package(tmp_path / "pkg", services=240)
    rows = [SERVICE_HEADER]
    rows += [[service_id(n), ORG, f"Service {n}", "active"] for n in range(1, 241)]
    rows[230][1] = "not-a-uuid"  # service 230, line 231
    write_table(package / "services.csv", rows)
    written: list[int] = []
    real_write = importer._write_table

    def counting_write(table: str, batch: list, *args: object, **kwargs: object) -> int:
        written.append(len(batch))
        return real_write(table, batch, *args, **kwargs)

    monkeypatch.setattr(importer, "_write_table", counting_write)
    with pytest.raises(ImportFailed) as failed, stream_datapackage(package) as tables:
        import_tables(tables, source="test")

    assert [str(issue) for issue in failed.value.issues] == [
        "services.csv, line 231, column organization_id: "
        "'not-a-uuid' is not a UUID (expected 8-4-4-4-12 hexadecimal digits)"
    ]
    assert sum(written) >= 200  # four batches of services were written before line 231
    assert Service.objects.count() == 0
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_a_duplicate_late_in_a_table_rejects_the_written_first_copy_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_import, "BATCH", 10)
    package = write_package(tmp_path / "pkg", services=30)
    rows = [SERVICE_HEADER]
    rows += [[service_id(n), ORG, f"Service {n}", "active"] for n in range(1, 31)]
    rows.append([service_id(2), ORG, "Service 2 again", "active"])  # line 32
    write_table(package / "services.csv", rows)

    with stream_datapackage(package) as tables:
        summary = import_tables(tables, source="test", skip_invalid=True)

    assert [str(issue) for issue in summary.rejected] == [
        f"services.csv, line 3, column id: duplicate id {service_id(2)}: service rows must "
        "have unique ids (also on services.csv, line 32)",
        f"services.csv, line 32, column id: duplicate id {service_id(2)}: service rows must "
        "have unique ids (also on services.csv, line 3)",
    ]
    assert summary.counts("service").created == 29
    assert summary.counts("service").rejected == 2
    # The first copy went out in the first batch; it is not left behind.
    assert not Service.objects.filter(id=service_id(2)).exists()
    assert Service.objects.count() == 29


@pytest.mark.django_db
def test_streaming_imports_what_reading_all_at_once_imports() -> None:
    with stream_datapackage(HSDS3_CSV) as tables:
        streamed = import_tables(tables, source="stream", dry_run=True)
    whole = import_tabular(read_datapackage(HSDS3_CSV), source="whole", dry_run=True)
    assert streamed.as_dict()["tables"] == whole.as_dict()["tables"]
    assert streamed.total.created > 0
    assert all(model.objects.count() == 0 for model in MODELS.values())  # dry runs


@pytest.mark.django_db
def test_a_shape_problem_met_while_streaming_fails_the_import_as_the_reader_would(
    tmp_path: Path,
) -> None:
    package = write_package(tmp_path / "pkg", services=3)
    with (package / "services.csv").open("a", encoding="utf-8") as handle:
        handle.write('"unclosed,quote\r\n')
    with pytest.raises(ImportFailed) as streamed, stream_datapackage(package) as tables:
        import_tables(tables, source="test")
    with pytest.raises(ImportFailed) as whole:
        read_datapackage(package)
    assert [str(i) for i in streamed.value.issues] == [str(i) for i in whole.value.issues]
    assert Service.objects.count() == 0
