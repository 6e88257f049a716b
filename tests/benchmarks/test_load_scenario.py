"""The load test's scenario (benchmarks/load/) asks for pages that exist and fills their
forms as the pages really are: every route reverses to the path the scenario requests, and
the steps the simulated staff take — two-step sign-in, a screening, a referral, a move in
the inbox — succeed through Django's test client on the accounts the benchmark prepares.

The locustfile itself is imported in a subprocess: Locust monkey-patches the process that
imports it (gevent), which must not happen to the test run.
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import string
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from load import people, scenario  # noqa: E402

# The scenario's placeholders → the URL patterns' keyword arguments.
KWARGS = {
    "service": "service_id",
    "person": "person_id",
    "screening": "screening_id",
    "referral": "referral_id",
}


def test_it_requests_only_paths_the_project_routes() -> None:
    some_id = str(uuid.uuid4())
    for name, (template, url_name) in scenario.ROUTES.items():
        fields = [f[1] for f in string.Formatter().parse(template) if f[1]]
        parts = {f: scenario.SCREENING_CODE if f == "code" else some_id for f in fields}
        kwargs = {KWARGS.get(f, f): value for f, value in parts.items()}
        assert reverse(url_name, kwargs=kwargs) == scenario.path(name, **parts), name


def test_it_weights_the_classes_as_the_issue_does() -> None:
    assert scenario.WEIGHTS == {"resident": 80, "navigator": 15, "partner": 5}


@pytest.fixture
def prepared(tmp_path, service, site, other_organization):
    """The benchmark's people, in small numbers, over the one referrable service."""
    return people.prepare(
        tmp_path / "accounts.json", navigators=1, clients_each=2, partners=1, backlog_each=2
    )


def _sign_in(client, account) -> None:
    page = client.get(scenario.path("login"))
    form = scenario.post_form(page.content.decode(), scenario.path("login"))
    data = dict(form.hidden, username=account["username"], password=account["password"])
    step = client.post(scenario.path("login"), data, follow=True)
    form = scenario.post_form(step.content.decode(), "")
    assert step.request["PATH_INFO"] == scenario.path("two-step")
    done = client.post(
        scenario.path("two-step"),
        dict(form.hidden, code=scenario.totp(account["totp_key"])),
        follow=True,
    )
    assert done.request["PATH_INFO"] != scenario.path("two-step")
    assert client.session.get("otp_device_id")


@pytest.mark.django_db
@pytest.mark.two_factor
def test_a_navigator_signs_in_screens_and_refers_as_the_scenario_does(client, prepared) -> None:
    from commonweal.referrals.models import Referral
    from commonweal.screening.models import Screening

    account = prepared["navigators"][0]
    _sign_in(client, account)
    rng = random.Random(7)
    person = account["people"][0]
    url = scenario.path("screening form", person=person, code=scenario.SCREENING_CODE)
    form = scenario.post_form(client.get(url).content.decode(), url)
    done = client.post(url, _pairs(scenario.fill(form, rng)), follow=True)
    assert re.fullmatch(r"/screening/records/[0-9a-f-]{36}/", done.request["PATH_INFO"])
    assert Screening.objects.filter(person_id=person).count() == 1

    before = Referral.objects.count()
    query = {"service": prepared["services"][0], "person": person}
    page = client.get(scenario.path("refer form", query))
    form = scenario.post_form(page.content.decode(), "")
    data = scenario.fill(form, rng, skip=frozenset({"needs", "service_at_location"}))
    data += [("needs", "food"), ("service_at_location", form.choices["service_at_location"][0])]
    done = client.post(scenario.path("refer form", query), _pairs(data), follow=True)
    assert re.fullmatch(r"/referrals/[0-9a-f-]{36}/", done.request["PATH_INFO"])
    assert Referral.objects.count() == before + 1


@pytest.mark.django_db
@pytest.mark.two_factor
def test_partner_staff_accept_a_referral_from_their_inbox(client, prepared) -> None:
    from commonweal.referrals.models import Referral

    _sign_in(client, prepared["partners"][0])
    inbox = client.get(scenario.path("inbox")).content.decode()
    referral = re.search(r'href="/referrals/([0-9a-f-]{36})/"', inbox).group(1)
    page = client.get(scenario.path("referral", referral=referral)).content.decode()
    moves = {f.hidden["status"]: f for f in scenario.forms(page) if f.action.endswith("/move/")}
    assert {"accepted", "rejected"} <= set(moves)
    client.post(scenario.path("move", referral=referral), moves["accepted"].hidden)
    assert Referral.objects.get(pk=referral).status == "accepted"


def test_a_wrong_code_is_not_the_authenticator_code() -> None:
    # RFC 6238 appendix B, SHA-1 key "12345678901234567890", T = 59 s → 94287082 (8 digits).
    key = b"12345678901234567890".hex()
    assert scenario.totp(key, at=59, digits=8) == "94287082"
    assert scenario.totp(key, at=59) == "287082"
    assert scenario.totp(key, at=59 + 30) != "287082"


def test_the_locustfile_imports_with_its_user_classes() -> None:
    if importlib.util.find_spec("locust") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Locust (.ci/run installs the `load` extra)")
        pytest.skip(
            "SKIPPED LOUDLY: Locust is not installed (the optional `load` extra: pip install "
            "-c requirements.lock -c requirements-load.lock -e '.[load]')"
        )
    check = (
        "import locustfile as f; "
        "print(f.Resident.weight, f.Navigator.weight, f.PartnerStaff.weight, "
        "len(f.Resident.tasks), len(f.Navigator.tasks), len(f.PartnerStaff.tasks), "
        "len(f.Baseline.tasks))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LOAD_ACCOUNTS", "LOAD_SAMPLES")}
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=BENCHMARKS / "load",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    weights_and_tasks = result.stdout.split()
    assert weights_and_tasks[:3] == ["80", "15", "5"]
    assert all(int(n) > 0 for n in weights_and_tasks[3:])


def _pairs(data: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in data:
        grouped.setdefault(name, []).append(value)
    return grouped
