"""The referral state machine: every allowed move, every illegal one, reasons, versions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from commonweal.accounts.models import AuditEvent
from commonweal.referrals import lifecycle
from commonweal.referrals.errors import (
    IllegalTransition,
    InvalidReferral,
    NotAllowed,
    StaleVersion,
)
from commonweal.referrals.lifecycle import RECEIVER, SENDER, TRANSITIONS, Move
from commonweal.referrals.models import Referral, ReferralEvent
from commonweal.referrals.models import ReferralStatus as S

ALL = list(S.values)
ILLEGAL = [(a, b) for a in ALL for b in ALL if (a, b) not in TRANSITIONS]
ALLOWED = [(a, b, side) for (a, b), sides in TRANSITIONS.items() for side in sorted(sides)]
FORBIDDEN_SIDE = [
    (a, b, side)
    for (a, b), sides in TRANSITIONS.items()
    for side in (SENDER, RECEIVER)
    if side not in sides
]


def move_to(status: str) -> Move:
    """A complete move: the reason or outcome the target status needs."""
    reasons = {
        S.REJECTED: "no-capacity",
        S.CANCELLED: "person-declined",
        S.FAILED: "could-not-contact",
    }
    if status == S.COMPLETED:
        return Move(to_status=status, outcome="served")
    return Move(to_status=status, reason=reasons.get(status, ""))


def put_in(referral: Referral, status: str) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


def written(referral: Referral) -> tuple[int, int]:
    events = ReferralEvent.objects.filter(referral=referral).count()
    audits = AuditEvent.objects.filter(object_id=str(referral.pk), action="update").count()
    return events, audits


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status", "side"), ALLOWED)
def test_every_allowed_move_is_made_and_recorded(
    referral, navigator, other_org_staff, from_status, to_status, side
) -> None:
    put_in(referral, from_status)
    user = navigator if side == SENDER else other_org_staff
    before_events, before_audits = written(referral)
    version = referral.version

    moved = lifecycle.transition(
        referral=referral, move=move_to(to_status), by=user, expected_version=version
    )

    moved.refresh_from_db()
    assert moved.status == to_status
    assert moved.version == version + 1
    assert written(referral) == (before_events + 1, before_audits + 1)
    event = ReferralEvent.objects.filter(referral=referral).last()
    assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, user)
    assert (moved.closed_at is not None) == (to_status in lifecycle.TERMINAL)


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_illegal_move_is_refused_and_writes_nothing(
    referral, navigator, other_org_staff, from_status, to_status
) -> None:
    put_in(referral, from_status)
    before = written(referral)
    for user in (navigator, other_org_staff):
        with pytest.raises(IllegalTransition):
            lifecycle.transition(
                referral=referral,
                move=move_to(to_status),
                by=user,
                expected_version=referral.version,
            )
    referral.refresh_from_db()
    assert referral.status == from_status
    assert written(referral) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status", "side"), FORBIDDEN_SIDE)
def test_the_wrong_side_cannot_make_a_move(
    referral, navigator, other_org_staff, from_status, to_status, side
) -> None:
    put_in(referral, from_status)
    before = written(referral)
    user = navigator if side == SENDER else other_org_staff
    with pytest.raises(NotAllowed):
        lifecycle.transition(
            referral=referral, move=move_to(to_status), by=user, expected_version=referral.version
        )
    assert written(referral) == before


@pytest.mark.django_db
def test_a_third_organisation_cannot_move_it(referral, third_staff) -> None:
    with pytest.raises(NotAllowed):
        lifecycle.transition(
            referral=referral,
            move=move_to(S.ACCEPTED),
            by=third_staff,
            expected_version=referral.version,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("move", "code"),
    [
        (Move(to_status=S.REJECTED), "reason-required"),
        (Move(to_status=S.REJECTED, reason="not-a-reason"), "reason-required"),
        (Move(to_status=S.REJECTED, reason="other"), "text-required"),
        (Move(to_status=S.REJECTED, reason="other", text="   "), "text-required"),
        (Move(to_status=S.ACCEPTED, reason="no-capacity"), "invalid"),
        (Move(to_status=S.ACCEPTED, outcome="served"), "invalid"),
        (Move(to_status="closed"), "invalid"),
        (Move(to_status=S.REJECTED, reason="other", text="x" * 2001), "invalid"),
    ],
)
def test_a_move_without_what_it_needs_is_refused(referral, other_org_staff, move, code) -> None:
    before = written(referral)
    with pytest.raises(InvalidReferral) as refused:
        lifecycle.transition(
            referral=referral, move=move, by=other_org_staff, expected_version=referral.version
        )
    assert refused.value.code == code
    assert refused.value.message  # a sentence for the page, not an empty error
    assert written(referral) == before


@pytest.mark.django_db
def test_declining_for_another_reason_keeps_the_reason_and_text(referral, other_org_staff) -> None:
    moved = lifecycle.transition(
        referral=referral,
        move=Move(to_status=S.REJECTED, reason="other", text="Service moved across town"),
        by=other_org_staff,
        expected_version=referral.version,
    )
    assert moved.status_reason == "other"
    event = moved.events.last()
    assert (event.reason, event.text) == ("other", "Service moved across town")
    assert event.actor_organization_id == referral.to_organization_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "note", "ok"),
    [
        ("served", "", True),
        ("partially-served", "Food only, no housing help", True),
        ("partially-served", "", False),
        ("not-served", "Never came", True),
        ("not-served", "", False),
        ("", "", False),
        ("great", "", False),
    ],
)
def test_completion_records_the_outcome_and_why(
    referral, other_org_staff, outcome, note, ok
) -> None:
    put_in(referral, S.IN_PROGRESS)
    move = Move(to_status=S.COMPLETED, outcome=outcome, outcome_note=note)
    if not ok:
        with pytest.raises(InvalidReferral):
            lifecycle.transition(
                referral=referral, move=move, by=other_org_staff, expected_version=referral.version
            )
        referral.refresh_from_db()
        assert referral.status == S.IN_PROGRESS
        return
    done = lifecycle.transition(
        referral=referral, move=move, by=other_org_staff, expected_version=referral.version
    )
    assert (done.outcome, done.outcome_note) == (outcome, note)


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_writes_nothing(referral, other_org_staff) -> None:
    before = written(referral)
    with pytest.raises(StaleVersion):
        lifecycle.transition(
            referral=referral,
            move=move_to(S.ACCEPTED),
            by=other_org_staff,
            expected_version=referral.version - 1,
        )
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED
    assert written(referral) == before


@pytest.mark.django_db
def test_the_full_happy_path_leaves_a_complete_history(referral, other_org_staff) -> None:
    for status in (S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED):
        referral = lifecycle.transition(
            referral=referral,
            move=move_to(status),
            by=other_org_staff,
            expected_version=referral.version,
        )
    steps = [(e.from_status, e.to_status) for e in referral.events.all()]
    assert steps == [
        ("", S.DRAFT),
        (S.DRAFT, S.REQUESTED),
        (S.REQUESTED, S.RECEIVED),
        (S.RECEIVED, S.ACCEPTED),
        (S.ACCEPTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.COMPLETED),
    ]
    assert [e.version for e in referral.events.all()] == [1, 2, 3, 4, 5, 6]


@pytest.mark.django_db
def test_events_are_append_only(referral) -> None:
    event = referral.events.first()
    event.text = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.django_db
def test_allowed_moves_differ_by_side(referral, navigator, other_org_staff, third_staff) -> None:
    assert lifecycle.allowed_moves(navigator, referral) == [S.CANCELLED]
    assert set(lifecycle.allowed_moves(other_org_staff, referral)) == {
        S.RECEIVED,
        S.ACCEPTED,
        S.REJECTED,
    }
    assert lifecycle.allowed_moves(third_staff, referral) == []


@pytest.mark.django_db
def test_the_receiver_schedules_an_appointment_once_accepted(
    referral, navigator, other_org_staff
) -> None:
    import datetime as dt

    from django.utils import timezone

    when = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(IllegalTransition):
        lifecycle.schedule_appointment(
            referral=referral, at=when, by=other_org_staff, expected_version=referral.version
        )
    put_in(referral, S.ACCEPTED)
    with pytest.raises(NotAllowed):
        lifecycle.schedule_appointment(
            referral=referral, at=when, by=navigator, expected_version=referral.version
        )
    with pytest.raises(InvalidReferral):
        lifecycle.schedule_appointment(
            referral=referral,
            at=when.replace(tzinfo=None),
            by=other_org_staff,
            expected_version=referral.version,
        )
    done = lifecycle.schedule_appointment(
        referral=referral, at=when, by=other_org_staff, expected_version=referral.version
    )
    assert done.appointment_at == when
    assert done.status == S.ACCEPTED
    assert done.events.last().reason == "appointment"


# --- two staff at once (PostgreSQL: SQLite has no row locks) ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_moving_at_once_never_both_win(person, service, navigator, other_org_staff):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SKIPPED LOUDLY: concurrent row locking needs PostgreSQL "
            "(SQLite serialises whole-database writes; CI runs this on PostgreSQL)"
        )
    import datetime as dt

    from django.utils import timezone

    from commonweal.referrals import consent as consents
    from commonweal.referrals.tests.referral_fixtures import refer

    consents.record_consent(
        person=person,
        organizations=[service.organization],
        categories=["contact", "needs", "notes"],
        purpose="Referral",
        method="signed",
        expires_at=timezone.now() + dt.timedelta(days=30),
        by=navigator,
    )
    referral = refer(person, service, navigator).referral
    version = referral.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def attempt(name: str, move: Move) -> None:
        try:
            barrier.wait(timeout=10)
            result = lifecycle.transition(
                referral=referral, move=move, by=other_org_staff, expected_version=version
            )
            outcomes[name] = result.status
        except Exception as error:  # recorded, asserted below
            outcomes[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=("accept", move_to(S.ACCEPTED))),
        threading.Thread(target=attempt, args=("reject", move_to(S.REJECTED))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [v for v in outcomes.values() if isinstance(v, str)]
    losers = [v for v in outcomes.values() if isinstance(v, StaleVersion)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    referral.refresh_from_db()
    assert referral.status == winners[0]
    assert referral.version == version + 1
    assert referral.events.filter(version=version + 1).count() == 1
