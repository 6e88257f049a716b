"""Migrating an existing audit log chains its events in id order, then guards the table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commonweal.accounts import audit, audit_chain
from commonweal.accounts.models import AuditEvent

BEFORE = [("accounts", "0002_initial")]
AFTER = [("accounts", "0004_audit_append_only")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_it_chains_the_events_that_existed_before_the_chain(navigator) -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = _migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        OldEvent = old_apps.get_model("accounts", "AuditEvent")
        at = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
        for i in range(5):
            OldEvent.objects.create(
                at=at + dt.timedelta(minutes=i),
                actor_id=navigator.pk if i % 2 else None,
                actor_label=navigator.username if i % 2 else "",
                action="view",
                object_type="referrals.person",
                object_id=str(i),
                person_id="p-1",
                ip_address="2001:db8::1" if i == 3 else None,
                detail={"read": "record", "n": i},
            )
        assert not audit.guard_installed()
        _migrate(AFTER)
    finally:
        # Back to the full schema whatever happened, for the tests that follow.
        _migrate(latest)

    rows = list(AuditEvent.objects.order_by("id").values(*audit_chain.FIELDS, "actor_id"))
    assert len(rows) == 5 and rows[0]["prev_hash"] == audit_chain.GENESIS
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    assert [row["actor_ref"] for row in rows] == ["", str(navigator.pk)] * 2 + [""]
    assert audit.guard_installed()
    verdict = audit.verify()
    assert verdict.intact and verdict.count == 5
    # New events carry on from the migrated chain.
    assert audit.record(action="view").prev_hash == rows[-1]["hash"]
