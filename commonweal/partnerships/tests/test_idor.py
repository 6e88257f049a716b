"""Another organisation's people cannot reach or change the workspace's records by id.

The shared IDOR test (commonweal/web/tests/test_attack_idor.py) drives the cases of
idor_cases_partnerships.py, but its before/after snapshot holds the care records only; here
every partnership table is compared too. Its API harness posts where an operation is a
PATCH; here each operation is called with its own method. And where the API refuses a
non-partner with 403 (the access matrix's rule: the workspace's existence is no secret),
that refusal is shown to be the same for a made-up id, so it reveals no record.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from commonweal.web.tests import attack_world, test_attack_idor  # noqa: F401 (merges first)
from commonweal.web.tests.attack_world import World
from commonweal.web.tests.idor_cases_partnerships import API_CASES, PAGE_CASES

# Signed-in people outside the partnership: a non-partner's navigator and staff, a resident.
OUTSIDERS = ("intruder", "intruder_staff", "resident")


def _workspace_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every partnership table, to show an intruder changed nothing."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("partnerships").get_models()
    }


@pytest.fixture
def world(db) -> World:
    return attack_world.build()


def _signed_in(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_it_keeps_every_workspace_record_from_an_intruders_post(world: World, name: str) -> None:
    case = PAGE_CASES[name]
    url = reverse(name, kwargs=case.ids(world))
    before = _workspace_rows()
    for who in (*case.intruders, None):
        response = _signed_in(None if who is None else getattr(world, who)).post(url, case.post)
        assert response.status_code in (302, 403, 404), (name, who, response.status_code)
        if response.status_code == 302:  # only the anonymous visitor, sent to sign in
            assert who is None and reverse("accounts:login") in response["Location"]
    assert _workspace_rows() == before, f"an intruder's POST to {name} changed a record"
    # The owner's same POST is let through (so the refusals above are not a bad form).
    owner = _signed_in(getattr(world, case.owner)).post(url, case.post)
    assert owner.status_code in (200, 302), (name, owner.status_code)


def _call(method: str, url: str, user: Any) -> Any:
    headers = attack_world.bearer(user)
    return Client().generic(method, url, "{}", content_type="application/json", **headers)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(API_CASES), ids=" ".join)
def test_it_refuses_an_outsider_the_same_for_a_real_and_a_made_up_id(
    world: World, operation: tuple[str, str]
) -> None:
    method, template = operation
    ids, owner, *_refused = API_CASES[operation]
    real = ids(world)
    url = re.sub(r"\{(\w+)\}", lambda m: str(real[m.group(1)]), template)
    made_up = re.sub(r"\{(\w+)\}", lambda m: str(uuid.uuid4()), template)
    before = _workspace_rows()
    for who in OUTSIDERS:
        refused = _call(method, url, getattr(world, who))
        guessed = _call(method, made_up, getattr(world, who))
        assert refused.status_code == 403, (operation, who, refused.status_code)
        # Nothing tells a real id from a guess: the same status and the same words.
        assert (guessed.status_code, guessed.json()) == (refused.status_code, refused.json())
        assert not [s for s in world.secrets if s in refused.content.decode()]
    anonymous = Client().generic(method, url, "{}", content_type="application/json")
    assert anonymous.status_code == 401
    assert _workspace_rows() == before, f"an outsider's {method} {template} changed a record"
    # The rightful user reaches the record (an empty body may be refused for its content).
    rightful = _call(method, url, getattr(world, owner))
    assert rightful.status_code in (200, 201, 400), (operation, rightful.status_code)
    assert _call(method, made_up, getattr(world, owner)).status_code == 404


@pytest.mark.django_db
def test_it_refuses_the_receivers_staff_a_task_and_contribution_of_home(world: World) -> None:
    # The receiver's organisation is a partner: it reads the plan, but `home`'s task and
    # contribution are kept by `home`'s partner staff and the coalition admins only.
    task = API_CASES[("PATCH", "/api/v1/partnership/tasks/{task_id}")][0](world)
    contribution = API_CASES[("PATCH", "/api/v1/partnership/contributions/{contribution_id}")][0](
        world
    )
    before = _workspace_rows()
    for url, body in (
        (f"/api/v1/partnership/tasks/{task['task_id']}", '{"status": "done"}'),
        (
            f"/api/v1/partnership/contributions/{contribution['contribution_id']}",
            '{"value": 1}',
        ),
    ):
        response = Client().patch(
            url, body, content_type="application/json", **attack_world.bearer(world.receiver)
        )
        assert response.status_code == 403, (url, response.status_code)
        allowed = Client().patch(
            url, body, content_type="application/json", **attack_world.bearer(world.home_admin)
        )
        assert allowed.status_code == 200, (url, allowed.status_code)
    changed = _workspace_rows()
    assert changed != before  # the admin's change went through, the receiver's did not
