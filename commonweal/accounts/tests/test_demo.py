from __future__ import annotations

import pytest
from django.test import override_settings

from commonweal.accounts.demo import DemoUsersRefused, create_demo_users
from commonweal.accounts.models import Membership, User


@pytest.mark.django_db
def test_it_creates_one_working_login_per_role(client, organization, other_organization) -> None:
    logins = create_demo_users(
        partner_organization=organization, other_organization=other_organization
    )
    assert [login.role for login in logins] == [
        "navigator",
        "partner_staff",
        "coalition_admin",
        "analyst",
        "resident",
        "superuser",
    ]
    for login in logins:
        response = client.post(
            "/accounts/login/", {"username": login.username, "password": login.password}
        )
        assert response.status_code == 302, login.username
        client.post("/accounts/logout/")


@pytest.mark.django_db
def test_it_gives_each_demo_login_its_role_and_organisation(
    organization, other_organization
) -> None:
    logins = {
        login.role: login
        for login in create_demo_users(
            partner_organization=organization, other_organization=other_organization
        )
    }
    partner = User.objects.get(username=logins["partner_staff"].username)
    assert list(partner.memberships.values_list("organization", "role")) == [
        (organization.id, "partner_staff")
    ]
    assert logins["partner_staff"].organization_name == organization.name
    assert logins["navigator"].organization_name == other_organization.name
    resident = User.objects.get(username=logins["resident"].username)
    assert resident.is_resident and logins["resident"].organization_name == ""
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()


@pytest.mark.django_db
def test_it_is_idempotent(organization) -> None:
    first = create_demo_users(partner_organization=organization)
    users = {u.username: (u.pk, u.password) for u in User.objects.all()}
    memberships = Membership.objects.count()
    second = create_demo_users(partner_organization=organization)
    assert first == second
    assert {u.username: (u.pk, u.password) for u in User.objects.all()} == users
    assert Membership.objects.count() == memberships


@pytest.mark.django_db
def test_it_repairs_a_changed_demo_password(organization) -> None:
    logins = create_demo_users(partner_organization=organization)
    user = User.objects.get(username=logins[0].username)
    user.set_password("something else entirely")
    user.save()
    create_demo_users(partner_organization=organization)
    user.refresh_from_db()
    assert user.check_password(logins[0].password)


@pytest.mark.django_db
def test_it_never_writes_over_a_real_account_with_a_demo_name(organization) -> None:
    real = User.objects.create_superuser(username="admin", password="a real secret 2026!")
    with pytest.raises(DemoUsersRefused, match="admin"):
        create_demo_users(partner_organization=organization)
    real.refresh_from_db()
    assert real.check_password("a real secret 2026!")
    assert User.objects.count() == 1


@pytest.mark.django_db
@override_settings(DEBUG=False, TESTING=False)
def test_it_refuses_outside_demo_mode(organization) -> None:
    with pytest.raises(DemoUsersRefused):
        create_demo_users(partner_organization=organization)
    assert not User.objects.exists()


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_it_hashes_demo_passwords_with_argon2(organization) -> None:
    create_demo_users(partner_organization=organization)
    assert all(
        password.startswith("argon2$")
        for password in User.objects.values_list("password", flat=True)
    )
