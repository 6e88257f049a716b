"""Participation from real rows: the facts, the page, its CSV and its API, counted by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from commonweal import policy
from commonweal.insights import participation_data, periods
from commonweal.insights.deidentify import Suppressed
from commonweal.insights.participation_api import ParticipationOut
from commonweal.partnerships.models import Partner
from commonweal.programs import campaigns, schedule
from commonweal.programs.models import Cancellation, Registration, RegistrationStatus
from commonweal.referrals.tests.referral_fixtures import bearer

URL = "/insights/participation/"
API = "/api/v1/insights/participation/"
Q3 = periods.Quarter(2026, 3)


@pytest.fixture
def december(monkeypatch) -> None:
    """Today is 7 December 2026: the latest completed quarter is 2026-Q3."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))


def _signups(session, meeting: str, n: int, *, status: str, attended: bool, first: int = 0):
    for i in range(first, first + n):
        Registration.objects.create(
            session=session,
            occurrence=meeting,
            name="A. B.",
            contact=f"Person{i}@Example.org",
            language="es" if i % 2 else "en",
            status=status,
            attended=attended,
        )


@pytest.fixture
def world(organization, other_organization, partner_staff, coalition_admin):
    """Support group (organisation), weekly from 7 July, ten meetings, 14 July called off:
    9 held in Q3. 7 July: twelve people came. 21 July: the same twelve came (other case
    in their email), four did not come, eleven cancelled. A cooking class of the other
    organisation met once and drew nobody."""
    group = schedule.create_programme(
        organization=organization,
        by=partner_staff,
        name="Tuesday support group",
        kind="support_group",
        starts_on=dt.date(2026, 7, 1),
        time_zone="UTC",
    )
    weekly = schedule.add_session(
        group,
        by=partner_staff,
        starts_on=dt.date(2026, 7, 7),
        start_time=dt.time(18, 0),
        rule="FREQ=WEEKLY;COUNT=10",
    )
    Cancellation.objects.create(session=weekly, occurrence="2026-07-14T18:00:00")
    registered = RegistrationStatus.REGISTERED
    _signups(weekly, "2026-07-07T18:00:00", 12, status=registered, attended=True)
    _signups(weekly, "2026-07-21T18:00:00", 12, status=registered, attended=True)
    _signups(weekly, "2026-07-21T18:00:00", 4, status=registered, attended=False, first=20)
    _signups(weekly, "2026-07-21T18:00:00", 11, status=RegistrationStatus.CANCELLED, attended=False)
    _signups(weekly, "2026-10-06T18:00:00", 30, status=registered, attended=True)  # Q4
    cooking = schedule.create_programme(
        organization=other_organization,
        by=partner_staff,
        name="Family cooking",
        kind="cooking_class",
        starts_on=dt.date(2026, 8, 1),
        time_zone="UTC",
    )
    schedule.add_session(
        cooking, by=partner_staff, starts_on=dt.date(2026, 8, 4), start_time=dt.time(10, 0)
    )
    partner = Partner.objects.create(organization=organization, sector="social_services")
    campaign = campaigns.create_campaign(
        by=coalition_admin,
        name="Talk about it summer",
        aim="More people talk about mental health.",
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 9, 30),
        partners=[partner],
    )
    allowed = policy.campaign_partners_for(coalition_admin, campaign)
    for kind, count in (("materials", 120), ("workshop", 5), ("event", 0)):
        campaigns.add_activity(
            campaign,
            by=coalition_admin,
            allowed_partners=allowed,
            partner=partner,
            kind=kind,
            title=kind,
            held_on=dt.date(2026, 7, 21),
            count=count,
            **({"session": weekly} if kind == "event" else {}),
        )
    return group, cooking


@pytest.mark.django_db
def test_it_gathers_counts_meetings_and_different_people(world) -> None:
    group, cooking = world
    facts = participation_data.gather(Q3)
    g = str(group.pk)
    assert facts.signups == {
        (g, "en", "attended"): 12,  # six of each language a meeting
        (g, "es", "attended"): 12,
        (g, "en", "no_show"): 2,
        (g, "es", "no_show"): 2,
        (g, "en", "cancelled"): 6,
        (g, "es", "cancelled"): 5,
    }
    assert facts.programmes[g].meetings == 9
    assert facts.programmes[g].participants == 12
    assert facts.programmes[str(cooking.pk)].meetings == 1


def _api(client, user, **query) -> dict:
    response = client.get(API, query, **bearer(user))
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_the_api_gives_the_hand_counted_figures_with_small_ones_hidden(
    client, analyst, world, december
) -> None:
    body = _api(client, analyst)
    ParticipationOut.model_validate(body)
    (quarter,) = body["quarters"]
    assert quarter["quarter"] == "2026-Q3"
    programmes = next(t for t in quarter["tables"] if t["name"] == "programme")
    group = next(r for r in programmes["rows"] if r["label"] == "Tuesday support group")
    figures = {k: (v["value"], v["reason"]) for k, v in group["figures"].items()}
    assert figures["meetings"] == (9, None)
    assert figures["attended"] == (24, None)
    assert figures["no_show"] == (None, "primary")  # four people
    assert figures["places"] == (None, "derived")
    assert figures["attendance_rate"] == (None, "derived")
    assert figures["cancelled"] == (11, None)
    assert figures["waitlisted"] == (0, None)
    assert figures["participants"] == (12, None)
    cooking = next(r for r in programmes["rows"] if r["label"] == "Family cooking")
    assert cooking["figures"]["meetings"]["value"] == 1
    assert cooking["figures"]["signups"]["value"] == 0
    (campaign,) = quarter["campaigns"]
    assert campaign["figures"]["attended"]["value"] == 24
    assert campaign["figures"]["signed_up"]["value"] == 28  # places held; not the cancelled
    assert campaign["figures"]["workshop"] == {
        "value": None,
        "suppressed": True,
        "reason": "primary",
    }
    assert campaign["figures"]["materials"]["value"] == 120  # things: shown as entered
    # No figure of 1 to 10 people anywhere in the answer.
    for table in quarter["tables"]:
        for row in [*table["rows"], table["total"]]:
            for column, figure in row["figures"].items():
                if column not in ("meetings", "attendance_rate") and figure["value"] is not None:
                    assert not 0 < figure["value"] < 11, (table["name"], column)


@pytest.mark.django_db
def test_a_filter_picks_rows_of_the_full_tables(
    client, analyst, world, december, other_organization
):
    body = _api(client, analyst, organization=str(other_organization.pk))
    tables = {t["name"]: t for t in body["quarters"][0]["tables"]}
    assert [r["label"] for r in tables["programme"]["rows"]] == ["Family cooking"]
    assert [r["label"] for r in tables["organization"]["rows"]] == ["Eastside Clinic"]
    assert tables["programme"]["total"]["figures"]["attended"]["value"] == 24  # all programmes
    body = _api(client, analyst, kind="support_group")
    tables = {t["name"]: t for t in body["quarters"][0]["tables"]}
    assert [r["label"] for r in tables["programme"]["rows"]] == ["Tuesday support group"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "coalition_admin", "superuser"])
def test_it_shows_the_page_to_those_who_see_insights(client, who, request, world, december):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tuesday support group" in page and "Talk about it summer" in page
    assert "fewer than 11" in page
    assert client.get("/insights/").content.decode().count(URL) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["navigator", "partner_staff", "resident"])
def test_it_refuses_everyone_else(client, who, request) -> None:
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "programmes.csv").status_code == 403
    assert client.get(API, **bearer(user)).status_code == 403


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client) -> None:
    assert client.get(URL).status_code == 302
    assert client.get(API).status_code == 401


@pytest.mark.django_db
def test_bad_choices_get_clear_errors(client, analyst, december) -> None:
    client.force_login(analyst)
    response = client.get(URL, {"from": "2026-Q3", "to": "2026-Q1"})
    assert response.status_code == 400
    assert "must not come after" in response.content.decode()
    response = client.get(URL, {"from": "2026-Q4"})  # not completed yet
    assert "completed quarters" in response.content.decode()
    assert client.get(URL, {"kind": "rodeo"}).status_code == 400
    assert client.get(URL, {"from": "2024-Q1", "to": "2026-Q3"}).status_code == 400  # 11
    csv_answer = client.get(URL + "programmes.csv", {"organization": "nobody"})
    assert csv_answer.status_code == 400
    assert "Organisation" in csv_answer.content.decode()
    api = client.get(API, {"to": "1999-Q1"}, **bearer(analyst))
    assert api.status_code == 400 and "Quarters" in api.json()["detail"]
    api = client.get(API, {"from": "2026-Q3", "to": "2026-Q1"}, **bearer(analyst))
    assert api.status_code == 400 and "must not come after" in api.json()["detail"]
    assert client.get(URL + "people.csv").status_code == 404


@pytest.mark.django_db
def test_the_csv_downloads_hold_the_page_figures(client, analyst, world, december) -> None:
    client.force_login(analyst)
    response = client.get(URL + "programmes.csv", {"from": "2026-Q2", "to": "2026-Q3"})
    assert response.status_code == 200
    assert "participation-programmes-2026-Q2-2026-Q3.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    group = next(r for r in rows if r[0] == "2026-Q3" and r[2] == "Tuesday support group")
    assert group[header.index("Attended")] == "24"
    assert group[header.index("Did not come")] == "fewer than 11"
    assert any(r[0] == "2026-Q2" for r in rows[1:])  # the empty quarter has its total line
    reach = client.get(URL + "campaigns.csv")
    lines = list(csv.reader(io.StringIO(reach.content.decode())))
    assert lines[1][:2] == ["2026-Q3", "Talk about it summer"]
    assert lines[1][lines[0].index("Materials handed out")] == "120"


@pytest.mark.django_db
def test_the_partnership_report_carries_the_all_programmes_line(
    client, analyst, world, december
) -> None:
    from commonweal.insights import report

    total = report.build(Q3).participation
    assert total.values["signups"] is Suppressed.DERIVED  # four did not come: hidden
    assert (total.values["meetings"], total.values["attended"]) == (10, 24)  # 9 + 1 meetings
    client.force_login(analyst)
    page = client.get("/insights/report/", {"quarter": "2026-Q3"}).content.decode()
    section = page[page.index('id="report-participation"') :]
    section = section[: section.index("</section>")]
    assert "<dt>Attended</dt><dd>24</dd>" in section
    assert "<dt>Sign-ups</dt><dd>not shown</dd>" in section


@pytest.mark.django_db
def test_a_quarter_is_de_identified_once_until_its_facts_change(world, monkeypatch) -> None:
    """The cached report is keyed by the facts: a repeat is served from the cache, and a
    late check-in (a change no timestamp records) is in the very next report."""
    from django.core.cache import cache

    from commonweal.insights import participation

    cache.clear()
    made = []
    real = participation.report
    monkeypatch.setattr(
        participation, "report", lambda facts: made.append(facts.quarter) or real(facts)
    )
    group, _cooking = world
    first = participation_data.report(Q3)
    again = participation_data.report(Q3)
    assert made == [Q3]
    assert again == first
    before = first.table("programme").total.values["attended"]
    assert before == 24
    late = Registration.objects.filter(
        session__programme=group,
        occurrence="2026-07-21T18:00:00",
        status=RegistrationStatus.REGISTERED,
        attended=False,
    ).first()
    late.attended = True
    late.save(update_fields=["attended"])
    after = participation_data.report(Q3)
    assert made == [Q3, Q3]
    assert after.table("programme").total.values["attended"] == 25
    assert after == participation.report(participation_data.gather(Q3))
