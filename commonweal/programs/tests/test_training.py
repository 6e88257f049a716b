"""Training records: coverage arithmetic (pure), what is refused, reminders once per expiry,
and who sees names or counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from commonweal.programs import training
from commonweal.programs.models import TrainingRecord
from commonweal.referrals.outbox_models import OutboxMessage

TODAY = dt.date(2026, 12, 7)


def test_it_counts_valid_certificates_per_zip_and_language_fewest_first() -> None:
    rows = [
        training.Row("33101", ("en", "es"), None),
        training.Row("33101", ("es",), TODAY + dt.timedelta(days=30)),  # expiring
        training.Row("33102", ("ht",), TODAY - dt.timedelta(days=1)),  # expired: not counted
        training.Row("33102", ("en",), TODAY + dt.timedelta(days=400)),
    ]
    cells = training.coverage(rows, today=TODAY)
    assert [(c.zip_code, c.language, c.current, c.expiring) for c in cells] == [
        ("33101", "en", 1, 0),
        ("33102", "en", 1, 0),
        ("33101", "es", 2, 1),
    ]


def test_it_tells_expiry_states_apart() -> None:
    assert training.state(None, TODAY) == "current"
    assert training.state(TODAY + dt.timedelta(days=61), TODAY) == "current"
    assert training.state(TODAY + dt.timedelta(days=60), TODAY) == "expiring"
    assert training.state(TODAY - dt.timedelta(days=1), TODAY) == "expired"


def _record(organization, user, **fields):
    base = {
        "name": "Lena O.",
        "email": "lena@example.org",
        "role": "peer_supporter",
        "training": "mhfa",
        "completed_on": dt.date(2024, 1, 10),
        "expires_on": TODAY + dt.timedelta(days=20),
        "languages": ["es"],
        "zip_code": "33101",
    }
    return training.record_training(
        organization=organization, by=user, today=TODAY, **{**base, **fields}
    )


@pytest.mark.django_db
def test_it_refuses_impossible_dates_and_a_bad_zip_and_saves_nothing(
    organization, partner_staff
) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(
            organization,
            partner_staff,
            completed_on=TODAY + dt.timedelta(days=1),
            expires_on=TODAY,
            zip_code="331",
            email="lena@",
        )
    assert set(refused.value.message_dict) == {"completed_on", "expires_on", "zip_code", "email"}
    assert not TrainingRecord.objects.exists()


@pytest.mark.django_db
def test_it_reminds_once_per_certificate_before_it_expires(organization, partner_staff) -> None:
    record = _record(organization, partner_staff)
    _record(organization, partner_staff, email="", name="No email")
    _record(organization, partner_staff, expires_on=TODAY + dt.timedelta(days=90))
    assert training.send_expiry_reminders(today=TODAY) == 1
    assert training.send_expiry_reminders(today=TODAY) == 0
    message = OutboxMessage.objects.get()
    assert message.to == "lena@example.org" and "Mental Health First Aid" in message.body
    record.refresh_from_db()
    assert record.reminded_on == TODAY


@pytest.mark.django_db
def test_names_are_for_the_recording_staff_and_counts_for_coalition_admins(
    organization, partner_staff, other_org_staff, coalition_admin
) -> None:
    from commonweal.accounts.models import AuditEvent

    _record(organization, partner_staff)

    def get(user, name):
        client = Client()
        client.force_login(user)
        return client.get(reverse(name))

    own = get(partner_staff, "programs:training_list")
    assert own.status_code == 200 and "Lena O." in own.content.decode()
    assert AuditEvent.objects.filter(action="view", actor=partner_staff).count() == 1
    other = get(other_org_staff, "programs:training_list")
    assert other.status_code == 200 and "Lena O." not in other.content.decode()
    assert get(coalition_admin, "programs:training_list").status_code == 403
    counts = get(coalition_admin, "programs:training_coverage")
    assert counts.status_code == 200 and "Lena" not in counts.content.decode()
    assert get(partner_staff, "programs:training_coverage").status_code == 403


@pytest.mark.django_db
def test_the_coverage_api_gives_counts_to_coalition_admins_only(
    organization, partner_staff, coalition_admin
) -> None:
    _record(organization, partner_staff, expires_on=None)
    url = "/api/v1/programs/training/coverage"
    admin = Client()
    admin.force_login(coalition_admin)
    staff = Client()
    staff.force_login(partner_staff)
    assert admin.get(url).json() == [
        {"zip_code": "33101", "language": "es", "trained": 1, "expiring": 0}
    ]
    assert staff.get(url).status_code == 403
    assert Client().get(url).status_code == 401


def test_the_worker_runs_the_expiry_reminders_daily() -> None:
    from commonweal.referrals import schedule

    job = schedule.JOBS["training-expiry"]
    assert job.every_minutes == 24 * 60
    assert job.task.name.endswith("remind_of_expiring_training")
