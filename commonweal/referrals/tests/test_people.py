from __future__ import annotations

import datetime as dt

import pytest

from commonweal.accounts.models import AuditEvent
from commonweal.referrals import people
from commonweal.referrals.models import CareTeamMember, Person
from commonweal.referrals.tests.people_fixtures import make_person

VALUES = {"given_name": "Ana", "family_name": "Pérez", "date_of_birth": dt.date(1990, 1, 2)}


@pytest.mark.django_db
def test_it_creates_a_person_in_the_navigators_care_team_and_logs_it(
    navigator, organization
) -> None:
    person = people.create_person(values=VALUES, organization=organization, by=navigator)
    assert person.created_by == navigator
    assert list(
        CareTeamMember.objects.filter(person=person).values_list("organization", flat=True)
    ) == [organization.pk]
    event = AuditEvent.objects.get(action="create", person_id=str(person.pk))
    assert event.actor == navigator
    assert "Ana" not in str(event.detail) and "Pérez" not in str(event.detail)


@pytest.mark.django_db
def test_it_refuses_to_add_a_person_to_another_organisations_care_team(
    navigator, other_organization
) -> None:
    with pytest.raises(people.NotInCareTeam):
        people.create_person(values=VALUES, organization=other_organization, by=navigator)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_coalition_admin_creating_people(coalition_admin, organization) -> None:
    with pytest.raises(people.NotInCareTeam):
        people.create_person(values=VALUES, organization=organization, by=coalition_admin)


@pytest.mark.django_db
def test_it_logs_which_fields_changed_but_never_their_values(navigator, person) -> None:
    changed = people.update_person(
        person=person,
        values={"phone": "305-555-0199", "given_name": person.given_name},
        by=navigator,
    )
    assert changed == ["phone"]
    event = AuditEvent.objects.get(action="update", person_id=str(person.pk))
    assert event.detail == {"fields": ["phone"]}
    assert "555" not in str(event.detail)


@pytest.mark.django_db
def test_it_refuses_an_update_from_outside_the_care_team(other_org_staff, person) -> None:
    with pytest.raises(people.NotInCareTeam):
        people.update_person(person=person, values={"phone": "305-555-0199"}, by=other_org_staff)
    person.refresh_from_db()
    assert person.phone == ""


@pytest.mark.django_db
def test_it_finds_a_visible_duplicate_ignoring_case_and_accents(navigator, organization) -> None:
    existing = make_person(
        organization, given_name="José", family_name="Núñez-Díaz", date_of_birth=dt.date(1975, 3, 4)
    )
    found = people.find_duplicates(
        user=navigator,
        given_name="jose",
        family_name="NUNEZ DIAZ",
        date_of_birth=dt.date(1975, 3, 4),
    )
    assert found.visible == [existing]
    assert found.hidden_ids == []


@pytest.mark.django_db
def test_it_does_not_match_a_different_date_of_birth(navigator, person) -> None:
    found = people.find_duplicates(
        user=navigator,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=dt.date(1999, 12, 31),
    )
    assert not found.visible and not found.hidden_ids


@pytest.mark.django_db
def test_it_keeps_a_duplicate_in_another_care_team_hidden(navigator, other_person) -> None:
    found = people.find_duplicates(
        user=navigator,
        given_name=other_person.given_name,
        family_name=other_person.family_name,
        date_of_birth=other_person.date_of_birth,
    )
    assert found.visible == []
    assert found.hidden_ids == [str(other_person.pk)]


@pytest.mark.django_db
def test_a_hidden_duplicate_is_noted_in_the_audit_log_for_admins(
    navigator, organization, other_person
) -> None:
    new = people.create_person(
        values={
            "given_name": other_person.given_name,
            "family_name": other_person.family_name,
            "date_of_birth": other_person.date_of_birth,
        },
        organization=organization,
        by=navigator,
        hidden_duplicate_ids=[str(other_person.pk)],
    )
    event = AuditEvent.objects.get(action="create", person_id=str(new.pk))
    assert event.detail["possible_duplicate_of"] == [str(other_person.pk)]


@pytest.mark.django_db
def test_a_person_never_prints_their_name(person) -> None:
    assert person.given_name not in str(person)
    assert person.family_name not in str(person)
