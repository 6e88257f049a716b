from __future__ import annotations

import pytest

from commonweal.accounts.models import Membership, User
from commonweal.referrals import permissions


@pytest.mark.django_db
def test_it_lets_the_care_teams_navigator_see_the_person(navigator, person) -> None:
    assert permissions.can_view_person(navigator, person)
    assert list(permissions.visible_people(navigator)) == [person]


@pytest.mark.django_db
def test_it_lets_the_care_teams_partner_staff_see_the_person(partner_staff, person) -> None:
    assert permissions.can_view_person(partner_staff, person)
    assert permissions.can_edit_person(partner_staff, person)


@pytest.mark.django_db
def test_it_hides_the_person_from_another_organisations_staff(
    other_org_staff, person, other_person
) -> None:
    assert not permissions.can_view_person(other_org_staff, person)
    assert list(permissions.visible_people(other_org_staff)) == [other_person]


@pytest.mark.django_db
def test_it_hides_people_from_a_coalition_admin_of_the_same_organisation(
    coalition_admin, person
) -> None:
    assert not permissions.can_view_person(coalition_admin, person)
    assert not permissions.visible_people(coalition_admin).exists()
    assert not permissions.can_work_with_people(coalition_admin)


@pytest.mark.django_db
def test_a_coalition_admin_who_is_also_a_navigator_there_sees_through_that_role(
    coalition_admin, organization, person
) -> None:
    Membership.objects.create(user=coalition_admin, organization=organization, role="navigator")
    assert permissions.can_view_person(coalition_admin, person)


@pytest.mark.django_db
def test_it_never_shows_people_to_an_analyst(analyst, person) -> None:
    assert not permissions.can_view_person(analyst, person)
    assert not permissions.visible_people(analyst).exists()


@pytest.mark.django_db
def test_it_never_shows_people_to_residents_or_anonymous_visitors(resident, person) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can_view_person(resident, person)
    assert not permissions.can_view_person(AnonymousUser(), person)
    assert not permissions.visible_people(AnonymousUser()).exists()


@pytest.mark.django_db
def test_it_lets_a_superuser_see_everyone(superuser, person, other_person) -> None:
    assert permissions.can_view_person(superuser, person)
    assert set(permissions.visible_people(superuser)) == {person, other_person}


@pytest.mark.django_db
def test_it_shuts_out_a_deactivated_navigator(navigator, person) -> None:
    User.objects.filter(pk=navigator.pk).update(is_active=False)
    navigator.refresh_from_db()
    assert not permissions.can_view_person(navigator, person)


@pytest.mark.django_db
def test_the_acting_organisation_is_the_shared_care_team_organisation(
    navigator, organization, person, other_person
) -> None:
    assert permissions.acting_organization(navigator, person) == organization
    assert permissions.acting_organization(navigator, other_person) is None
