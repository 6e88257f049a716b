"""The audit log is append-only in the database itself: raw SQL cannot change or remove events."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent, User

TABLE = AuditEvent._meta.db_table


def _execute(sql: str, params: list | None = None) -> None:
    # A savepoint, so the refused statement leaves the test's transaction usable.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _allow_flush_flag() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT allow_flush FROM {audit.MAINTENANCE_TABLE} WHERE id = 1")
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db
def test_it_has_the_guard_triggers_installed() -> None:
    # A later migration that rebuilds the table on SQLite would drop them: this notices.
    assert audit.guard_installed()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "assignment, params",
    [
        ("action = %s", ["delete"]),
        ("detail = %s", ['{"read": "nothing"}']),
        ("hash = %s", ["0" * 64]),
        ("actor_label = %s", ["someone.else"]),
        ("ip_address = NULL", None),
    ],
)
def test_it_refuses_an_update_by_raw_sql(navigator, assignment: str, params) -> None:
    event = audit.record(action="view", actor=navigator, detail={"read": "record"})
    with pytest.raises(IntegrityError, match="append-only"):
        _execute(f"UPDATE {TABLE} SET {assignment} WHERE id = %s", [*(params or []), event.pk])
    stored = AuditEvent.objects.values("action", "detail", "hash", "actor_label").get(pk=event.pk)
    assert stored == {
        "action": "view",
        "detail": {"read": "record"},
        "hash": event.hash,
        "actor_label": navigator.username,
    }


@pytest.mark.django_db
def test_it_refuses_a_delete_by_raw_sql(navigator) -> None:
    event = audit.record(action="view", actor=navigator)
    with pytest.raises(IntegrityError, match="append-only"):
        _execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _execute(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_it_refuses_to_null_the_actor_while_changing_anything_else(navigator) -> None:
    event = audit.record(action="view", actor=navigator)
    with pytest.raises(IntegrityError, match="append-only"):
        _execute(f"UPDATE {TABLE} SET actor_id = NULL, action = 'delete' WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _execute(f"UPDATE {TABLE} SET actor_id = %s WHERE id = %s", [navigator.pk + 1000, event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_id == navigator.pk


@pytest.mark.django_db
def test_it_lets_deleting_a_user_clear_the_actor_of_their_events(navigator) -> None:
    event = audit.record(action="view", actor=navigator)
    User.objects.get(pk=navigator.pk).delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id is None and stored.actor_label == navigator.username


@pytest.mark.django_db
def test_it_refuses_to_empty_the_table_outside_flush(navigator) -> None:
    audit.record(action="view", actor=navigator)
    if connection.vendor == "postgresql":
        # TRUNCATE refuses to run with deferred foreign-key checks pending, before any trigger.
        _execute("SET CONSTRAINTS ALL IMMEDIATE")
    # PostgreSQL's flush empties tables with TRUNCATE, SQLite's with DELETE.
    statement = (
        f"TRUNCATE {TABLE} CASCADE" if connection.vendor == "postgresql" else f"DELETE FROM {TABLE}"
    )
    with pytest.raises(IntegrityError, match="append-only"):
        _execute(statement)
    assert AuditEvent.objects.count() == 1
    assert _allow_flush_flag() is False


@pytest.mark.django_db(transaction=True)
def test_it_lets_flush_empty_the_log_and_lowers_the_flag_again(navigator) -> None:
    # Test runs flush the database between transactional tests; that must keep working
    # while every other DELETE (or TRUNCATE) stays refused.
    audit.record(action="view", actor=navigator)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert _allow_flush_flag() is False
    event = audit.record(action="view")
    with pytest.raises(IntegrityError, match="append-only"):
        _execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
