"""Programmes and mobile routes in the HSDS 3.0 export: the schedule columns a rule maps to
(pure), and an export that validates against the official schema, carries them in the CSV
package and services.json, and round-trips through the importer without change."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from commonweal.directory.export import export_directory
from commonweal.directory.hsds_reader import read_datapackage
from commonweal.directory.importer import import_tabular
from commonweal.directory.models import Location, Program, Schedule, Service
from commonweal.programs import hsds_programmes, routes, schedule

HOUR = dt.timedelta(hours=1)


def _columns(rule: str, **extra):
    return hsds_programmes.schedule(
        first=dt.datetime(2026, 3, 3, 18, 0),
        duration=90 * dt.timedelta(minutes=1),
        time_zone="America/New_York",
        rule=rule,
        exdates=extra.get("exdates", []),
        cancelled=extra.get("cancelled", []),
        title="Support group",
        place="Library",
    )


def test_a_weekly_rule_fills_the_hsds_columns() -> None:
    got = _columns("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20260630")

    assert (got["freq"], got["interval"], got["byday"]) == ("WEEKLY", 2, "TU")
    assert got["until"] == got["valid_to"] == dt.date(2026, 6, 30)
    assert (got["opens_at"], got["closes_at"]) == (dt.time(18, 0), dt.time(19, 30))
    assert got["dtstart"] == dt.date(2026, 3, 3)
    assert got["timezone"] == -5.0  # the offset at the first meeting (EST)
    assert "Every 2 weeks" in got["description"] and "Library" in got["description"]
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20260630" in got["notes"]


def test_a_monthly_rule_by_weekday_keeps_its_position() -> None:
    got = _columns("FREQ=MONTHLY;BYDAY=1TU;COUNT=6")

    assert (got["freq"], got["byday"], got["count"]) == ("MONTHLY", "1TU", 6)


def test_what_hsds_cannot_hold_is_in_notes_and_description_only() -> None:
    daily = _columns("FREQ=DAILY;COUNT=5")
    setpos = _columns("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1;COUNT=3")

    assert "freq" not in daily and "RRULE:FREQ=DAILY;COUNT=5" in daily["notes"]
    assert "Every day" in daily["description"]
    assert "freq" not in setpos and "BYSETPOS=-1" in setpos["notes"]


def test_a_one_off_meeting_is_valid_on_its_day_only() -> None:
    got = _columns("")

    assert got["valid_from"] == got["valid_to"] == dt.date(2026, 3, 3)
    assert "freq" not in got and "Once" in got["description"]


def test_dates_with_no_meeting_and_cancellations_are_said() -> None:
    got = _columns(
        "FREQ=WEEKLY;COUNT=10",
        exdates=["2026-03-10T18:00:00"],
        cancelled=["2026-03-17T18:00:00"],
    )

    assert "EXDATE;TZID=America/New_York:20260310T180000" in got["notes"]
    assert "CANCELLED:20260317T180000" in got["notes"]
    assert "Not on 2026-03-10" in got["description"]
    assert "Cancelled on 2026-03-17" in got["description"]


@pytest.fixture
def partner_directory(organization, partner_staff):
    service = Service.objects.create(organization=organization, name="Family food pantry")
    place = Location.objects.create(
        organization=organization, name="Parish hall", latitude=25.77, longitude=-80.2
    )
    programme = schedule.create_programme(
        organization=organization,
        by=partner_staff,
        service=service,
        name="Cooking on a budget",
        kind="cooking_class",
        starts_on=dt.date(2026, 3, 1),
        time_zone="America/New_York",
        description="Learn cheap, healthy meals.",
    )
    session = schedule.add_session(
        programme,
        by=partner_staff,
        starts_on=dt.date(2026, 3, 3),
        start_time=dt.time(18, 0),
        duration_minutes=90,
        rule="FREQ=WEEKLY;BYDAY=TU;COUNT=8",
        location=place,
    )
    schedule.cancel_occurrence(session, occurrence=dt.datetime(2026, 3, 10, 18), by=partner_staff)
    # A programme with no service: its session hangs on its location.
    walk = schedule.create_programme(
        organization=organization,
        by=partner_staff,
        name="Walking group",
        kind="support_group",
        starts_on=dt.date(2026, 3, 1),
        time_zone="America/New_York",
    )
    schedule.add_session(
        walk,
        by=partner_staff,
        starts_on=dt.date(2026, 3, 4),
        start_time=dt.time(9, 0),
        rule="FREQ=DAILY;COUNT=5",
        location=place,
    )
    draft = schedule.create_programme(
        organization=organization,
        by=partner_staff,
        service=service,
        name="Draft class",
        kind="other",
        starts_on=dt.date(2026, 3, 1),
        published=False,
    )
    schedule.add_session(
        draft, by=partner_staff, starts_on=dt.date(2026, 3, 5), start_time=dt.time(9, 0)
    )
    route = routes.create_route(
        organization=organization,
        by=partner_staff,
        service=service,
        name="Pantry truck",
        kind="mobile_pantry",
        time_zone="America/New_York",
    )
    routes.add_stop(
        route,
        by=partner_staff,
        name="Church lot",
        address="1 Main St",
        postal_code="33135",
        starts_on=dt.date(2026, 3, 5),
        arrives_at=dt.time(10, 0),
        departs_at=dt.time(12, 0),
        rule="FREQ=MONTHLY;BYDAY=1TH;COUNT=6",
    )
    return service, place


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_the_export_carries_programmes_and_stops_and_validates(partner_directory, tmp_path) -> None:
    service, place = partner_directory

    summary = export_directory(tmp_path / "export", validate=True)

    assert summary.problems == []
    programs = _csv(tmp_path / "export" / "programs.csv")
    assert {p["name"] for p in programs} == {"Cooking on a budget", "Walking group"}
    schedules = _csv(tmp_path / "export" / "schedules.csv")
    by_service = [s for s in schedules if s["service_id"] == str(service.id)]
    assert sorted(s["freq"] for s in by_service) == ["MONTHLY", "WEEKLY"]
    weekly = next(s for s in by_service if s["freq"] == "WEEKLY")
    assert (weekly["byday"], weekly["count"], weekly["opens_at"]) == ("TU", "8", "18:00")
    assert "Cancelled on 2026-03-10" in weekly["description"]
    assert weekly["schedule_link"].startswith("http")
    (on_location,) = [s for s in schedules if s["location_id"] == str(place.id)]
    assert on_location["freq"] == "" and "FREQ=DAILY" in on_location["notes"]
    assert not any("Draft class" in s["description"] for s in schedules)
    records = json.loads((tmp_path / "export" / "services.json").read_text())
    (pantry,) = [r for r in records if r["id"] == str(service.id)]
    assert len(pantry["schedules"]) == 2
    assert Schedule.objects.count() == 0 and Program.objects.count() == 0  # made, not stored


@pytest.mark.django_db
def test_the_export_round_trips_through_the_importer(partner_directory, tmp_path) -> None:
    first = tmp_path / "first"
    export_directory(first, validate=True)
    made = len(_csv(first / "programs.csv")) + len(_csv(first / "schedules.csv"))
    made += len(hsds_programmes.records("location")) + len(hsds_programmes.records("address"))

    imported = import_tabular(read_datapackage(first), source="first")
    assert imported.total.rejected == 0
    assert imported.total.created == made  # the made rows, now stored under the same ids

    second = tmp_path / "second"
    summary = export_directory(second, validate=True)
    assert summary.problems == []
    for name in ("programs.csv", "schedules.csv", "locations.csv", "addresses.csv"):
        assert sorted(map(sorted_row, _csv(first / name))) == sorted(
            map(sorted_row, _csv(second / name))
        )
    again = import_tabular(read_datapackage(second), source="second")
    assert (again.total.created, again.total.updated, again.total.rejected) == (0, 0, 0)


def sorted_row(row: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(row.items()))


@pytest.mark.django_db
def test_hsda_shows_the_made_schedules_and_programs(client, partner_directory) -> None:
    service, _place = partner_directory

    record = client.get(f"/api/hsda/services/{service.id}").json()
    organization = client.get(f"/api/hsda/organizations/{service.organization_id}").json()

    assert {s["freq"] for s in record["schedules"]} == {"WEEKLY", "MONTHLY"}
    assert {p["name"] for p in organization["programs"]} == {
        "Cooking on a budget",
        "Walking group",
    }
