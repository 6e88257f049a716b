"""Who may do what to which object: every authorisation rule of commonweal, in one place.

Pages, the API routers, FHIR and JSON exports, management commands, template tags and the
admin site all ask this module; none of them decides access on its own (a guard test,
commonweal/tests/test_policy.py, keeps it so).

Who there is
------------
- **Anonymous visitors** read the public directory. Nothing else.
- **Residents** (signed in, no membership) save and read their *own* screenings. They never
  see anyone's record, referral or follow-up, and never edit the directory.
- **Navigators** and **partner staff** ("care roles", `CARE_ROLES`) work with people in the
  organisations where they hold that role. They see and edit a person whose care team
  includes one of those organisations — their record, screenings, care plan, consents and
  safety follow-ups — and refer them. Partner staff also keep their own organisation's
  directory listings current (navigators do not edit the directory).
- **Coalition admins** run the partnership, not anyone's care: the role alone never opens
  a person record, even in a care-team organisation (a coalition admin who also works as a
  navigator there gets in through that navigator membership). They edit every listing,
  choose their organisation's safety contacts, handle the data requests (export, erasure)
  and read the access history of people in their organisations' care, and see every
  partner's loop-closure figures.
- **Analysts** see the loop-closure figures of every partner, de-identified (small cells
  suppressed). They never open a person, a referral or a follow-up.
- **Superusers** may read everything (every read is audit-logged, with `as_superuser` when
  they read from outside the care team), edit every listing, handle every data request and
  use the Django admin and the person-data command. Care work (screening, care plans,
  recording safety steps) is the care team's, even for a superuser.

Over what
---------
- **People**: the person's care team (care roles of a care-team organisation); superusers.
- **Referrals**: care staff of the sending organisation, and of the receiving one once it
  is sent (never a draft); superusers. The receiver sees the referral's snapshot of the
  person, never their record, and never the private note — only the sender's staff see it.
- **Screenings**: a navigator's screening follows the person rule; a resident's own
  screening is theirs alone.
- **Care plans**: read as the person; changed only by their care team (not a superuser).
- **Safety follow-ups**: read by the care team of the organisation the follow-up belongs to
  (and superusers); acted on by that care team only. Safety contacts are chosen by the
  organisation's coalition admins (and superusers).
- **Data requests and access history**: superusers and coalition admins of a care-team
  organisation; after an erasure only superusers read the history.
- **Listings**: superusers and coalition admins all; partner staff their organisation's.
- **Metrics**: see `metrics_scope`.
- **Sharing**: a person's data goes to another organisation only under an active consent
  covering it and the categories shared (`may_share`, the consent module's rule).

The 404-not-403 rule
--------------------
For person-level objects (people, referrals, screenings, care plans, follow-ups, access
history) a refusal is answered "not found", exactly like an object that does not exist, so
an outsider cannot learn that a record exists. Whole pages that are simply not for a role
(the directory editor, the follow-up list, the metrics page) answer 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from commonweal.accounts.models import Role
from commonweal.directory.models import Organization, Service
from commonweal.referrals.models import Person, Referral
from commonweal.screening.models import SafetyFollowUp, Screening

# The roles that work with people. Coalition admin and analyst are deliberately absent.
CARE_ROLES = (Role.NAVIGATOR, Role.PARTNER_STAFF)
LISTING_ROLES = (Role.PARTNER_STAFF, Role.COALITION_ADMIN)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


# --- care organisations ---------------------------------------------------------------------


def care_organization_ids(user: Any) -> list:
    """The organisations in which this user may work with people."""
    if not _signed_in(user):
        return []
    return user.organization_ids_with_role(*CARE_ROLES)


def care_organizations(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(id__in=care_organization_ids(user)).order_by("name")


def reads_outside_care_team(user: Any) -> bool:
    """A superuser reading without any care membership: marked `as_superuser` in the audit."""
    return bool(getattr(user, "is_superuser", False)) and not care_organization_ids(user)


# --- people ---------------------------------------------------------------------------------


def can_work_with_people(user: Any) -> bool:
    """Whether to offer this user the people pages at all (create, list)."""
    return bool(care_organization_ids(user))


def can_list_people(user: Any) -> bool:
    """The people list and the follow-up list: care roles, and superusers (oversight)."""
    return _signed_in(user) and (user.is_superuser or can_work_with_people(user))


def visible_people(user: Any) -> QuerySet[Person]:
    """The people this user may see; the only way pages and the API list people."""
    if not _signed_in(user):
        return Person.objects.none()
    if user.is_superuser:
        return Person.objects.all()
    organization_ids = care_organization_ids(user)
    if not organization_ids:
        return Person.objects.none()
    return Person.objects.in_care_of(organization_ids)


def can_view_person(user: Any, person: Person) -> bool:
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    organization_ids = care_organization_ids(user)
    return (
        bool(organization_ids)
        and person.care_team.filter(organization_id__in=organization_ids).exists()
    )


def can_edit_person(user: Any, person: Person) -> bool:
    """Keeping the record current is care work: the person's care team only. A superuser
    outside it reads the record (oversight, audit-logged) but never changes it."""
    if not _signed_in(user):
        return False
    organization_ids = care_organization_ids(user)
    return (
        bool(organization_ids)
        and person.care_team.filter(organization_id__in=organization_ids).exists()
    )


def acting_organization(user: Any, person: Person) -> Organization | None:
    """The organisation on whose behalf `user` works with `person` (their first shared one).

    None means the user does no care work for this person: no screening, consent, care
    plan or referral on their behalf (a superuser outside the care team included)."""
    organization_ids = care_organization_ids(user)
    member = (
        person.care_team.filter(organization_id__in=organization_ids)
        .select_related("organization")
        .order_by("added_at", "id")
        .first()
    )
    return member.organization if member is not None else None


def can_do_care_work(user: Any, person: Person) -> bool:
    """Screening, recording consent, starting a referral: the person's care team only."""
    return acting_organization(user, person) is not None


# --- referrals ------------------------------------------------------------------------------


def visible_referrals(user: Any, box: str = "all") -> QuerySet[Referral]:
    """The referrals this user may see; `box`: "sent", "received" or "all"."""
    if not _signed_in(user):
        return Referral.objects.none()
    organization_ids = care_organization_ids(user)
    sent = Q(from_organization_id__in=organization_ids)
    # A draft has not been sent: the receiver does not see it until it is.
    received = Q(to_organization_id__in=organization_ids) & ~Q(status="draft")
    if user.is_superuser and not organization_ids:
        wanted = Q()
    elif box == "sent":
        wanted = sent
    elif box == "received":
        wanted = received
    else:
        wanted = sent | received
    if not organization_ids and not user.is_superuser:
        return Referral.objects.none()
    return Referral.objects.filter(wanted)


def can_view_referral(user: Any, referral: Any) -> bool:
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    organization_ids = set(care_organization_ids(user))
    if referral.from_organization_id in organization_ids:
        return True
    return referral.to_organization_id in organization_ids and referral.status != "draft"


def can_see_private_note(user: Any, referral: Any) -> bool:
    """Only the referring organisation's staff: the note is theirs, never the receiver's."""
    if not _signed_in(user):
        return False
    return referral.from_organization_id in set(care_organization_ids(user))


def may_share(person: Person, organization: Organization, categories: Iterable[str]) -> bool:
    """Whether an active consent lets `organization` receive these categories of data."""
    from commonweal.referrals import consent

    return consent.active_consent(person, organization, categories) is not None


# --- screenings and care plans --------------------------------------------------------------


def can_view_screening(user: Any, screening: Screening) -> bool:
    """The person's care team (navigator's screening), or the resident who saved it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if screening.person_id is None:
        return screening.user_id == user.pk
    return can_view_person(user, screening.person)


def can_view_plan(user: Any, person: Person) -> bool:
    return can_view_person(user, person)


def can_edit_plan(user: Any, person: Person) -> bool:
    """Care work: a navigator or partner staff of an organisation in the person's care team."""
    return can_do_care_work(user, person)


# --- safety follow-ups ----------------------------------------------------------------------


def can_view_follow_up(user: Any, follow_up: SafetyFollowUp) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return follow_up.organization_id in care_organization_ids(user) and can_view_person(
        user, follow_up.person
    )


def can_act_on_follow_up(user: Any, follow_up: SafetyFollowUp) -> bool:
    """Recording steps, notes or closing is care work: the person's care team only. A
    superuser outside it may read the follow-up (oversight), never act on it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return follow_up.organization_id in care_organization_ids(user) and can_view_person(
        user, follow_up.person
    )


def visible_follow_ups(user: Any) -> QuerySet[SafetyFollowUp]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SafetyFollowUp.objects.none()
    if user.is_superuser:
        return SafetyFollowUp.objects.all()
    organization_ids = care_organization_ids(user)
    return (
        SafetyFollowUp.objects.for_organizations(organization_ids)
        .filter(person__care_team__organization_id__in=organization_ids)
        .distinct()
    )


def can_manage_contacts(user: Any, organization_id: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(
        organization_id=organization_id, role=Role.COALITION_ADMIN
    ).exists()


def contact_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations whose safety contacts this user chooses (superusers: any with
    members; coalition admins: their own)."""
    if not _signed_in(user):
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.filter(memberships__isnull=False).distinct()
    return Organization.objects.filter(
        memberships__user=user, memberships__role=Role.COALITION_ADMIN
    ).distinct()


# --- data requests and access history -------------------------------------------------------


def can_handle_data_requests(user: Any, person: Person) -> bool:
    """Superusers, and coalition admins of an organisation in the person's care team."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    admin_of = user.organization_ids_with_role(Role.COALITION_ADMIN)
    return bool(admin_of) and person.care_team.filter(organization_id__in=admin_of).exists()


def can_view_access_history(user: Any, person_id: str) -> bool:
    """Whether `user` may read the access history of the person with this id.

    The same people who handle the person's data requests; after an erasure, with no
    record left to find a care team by, superusers only.
    """
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    person = Person.objects.filter(pk=person_id).first()
    return person is not None and can_handle_data_requests(user, person)


def can_run_person_data_command(user: Any) -> bool:
    """`person_data` export/erase from the shell: an active superuser names themself."""
    return _signed_in(user) and bool(user.is_superuser)


# --- directory listings ---------------------------------------------------------------------


def is_coalition_admin(user: Any) -> bool:
    if not _signed_in(user):
        return False
    return user.memberships.filter(role=Role.COALITION_ADMIN).exists()


def can_edit_any_listing(user: Any) -> bool:
    return _signed_in(user) and (user.is_superuser or is_coalition_admin(user))


def can_edit_organization(user: Any, organization: Organization) -> bool:
    """An organisation's listings: superusers and coalition admins, or its partner staff."""
    if not _signed_in(user):
        return False
    if can_edit_any_listing(user):
        return True
    return user.memberships.filter(
        organization_id=organization.pk, role=Role.PARTNER_STAFF
    ).exists()


def can_edit_service(user: Any, service: Service) -> bool:
    return can_edit_organization(user, service.organization)


def can_edit_some_listing(user: Any) -> bool:
    """Whether to offer this user the "My organization" page at all."""
    if not _signed_in(user):
        return False
    return user.is_superuser or user.memberships.filter(role__in=LISTING_ROLES).exists()


def own_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations this user belongs to as partner staff or coalition admin."""
    if not _signed_in(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user=user, memberships__role__in=LISTING_ROLES
    ).distinct()


# --- metrics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricsScope:
    """What a user may see: every organisation (`organization_ids` None) or only these."""

    organization_ids: frozenset | None
    suppress_small_cells: bool


def metrics_scope(user: Any) -> MetricsScope | None:
    """What `user` may see of the loop-closure figures, or None when nothing at all.

    Superusers and coalition admins: every partner; analysts: every partner, de-identified;
    navigators and partner staff: the referrals their own organisation sent or received."""
    if not _signed_in(user):
        return None
    if user.is_superuser or user.has_role(Role.COALITION_ADMIN):
        return MetricsScope(organization_ids=None, suppress_small_cells=False)
    if user.has_role(Role.ANALYST):
        return MetricsScope(organization_ids=None, suppress_small_cells=True)
    own = set(user.organization_ids_with_role(Role.NAVIGATOR)) | set(
        user.organization_ids_with_role(Role.PARTNER_STAFF)
    )
    if own:
        return MetricsScope(organization_ids=frozenset(own), suppress_small_cells=False)
    return None


def can_see_metrics(user: Any, organization: Organization | None = None) -> bool:
    """Whether the metrics page is open to `user` (and covers `organization`, if given)."""
    scope = metrics_scope(user)
    if scope is None:
        return False
    if organization is None or scope.organization_ids is None:
        return True
    return organization.pk in scope.organization_ids


# --- insights (gaps, unmet need, outcomes) ------------------------------------------------


def can_see_insights(user: Any) -> bool:
    """The insights area: coalition admins, analysts and superusers. Every figure there is
    an aggregate through insights/deidentify.py (cells under 11 suppressed for everyone), so
    no person-level access is implied."""
    if not _signed_in(user):
        return False
    return bool(
        user.is_superuser or user.has_role(Role.COALITION_ADMIN) or user.has_role(Role.ANALYST)
    )


def can_edit_report_stories(user: Any) -> bool:
    """Stories and quotes in the partnership report: coalition admins and superusers."""
    return _signed_in(user) and bool(user.is_superuser or user.has_role(Role.COALITION_ADMIN))


# --- the Django admin -----------------------------------------------------------------------


def can_use_admin(user: Any) -> bool:
    """The admin is for superusers only: is_staff alone must not open it."""
    return bool(user.is_active and user.is_superuser)


# --- the partnership workspace ------------------------------------------------------------------


def is_partnership_member(user: Any) -> bool:
    """Any role in an organisation that is an active partner of the partnership."""
    from commonweal.partnerships.models import Partner

    if not _signed_in(user):
        return False
    member_ids = Partner.objects.active().values("organization_id")
    return user.memberships.filter(organization_id__in=member_ids).exists()


def can_see_workspace(user: Any) -> bool:
    """The partnership workspace (partners, goals, plans, meetings): coalition admins and
    superusers, and everyone with a role (navigator, partner staff, analyst) in an active
    partner organisation. Nothing in it is person-level (figures computed from people are
    counts suppressed under 11), so navigators and analysts of members read it like partner
    staff. Residents, anonymous visitors and staff of non-member organisations see nothing."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser or is_coalition_admin(user) or is_partnership_member(user))


def can_manage_workspace(user: Any) -> bool:
    """Partners, agreements, needs, goals, indicators and meetings: coalition admins and
    superusers."""
    return _signed_in(user) and bool(user.is_superuser or is_coalition_admin(user))


def contribution_partners(user: Any) -> QuerySet[Any]:
    """The partners on whose behalf `user` records resource contributions: every active
    partner for coalition admins and superusers; their own organisation's partner for its
    partner staff; none for anyone else."""
    from commonweal.partnerships.models import Partner

    if not _signed_in(user):
        return Partner.objects.none()
    if can_manage_workspace(user):
        return Partner.objects.active()
    return Partner.objects.active().filter(
        organization__memberships__user=user,
        organization__memberships__role=Role.PARTNER_STAFF,
    )


def can_edit_contribution(user: Any, contribution: Any) -> bool:
    """A contribution: coalition admins and superusers, and its partner's staff."""
    return contribution_partners(user).filter(pk=contribution.partner_id).exists()


def workspace_managers() -> QuerySet[Any]:
    """Who is told of workspace matters (agreements about to expire): the active coalition
    admins with an e-mail address."""
    from commonweal.accounts.models import User

    return User.objects.filter(
        is_active=True, memberships__role=Role.COALITION_ADMIN, email__gt=""
    ).distinct()


def can_edit_task(user: Any, task: Any) -> bool:
    """A task of the action plan: coalition admins and superusers change anything in it;
    partner staff of the owning partner (a member) keep their own tasks' progress current."""
    if not _signed_in(user):
        return False
    if can_manage_workspace(user):
        return True
    return (
        can_see_workspace(user)
        and user.memberships.filter(
            organization_id=task.owner.organization_id, role=Role.PARTNER_STAFF
        ).exists()
    )


# --- programmes and events ------------------------------------------------------------------
# The calendar, programme pages, feeds and registration are public. A programme is managed
# (sessions, cancellations, attendance) like its organisation's listings. Registrants' names
# and contacts are person data: the organising organisation's partner staff see them (and
# superusers, audit-logged); coalition admins manage every programme but see no registrant.


def can_manage_programme(user: Any, organization: Organization) -> bool:
    """An organisation's programmes: its partner staff, coalition admins and superusers."""
    return can_edit_organization(user, organization)


def programme_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations whose programmes this user may manage."""
    if not _signed_in(user):
        return Organization.objects.none()
    if can_edit_any_listing(user):
        return Organization.objects.order_by("name")
    return (
        Organization.objects.filter(memberships__user=user, memberships__role=Role.PARTNER_STAFF)
        .distinct()
        .order_by("name")
    )


def can_manage_some_programme(user: Any) -> bool:
    """Whether to open the programme manager at all."""
    return can_edit_any_listing(user) or programme_organizations(user).exists()


def can_see_registrants(user: Any, organization: Organization) -> bool:
    """Names and contacts of a programme's registrants, and the check-in list."""
    if not _signed_in(user):
        return False
    return (
        bool(user.is_superuser)
        or user.memberships.filter(
            organization_id=organization.pk, role=Role.PARTNER_STAFF
        ).exists()
    )


def training_organizations(user: Any) -> QuerySet[Organization]:
    """Organisations whose training records (trained people's names) this user keeps: their
    partner staff; superusers all."""
    if not _signed_in(user):
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.order_by("name")
    return (
        Organization.objects.filter(memberships__user=user, memberships__role=Role.PARTNER_STAFF)
        .distinct()
        .order_by("name")
    )


def can_see_training_coverage(user: Any) -> bool:
    """Where trained people are lacking (counts by ZIP and language, no names): coalition
    admins and superusers."""
    return can_edit_any_listing(user)


# --- volunteers -----------------------------------------------------------------------------
# Open roles and signing up are public. A role is managed like its organisation's programmes.
# Volunteers' names and contacts are person data of the posting organisation: its partner
# staff (and superusers, audit-logged) see them, confirm or decline and log hours; coalition
# admins manage every role and see counts and hours, never a name.


def can_manage_volunteer_role(user: Any, organization: Organization) -> bool:
    """An organisation's volunteer roles: its partner staff, coalition admins, superusers."""
    return can_manage_programme(user, organization)


def can_coordinate_volunteers(user: Any, organization: Organization) -> bool:
    """Volunteers' names and contacts, the matched list, confirming and logging hours."""
    return can_see_registrants(user, organization)


# --- health education and awareness campaigns -----------------------------------------------
# Published education pages and campaigns are public. Partner staff write pages for their
# own organisation and keep them current until published; a coalition admin reviews and
# publishes (the review rule: nothing reaches residents without a named reviewer and a
# review date), and alone changes a published page. Campaigns are the partnership's: its
# coalition admins run them; partner staff of a campaign's partners record its activities.


def can_publish_education(user: Any) -> bool:
    """Reviewing and publishing education pages, and editing published ones: coalition
    admins and superusers."""
    return can_edit_any_listing(user)


def education_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations on whose behalf `user` writes education pages."""
    return programme_organizations(user)


def can_write_education(user: Any) -> bool:
    return can_publish_education(user) or education_organizations(user).exists()


def can_edit_education_page(user: Any, page: Any) -> bool:
    """A page's text and settings: publishers always; its organisation's partner staff
    until it is published."""
    if not _signed_in(user):
        return False
    if can_publish_education(user):
        return True
    if page.status == "published" or page.organization_id is None:
        return False
    return user.memberships.filter(
        organization_id=page.organization_id, role=Role.PARTNER_STAFF
    ).exists()


def can_manage_campaigns(user: Any) -> bool:
    """Creating and changing campaigns: coalition admins and superusers."""
    return can_manage_workspace(user)


def campaign_partners_for(user: Any, campaign: Any) -> QuerySet[Any]:
    """The campaign's partners on whose behalf `user` records activities: all of them for
    coalition admins and superusers; their own organisation's for its partner staff."""
    from commonweal.partnerships.models import Partner

    if not _signed_in(user):
        return Partner.objects.none()
    partners = campaign.partners.select_related("organization").order_by("organization__name")
    if can_manage_campaigns(user):
        return partners
    return partners.filter(
        organization__memberships__user=user,
        organization__memberships__role=Role.PARTNER_STAFF,
    ).distinct()


def can_work_on_campaign(user: Any, campaign: Any) -> bool:
    """The campaign's manage page (activities, reach) and recording activities."""
    return can_manage_campaigns(user) or campaign_partners_for(user, campaign).exists()


def can_open_campaigns(user: Any) -> bool:
    """Whether to open the campaigns list at all: managers, and partner staff (who see the
    campaigns their organisation is a partner of)."""
    if not _signed_in(user):
        return False
    return can_manage_campaigns(user) or user.memberships.filter(role=Role.PARTNER_STAFF).exists()


# --- mobile services (routes and stops) -----------------------------------------------------
# A mobile clinic's or food truck's route is public once published, like a programme, and is
# managed like its organisation's listings: its partner staff, coalition admins, superusers.
# A stop is a place and a time, never a person: nothing here is person data.


def can_manage_route(user: Any, organization: Organization) -> bool:
    """An organisation's routes and stops (and an unpublished route's public pages)."""
    return can_edit_organization(user, organization)


def route_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations whose routes this user may manage (as programme_organizations)."""
    return programme_organizations(user)


# --- personal reminders -----------------------------------------------------------------------
# A person's reminder plans (what, when, their number or email) are part of their record: the
# care team reads them, a superuser reads them (audit-flagged); setting, pausing or stopping
# one is care work (the care team only), and needs the person's consent to be contacted
# (programs/personal_reminders.py). A resident's own plan is reached only by its private link.


def can_see_reminders(user: Any, person: Person) -> bool:
    return can_view_person(user, person)


def can_set_reminders(user: Any, person: Person) -> bool:
    return can_do_care_work(user, person)
