from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commonweal import policy
from commonweal.partnerships import ledger
from commonweal.partnerships.models import Contribution, FundingStream, Partner
from commonweal.programs.models import Programme

TODAY = dt.date(2026, 12, 7)


def test_it_totals_values_per_partner_largest_first() -> None:
    rows = [
        SimpleNamespace(partner="Food bank", kind="funds", value=Decimal("5000")),
        SimpleNamespace(partner="Clinic", kind="staff_hours", value=Decimal("1200.50")),
        SimpleNamespace(partner="Food bank", kind="space", value=Decimal("800")),
    ]
    assert ledger.totals(rows, "partner") == [
        ledger.Total("Food bank", Decimal("5800"), 2),
        ledger.Total("Clinic", Decimal("1200.50"), 1),
    ]
    assert [t.key for t in ledger.totals(rows, "kind")] == ["funds", "staff_hours", "space"]


def test_a_programme_is_at_risk_only_when_its_last_stream_ends_soon() -> None:
    streams = [
        SimpleNamespace(programme="Pantry", ends_on=dt.date(2027, 1, 31)),  # 55 days
        SimpleNamespace(programme="Pantry", ends_on=dt.date(2028, 6, 30)),  # keeps it going
        SimpleNamespace(programme="Rides", ends_on=dt.date(2027, 2, 28)),  # 83 days
        SimpleNamespace(programme="Classes", ends_on=dt.date(2026, 11, 30)),  # ended
        SimpleNamespace(programme="Garden", ends_on=dt.date(2027, 3, 8)),  # 91 days
    ]
    found = ledger.sustainability(streams, today=TODAY, horizon=90)
    assert [(w.programme, w.days_left) for w in found] == [("Classes", -7), ("Rides", 83)]


@pytest.fixture
def programme(organization):
    return Programme.objects.create(
        organization=organization, name="Saturday pantry", kind="other", starts_on=TODAY
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": Decimal("-5")}, "value"),
        ({"quantity": Decimal("-1")}, "quantity"),
        ({"ends_on": dt.date(2026, 1, 1)}, "ends_on"),
    ],
)
def test_a_bad_contribution_names_its_field_and_saves_nothing(
    partner, programme, coalition_admin, change, field
) -> None:
    details = {
        "partner": partner,
        "programme": programme,
        "kind": "staff_hours",
        "description": "Volunteer coordinator",
        "quantity": Decimal("40"),
        "value": Decimal("1200"),
        "starts_on": dt.date(2026, 2, 1),
    }
    with pytest.raises(ValidationError) as failure:
        ledger.save_contribution(by=coalition_admin, **{**details, **change})
    assert list(failure.value.message_dict) == [field]
    assert not Contribution.objects.exists()


@pytest.mark.django_db
def test_partner_staff_record_contributions_for_their_own_partner_only(
    client, partner, partner_staff, other_organization, other_org_staff
) -> None:
    clinic = Partner.objects.create(organization=other_organization, sector="health_care")
    assert list(policy.contribution_partners(partner_staff)) == [partner]
    client.force_login(partner_staff)
    url = reverse("partnerships:contribution_create")
    body = {
        "partner": str(clinic.pk),
        "kind": "funds",
        "description": "A grant",
        "value": "100",
        "starts_on": "2026-01-01",
    }
    response = client.post(url, body)
    assert "partner" in response.context["form"].errors  # not theirs to record
    assert client.post(url, {**body, "partner": str(partner.pk)}).status_code == 302
    contribution = Contribution.objects.get()
    assert policy.can_edit_contribution(partner_staff, contribution)
    assert not policy.can_edit_contribution(other_org_staff, contribution)
    client.force_login(other_org_staff)
    edit = reverse("partnerships:contribution_edit", args=[contribution.pk])
    assert client.post(edit, {**body, "value": "1"}).status_code == 403


@pytest.mark.django_db
def test_navigators_read_the_ledger_but_record_nothing(
    client, partner, navigator, programme, settings
) -> None:
    settings.COMMONWEAL_FUNDING_WARNING_DAYS = 90
    Contribution.objects.create(
        partner=partner,
        programme=programme,
        kind="space",
        description="Hall on Saturdays",
        value=Decimal("2400"),
        starts_on=dt.date(2026, 1, 1),
    )
    FundingStream.objects.create(
        programme=programme,
        funder="County grant",
        amount=Decimal("50000"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date.today() + dt.timedelta(days=30),
    )
    client.force_login(navigator)
    html = client.get(reverse("partnerships:ledger")).content.decode()
    assert "$2,400.00" in html and "Saturday pantry" in html and "in 30 days" in html
    assert reverse("partnerships:contribution_create") not in html
    assert client.get(reverse("partnerships:contribution_create")).status_code == 403
    assert client.get(reverse("partnerships:funding_create")).status_code == 403


@pytest.mark.django_db
def test_a_coalition_admin_adds_a_funding_stream(client, coalition_admin, programme) -> None:
    client.force_login(coalition_admin)
    url = reverse("partnerships:funding_create")
    body = {
        "programme": str(programme.pk),
        "funder": "County",
        "amount": "-1",
        "starts_on": "2026-01-01",
        "ends_on": "2025-01-01",
    }
    errors = client.post(url, body).context["form"].errors
    assert {"amount", "ends_on"} <= set(errors)
    assert not FundingStream.objects.exists()
    client.post(url, {**body, "amount": "50000", "ends_on": "2027-06-30"})
    assert FundingStream.objects.get().amount == Decimal("50000")
