"""Early-warning alerts from the system's own data: counting, alarms, emails once, and pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commonweal.directory.models import Service
from commonweal.insights import alerts
from commonweal.insights.models import SearchEvent
from commonweal.referrals import schedule
from commonweal.referrals.models import Referral, Urgency
from commonweal.referrals.outbox_models import OutboxMessage
from commonweal.referrals.tests.people_fixtures import make_person
from commonweal.screening.models import Screening

TODAY = dt.date(2026, 12, 7)  # a Monday: the last completed week began 30 November
LAST_WEEK = dt.date(2026, 11, 30)
ZIP = "33130"


@pytest.fixture
def today(monkeypatch) -> dt.date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _searches(week: dt.date, n: int, *, area: str = ZIP, crisis: str = "emergency") -> None:
    for i in range(n):
        SearchEvent.objects.create(
            day=week + dt.timedelta(days=i % 7),
            area_kind="zip",
            area=area,
            categories=[],
            filters=[],
            results=3,
            crisis=crisis,
            channel="page",
        )


def _history(weeks: int = 10, per_week: int = 1) -> None:
    for back in range(1, weeks + 1):
        _searches(LAST_WEEK - dt.timedelta(weeks=back), per_week)


@pytest.mark.django_db
def test_it_counts_crisis_searches_per_area_and_week_and_ignores_the_rest() -> None:
    _searches(LAST_WEEK, 3)
    _searches(LAST_WEEK, 2, crisis="topic")  # crisis as a subject: not a person in danger
    _searches(LAST_WEEK, 5, crisis="none")  # no crisis words
    _searches(LAST_WEEK, 4, area="")  # no place: no area to count it in
    _searches(LAST_WEEK, 1, area="33101")
    counts = alerts.weekly_counts(
        alerts.SIGNALS["crisis-searches"], first=LAST_WEEK, last=LAST_WEEK
    )
    assert counts == {ZIP: {LAST_WEEK: 3}, "33101": {LAST_WEEK: 1}}


@pytest.mark.django_db
def test_it_alarms_on_a_rise_against_the_areas_own_weeks_and_not_on_a_usual_week() -> None:
    _history()
    _searches(LAST_WEEK, 9)
    _searches(LAST_WEEK, 1, area="33101")
    found = alerts.scan(weeks=[LAST_WEEK])
    assert [(a.signal.code, a.area, a.check.count) for a in found] == [("crisis-searches", ZIP, 9)]
    check = found[0].check
    assert check.method == "recent"
    assert check.expected == 1
    assert check.count >= check.threshold


@pytest.mark.django_db
def test_it_finds_no_alarm_in_a_usual_week() -> None:
    _history(per_week=2)
    _searches(LAST_WEEK, 3)
    assert alerts.scan(weeks=[LAST_WEEK]) == []


@pytest.mark.django_db
def test_it_counts_crisis_check_ups_by_the_persons_zip_in_the_sites_week(
    organization, settings
) -> None:
    settings.TIME_ZONE = "America/New_York"
    person = make_person(organization, zip_code=ZIP)
    tz = timezone.get_current_timezone()
    # Sunday 23:30 in Miami is Monday 04:30 UTC: it belongs to the Sunday's week.
    sunday_night = dt.datetime(2026, 12, 6, 23, 30, tzinfo=tz)
    Screening.objects.create(
        person=person, instrument="phq-9", safety_triggered=True, created_at=sunday_night
    )
    Screening.objects.create(
        person=person, instrument="phq-9", safety_triggered=False, created_at=sunday_night
    )
    counts = alerts.weekly_counts(
        alerts.SIGNALS["crisis-check-ups"], first=LAST_WEEK, last=LAST_WEEK
    )
    assert counts == {ZIP: {LAST_WEEK: 1}}


@pytest.mark.django_db
def test_it_counts_urgent_referrals_by_the_persons_zip(organization, other_organization) -> None:
    person = make_person(organization, zip_code=ZIP)
    service = Service.objects.create(organization=other_organization, name="Clinic")
    when = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
    for urgency in (Urgency.URGENT, Urgency.URGENT, Urgency.ROUTINE):
        Referral.objects.create(
            person=person,
            from_organization=organization,
            to_organization=other_organization,
            service=service,
            urgency=urgency,
            created_at=when,
        )
    counts = alerts.weekly_counts(
        alerts.SIGNALS["urgent-referrals"], first=LAST_WEEK, last=LAST_WEEK
    )
    assert counts == {ZIP: {LAST_WEEK: 2}}


@pytest.mark.django_db
def test_it_emails_each_alarm_to_coalition_admins_once_with_no_personal_data(
    coalition_admin, navigator, today
) -> None:
    coalition_admin.email = "cora@example.org"
    coalition_admin.save()
    navigator.email = "nina@example.org"
    navigator.save()
    _history()
    _searches(LAST_WEEK, 9)
    assert alerts.run_weekly_scan() == 1
    assert alerts.run_weekly_scan() == 0  # the same week again: nothing twice
    message = OutboxMessage.objects.get(kind="early-warning")
    assert message.to == "cora@example.org"
    assert ZIP in message.subject
    assert "9" in message.body and "/insights/alerts/" in message.body


@pytest.mark.django_db
def test_it_runs_as_a_periodic_job(coalition_admin, today) -> None:
    coalition_admin.email = "cora@example.org"
    coalition_admin.save()
    _history()
    _searches(LAST_WEEK, 9)
    assert schedule.JOBS["early-warning"].task.name.endswith("scan_early_warning")
    assert schedule.run_job("early-warning") == {"emails_queued": 1}
    assert schedule.run_job("early-warning") == {"emails_queued": 0}


@pytest.mark.django_db
def test_the_alerts_page_shows_why_an_alarm_fired(client, coalition_admin, today) -> None:
    _history()
    _searches(LAST_WEEK, 9)
    client.force_login(coalition_admin)
    page = client.get("/insights/alerts/").content.decode()
    assert ZIP in page
    assert "Searches that signal a crisis" in page
    detail = client.get(f"/insights/alerts/crisis-searches/{ZIP}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "<svg" in html
    assert "<strong>Yes</strong>" in html


@pytest.mark.django_db
def test_analysts_see_small_counts_hidden_and_no_chart(client, analyst, today) -> None:
    _history()
    _searches(LAST_WEEK, 9)
    client.force_login(analyst)
    page = client.get("/insights/alerts/").content.decode()
    assert "fewer than 11" in page
    detail = client.get(f"/insights/alerts/crisis-searches/{ZIP}/").content.decode()
    assert "<svg" not in detail
    assert "fewer than 11" in detail


@pytest.mark.django_db
def test_care_staff_and_residents_are_refused(client, navigator, partner_staff, resident) -> None:
    for user in (navigator, partner_staff, resident):
        client.force_login(user)
        assert client.get("/insights/alerts/").status_code == 403
        assert client.get(f"/insights/alerts/crisis-searches/{ZIP}/").status_code == 403
    client.logout()
    assert client.get("/insights/alerts/").status_code == 302


@pytest.mark.django_db
def test_an_unknown_signal_is_not_found(client, coalition_admin) -> None:
    client.force_login(coalition_admin)
    assert client.get("/insights/alerts/no-such-signal/33130/").status_code == 404
    assert client.get("/insights/alerts/crisis-searches/" + "9" * 81 + "/").status_code == 404
