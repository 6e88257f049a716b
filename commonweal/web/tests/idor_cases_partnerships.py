"""IDOR and CSRF cases of the partnerships routes, merged into test_attack_idor.py and
test_attack_csrf.py (one file per part, like the access matrix's rows files).

PAGE_CASES / PUBLIC_PAGES / API_CASES / PUBLIC_API: as in test_attack_idor.py.
PUBLIC_IDS / POSTERS: as in test_attack_csrf.py (ids of public records to post to, and who
posts to a route without an id when it is not the home navigator).

The World has no partnership records: the ids lambdas make them with the access matrix's
get-or-create helpers (access_matrix_partnerships.py), so `home` and `receiving` are
partners and `outside` is not. Who may do what is policy.py's "the partnership workspace":
everyone with a role in a partner reads it; coalition admins of any organisation (the
coalition's, not one organisation's) and superusers manage it, so `intruder_admin` is no
intruder here; tasks and contributions are kept by their owning partner's staff.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from commonweal.web.tests.attack_world import World
from commonweal.web.tests.test_attack_idor import Case


def _rows() -> Any:
    """The access matrix's helpers (imported late: access_matrix imports them first)."""
    from commonweal.web.tests import (
        access_matrix,  # noqa: F401
        access_matrix_partnerships,
    )

    return access_matrix_partnerships


def _cast(w: World) -> Any:
    # The matrix helpers read only `cast.world`.
    return SimpleNamespace(world=w)


def _partner(w: World) -> dict[str, Any]:
    return _rows()._partner(_cast(w))


def _contact(w: World) -> dict[str, Any]:
    return _rows()._contact(_cast(w))


def _need(w: World) -> dict[str, Any]:
    return _rows()._need(_cast(w))


def _goal(w: World) -> dict[str, Any]:
    return _rows()._goal(_cast(w))


def _indicator(w: World) -> dict[str, Any]:
    return _rows()._indicator(_cast(w))


def _value(w: World) -> dict[str, Any]:
    return _rows()._value(_cast(w))


def _strategy(w: World) -> dict[str, Any]:
    return _rows()._strategy(_cast(w))


def _task(w: World) -> dict[str, Any]:
    return _rows()._task(_cast(w))


def _meeting(w: World) -> dict[str, Any]:
    return _rows()._meeting(_cast(w))


def _contribution(w: World) -> dict[str, Any]:
    return {"contribution_id": _rows()._ledger(_cast(w))[1].pk}


def _stream(w: World) -> dict[str, Any]:
    return {"stream_id": _rows()._ledger(_cast(w))[2].pk}


def _feedback(w: World) -> dict[str, Any]:
    return {"feedback_id": _rows()._the_feedback(_cast(w)).pk}


def _survey(w: World) -> dict[str, Any]:
    return {"survey_id": _rows()._survey(_cast(w)).pk}


# Reading the workspace: any role in a partner; refused to a non-partner's navigator and
# staff and to residents.
READERS = ("intruder", "intruder_staff", "resident")
# Managing it: coalition admins; a partner's navigator is refused as well as outsiders.
MANAGERS = ("intruder", "intruder_staff", "navigator", "resident")
# A task or contribution of `home`: its partner staff; another partner's staff (the
# receiver), a non-partner's staff and `home`'s navigator are refused.
KEEPERS = ("intruder_staff", "intruder", "receiver", "navigator", "resident")

_TASK_FORM = {
    "title": "Taken over",
    "responsible": "Ivan",
    "due_date": "2030-01-31",
    "status": "done",
}
_MEETING_FORM = {
    "title": "Taken over",
    "day": "2030-01-15",
    "start_time": "10:00",
    "end_time": "11:00",
    "time_zone": "America/New_York",
    "place": "Elsewhere",
    "status": "cancelled",
}

PAGE_CASES: dict[str, Any] = {
    "partnerships:partner_detail": Case(_partner, "navigator", READERS),
    "partnerships:partner_edit": Case(
        _partner,
        "home_admin",
        MANAGERS,
        {"sector": "faith", "agreement_status": "none", "data_sharing_status": "none"},
    ),
    "partnerships:contact_create": Case(_partner, "home_admin", MANAGERS, {"name": "Planted"}),
    "partnerships:contact_remove": Case(_contact, "home_admin", MANAGERS),
    "partnerships:partner_roles": Case(_partner, "navigator", READERS),
    "partnerships:need_edit": Case(
        _need, "home_admin", MANAGERS, {"title": "Taken over", "status": "closed"}
    ),
    "partnerships:evidence_create": Case(
        _need, "home_admin", MANAGERS, {"kind": "other", "summary": "Planted"}
    ),
    "partnerships:goal_detail": Case(_goal, "navigator", READERS),
    "partnerships:goal_edit": Case(
        _goal, "home_admin", MANAGERS, {"title": "Taken over", "population_result": "None."}
    ),
    "partnerships:indicator_create": Case(
        _goal,
        "home_admin",
        MANAGERS,
        {"kind": "population", "name": "Planted", "unit": "percent", "direction": "down"},
    ),
    "partnerships:indicator_detail": Case(_indicator, "navigator", READERS),
    "partnerships:indicator_edit": Case(
        _indicator,
        "home_admin",
        MANAGERS,
        {"kind": "population", "name": "Taken over", "unit": "count", "direction": "up"},
    ),
    "partnerships:value_create": Case(
        _indicator,
        "home_admin",
        MANAGERS,
        {"period_start": "2025-04-01", "period_end": "2025-06-30", "value": "99"},
    ),
    "partnerships:value_compute": Case(_indicator, "home_admin", MANAGERS, {"quarter": "2025-Q2"}),
    "partnerships:value_remove": Case(_value, "home_admin", MANAGERS),
    "partnerships:strategy_edit": Case(_strategy, "home_admin", MANAGERS, {"title": "Taken"}),
    "partnerships:task_create": Case(_strategy, "home_admin", MANAGERS, _TASK_FORM),
    "partnerships:task_edit": Case(_task, "partner_staff", KEEPERS, _TASK_FORM),
    "partnerships:meeting_detail": Case(_meeting, "navigator", READERS),
    "partnerships:meeting_ics": Case(_meeting, "navigator", READERS),
    "partnerships:meeting_edit": Case(_meeting, "home_admin", MANAGERS, _MEETING_FORM),
    "partnerships:meeting_attendance": Case(_meeting, "home_admin", MANAGERS, {"present": []}),
    "partnerships:meeting_invite": Case(_meeting, "home_admin", MANAGERS),
    "partnerships:decision_create": Case(_meeting, "home_admin", MANAGERS, {"text": "Planted"}),
    "partnerships:action_item_create": Case(
        _meeting, "home_admin", MANAGERS, {"title": "Planted", **_TASK_FORM}
    ),
    "partnerships:contribution_edit": Case(
        _contribution,
        "partner_staff",
        KEEPERS,
        {"kind": "funds", "description": "Taken over", "value": "1", "starts_on": "2026-01-01"},
    ),
    "partnerships:funding_edit": Case(
        _stream,
        "home_admin",
        MANAGERS,
        {"funder": "Taken over", "amount": "1", "starts_on": "2026-01-01"},
    ),
    "partnerships:feedback_review": Case(
        _feedback, "home_admin", MANAGERS, {"status": "reviewed", "we_did": "Planted"}
    ),
}
PUBLIC_PAGES: dict[str, str] = {
    "partnerships:survey_answer": "a published survey, answered by anyone without an account",
}

API = "/api/v1/partnership"
# The workspace is closed to outsiders as a whole: every id, real or made up, answers the same
# 403 (the access matrix's API rows), so a refusal tells nothing about the record.
API_CASES: dict[tuple[str, str], Any] = {
    ("GET", f"{API}/partners/{{partner_id}}"): (_partner, "navigator", 403),
    ("PATCH", f"{API}/partners/{{partner_id}}"): (_partner, "home_admin", 403),
    ("GET", f"{API}/goals/{{goal_id}}"): (_goal, "navigator", 403),
    ("POST", f"{API}/goals/{{goal_id}}/indicators"): (_goal, "home_admin", 403),
    ("GET", f"{API}/indicators/{{indicator_id}}"): (_indicator, "navigator", 403),
    ("POST", f"{API}/indicators/{{indicator_id}}/values"): (_indicator, "home_admin", 403),
    ("POST", f"{API}/indicators/{{indicator_id}}/compute"): (_indicator, "home_admin", 403),
    ("PATCH", f"{API}/contributions/{{contribution_id}}"): (_contribution, "partner_staff", 403),
    ("POST", f"{API}/strategies/{{strategy_id}}/tasks"): (_strategy, "home_admin", 403),
    ("PATCH", f"{API}/tasks/{{task_id}}"): (_task, "partner_staff", 403),
    ("GET", f"{API}/meetings/{{meeting_id}}"): (_meeting, "navigator", 403),
    ("POST", f"{API}/meetings/{{meeting_id}}/action-items"): (_meeting, "home_admin", 403),
}
PUBLIC_API: dict[tuple[str, str], str] = {}
PUBLIC_IDS: dict[str, Any] = {"partnerships:survey_answer": _survey}
# The resident's feedback form and "you said, we did" are public: posted without an account.
POSTERS: dict[str, str | None] = {
    "partnerships:feedback": None,
    "partnerships:you_said_we_did": None,
}
