"""A small world of one organisation's private records, for the attack tests.

`Home` holds a person in its care with every kind of id-bearing record (consent, referral
sent to `Receiving`, screening with a safety follow-up, care plan with a goal and a note, a
listed service, an API token) and a resident's own saved screening. `Outside` is a third
organisation whose navigator and partner staff play the intruder: the right role, the
wrong organisation. Every free-text field is filled with `text`, so the XSS tests reuse
the same builder with hostile payloads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from commonweal.accounts.models import ApiToken, Membership, User
from commonweal.directory import browse
from commonweal.directory.models import (
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceIntake,
    Taxonomy,
    TaxonomyTerm,
)
from commonweal.referrals import care_plans, lifecycle, referring
from commonweal.referrals import consent as consents
from commonweal.referrals.care_plan_models import CarePlan, CarePlanGoal, CarePlanNote
from commonweal.referrals.models import CareTeamMember, Consent, Person, Referral
from commonweal.screening import instruments, recording, safety
from commonweal.screening.models import SafetyFollowUp, Screening
from commonweal.screening.tests.answers import phq9

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    home: Organization
    receiving: Organization
    outside: Organization
    navigator: User
    partner_staff: User
    home_admin: User  # a coalition admin of `home`
    receiver: User
    resident: User
    intruder: User  # a navigator of `outside`
    intruder_staff: User  # partner staff of `outside`
    intruder_resident: User
    intruder_admin: User  # a coalition admin of `outside`
    person: Person
    consent: Consent
    referral: Referral
    closed_referral: Referral
    screening: Screening
    follow_up: SafetyFollowUp
    own_screening: Screening
    plan: CarePlan
    goal: CarePlanGoal
    note: CarePlanNote
    home_service: Service
    term: TaxonomyTerm
    receiving_service: Service
    token: ApiToken
    raw_token: str
    # Words that only the home organisation's records hold: no denial may show them.
    secrets: tuple[str, ...]


def member(username: str, organization: Organization | None, role: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


def bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="attack tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def build(text: str = "") -> World:
    """Build the world; `text` goes into every free-text field (blank: recognisable words)."""

    def words(default: str) -> str:
        return text or default

    home = Organization.objects.create(name=words("Home Pantry"), description=words("Food."))
    receiving = Organization.objects.create(name="Receiving Clinic", description="Care.")
    outside = Organization.objects.create(name="Outside Shelter", description="Beds.")
    navigator = member("nina.home", home, "navigator")
    partner_staff = member("pat.home", home, "partner_staff")
    home_admin = member("hana.home", home, "coalition_admin")
    receiver = member("rita.receiving", receiving, "partner_staff")
    resident = member("rosa.resident", None, "")
    intruder = member("ivan.outside", outside, "navigator")
    intruder_staff = member("irma.outside", outside, "partner_staff")
    intruder_resident = member("ines.resident", None, "")
    intruder_admin = member("ike.outside", outside, "coalition_admin")

    person = Person.objects.create(
        given_name=words("Zephyrine"),
        family_name=words("Quillfeather"),
        preferred_name=words("Zeph"),
        date_of_birth=dt.date(1980, 5, 17),
        zip_code="33130",
        safe_times=words("Mornings"),
    )
    CareTeamMember.objects.create(person=person, organization=home)

    receiving_service = Service.objects.create(
        organization=receiving, name=words("Walk-in clinic"), description=words("Doctors.")
    )
    ServiceIntake.objects.create(
        service=receiving_service,
        accepting_referrals=ServiceIntake.YES,
        accepting_new_clients=ServiceIntake.YES,
    )
    location = Location.objects.create(organization=receiving, name="Main street")
    ServiceAtLocation.objects.create(service=receiving_service, location=location)
    home_service = Service.objects.create(
        organization=home, name=words("Home groceries"), description=words("Bags of food.")
    )

    # Only Open Eligibility terms have category pages.
    taxonomy = Taxonomy.objects.create(name=browse.OPEN_ELIGIBILITY, description="")
    term = TaxonomyTerm.objects.create(code="1103", name=words("Food pantry"), taxonomy=taxonomy)
    Attribute.objects.create(
        link_id=home_service.pk,
        link_entity="service",
        taxonomy_term=term,
        link_type="service_category",
    )

    consent = consents.record_consent(
        person=person,
        organizations=[receiving],
        categories=["contact", "needs", "notes"],
        purpose=words("Referral for primary care"),
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=90),
        by=navigator,
    )
    referral = referring.create_referral(
        person=person,
        service=receiving_service,
        by=navigator,
        needs=["health"],
        shared_note=words("Sharednote mornings"),
        private_note=words("Privatenote eviction"),
    ).referral
    # The receiver closes the loop, so the outcome note is rendered back too.
    for status in ("accepted", "in-progress"):
        referral = lifecycle.transition(
            referral=referral,
            move=lifecycle.Move(to_status=status),
            by=receiver,
            expected_version=referral.version,
        )

    closed = referring.create_referral(
        person=person,
        service=receiving_service,
        by=navigator,
        needs=["food"],
        shared_note=words("Sharednote second"),
    ).referral
    closed = lifecycle.transition(
        referral=closed,
        move=lifecycle.Move(to_status="accepted"),
        by=receiver,
        expected_version=closed.version,
    )
    closed = lifecycle.transition(
        referral=closed,
        move=lifecycle.Move(
            to_status="completed",
            outcome="partially-served",
            outcome_note=words("Outcomenote half served"),
        ),
        by=receiver,
        expected_version=closed.version,
    )

    recorded = recording.record_for_person(
        person=person,
        instrument=instruments.get("phq-9"),
        answers=phq9(first_eight=2, item9=2),
        language="en",
        by=navigator,
    )
    follow_up = recorded.follow_up or safety.start_protocol(
        screening=recorded.screening, by=navigator
    )
    safety.add_note(follow_up=follow_up, note=words("Safetynote called sister"), by=navigator)
    own = recording.save_own(
        user=resident,
        instrument=instruments.get("phq-9"),
        answers=phq9(first_eight=1, item9=0),
        language="en",
        idempotency_key="attack-world-own",
    ).screening

    plan = care_plans.start_plan(
        person=person, by=navigator, next_review_on=timezone.localdate() + dt.timedelta(days=30)
    )
    goal = care_plans.add_goal(
        plan=plan, by=navigator, description=words("Goalwords feel less alone"), needs=["food"]
    )
    note = care_plans.add_review(plan=plan, by=navigator, text=words("Reviewnote going well"))
    token, raw = ApiToken.issue(user=navigator, name=words("Home laptop"))

    return World(
        home=home,
        receiving=receiving,
        outside=outside,
        navigator=navigator,
        partner_staff=partner_staff,
        home_admin=home_admin,
        receiver=receiver,
        resident=resident,
        intruder=intruder,
        intruder_staff=intruder_staff,
        intruder_resident=intruder_resident,
        intruder_admin=intruder_admin,
        person=person,
        consent=consent,
        referral=referral,
        closed_referral=closed,
        screening=recorded.screening,
        follow_up=follow_up,
        own_screening=own,
        plan=plan,
        goal=goal,
        note=note,
        home_service=home_service,
        term=term,
        receiving_service=receiving_service,
        token=token,
        raw_token=raw,
        secrets=(
            "Zephyrine",
            "Quillfeather",
            "Sharednote",
            "Privatenote",
            "Safetynote",
            "Goalwords",
            "Reviewnote",
            "Outcomenote",
            "1980-05-17",
        ),
    )
