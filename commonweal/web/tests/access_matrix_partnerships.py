"""Access-matrix rows for the partnership workspace's pages and API operations.

Merged into access_matrix.PAGES and OPERATIONS (see the end of access_matrix.py).

The rule (commonweal/policy.py, "the partnership workspace"; docs/partnership.md): `home`
and `receiving` are partners, `outside` is not. Everyone with a role in a partner — the
navigator, partner staff, analyst and receiver here — reads the workspace; coalition admins
and superusers also manage it; residents and staff of `outside` are refused (403: the
workspace's existence is no secret), anonymous visitors sent to sign in.
"""

from __future__ import annotations

from typing import Any

from commonweal.web.tests.access_matrix import PUBLIC, SIGNED_POST, Operation, Page, row
from commonweal.web.tests.matrix_cast import Cast

#                    anon   res  nav  staff out  admin anal super recv
# A task of `home`: its partner staff keep it current, with the workspace's managers.
TASK = row("         login  403  403  ok    403  ok    403  ok    403")
API_TASK = row("     401    403  403  ok    403  ok    403  ok    403")
# Recording a contribution: the managers, and partner staff of any partner (for their own;
# the receiver's POST names `home`'s partner, which its form refuses with a 200 and errors).
CONTRIBUTE = row("   login  403  403  ok    403  ok    403  ok    ok")
WORKSPACE = row("    login  403  ok   ok    403  ok    ok   ok    ok")
MANAGE = row("       login  403  403  403   403  ok    403  ok    403")
API_WORKSPACE = row("401    403  ok   ok    403  ok    ok   ok    ok")
API_MANAGE = row("   401    403  403  403   403  ok    403  ok    403")


def _partners(cast: Cast) -> Any:
    """`home` and `receiving` as partners (made once per cast), `home`'s profile returned."""
    from commonweal.partnerships.models import Partner, PartnerContact

    world = cast.world
    home, _ = Partner.objects.get_or_create(
        organization=world.home,
        defaults={"sector": "social_services", "agreement_status": "signed"},
    )
    Partner.objects.get_or_create(organization=world.receiving, defaults={"sector": "health_care"})
    PartnerContact.objects.get_or_create(partner=home, name="Lena Ortiz")
    return home


def _workspace(cast: Cast) -> dict[str, Any]:
    _partners(cast)
    return {}


def _partner(cast: Cast) -> dict[str, Any]:
    return {"partner_id": _partners(cast).pk}


def _contact(cast: Cast) -> dict[str, Any]:
    partner = _partners(cast)
    return {"partner_id": partner.pk, "contact_id": partner.contacts.get().pk}


def _goals(cast: Cast) -> Any:
    """A need, a goal and a computed indicator with one value (made once per cast)."""
    import datetime as dt

    from commonweal.partnerships.models import CommunityNeed, Goal, Indicator, IndicatorValue

    _partners(cast)
    need, _ = CommunityNeed.objects.get_or_create(title="Food")
    goal, _ = Goal.objects.get_or_create(title="Fed", defaults={"population_result": "Enough."})
    goal.needs.add(need)
    indicator, _ = Indicator.objects.get_or_create(
        goal=goal,
        name="Referrals sent",
        defaults={
            "kind": "performance",
            "rba_question": "how_much",
            "unit": "count",
            "measure": "referrals-sent",
        },
    )
    value, _ = IndicatorValue.objects.get_or_create(
        indicator=indicator,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        defaults={"value": 12, "source": "manual"},
    )
    return need, goal, indicator, value


def _need(cast: Cast) -> dict[str, Any]:
    return {"need_id": _goals(cast)[0].pk}


def _goal(cast: Cast) -> dict[str, Any]:
    return {"goal_id": _goals(cast)[1].pk}


def _indicator(cast: Cast) -> dict[str, Any]:
    return {"indicator_id": _goals(cast)[2].pk}


def _value(cast: Cast) -> dict[str, Any]:
    _, _, indicator, value = _goals(cast)
    return {"indicator_id": indicator.pk, "value_id": value.pk}


def _indicator_form(cast: Cast) -> dict[str, Any]:
    return {"kind": "population", "name": "Short of food", "unit": "percent", "direction": "down"}


def _value_form(cast: Cast) -> dict[str, Any]:
    return {"period_start": "2025-04-01", "period_end": "2025-06-30", "value": "14"}


def _plan(cast: Cast) -> Any:
    """A strategy with a task owned by `home` (made once per cast)."""
    import datetime as dt

    from commonweal.partnerships.models import PlanTask, Strategy

    home = _partners(cast)
    strategy, _ = Strategy.objects.get_or_create(title="Weekend food")
    task, _ = PlanTask.objects.get_or_create(
        strategy=strategy,
        title="Open a Saturday pantry",
        defaults={"owner": home, "responsible": "Lena", "due_date": dt.date(2020, 1, 1)},
    )
    return strategy, task


def _strategy(cast: Cast) -> dict[str, Any]:
    return {"strategy_id": _plan(cast)[0].pk}


def _task(cast: Cast) -> dict[str, Any]:
    return {"task_id": _plan(cast)[1].pk}


def _task_form(cast: Cast) -> dict[str, Any]:
    return {
        "title": "Recruit drivers",
        "owner": str(_partners(cast).pk),
        "responsible": "Ben",
        "due_date": "2030-01-31",
        "status": "not_started",
    }


def _meeting(cast: Cast) -> dict[str, Any]:
    """A meeting `home` is invited to (made once per cast)."""
    import datetime as dt

    from commonweal.partnerships.models import Attendance, Meeting

    home = _partners(cast)
    meeting, _ = Meeting.objects.get_or_create(
        title="Steering group",
        defaults={
            "starts_at": dt.datetime(2030, 1, 15, 15, tzinfo=dt.UTC),
            "ends_at": dt.datetime(2030, 1, 15, 16, tzinfo=dt.UTC),
            "time_zone": "America/New_York",
            "place": "Northside Hall",
        },
    )
    Attendance.objects.get_or_create(meeting=meeting, partner=home)
    return {"meeting_id": meeting.pk}


_MEETING_FORM = {
    "title": "Steering group",
    "day": "2030-01-15",
    "start_time": "10:00",
    "end_time": "11:00",
    "time_zone": "America/New_York",
    "place": "Northside Hall",
}


def _action_item(cast: Cast) -> dict[str, Any]:
    return {
        "strategy": str(_plan(cast)[0].pk),
        "title": "Ask the transit agency",
        "owner": str(_partners(cast).pk),
        "responsible": "Lena",
        "due_date": "2030-02-01",
    }


def _ledger(cast: Cast) -> Any:
    """A programme of `home`, a contribution by `home` and a funding stream (once per cast)."""
    import datetime as dt

    from commonweal.partnerships.models import Contribution, FundingStream
    from commonweal.programs.models import Programme

    home = _partners(cast)
    programme, _ = Programme.objects.get_or_create(
        organization=cast.world.home,
        name="Saturday pantry",
        defaults={"kind": "other", "starts_on": dt.date(2026, 1, 1)},
    )
    contribution, _ = Contribution.objects.get_or_create(
        partner=home,
        description="Hall on Saturdays",
        defaults={"kind": "space", "value": 2400, "starts_on": dt.date(2026, 1, 1)},
    )
    stream, _ = FundingStream.objects.get_or_create(
        programme=programme,
        funder="County",
        defaults={
            "amount": 50000,
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2030, 1, 1),
        },
    )
    return programme, contribution, stream


def _contribution_form(cast: Cast) -> dict[str, Any]:
    return {
        "partner": str(_partners(cast).pk),
        "kind": "funds",
        "description": "A grant",
        "value": "100",
        "starts_on": "2026-01-01",
    }


def _funding_form(cast: Cast) -> dict[str, Any]:
    return {
        "programme": str(_ledger(cast)[0].pk),
        "funder": "County",
        "amount": "50000",
        "starts_on": "2026-01-01",
        "ends_on": "2030-01-01",
    }


def _the_feedback(cast: Cast) -> Any:
    from commonweal.partnerships.models import Feedback

    feedback, _ = Feedback.objects.get_or_create(
        topic="access",
        you_said="Open later",
        defaults={"text": "Open later, please.", "we_did": "Open until 8", "published": True},
    )
    return feedback


def _feedback(cast: Cast) -> dict[str, Any]:
    _the_feedback(cast)
    return {}


def _survey(cast: Cast) -> Any:
    from commonweal.partnerships import voice
    from commonweal.partnerships.models import Survey

    return Survey.objects.filter(title="Getting there").first() or voice.create_survey(
        by=None, title="Getting there", intro="", questions="How? | Walk | Bus"
    )


def _new_partner(cast: Cast) -> dict[str, Any]:
    return {
        "organization": str(cast.world.outside.pk),
        "sector": "faith",
        "active": "on",
        "agreement_status": "none",
        "data_sharing_status": "none",
    }


def _profile(cast: Cast) -> dict[str, Any]:
    return {
        "sector": "social_services",
        "active": "on",
        "agreement_status": "signed",
        "agreement_expires_on": "2031-01-31",
        "data_sharing_status": "none",
    }


PAGES: dict[str, Page] = {
    "partnerships:index": Page(WORKSPACE, params=_workspace),
    "partnerships:partner_list": Page(WORKSPACE, params=_workspace),
    "partnerships:partner_create": Page(MANAGE, MANAGE, params=_workspace, form=_new_partner),
    "partnerships:partner_detail": Page(WORKSPACE, params=_partner),
    "partnerships:partner_edit": Page(MANAGE, MANAGE, params=_partner, form=_profile),
    "partnerships:contact_create": Page(
        MANAGE, MANAGE, params=_partner, form=lambda c: {"name": "Ben Ade"}
    ),
    "partnerships:contact_remove": Page(SIGNED_POST, MANAGE, params=_contact),
    # Community needs, goals and indicators: read by the workspace, changed by its managers.
    "partnerships:need_list": Page(WORKSPACE, params=lambda c: _need(c) and {}),
    "partnerships:need_create": Page(
        MANAGE, MANAGE, params=_workspace, form=lambda c: {"title": "Housing", "status": "active"}
    ),
    "partnerships:need_edit": Page(
        MANAGE, MANAGE, params=_need, form=lambda c: {"title": "Food", "status": "active"}
    ),
    "partnerships:evidence_create": Page(
        MANAGE, MANAGE, params=_need, form=lambda c: {"kind": "other", "summary": "A survey"}
    ),
    "partnerships:goal_list": Page(WORKSPACE, params=lambda c: _goal(c) and {}),
    "partnerships:goal_create": Page(
        MANAGE,
        MANAGE,
        params=_workspace,
        form=lambda c: {"title": "Housed", "population_result": "Everyone has a home."},
    ),
    "partnerships:goal_detail": Page(WORKSPACE, params=_goal),
    "partnerships:goal_edit": Page(
        MANAGE,
        MANAGE,
        params=_goal,
        form=lambda c: {"title": "Fed", "population_result": "Enough to eat."},
    ),
    "partnerships:indicator_create": Page(MANAGE, MANAGE, params=_goal, form=_indicator_form),
    "partnerships:indicator_detail": Page(WORKSPACE, params=_indicator),
    "partnerships:indicator_edit": Page(
        MANAGE,
        MANAGE,
        params=_indicator,
        form=lambda c: {
            "kind": "performance",
            "rba_question": "how_much",
            "name": "Sent",
            "unit": "count",
            "direction": "up",
            "measure": "referrals-sent",
        },
    ),
    "partnerships:value_create": Page(MANAGE, MANAGE, params=_indicator, form=_value_form),
    "partnerships:value_compute": Page(
        SIGNED_POST, MANAGE, params=_indicator, form=lambda c: {"quarter": "2025-Q1"}
    ),
    "partnerships:value_remove": Page(SIGNED_POST, MANAGE, params=_value),
    # The action plan: read by the workspace; tasks kept current by their owner's staff.
    "partnerships:plan": Page(WORKSPACE, params=lambda c: _task(c) and {}),
    "partnerships:strategy_create": Page(
        MANAGE, MANAGE, params=_workspace, form=lambda c: {"title": "Rides"}
    ),
    "partnerships:strategy_edit": Page(
        MANAGE, MANAGE, params=_strategy, form=lambda c: {"title": "Weekend food"}
    ),
    "partnerships:task_create": Page(MANAGE, MANAGE, params=_strategy, form=_task_form),
    "partnerships:task_edit": Page(
        TASK, TASK, params=_task, form=lambda c: {**_task_form(c), "status": "in_progress"}
    ),
    "partnerships:partner_roles": Page(WORKSPACE, params=lambda c: _task(c) and _partner(c)),
    # Meetings: read (and the .ics downloaded) by the workspace, run by its managers.
    # The resource ledger: read by the workspace; contributions recorded by partners' staff
    # for their own partner, funding streams by the managers.
    "partnerships:ledger": Page(WORKSPACE, params=lambda c: _ledger(c) and {}),
    "partnerships:contribution_create": Page(
        CONTRIBUTE, CONTRIBUTE, params=_workspace, form=_contribution_form
    ),
    "partnerships:contribution_edit": Page(
        TASK,
        TASK,
        params=lambda c: {"contribution_id": _ledger(c)[1].pk},
        form=_contribution_form,
    ),
    "partnerships:funding_create": Page(MANAGE, MANAGE, params=_workspace, form=_funding_form),
    "partnerships:funding_edit": Page(
        MANAGE, MANAGE, params=lambda c: {"stream_id": _ledger(c)[2].pk}, form=_funding_form
    ),
    # The network: who works with whom, measured; ties only, never counts of people.
    "partnerships:network": Page(WORKSPACE, params=lambda c: _meeting(c) and _ledger(c) and {}),
    # Community voice: residents write and read "you said, we did" without an account;
    # the messages themselves are read by the workspace's managers only.
    "partnerships:feedback": Page(
        PUBLIC, PUBLIC, form=lambda c: {"topic": "access", "text": "Open later, please."}
    ),
    "partnerships:you_said_we_did": Page(PUBLIC, params=_feedback),
    "partnerships:voice_review": Page(MANAGE, params=_feedback),
    "partnerships:feedback_review": Page(
        MANAGE,
        MANAGE,
        params=lambda c: {"feedback_id": _the_feedback(c).pk},
        form=lambda c: {"status": "reviewed"},
    ),
    # Short surveys: anyone answers; coalition admins make them and read the counts.
    "partnerships:survey_answer": Page(
        PUBLIC,
        PUBLIC,
        params=lambda c: {"survey_id": _survey(c).pk},
        form=lambda c: {f"q{q.pk}": q.choices.first().pk for q in _survey(c).questions.all()},
    ),
    "partnerships:survey_list": Page(MANAGE, params=lambda c: _survey(c) and {}),
    "partnerships:survey_create": Page(
        MANAGE,
        MANAGE,
        params=_workspace,
        form=lambda c: {"title": "Getting there", "questions": "How? | Walk | Bus"},
    ),
    "partnerships:meeting_list": Page(WORKSPACE, params=lambda c: _meeting(c) and {}),
    "partnerships:meeting_create": Page(
        MANAGE, MANAGE, params=_workspace, form=lambda c: _MEETING_FORM
    ),
    "partnerships:meeting_detail": Page(WORKSPACE, params=_meeting),
    "partnerships:meeting_ics": Page(WORKSPACE, params=_meeting),
    "partnerships:meeting_invite": Page(SIGNED_POST, MANAGE, params=_meeting),
    "partnerships:meeting_edit": Page(
        MANAGE,
        MANAGE,
        params=_meeting,
        form=lambda c: {**_MEETING_FORM, "status": "held", "minutes": "Met."},
    ),
    "partnerships:meeting_attendance": Page(
        MANAGE, MANAGE, params=_meeting, form=lambda c: {"present": [str(_partners(c).pk)]}
    ),
    "partnerships:decision_create": Page(
        MANAGE, MANAGE, params=_meeting, form=lambda c: {"text": "Open on Saturdays"}
    ),
    "partnerships:action_item_create": Page(MANAGE, MANAGE, params=_meeting, form=_action_item),
}

P = "commonweal_partnerships_api_"
OPERATIONS: dict[str, Operation] = {
    f"{P}list_partners": Operation(API_WORKSPACE, params=_workspace),
    f"{P}create_partner": Operation(
        API_MANAGE,
        params=_workspace,
        body=lambda c: {"organization_id": str(c.world.outside.pk), "sector": "faith"},
    ),
    f"{P}read_partner": Operation(API_WORKSPACE, params=_partner),
    f"{P}update_partner": Operation(API_MANAGE, params=_partner, body=lambda c: {"notes": "x"}),
}
G = "commonweal_partnerships_goal_api_"
L = "commonweal_partnerships_plan_api_"
M = "commonweal_partnerships_meeting_api_"
R = "commonweal_partnerships_ledger_api_"
OPERATIONS |= {
    f"{R}list_contributions": Operation(API_WORKSPACE, params=lambda c: _ledger(c) and {}),
    # The receiver's staff record for their own partner only: `home`'s is refused.
    f"{R}create_contribution": Operation(
        API_TASK,
        params=_workspace,
        body=lambda c: {
            "partner_id": str(_partners(c).pk),
            "kind": "funds",
            "description": "A grant",
            "value": 100,
            "starts_on": "2026-01-01",
        },
    ),
    f"{R}update_contribution": Operation(
        API_TASK,
        params=lambda c: {"contribution_id": _ledger(c)[1].pk},
        body=lambda c: {"value": 2600},
    ),
    f"{R}list_funding": Operation(API_WORKSPACE, params=lambda c: _ledger(c) and {}),
    f"{R}create_funding": Operation(
        API_MANAGE,
        params=lambda c: _ledger(c) and {},
        body=lambda c: {
            "programme_id": str(_ledger(c)[0].pk),
            "funder": "State",
            "amount": 1000,
            "starts_on": "2026-01-01",
            "ends_on": "2027-01-01",
        },
    ),
    f"{R}resources_summary": Operation(API_WORKSPACE, params=lambda c: _ledger(c) and {}),
    f"{M}list_meetings": Operation(API_WORKSPACE, params=lambda c: _meeting(c) and {}),
    f"{M}create_meeting": Operation(API_MANAGE, params=_workspace, body=lambda c: _MEETING_FORM),
    f"{M}read_meeting": Operation(API_WORKSPACE, params=_meeting),
    f"{M}create_action_item": Operation(
        API_MANAGE,
        params=_meeting,
        body=lambda c: {
            "strategy_id": str(_plan(c)[0].pk),
            "title": "Ask the transit agency",
            "owner_id": str(_partners(c).pk),
            "responsible": "Lena",
            "due_date": "2030-02-01",
        },
    ),
    f"{L}list_strategies": Operation(API_WORKSPACE, params=lambda c: _task(c) and {}),
    f"{L}create_strategy": Operation(
        API_MANAGE, params=_workspace, body=lambda c: {"title": "Rides"}
    ),
    f"{L}create_task": Operation(
        API_MANAGE,
        params=_strategy,
        body=lambda c: {
            "title": "Recruit drivers",
            "owner_id": str(_partners(c).pk),
            "responsible": "Ben",
            "due_date": "2030-01-31",
        },
    ),
    f"{L}list_tasks": Operation(API_WORKSPACE, params=lambda c: _task(c) and {}),
    f"{L}update_task": Operation(API_TASK, params=_task, body=lambda c: {"status": "done"}),
    f"{G}list_measures": Operation(API_WORKSPACE, params=_workspace),
    f"{G}list_needs": Operation(API_WORKSPACE, params=lambda c: _need(c) and {}),
    f"{G}create_need": Operation(API_MANAGE, params=_workspace, body=lambda c: {"title": "Jobs"}),
    f"{G}list_goals": Operation(API_WORKSPACE, params=lambda c: _goal(c) and {}),
    f"{G}create_goal": Operation(
        API_MANAGE,
        params=_workspace,
        body=lambda c: {"title": "Housed", "population_result": "Everyone has a home."},
    ),
    f"{G}read_goal": Operation(API_WORKSPACE, params=_goal),
    f"{G}create_indicator": Operation(API_MANAGE, params=_goal, body=_indicator_form),
    f"{G}read_indicator": Operation(API_WORKSPACE, params=_indicator),
    f"{G}record_value": Operation(
        API_MANAGE,
        params=_indicator,
        body=lambda c: {"period_start": "2025-04-01", "period_end": "2025-06-30", "value": 14},
    ),
    f"{G}compute_value": Operation(
        API_MANAGE, params=_indicator, body=lambda c: {"quarter": "2025-Q1"}
    ),
}
