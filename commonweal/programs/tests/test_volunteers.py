"""Volunteering: posting roles, signing up, confirming the last place, logging hours, and the
ledger contributions those hours become (never counted twice)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from commonweal.directory.models import Location
from commonweal.partnerships.models import Contribution
from commonweal.partnerships.partners import create_partner
from commonweal.programs import volunteers
from commonweal.programs.models import TrainingRecord
from commonweal.programs.volunteer_models import (
    SignupStatus,
    VolunteerHours,
    VolunteerMonth,
    VolunteerRole,
    VolunteerSignup,
)
from commonweal.referrals.outbox_models import OutboxMessage

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 20)


def post_role(organization, by, **fields) -> VolunteerRole:
    details = {
        "title": "Saturday food drive",
        "kind": "event_help",
        "skills": ["Lifting", "Spanish speaker"],
        "languages": ["es"],
        "schedule": "weekly",
        "slots": ["sat-morning"],
        "places": 2,
        **fields,
    }
    return volunteers.save_role(organization=organization, by=by, **details)


@pytest.fixture
def role(organization, partner_staff) -> VolunteerRole:
    return post_role(organization, partner_staff)


def offer(role, name="Ana P.", contact="ana@example.org", **fields):
    details = {"availability": ["sat-morning"], "today": TODAY, **fields}
    return volunteers.sign_up(role, name=name, contact=contact, **details)


def confirmed(role, by, name="Ana P.", contact="ana@example.org"):
    signup, _token = offer(role, name=name, contact=contact)
    VolunteerSignup.objects.filter(pk=signup.pk).update(
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    return volunteers.decide(signup, confirm=True, by=by)


# --- roles ----------------------------------------------------------------------------------


def test_a_weekly_role_needs_its_days_and_names_the_field(organization, partner_staff) -> None:
    with pytest.raises(ValidationError) as refused:
        post_role(organization, partner_staff, slots=[])
    assert "slots" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        post_role(organization, partner_staff, slots=["someday-never"])
    assert "slots" in refused.value.message_dict
    assert VolunteerRole.objects.count() == 0


def test_a_role_cannot_end_before_it_starts(organization, partner_staff) -> None:
    with pytest.raises(ValidationError) as refused:
        post_role(
            organization,
            partner_staff,
            schedule="dates",
            starts_on=dt.date(2026, 5, 2),
            ends_on=dt.date(2026, 5, 1),
        )
    assert "ends_on" in refused.value.message_dict


def test_a_role_cannot_take_another_organisations_place(
    organization, other_organization, partner_staff
) -> None:
    elsewhere = Location.objects.create(organization=other_organization, name="Their hall")
    with pytest.raises(ValidationError) as refused:
        post_role(organization, partner_staff, location=elsewhere)
    assert "location" in refused.value.message_dict


def test_places_cannot_go_below_the_confirmed_volunteers(role, partner_staff) -> None:
    confirmed(role, partner_staff)
    confirmed(role, partner_staff, name="Bo", contact="bo@example.org")
    with pytest.raises(ValidationError) as refused:
        volunteers.save_role(role, by=partner_staff, places=1)
    assert refused.value.message_dict["places"] == [
        "2 volunteers are confirmed already: the role needs at least that many places."
    ]
    role.refresh_from_db()
    assert role.places == 2
    volunteers.save_role(role, by=partner_staff, places=3)
    role.refresh_from_db()
    assert role.places == 3


def test_the_public_list_shows_open_roles_that_have_not_ended(organization, partner_staff) -> None:
    weekly = post_role(organization, partner_staff, title="Weekly", area="Northside 33101")
    post_role(organization, partner_staff, title="Draft", status="draft")
    post_role(organization, partner_staff, title="Closed", status="closed")
    post_role(
        organization,
        partner_staff,
        title="Past fair",
        schedule="dates",
        starts_on=dt.date(2026, 1, 10),
    )
    online = post_role(
        organization,
        partner_staff,
        title="Phone buddy",
        kind="peer_support",
        online=True,
        languages=["ht"],
        schedule="flexible",
    )
    found = volunteers.open_roles(today=TODAY)
    assert {r.title for r in found} == {"Weekly", "Phone buddy"}
    assert list(volunteers.open_roles(today=TODAY, language="ht")) == [online]
    assert list(volunteers.open_roles(today=TODAY, place="online")) == [online]
    assert list(volunteers.open_roles(today=TODAY, place="33101")) == [weekly]
    assert list(volunteers.open_roles(today=TODAY, kinds=["peer_support"])) == [online]
    # A flexible role fits any free time; a weekly one only its own day-parts.
    assert set(volunteers.open_roles(today=TODAY, slots=["mon-evening"])) == {online}
    assert set(volunteers.open_roles(today=TODAY, slots=["sat-morning"])) == {weekly, online}


# --- signing up -----------------------------------------------------------------------------


def test_signing_up_keeps_only_the_tokens_hash_and_sends_the_link(role) -> None:
    signup, token = offer(role, languages=["es", "EN"], skills=["lifting"], language="es")
    assert signup.token_hash == volunteers.hash_token(token) and token not in signup.token_hash
    assert volunteers.find(token) == signup
    assert volunteers.find("not-the-token") is None
    assert signup.skills == ["Lifting"] and signup.languages == ["es", "en"]
    message = OutboxMessage.objects.get(kind="volunteer-received")
    assert message.to == "ana@example.org" and message.language == "es"
    assert token in message.body
    assert "Saturday food drive" in message.body


def test_a_bad_contact_is_named_and_nothing_is_saved(role) -> None:
    with pytest.raises(ValidationError) as refused:
        offer(role, contact="not an address")
    assert "contact" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        offer(role, contact="ana@")
    assert "contact" in refused.value.message_dict
    assert VolunteerSignup.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_a_phone_number_is_a_text_message_contact(role) -> None:
    signup, _token = offer(role, contact="(305) 555-0123")
    assert signup.channel == "sms" and signup.contact == "305-555-0123"


def test_sign_up_names_each_bad_field(role, partner_staff) -> None:
    volunteers.save_role(role, by=partner_staff, minimum_age=18)
    role.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        offer(role, name=" ", skills=["Juggling"], availability=[], old_enough=False)
    assert set(refused.value.message_dict) == {"name", "skills", "availability", "old_enough"}
    assert refused.value.message_dict["old_enough"] == ["This role is for people aged 18 or older."]


def test_a_closed_or_ended_role_takes_no_offers(organization, partner_staff, role) -> None:
    volunteers.save_role(role, by=partner_staff, status="closed")
    role.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        offer(role)
    assert refused.value.message_dict == {"role": ["This role is not taking sign-ups."]}
    past = post_role(organization, partner_staff, schedule="dates", starts_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        offer(past)
    assert refused.value.message_dict == {"role": ["This role has ended."]}


def test_withdrawing_frees_the_place(role, partner_staff) -> None:
    signup = confirmed(role, partner_staff)
    volunteers.withdraw(signup)
    assert volunteers.confirmed_count(role) == 0
    with pytest.raises(ValidationError):
        volunteers.decide(signup, confirm=True, by=partner_staff)


def test_no_name_or_contact_reaches_the_log_or_the_string(role, caplog) -> None:
    with caplog.at_level("DEBUG"):
        signup, _token = offer(role, name="Zephyrine Q.", contact="zq@example.org")
    assert "Zephyrine" not in caplog.text and "zq@example.org" not in caplog.text
    assert "Zephyrine" not in str(signup)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, contact FROM programs_volunteersignup")
        stored = cursor.fetchone()
    assert "Zephyrine" not in stored[0] and "zq@" not in stored[1]  # encrypted at rest


# --- deciding -------------------------------------------------------------------------------


def test_confirming_tells_the_volunteer_in_their_language(role, partner_staff) -> None:
    signup, _token = offer(role, language="es")
    volunteers.decide(signup, confirm=True, by=partner_staff)
    told = OutboxMessage.objects.get(kind="volunteer-confirmed")
    assert told.language == "es" and told.to == "ana@example.org"
    # Deciding the same way again sends nothing more.
    volunteers.decide(signup, confirm=True, by=partner_staff)
    assert OutboxMessage.objects.filter(kind="volunteer-confirmed").count() == 1


def test_the_last_place_goes_once(role, partner_staff) -> None:
    confirmed(role, partner_staff, name="A", contact="a@example.org")
    confirmed(role, partner_staff, name="B", contact="b@example.org")
    third, _token = offer(role, name="C", contact="c@example.org")
    with pytest.raises(ValidationError) as refused:
        volunteers.decide(third, confirm=True, by=partner_staff)
    assert refused.value.message_dict["status"] == [str(volunteers.ROLE_FULL)]
    third.refresh_from_db()
    assert third.status == SignupStatus.PENDING
    volunteers.decide(third, confirm=False, by=partner_staff)
    assert OutboxMessage.objects.filter(kind="volunteer-declined").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_never_fill_more_places_than_there_are(
    organization, partner_staff
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "LOUD SKIP: the row lock (SELECT … FOR UPDATE) is PostgreSQL's; SQLite has none to "
            "exercise. Run with DATABASE_URL=postgres://… (CI's second run does)."
        )
    role = post_role(organization, partner_staff, places=2)
    people = [offer(role, name=f"P{n}", contact=f"p{n}@example.org")[0] for n in range(8)]
    barrier = threading.Barrier(len(people))
    refused: list[BaseException] = []

    def confirm(signup: VolunteerSignup) -> None:
        try:
            barrier.wait()
            volunteers.decide(signup, confirm=True, by=partner_staff)
        except ValidationError as error:
            refused.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(s,)) for s in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert volunteers.confirmed_count(role) == 2
    assert len(refused) == len(people) - 2


# --- hours and the ledger -------------------------------------------------------------------


@pytest.fixture
def partner(organization, partner_staff):
    return create_partner(organization=organization, by=partner_staff, sector="social_services")


@pytest.mark.parametrize(
    ("hours", "on", "field"),
    [
        ("-1", dt.date(2026, 3, 10), "hours"),
        ("24.5", dt.date(2026, 3, 10), "hours"),
        ("two", dt.date(2026, 3, 10), "hours"),
        ("2", dt.date(2026, 3, 21), "on"),  # tomorrow
    ],
)
def test_bad_hours_are_named_and_nothing_is_saved(
    role, partner_staff, partner, hours, on, field
) -> None:
    signup = confirmed(role, partner_staff)
    with pytest.raises(ValidationError) as refused:
        volunteers.log_hours(signup, on=on, hours=hours, by=partner_staff, today=TODAY)
    assert field in refused.value.message_dict
    assert VolunteerHours.objects.count() == 0 and Contribution.objects.count() == 0


def test_hours_are_for_confirmed_volunteers_only(role, partner_staff) -> None:
    signup, _token = offer(role)
    with pytest.raises(ValidationError) as refused:
        volunteers.log_hours(
            signup, on=TODAY, hours="2", by=partner_staff, today=TODAY + dt.timedelta(days=1)
        )
    assert refused.value.message_dict["signup"] == [str(volunteers.NOT_CONFIRMED)]


def test_hours_become_one_in_kind_contribution_per_role_and_month(
    role, partner_staff, partner, settings
) -> None:
    settings.COMMONWEAL_VOLUNTEER_HOUR_VALUE = "34.79"
    ana = confirmed(role, partner_staff)
    bo = confirmed(role, partner_staff, name="Bo", contact="bo@example.org")
    log = volunteers.log_hours
    log(ana, on=dt.date(2026, 3, 7), hours="3", by=partner_staff, today=TODAY)
    log(bo, on=dt.date(2026, 3, 7), hours="2.5", by=partner_staff, today=TODAY)
    log(ana, on=dt.date(2026, 3, 14), hours="4", by=partner_staff, today=TODAY)
    log(ana, on=dt.date(2026, 2, 28), hours="1", by=partner_staff, today=TODAY)

    march = Contribution.objects.get(starts_on=dt.date(2026, 3, 1))
    assert march.kind == "in_kind" and march.partner == partner
    assert march.quantity == Decimal("9.50")
    assert march.value == Decimal("330.51")  # 9.5 h × $34.79
    assert march.ends_on == dt.date(2026, 3, 31)
    assert march.description == "Volunteer hours: Saturday food drive, 2026-03"
    assert Contribution.objects.count() == 2  # March and February

    # Correcting a day replaces its hours: the month's contribution changes, none is added.
    log(ana, on=dt.date(2026, 3, 7), hours="5", by=partner_staff, today=TODAY)
    log(ana, on=dt.date(2026, 3, 7), hours="5", by=partner_staff, today=TODAY)
    assert Contribution.objects.count() == 2
    march.refresh_from_db()
    assert march.quantity == Decimal("11.50") and march.value == Decimal("400.09")

    # Removing February's only day removes its contribution.
    log(ana, on=dt.date(2026, 2, 28), hours="0", by=partner_staff, today=TODAY)
    assert Contribution.objects.count() == 1 and VolunteerMonth.objects.count() == 1

    totals = volunteers.totals(role)
    assert (totals.volunteers, totals.hours) == (2, Decimal("11.50"))
    [row] = volunteers.hours_by_organization(VolunteerRole.objects.all())
    assert row["hours"] == Decimal("11.50") and row["volunteers"] == 2
    assert [(m.month, m.hours, m.in_ledger) for m in volunteers.months(role)] == [
        (dt.date(2026, 3, 1), Decimal("11.50"), True)
    ]


def test_the_ledger_total_equals_the_hours_after_any_edits(role, partner_staff, partner) -> None:
    ana = confirmed(role, partner_staff)
    edits = [("3", 1), ("1.25", 2), ("6", 1), ("0", 2), ("2", 3), ("2", 3), ("7.5", 2)]
    for hours, day in edits:
        volunteers.log_hours(
            ana, on=dt.date(2026, 3, day), hours=hours, by=partner_staff, today=TODAY
        )
    logged = sum(VolunteerHours.objects.values_list("hours", flat=True))
    ledger_hours = sum(Contribution.objects.values_list("quantity", flat=True))
    assert logged == ledger_hours == Decimal("15.50")


def test_an_organisation_outside_the_partnership_keeps_its_hours_off_the_ledger(
    role, partner_staff
) -> None:
    ana = confirmed(role, partner_staff)
    volunteers.log_hours(ana, on=dt.date(2026, 3, 7), hours="3", by=partner_staff, today=TODAY)
    assert Contribution.objects.count() == 0
    assert volunteers.totals(role).hours == Decimal("3.00")
    assert [m.in_ledger for m in volunteers.months(role)] == [False]


# --- training evidence ----------------------------------------------------------------------


def test_the_organisations_training_records_vouch_for_a_volunteer(
    organization, other_organization, partner_staff
) -> None:
    role = post_role(organization, partner_staff, training_required="mhfa", kind="peer_support")
    TrainingRecord.objects.create(
        organization=organization,
        name="Someone Else",
        email="ana@example.org",
        role="volunteer",
        training="mhfa",
        completed_on=dt.date(2025, 6, 1),
        expires_on=dt.date(2028, 6, 1),
        zip_code="33101",
    )
    # Another organisation's record of Bo is not this one's to use.
    TrainingRecord.objects.create(
        organization=other_organization,
        name="Bo Z.",
        role="volunteer",
        training="mhfa",
        completed_on=dt.date(2025, 6, 1),
        zip_code="33101",
    )
    ana, _t = offer(role)
    bo, _t = offer(role, name="Bo Z.", contact="305-555-0100", says_trained=True)
    ranked = volunteers.ranked(role, today=TODAY)
    assert [s for s, _m in ranked] == [ana, bo]
    assert ranked[0][1].training_ok and "2028-06-01" in ranked[0][1].reasons[3]
    assert not ranked[1][1].training_ok
