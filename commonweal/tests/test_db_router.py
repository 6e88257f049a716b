"""The read-replica router: search and insights read from the replica, nothing writes there.

The replica here is a second connection to the test database under the alias "replica",
as a streaming replica would be: the same rows, its own connection, so the queries each
alias runs can be told apart. Tests that read through it commit their rows
(`transaction=True`), since another connection cannot see a test's open transaction.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from commonweal import db_router
from commonweal.accounts.models import User
from commonweal.directory.models import Organization, Service
from commonweal.directory.search import engine, index
from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.search.types import SearchRequest
from commonweal.directory.tests.search_directory import add
from commonweal.insights.models import ReferralTally

REPLICA = "replica"
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def replica(settings) -> Iterator[object]:
    settings.READ_REPLICA = REPLICA
    connections[REPLICA] = type(connections[DEFAULT_DB_ALIAS])(
        {**connections.settings[DEFAULT_DB_ALIAS]}, alias=REPLICA
    )
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]


@pytest.fixture
def pantry(transactional_db) -> Iterator[Service]:
    reset_dictionary()
    service = add(
        Organization.objects.create(name="Catholic Charities of Miami"),
        "Little Havana Food Pantry",
        description="Groceries for families every week.",
    )
    index.refresh()  # the index catches up with the new service now, on the primary
    yield service
    reset_dictionary()


def statements(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def test_it_reads_a_search_from_the_replica(replica, pantry: Service) -> None:
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
    ):
        response = engine.search(SearchRequest(q="groceries"))
    assert [hit.name for hit in response.hits] == ["Little Havana Food Pantry"]
    read_there = statements(on_replica)
    # The text match itself and the services' rows came from the replica …
    assert any("directory_search_doc" in sql for sql in read_there), read_there
    assert any('"directory_service"' in sql for sql in read_there), read_there
    assert not [sql for sql in read_there if sql.lstrip().upper().startswith(WRITES)]
    # … and the primary answered only the index's bookkeeping (pending changes, generation).
    on_primary = statements(on_default)
    assert not [sql for sql in on_primary if '"directory_service"' in sql], on_primary
    assert not [sql for sql in on_primary if "directory_search_doc" in sql], on_primary


def test_it_never_writes_to_the_replica(replica, pantry: Service) -> None:
    with (
        db_router.replica_reads(),
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
    ):
        service = Service.objects.get(pk=pantry.pk)  # read from the replica …
        assert service._state.db == REPLICA
        service.name = "Little Havana Food Bank"
        service.save()  # … saved on the primary
        Service.objects.filter(pk=pantry.pk).update(description="Open on Saturdays.")
        Organization.objects.create(name="Borinquen Health")
    assert not [sql for sql in statements(on_replica) if sql.lstrip().upper().startswith(WRITES)]
    written = [sql for sql in statements(on_default) if sql.lstrip().upper().startswith(WRITES)]
    assert len(written) >= 3, written
    assert Service.objects.get(pk=pantry.pk).name == "Little Havana Food Bank"


def test_a_read_inside_a_transaction_stays_on_the_primary(replica, pantry: Service) -> None:
    with CaptureQueriesContext(replica) as on_replica, transaction.atomic():
        Organization.objects.create(name="Borinquen Health")
        with db_router.replica_reads():
            assert Organization.objects.filter(name="Borinquen Health").exists()
            assert db_router.read_alias(Service) == DEFAULT_DB_ALIAS
    assert statements(on_replica) == []
    with db_router.replica_reads():
        assert db_router.read_alias(Service) == REPLICA


@pytest.mark.django_db
def test_accounts_and_other_apps_always_read_the_primary(settings) -> None:
    settings.READ_REPLICA = REPLICA
    # The test's own wrapping transaction does not count as one the code opened.
    assert not db_router.in_transaction()
    with db_router.replica_reads():
        assert db_router.read_alias(User) == DEFAULT_DB_ALIAS
        assert db_router.read_alias(ReferralTally) == REPLICA
    assert db_router.read_alias(ReferralTally) == DEFAULT_DB_ALIAS


def test_without_a_replica_everything_reads_the_primary(settings) -> None:
    settings.READ_REPLICA = ""
    with db_router.replica_reads():
        assert db_router.read_alias(Service) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Service) == DEFAULT_DB_ALIAS


def test_migrate_never_touches_the_replica(settings) -> None:
    settings.READ_REPLICA = REPLICA
    router = db_router.ReadReplicaRouter()
    assert router.allow_migrate(REPLICA, "directory") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "directory") is None


@pytest.mark.parametrize(
    ("method", "path", "on_replica"),
    [
        ("GET", "/insights/", True),
        ("HEAD", "/insights/gaps/", True),
        ("GET", "/api/v1/insights/outcomes/", True),
        ("POST", "/insights/report/", False),  # a form that saves must read its own write
        ("GET", "/people/", False),
        ("GET", "/insightsx/", False),
    ],
)
def test_the_insights_pages_read_from_the_replica(
    settings, method: str, path: str, on_replica: bool
) -> None:
    settings.READ_REPLICA = REPLICA
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(db_router.read_alias(ReferralTally))
        return HttpResponse()

    request = RequestFactory().generic(method, path)
    db_router.InsightsReadReplicaMiddleware(view)(request)
    assert seen == [REPLICA if on_replica else DEFAULT_DB_ALIAS]
    assert db_router.read_alias(ReferralTally) == DEFAULT_DB_ALIAS  # reset after the request


def test_database_replica_url_adds_the_replica_alias(tmp_path: Path) -> None:
    """Settings as production reads them: the replica's alias, its connection kept and
    health-checked like the primary's, and a mirror of the primary in tests."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DEBUG"}}
    env.update(
        {
            "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789",
            "DJANGO_SETTINGS_MODULE": "commonweal.settings",
            "COMMONWEAL_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://app@primary.internal:5432/commonweal",
            "DATABASE_REPLICA_URL": "postgres://app@replica.internal:5432/commonweal",
            "CONN_MAX_AGE": "120",
        }
    )
    code = (
        "import json; from django.conf import settings as s; r = s.DATABASES['replica']; "
        "print(json.dumps([s.READ_REPLICA, r['HOST'], r['CONN_MAX_AGE'], "
        "r['CONN_HEALTH_CHECKS'], r['TEST'], s.DATABASES['default']['CONN_MAX_AGE']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout) == [
        "replica",
        "replica.internal",
        120,
        True,
        {"MIRROR": "default"},
        120,
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/insights/report/",
        "/insights/alerts/",
        "/insights/gaps/",
        "/insights/outcomes/",
        "/insights/participation/",
        "/insights/unmet/",
    ],
)
def test_the_insights_pages_work_on_a_replica(replica, transactional_db, client, path) -> None:
    """Their queries mix apps (memberships on the primary, referrals on the replica): none
    may join across the two databases. (The index page only links to these.)"""
    from commonweal.accounts.models import Membership

    organization = Organization.objects.create(name="Borinquen Health")
    analyst = User.objects.create_user(username="ana.analyst", password="x" * 12)
    Membership.objects.create(user=analyst, organization=organization, role="analyst")
    client.force_login(analyst)
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(path)
    assert response.status_code == 200
    assert on_replica.captured_queries, "nothing was read from the replica"
