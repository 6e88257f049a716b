from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonweal.accounts.models import AuditEvent
from commonweal.directory import sources
from commonweal.directory.models import Location, Service
from commonweal.directory.tests.hsds_fixtures import HSDS3, HSDS3_CSV, copy_package, set_cell
from commonweal.directory.validation import MODELS

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(command: str, *args: str) -> tuple[str, CommandError]:
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue(), failed.value


def table_row(out: str, name: str) -> list[str]:
    """The cells of the summary table's row for `name`."""
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if cells[0] == name:
            return cells
    raise AssertionError(f"no row {name!r} in:\n{out}")


def directory_counts() -> dict[str, int]:
    return {table: model.objects.count() for table, model in MODELS.items()}


def test_it_imports_a_package_and_prints_a_summary() -> None:
    out, _ = run("import_hsds", str(HSDS3_CSV))

    assert "format hsds" in out
    assert "Import summary" in out
    assert table_row(out, "service") == ["service", "1", "0", "0", "0"]
    assert table_row(out, "total") == ["total", "21", "0", "0", "0"]
    assert Service.objects.count() == 1


def test_it_records_the_import_in_the_audit_log() -> None:
    run("import_hsds", str(HSDS3_CSV))

    event = AuditEvent.objects.get(action="import")
    assert event.object_id == "hsds"
    assert event.detail["total"]["created"] == 21
    assert event.detail["path"] == str(HSDS3_CSV)


def test_a_reimport_reports_everything_unchanged() -> None:
    run("import_hsds", str(HSDS3_CSV))

    out, _ = run("import_hsds", str(HSDS3_CSV))

    assert table_row(out, "total") == ["total", "0", "0", "21", "0"]


def test_it_imports_hsds_json() -> None:
    run("import_hsds", str(HSDS3 / "service_full.json"))

    assert Service.objects.get().name == "Community Counselling"


def test_rejected_rows_abort_with_file_line_column_and_write_nothing(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    set_cell(package, "locations.csv", "latitude", "100")

    out, error = fails("import_hsds", str(package))

    assert "locations.csv, line 2, column latitude: latitude 100 is outside -90..90" in out
    assert "and 7 rows that depend on it were rejected too (" in out
    assert "service_at_location.csv line 2" in out
    assert "points at location" not in out  # the follow-on rejections are collapsed
    assert error.returncode == 1
    assert "1 problem found (and 7 more rows rejected as a result)" in str(error)
    assert "nothing was imported" in str(error)
    assert set(directory_counts().values()) == {0}
    assert not AuditEvent.objects.filter(action="import").exists()


def test_unreadable_input_is_reported_without_a_traceback(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    (package / "phones.csv").write_bytes(b"")

    out, error = fails("import_hsds", str(package))

    assert "phones.csv: file is empty" in out
    assert error.returncode == 1


def test_skip_invalid_imports_the_rest_and_writes_a_report_in_the_working_folder(
    tmp_path: Path, monkeypatch
) -> None:
    package = copy_package(tmp_path)
    set_cell(package, "locations.csv", "latitude", "100")
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)

    out, _ = run("import_hsds", str(package), "--skip-invalid")

    report = workdir / "csv-rejects.csv"
    assert f"Rejected rows written to {report}" in out
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert {
        "file": "locations.csv",
        "line": "2",
        "column": "latitude",
        "reason": "latitude 100 is outside -90..90",
        "caused_by": "",
    } == rows[0]
    # every follow-on rejection is kept, marked with the row that caused it
    assert {row["file"] for row in rows[1:]} >= {"service_at_location.csv", "phones.csv"}
    assert {row["caused_by"] for row in rows[1:]} == {"locations.csv:2"}
    assert Service.objects.count() == 1
    assert Location.objects.count() == 0


def test_skip_invalid_writes_the_report_where_asked(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    set_cell(package, "schedules.csv", "opens_at", "25:00")
    report = tmp_path / "out" / "rejects.csv"
    report.parent.mkdir()

    run("import_hsds", str(package), "--skip-invalid", "--report", str(report))

    assert "'25:00' is not a time" in report.read_text(encoding="utf-8")


def test_a_dry_run_writes_nothing() -> None:
    out, _ = run("import_hsds", str(HSDS3_CSV), "--dry-run")

    assert "Dry run: nothing was written." in out
    assert set(directory_counts().values()) == {0}
    assert not AuditEvent.objects.exists()


def test_an_explicit_format_is_used(tmp_path: Path) -> None:
    out, error = fails("import_hsds", str(HSDS3_CSV), "--format", "hsds-json")

    assert error.returncode == 1
    assert "could not be read" in str(error)


def test_an_unavailable_format_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = sources.Format(
        "ghost", "not installed", "commonweal.directory.sources.ghost:read", None
    )
    monkeypatch.setitem(sources.FORMATS, "ghost", missing)

    with pytest.raises(sources.ImportFailed) as failed:
        sources.read(HSDS3_CSV, "ghost")

    assert "format ghost is not available" in failed.value.issues[0].message


def test_detection_names_the_formats_when_nothing_matches(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("hello", encoding="utf-8")

    out, error = fails("import_hsds", str(odd))

    assert "cannot tell which format this is; pass --format with one of:" in out
    assert "hsds-json" in out


def test_a_datapackage_json_path_means_its_package() -> None:
    assert sources.detect(HSDS3_CSV / "datapackage.json") == "hsds"
    assert len(sources.read(HSDS3_CSV / "datapackage.json")["service"]) == 1


def test_validate_accepts_the_example() -> None:
    out, _ = run("validate_hsds", str(HSDS3_CSV))

    assert out.startswith("OK: 21 rows in 21 tables (hsds)")
    assert set(directory_counts().values()) == {0}


def test_validate_lists_problems_and_fails(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    set_cell(package, "services.csv", "status", "open")

    out, error = fails("validate_hsds", str(package))

    assert "services.csv, line 2, column status: 'open' is not one of" in out
    assert error.returncode == 1
    assert set(directory_counts().values()) == {0}


def test_validate_checks_references_against_the_directory(tmp_path: Path) -> None:
    run("import_hsds", str(HSDS3_CSV))
    package = tmp_path / "services-only"
    package.mkdir()
    (package / "services.csv").write_bytes((HSDS3_CSV / "services.csv").read_bytes())

    out, _ = run("validate_hsds", str(package))

    assert out.startswith("OK: 1 row in 1 table")


def test_the_commonweal_console_command_maps_import_to_import_hsds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from commonweal import cli

    monkeypatch.setattr(sys, "argv", ["commonweal"])
    cli.main(["import", str(HSDS3_CSV), "--dry-run"])

    assert "Dry run: nothing was written." in capsys.readouterr().out


def test_a_bad_id_is_listed_before_the_references_it_breaks(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    set_cell(package, "services.csv", "id", "zz148810-d857-441c-9679-408f346de14b")

    out, error = fails("import_hsds", str(package))

    problems = [line for line in out.splitlines()[1:] if line.strip()]
    assert problems[0].startswith("services.csv, line 2, column id: 'zz148810")
    assert "is not a UUID" in problems[0]
    assert problems[1].startswith("attributes.csv, line 2, column link_id: no service has id")
    assert problems[2].startswith("  and the same on 9 more rows (contacts.csv line 2, ")
    assert len(problems) == 3
    assert "11 problems found; nothing was imported" in str(error)


def test_an_empty_file_or_folder_says_so(tmp_path: Path) -> None:
    empty_file = tmp_path / "services.json"
    empty_file.write_bytes(b"")
    empty_folder = tmp_path / "export"
    empty_folder.mkdir()
    (empty_folder / "README.md").write_text("notes", encoding="utf-8")

    file_out, file_error = fails("import_hsds", str(empty_file))
    folder_out, _ = fails("import_hsds", str(empty_folder))

    assert "services.json: file is empty" in file_out
    assert "cannot tell" not in file_out
    assert "(1 problem);" in str(file_error)
    assert "export: folder has no data files" in folder_out


def test_validate_counts_in_the_singular_and_plural(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    set_cell(package, "services.csv", "status", "open")

    _, error = fails("validate_hsds", str(package))

    assert str(error) == (
        "21 rows checked (hsds): 1 problem found (and 10 more rows rejected as a result)."
    )
