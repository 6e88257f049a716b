"""Screening pages: residents' self-screens, navigators' screenings, results and safety.

Self-screen (anonymous): nothing is stored and nothing is kept in the session; the
answers travel signed in a hidden field (carried.py) until the resident leaves or
chooses "save to my account". Navigator screenings are stored with the person
(recording.py). When a result triggers the crisis safety protocol, the response to the
submission shows crisis help first and no score: the resident's crisis page, or the
navigator's safety checklist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.referrals import people
from commonweal.referrals.models import Person
from commonweal.screening import (
    carried,
    instruments,
    matching,
    presenting,
    recording,
    safety,
    scoring,
)
from commonweal.screening.forms import (
    SUBMISSION_RE,
    QuestionnaireForm,
    SafetyNoteForm,
    SafetyStepForm,
    StaffZipForm,
    ZipForm,
    new_submission_token,
)
from commonweal.screening.models import SafetyContact, SafetyFollowUp, Screening
from commonweal.screening.types import ScoreResult

SECONDS_PER_QUESTION = 15


def _instrument_or_404(code: str) -> instruments.Instrument:
    try:
        return instruments.get(code)
    except instruments.UnknownInstrument:
        raise Http404 from None


def _minutes(instrument: instruments.Instrument) -> int:
    questions = sum(1 for item in instrument.items if item.type != "text")
    return max(1, round(questions * SECONDS_PER_QUESTION / 60))


def _results_context(
    result: ScoreResult, *, near: str, list_next: str = "", audience: str = presenting.RESIDENT
) -> dict[str, Any]:
    """What the results partial shows: domains in plain words and services per need."""
    presented = presenting.present(result, audience)
    rows = [
        (
            domain,
            matching.services_for(domain.need_categories, near=near) if domain.positive else [],
        )
        for domain in presented.domains
    ]
    return {
        "presented": presented,
        "rows": rows,
        "near": near,
        "not_a_diagnosis": presenting.NOT_A_DIAGNOSIS,
        # Where "Add to my list" returns without JavaScript: a stored screening's page; a
        # self-screen's results exist only as a POST response, so the list page itself.
        "list_next": list_next,
        "safety": result.safety,
    }


# --- residents: self-screening ---------------------------------------------------------


def instrument_list(request: HttpRequest) -> HttpResponse:
    language = get_language() or "en"
    listed = [
        {
            "instrument": instrument,
            "name": instrument.name_in(language),
            "title": instrument.title_in(language),
            "about": presenting.INSTRUMENT_ABOUT.get(instrument.code)
            or instrument.description_in(language),
            "minutes": _minutes(instrument),
            "questions": sum(1 for item in instrument.items if item.type != "text"),
            "text_language": instrument.language_for(language),
            "languages": instrument.languages,
        }
        for instrument in instruments.available()
    ]
    return render(request, "screening/instrument_list.html", {"listed": listed})


def _questionnaire_page(
    request: HttpRequest,
    *,
    form: QuestionnaireForm,
    instrument: instruments.Instrument,
    template: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "instrument": instrument,
        "name": instrument.name_in(form.language),
        "title": instrument.title_in(form.language),
        "description": instrument.description_in(form.language),
        "text_language": form.language,
        "page_language": (get_language() or "en").split("-")[0],
        "minutes": _minutes(instrument),
        **(extra or {}),
    }
    return render(request, template, context)


@never_cache
def self_screen(request: HttpRequest, code: str) -> HttpResponse:
    instrument = _instrument_or_404(code)
    language = instrument.language_for(get_language() or "en")
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, instrument=instrument, language=language)
        outcome = form.check()
        if outcome.accepted and outcome.result is not None:
            token = carried.pack(
                instrument=instrument.code, language=language, answers=form.answers()
            )
            if outcome.result.safety.triggered:
                return _crisis_page(request, instrument, outcome.result, token)
            return _self_results_page(request, instrument, outcome.result, token, near="")
        crisis = form.crisis_despite_errors()
        if crisis is not None:
            # The valid answers travel on (signed, in the page, never stored) so "see my
            # results" still works after the crisis page.
            token = carried.pack(
                instrument=instrument.code, language=language, answers=form.answers()
            )
            return _crisis_page(request, instrument, crisis, token)
    else:
        form = QuestionnaireForm(instrument=instrument, language=language)
    return _questionnaire_page(
        request, form=form, instrument=instrument, template="screening/self_form.html"
    )


def _crisis_page(
    request: HttpRequest, instrument: instruments.Instrument, result: ScoreResult, token: str
) -> HttpResponse:
    # Emergency wording when the person said "right now" (ASQ Q5), and also when an ASQ
    # positive left Q5 unanswered: not knowing is treated as the more urgent case.
    emergency = result.safety.acute or any("question 5" in r for r in result.safety.reasons)
    return render(
        request,
        "screening/self_crisis.html",
        {"instrument": instrument, "token": token, "emergency": emergency},
    )


def _self_results_page(
    request: HttpRequest,
    instrument: instruments.Instrument,
    result: ScoreResult,
    token: str,
    *,
    near: str,
    zip_form: ZipForm | None = None,
) -> HttpResponse:
    context = _results_context(result, near=near)
    context.update(
        {
            "instrument": instrument,
            "token": token,
            "zip_form": zip_form or ZipForm(initial={"near": near}),
            "can_save": request.user.is_authenticated,
        }
    )
    return render(request, "screening/self_results.html", context)


def _carried_or_none(request: HttpRequest, code: str) -> carried.Carried | None:
    try:
        found = carried.unpack(request.POST.get("token", ""))
    except carried.BadToken:
        return None
    return found if found.instrument == code else None


def _expired(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "screening/self_expired.html", {"code": code}, status=400)


@never_cache
@require_POST
def self_results(request: HttpRequest, code: str) -> HttpResponse:
    instrument = _instrument_or_404(code)
    found = _carried_or_none(request, code)
    if found is None:
        return _expired(request, code)
    try:
        result = scoring.score(instrument, found.answers)
    except scoring.InvalidAnswers:  # the instrument changed since the form was shown
        return _expired(request, code)
    zip_form = ZipForm(request.POST)
    near = zip_form.cleaned_data["near"] if zip_form.is_valid() else ""
    return _self_results_page(
        request, instrument, result, request.POST["token"], near=near, zip_form=zip_form
    )


@never_cache
@require_POST
@login_required
def self_save(request: HttpRequest, code: str) -> HttpResponse:
    instrument = _instrument_or_404(code)
    found = _carried_or_none(request, code)
    if found is None:
        return _expired(request, code)
    try:
        recorded = recording.save_own(
            user=request.user,
            instrument=instrument,
            answers=found.answers,
            language=found.language,
            idempotency_key=f"self:{found.nonce}",
            request=request,
        )
    except (scoring.InvalidAnswers, recording.KeyReused):
        return _expired(request, code)
    if recorded.created:
        messages.success(request, _("Saved to your account. Only you can see it."))
    return redirect(recorded.screening)


@never_cache
@login_required
def own_list(request: HttpRequest) -> HttpResponse:
    screenings = list(Screening.objects.of_user(request.user))
    rows = [(s, _name(s.instrument)) for s in screenings]
    return render(request, "screening/own_list.html", {"rows": rows})


def _name(code: str) -> str:
    try:
        return instruments.get(code).name_in(get_language() or "en")
    except instruments.UnknownInstrument:
        return code


@never_cache
@login_required
def own_detail(request: HttpRequest, screening_id: str) -> HttpResponse:
    screening = get_object_or_404(
        Screening, pk=screening_id, user=request.user, person__isnull=True
    )
    recording.record_read(screening=screening, by=request.user, request=request, what="own")
    result = _stored_result(screening)
    zip_form = ZipForm(request.GET or None)
    near = zip_form.cleaned_data["near"] if zip_form.is_bound and zip_form.is_valid() else ""
    context = _results_context(result, near=near, list_next=request.get_full_path())
    context.update(
        {
            "screening": screening,
            "instrument_name": _name(screening.instrument),
            "zip_form": zip_form,
        }
    )
    return render(request, "screening/own_detail.html", context)


def _stored_result(screening: Screening) -> ScoreResult:
    from commonweal.screening import results

    return results.from_json(screening.result)


# --- navigators: screening a person ----------------------------------------------------


def _person_or_404(request: HttpRequest, person_id: str) -> Person:
    person = get_object_or_404(Person, pk=person_id)
    if not policy.can_view_person(request.user, person):
        raise Http404
    return person


def _after_recording(recorded: recording.Recorded) -> HttpResponse:
    follow_up = recorded.follow_up
    if follow_up is not None:
        # Safety first: the checklist, not the scores, is the next page.
        return redirect(follow_up)
    return redirect(recorded.screening)


@never_cache
@login_required
def person_screen(request: HttpRequest, person_id: str, code: str) -> HttpResponse:
    person = _person_or_404(request, person_id)
    instrument = _instrument_or_404(code)
    if policy.acting_organization(request.user, person) is None:
        # A superuser may read records but screens nobody: screening is care-team work.
        raise PermissionDenied(_("Only the person's care team can screen them."))
    language = instrument.language_for(get_language() or "en")
    submission = request.POST.get("submission", "") if request.method == "POST" else ""
    if request.method == "POST":
        if not SUBMISSION_RE.match(submission):
            # A form without our token was not made by this page: start again cleanly.
            messages.error(request, _("That form had expired. Please answer the questions again."))
            return redirect("screening:person_screen", person_id=person.pk, code=instrument.code)
        key = f"form:{submission}"
        existing = Screening.objects.filter(idempotency_key=key, person=person).first()
        if existing is not None and existing.created_by_id == request.user.pk:
            return _after_recording(recording._replay(existing))
        form = QuestionnaireForm(request.POST, instrument=instrument, language=language)
        outcome = form.check()
        if outcome.accepted and outcome.result is not None:
            try:
                recorded = recording.record_for_person(
                    person=person,
                    instrument=instrument,
                    answers=form.answers(),
                    language=language,
                    by=request.user,
                    idempotency_key=key,
                    request=request,
                    result=outcome.result,
                )
            except recording.KeyReused:
                raise PermissionDenied from None
            return _after_recording(recorded)
    else:
        submission = new_submission_token()
        form = QuestionnaireForm(instrument=instrument, language=language)
    people.record_read(person=person, by=request.user, request=request, what="screening_form")
    return _questionnaire_page(
        request,
        form=form,
        instrument=instrument,
        template="screening/person_form.html",
        extra={"person": person, "submission": submission},
    )


@never_cache
@login_required
def screening_detail(request: HttpRequest, screening_id: str) -> HttpResponse:
    screening = get_object_or_404(
        Screening.objects.select_related("person", "organization", "created_by"),
        pk=screening_id,
        person__isnull=False,
    )
    if not policy.can_view_screening(request.user, screening):
        raise Http404
    recording.record_read(screening=screening, by=request.user, request=request)
    result = _stored_result(screening)
    zip_form = StaffZipForm(request.GET or None, initial={"near": screening.person.zip_code})
    near = screening.person.zip_code
    if zip_form.is_bound and zip_form.is_valid() and zip_form.cleaned_data["near"]:
        near = zip_form.cleaned_data["near"]
    context = _results_context(
        result, near=near, list_next=request.get_full_path(), audience=presenting.STAFF
    )
    context.update(
        {
            "screening": screening,
            "person": screening.person,
            "instrument_name": _name(screening.instrument),
            "follow_up": SafetyFollowUp.objects.filter(screening=screening).first(),
            "answers": _answer_rows(screening),
            "zip_form": zip_form,
        }
    )
    return render(request, "screening/screening_detail.html", context)


def _answer_rows(screening: Screening) -> list[tuple[str, str]]:
    """(question, answer) in the instrument's order, for the care team's record."""
    try:
        instrument = instruments.get(screening.instrument)
    except instruments.UnknownInstrument:
        return [(key, str(value)) for key, value in screening.answers.items()]
    language = screening.language
    rows = []
    for item in instrument.items:
        value = screening.answers.get(item.link_id)
        if value in (None, "", []):
            shown = _("(not answered)")
        elif item.type == "text":
            shown = str(value)
        else:
            values = value if isinstance(value, list) else [value]
            labels = []
            for one in values:
                option = item.option(one) if isinstance(one, str) else None
                if option is None and isinstance(one, int):
                    option = next((o for o in item.options if o.score == one), None)
                labels.append(option.label_in(language) if option else str(one))
            shown = "; ".join(labels)
        rows.append((item.text_in(language), shown))
    return rows


# --- the safety protocol ----------------------------------------------------------------


def _follow_up_or_404(request: HttpRequest, follow_up_id: str) -> SafetyFollowUp:
    follow_up = get_object_or_404(
        SafetyFollowUp.objects.select_related("person", "organization", "screening"),
        pk=follow_up_id,
    )
    if not policy.can_view_follow_up(request.user, follow_up):
        raise Http404
    return follow_up


def _notified_names(follow_up: SafetyFollowUp) -> list[str]:
    from commonweal.accounts.models import User

    users = User.objects.filter(pk__in=follow_up.notified_user_ids).order_by("username")
    return [user.get_full_name() or user.get_username() for user in users]


@never_cache
@login_required
def safety_checklist(request: HttpRequest, follow_up_id: str) -> HttpResponse:
    follow_up = _follow_up_or_404(request, follow_up_id)
    step_forms = {step.code: SafetyStepForm(step=step) for step in safety.CHECKLIST}
    note_form = SafetyNoteForm()
    if request.method == "POST" and not policy.can_act_on_follow_up(request.user, follow_up):
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "step":
                code = request.POST.get("step_code", "")
                step = safety.STEPS_BY_CODE.get(code)
                if step is None:
                    raise safety.ProtocolError("unknown step")
                form = SafetyStepForm(request.POST, step=step)
                step_forms[code] = form
                if form.is_valid():
                    safety.record_step(
                        follow_up=follow_up,
                        step=code,
                        outcome=form.cleaned_data["outcome"],
                        note=form.cleaned_data["note"],
                        by=request.user,
                        request=request,
                    )
                    messages.success(request, _("Recorded: %(step)s.") % {"step": step.label})
                    return redirect(f"{follow_up.get_absolute_url()}#step-{code}")
            elif action == "note":
                note_form = SafetyNoteForm(request.POST)
                if note_form.is_valid():
                    safety.add_note(
                        follow_up=follow_up,
                        note=note_form.cleaned_data["note"],
                        by=request.user,
                        request=request,
                    )
                    messages.success(request, _("Note added."))
                    return redirect(follow_up)
            elif action == "close":
                safety.close(follow_up=follow_up, by=request.user, request=request)
                messages.success(request, _("The safety follow-up is closed."))
                return redirect(follow_up)
            else:
                messages.error(request, _("Choose what to record."))
        except safety.ProtocolError:
            messages.error(request, _("This follow-up is closed; nothing was changed."))
            return redirect(follow_up)
    # Every page that shows the person's checklist is a read, a form re-shown with errors too.
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=request.user,
        obj=follow_up,
        object_type=safety.FOLLOW_UP_TYPE,
        person_id=str(follow_up.person_id),
        request=request,
        detail={"read": "safety_checklist"},
    )
    latest = safety.latest_steps(follow_up)
    steps = [
        {"step": step, "form": step_forms[step.code], "latest": latest.get(step.code)}
        for step in safety.CHECKLIST
    ]
    return render(
        request,
        "screening/safety_checklist.html",
        {
            "follow_up": follow_up,
            "person": follow_up.person,
            "steps": steps,
            "notes": follow_up.steps.filter(step="note").select_related("recorded_by"),
            "note_form": note_form,
            "ask_question_5": any("question 5" in r for r in follow_up.reasons),
            "notified": _notified_names(follow_up),
            "is_closed": follow_up.status == "closed",
            "now": timezone.now(),
        },
    )


@never_cache
@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_list_people(request.user):
        raise PermissionDenied
    open_ones = list(
        policy.visible_follow_ups(request.user)
        .still_open()
        .select_related("person", "organization")
        .order_by("due_at", "id")
    )
    contact_for = set(
        SafetyContact.objects.filter(user=request.user).values_list("organization_id", flat=True)
    )
    if open_ones:
        audit.record(
            action=AuditEvent.Action.VIEW,
            actor=request.user,
            object_type=safety.FOLLOW_UP_TYPE,
            object_id="list",
            request=request,
            detail={"read": "list", "follow_ups": [str(f.pk) for f in open_ones]},
        )
    return render(
        request,
        "screening/follow_up_list.html",
        {
            "rows": [(f, f.organization_id in contact_for) for f in open_ones],
            "is_contact": bool(contact_for),
            "count_label": ngettext(
                "%(count)d open safety follow-up",
                "%(count)d open safety follow-ups",
                len(open_ones),
            )
            % {"count": len(open_ones)},
        },
    )


# --- designating safety contacts -------------------------------------------------------


@never_cache
@login_required
def safety_contacts(request: HttpRequest) -> HttpResponse:
    organizations = list(policy.contact_organizations(request.user).order_by("name"))
    if not organizations:
        raise PermissionDenied
    if request.method == "POST":
        organization = next(
            (o for o in organizations if str(o.pk) == request.POST.get("organization")), None
        )
        if organization is None:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "add":
                user = (
                    safety.eligible_contacts(organization.pk)
                    .filter(pk=request.POST.get("user") or 0)
                    .first()
                )
                if user is None:
                    messages.error(request, _("Choose a navigator or partner staff member."))
                else:
                    safety.designate_contact(
                        organization=organization, user=user, by=request.user, request=request
                    )
                    messages.success(request, _("Safety contact added."))
            elif request.POST.get("action") == "remove":
                contact = SafetyContact.objects.filter(
                    organization=organization, pk=request.POST.get("contact") or 0
                ).first()
                if contact is not None:
                    safety.remove_contact(contact=contact, by=request.user, request=request)
                    messages.success(request, _("Safety contact removed."))
        except (safety.ProtocolError, PermissionError, ValueError):
            messages.error(request, _("That could not be changed."))
        return redirect("screening:safety_contacts")
    blocks = [
        {
            "organization": organization,
            "contacts": SafetyContact.objects.filter(organization=organization)
            .select_related("user")
            .order_by("user__username"),
            "eligible": safety.eligible_contacts(organization.pk),
        }
        for organization in organizations
    ]
    return render(request, "screening/safety_contacts.html", {"blocks": blocks})
