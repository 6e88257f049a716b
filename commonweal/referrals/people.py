"""Creating, changing and reading person records: each write and read is audit-logged.

Duplicate detection (issue 5: "same name + date of birth offers the existing record"):
a new record whose given and family names (ignoring case and accents) and date of birth
match an existing person is held back, and the navigator is offered the existing record —
but only a record they may already see. A match outside their care team is never revealed,
not even as "a record may exist elsewhere": whether someone is known to a partnership
that includes, say, a domestic-violence shelter or an addiction service is itself
sensitive, and a name plus a date of birth is all anyone would need to ask. The new record
is created in the navigator's care team as usual and the audit log notes the possible
duplicate (by id only) so an administrator can merge the two with the person's consent.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Organization
from commonweal.referrals.models import CareTeamMember, Person

PERSON_TYPE = "referrals.person"
# What a form may set on a person; anything else (ids, audit fields) is never taken from input.
EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "preferred_language",
    "zip_code",
    "phone",
    "email",
    "preferred_contact_method",
    "voicemail_ok",
    "text_ok",
    "email_ok",
    "safe_times",
)


class NotInCareTeam(PermissionError):
    """The user may not act for this organisation or see this person."""


@dataclass(frozen=True)
class DuplicateCheck:
    visible: list[Person] = field(default_factory=list)  # matches the user may open
    hidden_ids: list[str] = field(default_factory=list)  # matches never shown to the user

    @property
    def has_visible(self) -> bool:
        return bool(self.visible)


def _normalise_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(letters.replace("-", " ").split())


def find_duplicates(
    *, user: Any, given_name: str, family_name: str, date_of_birth: Any
) -> DuplicateCheck:
    """Existing people with the same names and date of birth, split by what `user` may see."""
    if not date_of_birth or not given_name.strip():
        return DuplicateCheck()
    wanted = (_normalise_name(given_name), _normalise_name(family_name))
    # The date narrows the candidates to a handful; names are compared here, in Python,
    # so that accents and case match alike on SQLite and PostgreSQL.
    matches = [
        person
        for person in Person.objects.filter(date_of_birth=date_of_birth)
        if (_normalise_name(person.given_name), _normalise_name(person.family_name)) == wanted
    ]
    if not matches:
        return DuplicateCheck()
    visible_ids = set(
        policy.visible_people(user)
        .filter(pk__in=[p.pk for p in matches])
        .values_list("pk", flat=True)
    )
    return DuplicateCheck(
        visible=[p for p in matches if p.pk in visible_ids],
        hidden_ids=[str(p.pk) for p in matches if p.pk not in visible_ids],
    )


@transaction.atomic
def create_person(
    *,
    values: dict[str, Any],
    organization: Organization,
    by: Any,
    request: HttpRequest | None = None,
    hidden_duplicate_ids: list[str] | None = None,
) -> Person:
    """Create a person in `organization`'s care team, acting as `by` (who must work there)."""
    if organization.pk not in policy.care_organization_ids(by):
        raise NotInCareTeam("You can only add people to your own organisation's care team.")
    person = Person(created_by=by, **{k: v for k, v in values.items() if k in EDITABLE_FIELDS})
    person.full_clean()
    person.save()
    CareTeamMember.objects.create(person=person, organization=organization, added_by=by)
    detail: dict[str, Any] = {"organization": str(organization.pk)}
    if hidden_duplicate_ids:
        detail["possible_duplicate_of"] = hidden_duplicate_ids
    audit.record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=person,
        object_type=PERSON_TYPE,
        person_id=str(person.pk),
        request=request,
        detail=detail,
    )
    return person


@transaction.atomic
def update_person(
    *, person: Person, values: dict[str, Any], by: Any, request: HttpRequest | None = None
) -> list[str]:
    """Change a person's record; returns the names of the fields that changed (no values)."""
    if not policy.can_edit_person(by, person):
        raise NotInCareTeam("You may not change this person's record.")
    changed = []
    for name in EDITABLE_FIELDS:
        if name in values and getattr(person, name) != values[name]:
            setattr(person, name, values[name])
            changed.append(name)
    if changed:
        person.full_clean()
        person.save()
        # Field names only: the audit log must never hold the person's data itself.
        audit.record(
            action=AuditEvent.Action.UPDATE,
            actor=by,
            obj=person,
            object_type=PERSON_TYPE,
            person_id=str(person.pk),
            request=request,
            detail={"fields": changed},
        )
    return changed


def record_read(
    *, person: Person, by: Any, request: HttpRequest | None = None, what: str = "record"
) -> None:
    """Audit-log that `by` read `person`'s data (`what`: record, screenings, …)."""
    detail: dict[str, Any] = {"read": what}
    if policy.reads_outside_care_team(by):
        detail["as_superuser"] = True
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=by,
        obj=person,
        object_type=PERSON_TYPE,
        person_id=str(person.pk),
        request=request,
        detail=detail,
    )


def record_list_read(*, people: list[Person], by: Any, request: HttpRequest | None = None) -> None:
    """Audit-log one read of a list of people (their ids, never the search words: names)."""
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=by,
        object_type=PERSON_TYPE,
        object_id="list",
        request=request,
        detail={"read": "list", "people": [str(p.pk) for p in people]},
    )
