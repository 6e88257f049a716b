"""A person's access history: superusers and the care team's coalition admins only, logged."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from commonweal import policy
from commonweal.accounts import access_history, audit
from commonweal.accounts.models import AuditEvent, Membership, User
from commonweal.referrals.tests.people_fixtures import make_person

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _url(person_id) -> str:
    return reverse("accounts:person_access_history", args=[person_id])


def _rows(response) -> str:
    """The table body only: the page's header names the signed-in user too."""
    page = response.content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")]


def _read_by(user, person, **detail) -> AuditEvent:
    return audit.record(
        action="view",
        actor=user,
        obj=person,
        person_id=str(person.pk),
        detail=detail or {"read": "record"},
    )


@pytest.fixture
def person(organization):
    """In the care of `organization`, where `coalition_admin` is a coalition admin."""
    return make_person(organization)


@pytest.fixture
def other_org_admin(other_organization):
    user = User.objects.create_user(username="olga.admin", password=PASSWORD)
    Membership.objects.create(user=user, organization=other_organization, role="coalition_admin")
    return user


def test_it_shows_a_coalition_admin_of_the_care_team_who_read_the_person(
    client, coalition_admin, navigator, person
) -> None:
    _read_by(navigator, person)
    client.force_login(coalition_admin)
    response = client.get(_url(person.pk), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    page = response.content.decode()
    assert "nina.navigator" in page and "Viewed" in page and "read: record" in page
    # The history, not the record: a coalition admin alone never sees the person's name.
    assert "Lopez" not in page and "Maria" not in page


def test_it_logs_the_viewing_of_the_history_in_that_same_history(
    client, coalition_admin, person
) -> None:
    client.force_login(coalition_admin)
    response = client.get(_url(person.pk), REMOTE_ADDR="198.51.100.4")
    event = AuditEvent.objects.get(object_type=access_history.OBJECT_TYPE)
    assert (event.actor, event.person_id, event.ip_address) == (
        coalition_admin,
        str(person.pk),
        "198.51.100.4",
    )
    assert event.detail == {"read": "access_history", "page": 1}
    assert "cora.admin" in _rows(response)


def test_it_lists_newest_first_and_pages(client, superuser, navigator, person) -> None:
    for i in range(55):
        _read_by(navigator, person, read=f"step-{i}")
    client.force_login(superuser)
    first = _rows(client.get(_url(person.pk)))
    # The superuser's own read heads the list, then the navigator's, newest first.
    assert first.index("sam.super") < first.index("step-54") < first.index("step-53")
    assert "step-5<" not in first
    assert "Page 1 of 2" in client.get(_url(person.pk)).content.decode()
    second = _rows(client.get(_url(person.pk), {"page": "2"}))
    assert "step-4<" in second and "step-54" not in second


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999999999999999999999999", "1\x00"])
def test_it_answers_an_odd_page_number_with_a_page(client, superuser, person, page) -> None:
    client.force_login(superuser)
    assert client.get(_url(person.pk), {"page": page}).status_code == 200


def test_it_shows_a_superuser_the_history_with_the_name(client, superuser, person) -> None:
    client.force_login(superuser)
    page = client.get(_url(person.pk)).content.decode()
    assert "Maria Lopez" in page


@pytest.mark.parametrize(
    "who",
    ["navigator", "partner_staff", "other_org_admin", "analyst", "resident", "other_org_staff"],
)
def test_it_hides_the_history_from_everyone_else(client, request, person, who) -> None:
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(_url(person.pk)).status_code == 404
    assert not AuditEvent.objects.filter(object_type=access_history.OBJECT_TYPE).exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, person) -> None:
    response = client.get(_url(person.pk))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(object_type=access_history.OBJECT_TYPE).exists()


def test_it_hides_it_from_a_coalition_admin_whose_account_is_disabled(
    client, coalition_admin, person
) -> None:
    assert policy.can_view_access_history(coalition_admin, str(person.pk))
    coalition_admin.is_active = False
    assert not policy.can_view_access_history(coalition_admin, str(person.pk))


def test_it_answers_404_for_someone_who_never_existed(client, superuser) -> None:
    client.force_login(superuser)
    assert client.get(_url(uuid.uuid4())).status_code == 404
    assert client.get("/accounts/people/not-a-uuid/access-history/").status_code == 404


def test_it_keeps_an_erased_persons_history_for_superusers_only(
    client, superuser, coalition_admin, navigator, organization
) -> None:
    gone = make_person(organization)
    _read_by(navigator, gone)
    gone_id = gone.pk
    gone.delete()
    client.force_login(coalition_admin)
    assert client.get(_url(gone_id)).status_code == 404
    client.force_login(superuser)
    assert "nina.navigator" in _rows(client.get(_url(gone_id)))


def test_it_links_from_the_person_page_only_for_those_who_may_see_it(
    client, superuser, navigator, coalition_admin, organization, person
) -> None:
    link = _url(person.pk)
    client.force_login(navigator)
    assert link not in client.get(person.get_absolute_url()).content.decode()
    client.force_login(superuser)
    assert link in client.get(person.get_absolute_url()).content.decode()
    # A coalition admin who also navigates there opens the record, and sees the link.
    Membership.objects.create(user=coalition_admin, organization=organization, role="navigator")
    client.force_login(coalition_admin)
    assert link in client.get(person.get_absolute_url()).content.decode()
