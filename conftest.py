"""Shared people and places for the tests: small, explicit fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


def shared_data_path(*parts: str) -> Path:
    """A path in ../shared/data, or a loud skip when that folder is absent (fresh machine)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        import os

        if os.environ.get("CI"):
            pytest.fail(f"CI must have ../shared/data, but {path} is missing")
        pytest.skip(f"SKIPPED LOUDLY: needs ../shared/data ({path} not found on this machine)")
    return path


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the public forms' rate limits (lib/rate_limit)
    count per client address there, and every test client is 127.0.0.1, so counts left by
    earlier tests in the same worker would otherwise refuse a later test's first sign-up."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language and leaves none active.

    LocaleMiddleware activates a request's language in the test's own thread and nothing
    resets it, so one Spanish request would otherwise make a later test (in the same
    worker) see Spanish labels from code it calls directly.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def in_process_wsgi():
    """For schemathesis calling the WSGI app in-process: Django closes the database
    connection after each WSGI request, which inside a test's transaction on PostgreSQL
    would lose the test data. Django's own test client turns this off the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def two_factor_only_where_tested(request, settings):
    """Two-step sign-in is required in production (the default); here only in the tests
    marked `two_factor`, which check that requirement on every URL. The other tests sign
    staff in with `force_login` or a password, and test what each role may do."""
    if request.node.get_closest_marker("two_factor") is None:
        settings.COMMONWEAL_REQUIRE_2FA = False


@pytest.fixture
def organization(db):
    from commonweal.directory.models import Organization

    return Organization.objects.create(
        name="Northside Food Bank", description="Groceries for families."
    )


@pytest.fixture
def other_organization(db):
    from commonweal.directory.models import Organization

    return Organization.objects.create(name="Eastside Clinic", description="Primary care.")


def _member(username: str, organization, role: str):
    from commonweal.accounts.models import Membership, User

    user = User.objects.create_user(username=username, password="correct horse battery staple")
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def navigator(organization):
    return _member("nina.navigator", organization, "navigator")


@pytest.fixture
def partner_staff(organization):
    return _member("pat.partner", organization, "partner_staff")


@pytest.fixture
def other_org_staff(other_organization):
    return _member("oscar.other", other_organization, "partner_staff")


@pytest.fixture
def coalition_admin(organization):
    return _member("cora.admin", organization, "coalition_admin")


@pytest.fixture
def analyst(organization):
    return _member("ana.analyst", organization, "analyst")


@pytest.fixture
def resident(db):
    return _member("rosa.resident", None, "")


@pytest.fixture
def superuser(db):
    from commonweal.accounts.models import User

    return User.objects.create_superuser(
        username="sam.super", password="correct horse battery staple"
    )
