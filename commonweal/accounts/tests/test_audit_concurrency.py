"""Writers at the same time never both chain onto the same event."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent, User

WRITERS = 4
EVENTS_EACH = 15


RACE_ALIAS = "audit_race"


@pytest.fixture
def racing_database(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A database the racing threads can share for real; call it in each thread for its alias.

    PostgreSQL: the test database. SQLite: the test database lives in memory with a shared
    cache, whose table locks fail at once instead of waiting; a file database with the
    production settings (WAL, busy timeout, BEGIN IMMEDIATE) races as production does. Its
    connections are made per thread and kept out of the configured aliases, so the test
    isolation checks leave them be.
    """
    if connection.vendor != "sqlite":
        yield lambda: "default"
        return
    settings_dict = {**connections.settings["default"], "NAME": str(tmp_path / "race.sqlite3")}

    def connect() -> str:
        connections[RACE_ALIAS] = type(connections["default"])(settings_dict, alias=RACE_ALIAS)
        return RACE_ALIAS

    with connections[connect()].schema_editor() as editor:
        editor.create_model(User)
        editor.create_model(AuditEvent)
    yield connect


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_chain_when_writers_race(racing_database: Callable[[], str]) -> None:
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        using = racing_database()
        try:
            start.wait()
            for i in range(EVENTS_EACH):
                AuditEvent(action="view", object_type="race", object_id=f"{n}-{i}").save(
                    using=using
                )
        except BaseException as error:  # reported by the test below
            failures.append(error)
        finally:
            connections[using].close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    using = racing_database()
    verdict = audit.verify(using=using)
    connections[using].close()
    assert verdict.intact, verdict.problem
    assert verdict.count == WRITERS * EVENTS_EACH
