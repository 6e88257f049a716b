"""Reminder pages: a resident's own (no account, private link) and a navigator's, on a person.

Views parse and call personal_reminders / opt_out / twilio_inbound; the rules live there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from commonweal import policy
from commonweal.accounts.audit import client_ip
from commonweal.lib import sms
from commonweal.programs import personal_reminders, twilio_inbound
from commonweal.programs.reminder_forms import NavigatorReminderForm, ReminderForm, parse_time
from commonweal.programs.reminder_models import PlanStatus, ReminderKind, ReminderPlan
from commonweal.referrals.models import Person

ACTIONS = {"pause": PlanStatus.PAUSED, "resume": PlanStatus.ACTIVE, "stop": PlanStatus.STOPPED}


def _private(response: HttpResponse) -> HttpResponse:
    # The link holds the token: keep it out of other sites' logs and of search engines.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- the resident's own -------------------------------------------------------------------------


@never_cache
def reminder_new(request: HttpRequest) -> HttpResponse:
    enabled = sms.is_enabled()
    initial = {
        "language": (get_language() or "en")[:2],
        "channel": "sms" if enabled else "email",
        **_prefill(request),
    }
    form = ReminderForm(request.POST or None, initial=initial, sms_enabled=enabled)
    limited = False
    if request.method == "POST":
        if not personal_reminders.within_signup_limit(client_ip(request)):
            limited = True
        elif form.is_valid():
            try:
                plan = personal_reminders.create_for_resident(values=form.cleaned_data)
            except ValidationError as error:
                form.add_errors(error)
            else:
                request.session["reminder_channel"] = plan.channel
                return redirect("reminders:sent")
    status = 429 if limited else (400 if form.errors else 200)
    return render(
        request, "programs/reminder_new.html", {"form": form, "limited": limited}, status=status
    )


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """What a "remind me" link carries (?kind=session&date=2026-05-04&time=18:00): a
    programme or service page can offer the form already filled; anything malformed is
    dropped, never an error."""
    found: dict[str, Any] = {}
    if request.GET.get("kind") in ReminderKind.values:
        found["kind"] = request.GET["kind"]
    try:
        found["starts_on"] = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        pass
    try:
        found["times"] = [parse_time(request.GET.get("time", "")[:8])]
    except ValueError:
        pass
    return found


def reminder_sent(request: HttpRequest) -> HttpResponse:
    channel = request.session.get("reminder_channel", "")
    return render(request, "programs/reminder_sent.html", {"by_text": channel == "sms"})


def _plan_or_404(token: str) -> ReminderPlan:
    plan = personal_reminders.find_by_token(token)
    if plan is None:
        raise Http404
    return plan


@never_cache
def reminder_manage(request: HttpRequest, token: str) -> HttpResponse:
    """See, confirm, pause, resume or stop one plan (POST), from the private link."""
    plan = _plan_or_404(token)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "confirm" and personal_reminders.confirmation_expired(plan):
            messages.error(request, _("This link is too old. Please ask for the reminder again."))
        elif action == "confirm":
            personal_reminders.confirm(plan)
            messages.success(request, _("Your reminders are on."))
        elif action in ACTIONS and plan.status != PlanStatus.UNCONFIRMED:
            personal_reminders.set_status(plan, status=ACTIONS[action])
            messages.success(request, _DONE[action])
        else:
            return _private(_manage_page(request, plan, status=400))
        return redirect("reminders:manage", token=token)
    return _private(_manage_page(request, plan))


_DONE = {
    "pause": gettext_lazy(
        "Your reminders are paused. Nothing is sent until you turn them back on."
    ),
    "resume": gettext_lazy("Your reminders are on again."),
    "stop": gettext_lazy("This reminder is stopped. We will not send it again."),
}


def _manage_page(request: HttpRequest, plan: ReminderPlan, status: int = 200) -> HttpResponse:
    return render(
        request,
        "programs/reminder_manage.html",
        {
            "plan": plan,
            "upcoming": personal_reminders.upcoming(plan) if plan.status == "active" else [],
            "address_stopped": personal_reminders.is_address_stopped(plan),
            "expired": personal_reminders.confirmation_expired(plan),
            "token": personal_reminders.token_for(plan),
        },
        status=status,
    )


# A mail app's one-click unsubscribe (RFC 8058, the List-Unsubscribe-Post header of every
# email reminder) POSTs here with no cookie and no CSRF token. The private token in the URL
# is the only credential either way, and a forged post can do no more than its holder can:
# stop reminders to that address. A GET only shows the button (scanners open links).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def reminder_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The stop link in every message: one button stops every reminder to the address (again
    and again: stopping a stopped address changes nothing)."""
    plan = _plan_or_404(token)
    done = False
    if request.method == "POST":
        personal_reminders.stop_address(plan)
        done = True
    return _private(
        render(
            request,
            "programs/reminder_stop.html",
            {"plan": plan, "done": done, "token": token},
        )
    )


@csrf_exempt  # Twilio cannot send a CSRF token; the request signature authenticates it
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    url = settings.COMMONWEAL_SITE_URL + request.get_full_path()
    params = [(name, value) for name in request.POST for value in request.POST.getlist(name)]
    signed = twilio_inbound.is_signed(
        auth_token=settings.TWILIO_AUTH_TOKEN,
        url=url,
        params=params,
        header=request.headers.get("X-Twilio-Signature", ""),
    )
    if not signed:
        return HttpResponse(status=403)
    reply = twilio_inbound.handle(
        sender=request.POST.get("From", ""), body=request.POST.get("Body", "")
    )
    twiml = '<?xml version="1.0" encoding="UTF-8"?><Response>'
    if reply.text:
        twiml += f"<Message>{escape(reply.text)}</Message>"
    return HttpResponse(twiml + "</Response>", content_type="text/xml")


# --- a navigator's, on a person's record --------------------------------------------------------


def _person_or_404(request: HttpRequest, person_id: Any) -> Person:
    person = get_object_or_404(Person, pk=person_id)
    if not policy.can_see_reminders(request.user, person):
        raise Http404
    return person


@never_cache
@login_required
def person_reminders(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The person's reminder plans, and (for their care team) the form to add one."""
    person = _person_or_404(request, person_id)
    can_edit = policy.can_set_reminders(request.user, person)
    enabled = sms.is_enabled()
    initial = _initial_for(person, enabled)
    form = NavigatorReminderForm(
        request.POST if request.method == "POST" else None, initial=initial, sms_enabled=enabled
    )
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                personal_reminders.create_for_person(
                    person=person, values=form.cleaned_data, by=request.user, request=request
                )
            except personal_reminders.NotAllowed as error:
                raise Http404 from error
            except ValidationError as error:
                form.add_errors(error)
            else:
                messages.success(request, _("The reminder is set."))
                return redirect("programs:reminder_person", person_id=person.pk)
    personal_reminders.record_list_read(person=person, by=request.user, request=request)
    plans = list(ReminderPlan.objects.of_person(person))
    return render(
        request,
        "programs/reminder_person.html",
        {
            "person": person,
            "plans": [(plan, personal_reminders.upcoming(plan)[:1]) for plan in plans],
            "form": form if can_edit else None,
        },
        status=400 if form.errors else 200,
    )


def _initial_for(person: Person, sms_enabled: bool) -> dict[str, Any]:
    from commonweal.referrals import outbox
    from commonweal.referrals.reminders import safe_window

    start, end = safe_window(person.safe_times)
    initial: dict[str, Any] = {
        "language": outbox.language_code(person.preferred_language),
        # The safe times on the record ("mornings", "after 6pm"), read as the referral
        # reminders read them; the navigator checks them with the person.
        "window_start": start,
        "window_end": end,
    }
    if person.text_ok and person.phone and sms_enabled:
        initial.update(channel="sms", address=person.phone)
    elif person.email_ok and person.email:
        initial.update(channel="email", address=person.email)
    return initial


@require_POST
@login_required
def person_reminder_status(request: HttpRequest, person_id: Any, plan_id: Any) -> HttpResponse:
    person = _person_or_404(request, person_id)
    plan = get_object_or_404(ReminderPlan, pk=plan_id, person=person)
    action = request.POST.get("action", "")
    if not policy.can_set_reminders(request.user, person):
        raise Http404
    if action not in ACTIONS:
        messages.error(request, _("Choose pause, resume or stop."))
        return redirect("programs:reminder_person", person_id=person.pk)
    personal_reminders.set_status(plan, status=ACTIONS[action], by=request.user, request=request)
    messages.success(request, _DONE_STAFF[action])
    return redirect("programs:reminder_person", person_id=person.pk)


_DONE_STAFF = {
    "pause": gettext_lazy("The reminder is paused."),
    "resume": gettext_lazy("The reminder is on again."),
    "stop": gettext_lazy("The reminder is stopped."),
}
