"""The audit log's hash chain: how events are hashed and chained when written."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from commonweal.accounts import audit, audit_chain
from commonweal.accounts.models import AuditEvent, User

AT = dt.datetime(2026, 12, 7, 12, 0, 0, 123456, tzinfo=dt.UTC)
CONTENT = {
    "at": AT,
    "actor_label": "nina.navigator",
    "actor_ref": "7",
    "action": "view",
    "object_type": "referrals.person",
    "object_id": "abc",
    "person_id": "abc",
    "ip_address": "203.0.113.9",
    "detail": {"read": "record"},
    "prev_hash": audit_chain.GENESIS,
}


def _row(id: int, prev_hash: str, **changes) -> dict:
    content = {**CONTENT, **changes, "prev_hash": prev_hash}
    return {"id": id, **content, "hash": audit_chain.event_hash(**content)}


def _chain(n: int) -> list[dict]:
    rows, prev = [], audit_chain.GENESIS
    for i in range(1, n + 1):
        row = _row(i, prev, object_id=str(i))
        rows.append(row)
        prev = row["hash"]
    return rows


def test_it_hashes_the_same_content_the_same_way_whatever_the_key_order_or_zone() -> None:
    reordered = dict(reversed(list(CONTENT.items())))
    reordered["detail"] = {"read": "record"}
    reordered["at"] = AT.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert audit_chain.event_hash(**reordered) == audit_chain.event_hash(**CONTENT)


@pytest.mark.parametrize(
    "field, value",
    [
        ("at", AT + dt.timedelta(microseconds=1)),
        ("actor_label", "someone.else"),
        ("actor_ref", "8"),
        ("action", "update"),
        ("object_type", "referrals.referral"),
        ("object_id", "abd"),
        ("person_id", "abd"),
        ("ip_address", "203.0.113.10"),
        ("detail", {"read": "screenings"}),
        ("prev_hash", "0" * 64),
    ],
)
def test_it_changes_the_hash_when_any_part_of_the_content_changes(field: str, value) -> None:
    assert audit_chain.event_hash(**{**CONTENT, field: value}) != audit_chain.event_hash(**CONTENT)


def test_it_reads_integral_floats_as_postgresql_gives_them_back() -> None:
    # jsonb returns 1e20 as 100000000000000000000 and 2.0 as 2.0 → both must hash alike.
    with_floats = {**CONTENT, "detail": {"n": 1e20, "m": 2.0, "k": (1, 2)}}
    as_stored = {**CONTENT, "detail": {"n": 100000000000000000000, "m": 2, "k": [1, 2]}}
    assert audit_chain.event_hash(**with_floats) == audit_chain.event_hash(**as_stored)


def test_it_finds_an_intact_chain_intact() -> None:
    walker = audit_chain.ChainWalker()
    rows = _chain(5)
    assert walker.feed(rows[:2]) and walker.feed(rows[2:])
    verdict = walker.verdict()
    assert verdict.intact and verdict.count == 5 and verdict.last_hash == rows[-1]["hash"]


def test_it_names_a_row_whose_content_changed() -> None:
    rows = _chain(4)
    rows[2]["actor_label"] = "mallory"
    walker = audit_chain.ChainWalker()
    assert not walker.feed(rows)
    problem = walker.verdict().problem
    assert problem.kind == audit_chain.CONTENT_CHANGED and problem.event_id == 3
    assert walker.verdict().count == 2


def test_it_names_the_row_after_a_rewritten_and_rehashed_one() -> None:
    rows = _chain(4)
    forged = _row(2, rows[0]["hash"], object_id="forged")
    rows[1] = forged
    walker = audit_chain.ChainWalker()
    walker.feed(rows)
    problem = walker.verdict().problem
    assert problem.kind == audit_chain.CHAIN_BROKEN and problem.event_id == 3


def test_it_says_rows_are_missing_when_one_is_removed() -> None:
    rows = _chain(4)
    del rows[1]
    walker = audit_chain.ChainWalker()
    walker.feed(rows)
    problem = walker.verdict().problem
    assert problem.kind == audit_chain.MISSING_ROWS and problem.event_id == 3
    assert "between 1 and it" in problem.message


def test_it_says_rows_are_missing_when_the_first_is_removed() -> None:
    walker = audit_chain.ChainWalker()
    walker.feed(_chain(3)[1:])
    problem = walker.verdict().problem
    assert problem.kind == audit_chain.MISSING_ROWS and problem.event_id == 2


def test_it_fails_when_an_expected_hash_is_gone_from_the_end() -> None:
    rows = _chain(4)
    walker = audit_chain.ChainWalker(expect_hash=rows[3]["hash"])
    walker.feed(rows[:3])
    assert walker.verdict().problem.kind == audit_chain.EXPECTED_MISSING
    walker = audit_chain.ChainWalker(expect_hash=rows[3]["hash"])
    walker.feed(rows)
    assert walker.verdict().intact


# --- writing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_chains_each_new_event_onto_the_last_one(navigator) -> None:
    first = audit.record(action="view", actor=navigator, object_type="x", object_id="1")
    second = audit.record(action="update", object_type="x", object_id="2")
    assert list(AuditEvent.objects.order_by("id")) == [first, second]
    assert first.prev_hash == audit_chain.GENESIS and second.prev_hash == first.hash
    for event in AuditEvent.objects.order_by("id").values(*audit_chain.FIELDS):
        assert audit_chain.row_hash(event) == event["hash"]
    assert first.actor_ref == str(navigator.pk)


@pytest.mark.django_db
def test_it_hashes_what_the_database_gives_back(navigator) -> None:
    person_id = uuid.uuid4()
    event = audit.record(
        action="view",
        actor=navigator,
        person_id=person_id,  # type: ignore[arg-type]  # one caller passes a UUID
        detail={"ratio": 2.0, "ids": ("a", "b")},
    )
    stored = AuditEvent.objects.values(*audit_chain.FIELDS).get(pk=event.pk)
    assert stored["person_id"] == str(person_id)
    assert audit_chain.row_hash(stored) == event.hash == stored["hash"]


@pytest.mark.django_db
def test_it_keeps_the_chain_valid_when_the_actor_is_deleted(navigator) -> None:
    event = audit.record(action="view", actor=navigator, object_type="x", object_id="1")
    User.objects.filter(pk=navigator.pk).delete()
    stored = AuditEvent.objects.values(*audit_chain.FIELDS, "actor_id").get(pk=event.pk)
    assert stored["actor_id"] is None and stored["actor_ref"] == str(navigator.pk)
    assert audit.verify().intact


@pytest.mark.django_db
def test_it_refuses_writes_that_would_skip_the_chain() -> None:
    event = audit.record(action="view")
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_create([AuditEvent(action="view")])
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="update")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"
