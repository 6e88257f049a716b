"""`commonweal audit verify`: intact passes; a changed, removed or forged event is named."""

from __future__ import annotations

import importlib
import io
import json

import pytest
from django import db
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonweal import cli
from commonweal.accounts import audit, audit_chain
from commonweal.accounts.models import AuditEvent

TABLE = AuditEvent._meta.db_table
guard = importlib.import_module("commonweal.accounts.migrations.0004_audit_append_only")


def _drop_guard() -> None:
    """What a tamperer with database access would do first (rolled back with the test)."""
    drop = {"sqlite": guard.SQLITE_REMOVE[:2], "postgresql": guard.POSTGRESQL_REMOVE[:2]}
    with connection.cursor() as cursor:
        for statement in drop[connection.vendor]:
            cursor.execute(statement)


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _events(n: int) -> list[AuditEvent]:
    return [
        audit.record(action="view", object_type="referrals.person", object_id=str(i))
        for i in range(n)
    ]


def _verify(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _broken(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        _verify(*args)
    assert caught.value.returncode == 1
    return str(caught.value)


@pytest.mark.django_db
def test_it_says_an_intact_log_is_intact() -> None:
    events = _events(3)
    assert _verify() == f"Audit log intact: 3 events, last hash {events[-1].hash}\n"


@pytest.mark.django_db
def test_it_says_an_empty_log_is_intact() -> None:
    assert _verify() == f"Audit log intact: 0 events, last hash {audit_chain.GENESIS}\n"


@pytest.mark.django_db
def test_it_names_an_event_whose_content_was_changed_by_sql() -> None:
    events = _events(4)
    _drop_guard()
    _sql(
        f"UPDATE {TABLE} SET detail = %s WHERE id = %s",
        [json.dumps({"read": "nothing to see"}), events[2].pk],
    )
    message = _broken()
    assert f"BROKEN at event {events[2].pk}" in message and "content was changed" in message
    assert "2 events before it are intact" in message


@pytest.mark.django_db
def test_it_names_the_event_after_a_forged_and_rehashed_one() -> None:
    events = _events(4)
    _drop_guard()
    forged = AuditEvent.objects.values(*audit_chain.FIELDS).get(pk=events[1].pk)
    forged["actor_label"] = "someone.innocent"
    _sql(
        f"UPDATE {TABLE} SET actor_label = %s, hash = %s WHERE id = %s",
        [forged["actor_label"], audit_chain.row_hash(forged), events[1].pk],
    )
    message = _broken()
    assert f"BROKEN at event {events[2].pk}" in message and "chain is broken" in message


@pytest.mark.django_db
def test_it_notices_a_deleted_event() -> None:
    events = _events(4)
    _drop_guard()
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])
    message = _broken()
    assert f"BROKEN at event {events[2].pk}" in message and "missing" in message


@pytest.mark.django_db
def test_it_notices_events_removed_from_the_end_given_a_noted_hash() -> None:
    events = _events(3)
    noted = events[-1].hash
    assert "intact" in _verify("--expect", noted)
    _drop_guard()
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])
    assert "no event has the expected hash" in _broken("--expect", noted)


@pytest.mark.django_db
def test_it_reads_the_log_in_batches() -> None:
    _events(7)
    with CaptureQueriesContext(connection) as queries:
        verdict = audit.verify(batch_size=2)
    assert verdict.intact and verdict.count == 7
    # 2+2+2+1 events, then one empty read: never the whole table at once.
    reads = [q for q in queries.captured_queries if TABLE in q["sql"]]
    assert len(reads) == 5 and all("LIMIT 2" in q["sql"] for q in reads)


@pytest.mark.django_db
def test_it_refuses_a_batch_size_below_one_or_an_unknown_database() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        _verify("--batch-size", "0")
    with pytest.raises(CommandError, match="No database called 'elsewhere'"):
        _verify("--database", "elsewhere")


@pytest.mark.django_db
def test_it_warns_when_the_guard_triggers_are_gone() -> None:
    _events(1)
    _drop_guard()
    err = io.StringIO()
    call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert "append-only are missing" in err.getvalue()


@pytest.mark.django_db
def test_it_exits_1_from_the_commonweal_command_line(capsys, monkeypatch) -> None:
    # run_from_argv closes every connection when done: that would end the test's transaction.
    monkeypatch.setattr(db.connections, "close_all", lambda: None)
    events = _events(2)
    cli.main(["audit", "verify"])
    assert "Audit log intact: 2 events" in capsys.readouterr().out
    _drop_guard()
    _sql(f"UPDATE {TABLE} SET object_id = %s WHERE id = %s", ["tampered", events[0].pk])
    with pytest.raises(SystemExit) as exit_:
        cli.main(["audit", "verify"])
    assert exit_.value.code == 1
    assert f"BROKEN at event {events[0].pk}" in capsys.readouterr().err
