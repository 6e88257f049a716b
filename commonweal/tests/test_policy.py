"""commonweal.policy, rule by rule: who may, and who may not, for every role.

Each table lists every role of the product: anonymous visitor, resident, navigator and
partner staff of the person's organisation, partner staff of another organisation,
coalition admin, analyst and superuser. The last tests guard the module's reach: no other
module decides access on its own.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from commonweal import policy
from commonweal.accounts.models import Membership, User
from commonweal.referrals import consent as consents
from commonweal.referrals.models import Person
from commonweal.referrals.tests.referral_fixtures import refer
from commonweal.screening import instruments, recording
from commonweal.screening.tests.answers import phq9

ROLES = [
    "anonymous",
    "resident",
    "navigator",
    "partner_staff",
    "other_org_staff",
    "coalition_admin",
    "analyst",
    "superuser",
]


def _user(request: pytest.FixtureRequest, role: str):
    if role == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(role)


def _table(allowed: set[str]) -> list:
    return [pytest.param(role, role in allowed, id=role) for role in ROLES]


CARE_TEAM = {"navigator", "partner_staff"}


# --- people ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM | {"superuser"}))
def test_viewing_a_person(request, person, role, allowed) -> None:
    user = _user(request, role)
    assert policy.can_view_person(user, person) is allowed
    assert policy.can_view_plan(user, person) is allowed
    assert (person in policy.visible_people(user)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM))
def test_editing_a_person_is_care_work(request, person, role, allowed) -> None:
    # A superuser outside the care team reads the record but never changes it.
    assert policy.can_edit_person(_user(request, role), person) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM))
def test_care_work_for_a_person_is_the_care_teams_alone(request, person, role, allowed) -> None:
    user = _user(request, role)
    assert policy.can_do_care_work(user, person) is allowed
    assert policy.can_edit_plan(user, person) is allowed
    assert (policy.acting_organization(user, person) is not None) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM | {"other_org_staff"}))
def test_the_people_pages_are_offered_to_care_roles(request, role, allowed) -> None:
    assert policy.can_work_with_people(_user(request, role)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM | {"other_org_staff", "superuser"}))
def test_the_people_and_follow_up_lists_open_to_care_roles_and_superusers(
    request, role, allowed
) -> None:
    assert policy.can_list_people(_user(request, role)) is allowed


@pytest.mark.django_db
def test_each_care_role_lists_only_its_own_organisations_people(
    navigator, other_org_staff, superuser, person, other_person
) -> None:
    assert list(policy.visible_people(navigator)) == [person]
    assert list(policy.visible_people(other_org_staff)) == [other_person]
    assert set(policy.visible_people(superuser)) == {person, other_person}


@pytest.mark.django_db
def test_a_coalition_admin_who_is_also_a_navigator_there_sees_through_that_role(
    coalition_admin, organization, person
) -> None:
    assert not policy.can_view_person(coalition_admin, person)
    Membership.objects.create(user=coalition_admin, organization=organization, role="navigator")
    assert policy.can_view_person(coalition_admin, person)


@pytest.mark.django_db
def test_a_deactivated_navigator_is_shut_out(navigator, person) -> None:
    User.objects.filter(pk=navigator.pk).update(is_active=False)
    navigator.refresh_from_db()
    assert not policy.can_view_person(navigator, person)
    assert not policy.visible_people(navigator).exists()


@pytest.mark.django_db
def test_the_acting_organisation_is_the_shared_care_team_organisation(
    navigator, organization, person, other_person
) -> None:
    assert policy.acting_organization(navigator, person) == organization
    assert policy.acting_organization(navigator, other_person) is None


@pytest.mark.django_db
def test_a_superuser_reads_outside_the_care_team_unless_a_member(
    superuser, navigator, organization
) -> None:
    assert policy.reads_outside_care_team(superuser)
    assert not policy.reads_outside_care_team(navigator)
    Membership.objects.create(user=superuser, organization=organization, role="navigator")
    assert not policy.reads_outside_care_team(superuser)


# --- referrals ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM | {"other_org_staff", "superuser"}))
def test_viewing_a_sent_referral(request, referral, role, allowed) -> None:
    user = _user(request, role)
    assert policy.can_view_referral(user, referral) is allowed
    assert (referral in policy.visible_referrals(user)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM | {"superuser"}))
def test_viewing_a_draft_referral(request, person, service, navigator, consent, role, allowed):
    draft = refer(person, service, navigator, send=False).referral
    user = _user(request, role)
    assert policy.can_view_referral(user, draft) is allowed
    assert (draft in policy.visible_referrals(user)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM))
def test_only_the_sending_organisation_sees_the_private_note(
    request, referral, role, allowed
) -> None:
    assert policy.can_see_private_note(_user(request, role), referral) is allowed


@pytest.mark.django_db
def test_the_sent_and_received_boxes_split_by_side(navigator, other_org_staff, referral) -> None:
    assert list(policy.visible_referrals(navigator, "sent")) == [referral]
    assert not policy.visible_referrals(navigator, "received").exists()
    assert list(policy.visible_referrals(other_org_staff, "received")) == [referral]
    assert not policy.visible_referrals(other_org_staff, "sent").exists()


@pytest.mark.django_db
def test_sharing_needs_an_active_consent_covering_the_categories(
    person, other_organization, third_organization, navigator, consent
) -> None:
    assert policy.may_share(person, other_organization, ["contact", "needs"])
    assert not policy.may_share(person, other_organization, ["contact", "screenings"])
    assert not policy.may_share(person, third_organization, ["contact"])
    consents.revoke_consent(consent=consent, by=navigator, reason="asked")
    assert not policy.may_share(person, other_organization, ["contact"])


@pytest.mark.django_db
def test_an_expired_consent_shares_nothing(person, other_organization, navigator) -> None:
    consents.record_consent(
        person=person,
        organizations=[other_organization],
        categories=["contact"],
        purpose="Referral",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=1),
        by=navigator,
    )
    assert policy.may_share(person, other_organization, ["contact"])
    person.consents.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert not policy.may_share(person, other_organization, ["contact"])


# --- screenings and safety follow-ups -------------------------------------------------------


def _screen(person, navigator, item9: int = 0):
    return recording.record_for_person(
        person=person,
        instrument=instruments.get("phq-9"),
        answers=phq9(first_eight=1, item9=item9),
        language="en",
        by=navigator,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM | {"superuser"}))
def test_viewing_a_navigators_screening(request, person, navigator, role, allowed) -> None:
    screening = _screen(person, navigator).screening
    assert policy.can_view_screening(_user(request, role), screening) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"resident"}))
def test_a_residents_own_screening_is_theirs_alone(request, resident, role, allowed) -> None:
    screening = recording.save_own(
        user=resident,
        instrument=instruments.get("phq-9"),
        answers=phq9(first_eight=1),
        language="en",
        idempotency_key="0" * 32,
    ).screening
    assert policy.can_view_screening(_user(request, role), screening) is allowed


@pytest.fixture
def follow_up(person, navigator):
    return _screen(person, navigator, item9=2).follow_up


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM | {"superuser"}))
def test_viewing_a_safety_follow_up(request, follow_up, role, allowed) -> None:
    user = _user(request, role)
    assert policy.can_view_follow_up(user, follow_up) is allowed
    assert (follow_up in policy.visible_follow_ups(user)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(CARE_TEAM))
def test_acting_on_a_safety_follow_up_is_care_work(request, follow_up, role, allowed) -> None:
    assert policy.can_act_on_follow_up(_user(request, role), follow_up) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"coalition_admin", "superuser"}))
def test_choosing_safety_contacts(request, organization, navigator, role, allowed) -> None:
    user = _user(request, role)
    assert policy.can_manage_contacts(user, organization.pk) is allowed
    assert (organization in policy.contact_organizations(user)) is allowed


@pytest.mark.django_db
def test_a_coalition_admin_chooses_contacts_for_their_own_organisation_only(
    coalition_admin, other_organization, other_org_staff
) -> None:
    assert not policy.can_manage_contacts(coalition_admin, other_organization.pk)
    assert other_organization not in policy.contact_organizations(coalition_admin)


# --- data requests and access history -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"coalition_admin", "superuser"}))
def test_handling_a_persons_data_requests(request, person, role, allowed) -> None:
    user = _user(request, role)
    assert policy.can_handle_data_requests(user, person) is allowed
    assert policy.can_view_access_history(user, str(person.pk)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"superuser"}))
def test_after_an_erasure_only_superusers_read_the_access_history(
    request, person, role, allowed
) -> None:
    person_id = str(person.pk)
    Person.objects.filter(pk=person_id).delete()
    assert policy.can_view_access_history(_user(request, role), person_id) is allowed


@pytest.mark.django_db
def test_a_coalition_admin_of_another_organisation_handles_no_request_here(
    person, other_organization
) -> None:
    outsider = User.objects.create_user(username="cody.elsewhere", password="x" * 12)
    Membership.objects.create(
        user=outsider, organization=other_organization, role="coalition_admin"
    )
    assert not policy.can_handle_data_requests(outsider, person)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"superuser"}))
def test_the_person_data_command_is_for_superusers(request, role, allowed) -> None:
    assert policy.can_run_person_data_command(_user(request, role)) is allowed


# --- directory listings ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), _table({"partner_staff", "coalition_admin", "superuser"})
)
def test_editing_an_organisations_listings(request, organization, role, allowed) -> None:
    from commonweal.directory.models import Service

    service = Service.objects.create(organization=organization, name="Pantry")
    user = _user(request, role)
    assert policy.can_edit_organization(user, organization) is allowed
    assert policy.can_edit_service(user, service) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"coalition_admin", "superuser"}))
def test_editing_every_listing(request, role, allowed) -> None:
    assert policy.can_edit_any_listing(_user(request, role)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    _table({"partner_staff", "other_org_staff", "coalition_admin", "superuser"}),
)
def test_the_my_organization_page_is_offered(request, role, allowed) -> None:
    assert policy.can_edit_some_listing(_user(request, role)) is allowed


@pytest.mark.django_db
def test_own_organizations_are_those_held_as_partner_staff_or_coalition_admin(
    partner_staff, coalition_admin, navigator, organization
) -> None:
    assert list(policy.own_organizations(partner_staff)) == [organization]
    assert list(policy.own_organizations(coalition_admin)) == [organization]
    assert not policy.own_organizations(navigator).exists()
    assert not policy.own_organizations(AnonymousUser()).exists()


# --- metrics and the admin ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    _table(CARE_TEAM | {"other_org_staff", "coalition_admin", "analyst", "superuser"}),
)
def test_the_metrics_page_is_open(request, role, allowed) -> None:
    user = _user(request, role)
    assert policy.can_see_metrics(user) is allowed
    assert (policy.metrics_scope(user) is not None) is allowed


@pytest.mark.django_db
def test_metrics_scopes(
    navigator,
    other_org_staff,
    coalition_admin,
    analyst,
    superuser,
    organization,
    other_organization,
) -> None:
    everything = policy.MetricsScope(organization_ids=None, suppress_small_cells=False)
    assert policy.metrics_scope(superuser) == everything
    assert policy.metrics_scope(coalition_admin) == everything
    assert policy.metrics_scope(analyst) == policy.MetricsScope(
        organization_ids=None, suppress_small_cells=True
    )
    assert policy.metrics_scope(navigator).organization_ids == frozenset({organization.pk})
    assert policy.can_see_metrics(navigator, organization)
    assert not policy.can_see_metrics(navigator, other_organization)
    assert policy.can_see_metrics(other_org_staff, other_organization)
    assert policy.can_see_metrics(analyst, other_organization)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"superuser"}))
def test_the_admin_site_is_for_superusers(request, role, allowed) -> None:
    assert policy.can_use_admin(_user(request, role)) is allowed


@pytest.mark.django_db
def test_is_staff_alone_does_not_open_the_admin(partner_staff, superuser) -> None:
    User.objects.filter(pk=partner_staff.pk).update(is_staff=True)
    partner_staff.refresh_from_db()
    assert not policy.can_use_admin(partner_staff)
    User.objects.filter(pk=superuser.pk).update(is_active=False)
    superuser.refresh_from_db()
    assert not policy.can_use_admin(superuser)


# --- the guard: one module decides ----------------------------------------------------------

PACKAGE = Path(policy.__file__).parent


def _application_modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path != Path(policy.__file__)
    )


def _is_view_like(path: Path) -> bool:
    """Modules that serve a request or a page: pages, API routers, admin, template tags."""
    name = path.name
    return (
        name in {"views.py", "api.py", "admin.py", "urls.py", "access_history.py"}
        or name.endswith("_views.py")
        or name.startswith(("metrics", "client_list"))
        or "templatetags" in path.parts
        or "commands" in path.parts
    )


# Not authorisation: /api/v1/me reports the flag; the Referrals link picks where it goes;
# the demo command names the role it signs in as.
NOT_AUTHORISATION = {
    ("web/management/commands/run_demo.py", "'navigator'"),
    ("accounts/api.py", "is_superuser"),
    ("referrals/templatetags/people_tags.py", "organization_ids_with_role"),
    ("referrals/templatetags/people_tags.py", "Role.NAVIGATOR"),
    ("referrals/templatetags/people_tags.py", "Role.PARTNER_STAFF"),
}
ROLE_CHECKS = {"is_superuser", "is_staff", "has_role", "organization_ids_with_role"}
ROLE_NAMES = {"navigator", "partner_staff", "coalition_admin", "analyst"}


def _role_checks(source: str, where: str) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ROLE_CHECKS:
            found.add((where, node.attr))
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Role"
        ):
            found.add((where, f"Role.{node.attr}"))
        elif isinstance(node, ast.Constant) and node.value in ROLE_NAMES:
            found.add((where, repr(node.value)))
    return found


def test_no_module_but_policy_defines_an_access_rule() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}"
        for path in _application_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith(("can_", "visible_"))
    ]
    assert offenders == [], "access rules belong in commonweal/policy.py"


def test_no_view_checks_roles_or_superuser_itself() -> None:
    found = set().union(
        *(
            _role_checks(path.read_text(), path.relative_to(PACKAGE).as_posix())
            for path in _application_modules()
            if _is_view_like(path)
        )
    )
    assert found - NOT_AUTHORISATION == set(), "ask commonweal.policy instead"


def test_the_guard_catches_a_stray_role_check() -> None:
    stray = (
        "def page(request):\n"
        "    if request.user.is_superuser or request.user.has_role(Role.ANALYST):\n"
        "        return memberships.filter(role='coalition_admin')\n"
    )
    assert _role_checks(stray, "views.py") == {
        ("views.py", "is_superuser"),
        ("views.py", "has_role"),
        ("views.py", "Role.ANALYST"),
        ("views.py", "'coalition_admin'"),
    }
