"""“My list”: services chosen from search results, to print or to send by text or email.

Anyone can keep a list (it lives in the session) and print it. Sending needs a signed-in
user — a navigator sending to a client, or a resident to themselves — so the site can not
be used to message strangers anonymously; sends are rate-limited and audit-logged without
the number or address.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.directory import browse, client_list
from commonweal.directory.client_list_forms import SendEmailForm, SendTextForm
from commonweal.lib import sms

# Sends per user per hour: plenty for a navigator's day, too few to spam with.
SEND_LIMIT = 20
SEND_WINDOW_SECONDS = 60 * 60


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("directory:my_list")


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _button(request: HttpRequest, service, status: str) -> HttpResponse:
    """The add/remove button in its new state, plus the page's status line (htmx)."""
    return render(
        request,
        "directory/_list_button.html",
        {
            "service": service,
            "in_list": client_list.contains(request.session, service.id),
            "next_url": request.POST.get("next", ""),
            "list_status": status,
            "list_count": len(client_list.service_ids(request.session)),
            "oob": True,
        },
    )


@require_POST
def add(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_object_or_404(browse.listed_services(), id=service_id)
    result = client_list.add(request.session, service)
    if result is client_list.Added.FULL:
        status = _("Your list is full (%(max)d services). Remove one to add another.") % {
            "max": client_list.MAX_ITEMS
        }
    else:
        status = _("Added “%(name)s” to your list.") % {"name": service.name}
    if _is_htmx(request):
        return _button(request, service, status)
    if result is client_list.Added.FULL:
        messages.error(request, status)
    else:
        messages.success(request, status)
    return redirect(_back(request))


@require_POST
def remove(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_object_or_404(browse.listed_services(), id=service_id)
    client_list.remove(request.session, service.id)
    status = _("Removed “%(name)s” from your list.") % {"name": service.name}
    if _is_htmx(request):
        return _button(request, service, status)
    messages.success(request, status)
    return redirect(_back(request))


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    client_list.clear(request.session)
    messages.success(request, _("Your list is empty now."))
    return redirect("directory:my_list")


def _list_page(
    request: HttpRequest,
    *,
    text_form: SendTextForm | None = None,
    email_form: SendEmailForm | None = None,
) -> HttpResponse:
    services = client_list.services(request.session)
    return render(
        request,
        "directory/my_list.html",
        {
            "entries": client_list.entries(services),
            "text_form": text_form or SendTextForm(),
            "email_form": email_form or SendEmailForm(),
            "can_send": request.user.is_authenticated,
            "sms_enabled": sms.is_enabled(),
        },
    )


@never_cache
def my_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@never_cache
def print_list(request: HttpRequest) -> HttpResponse:
    services = client_list.services(request.session)
    return render(
        request, "directory/my_list_print.html", {"entries": client_list.entries(services)}
    )


def _within_limit(request: HttpRequest) -> bool:
    key = f"client-list-sends:{request.user.pk}"
    cache.add(key, 0, SEND_WINDOW_SECONDS)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, SEND_WINDOW_SECONDS)
        sent = 1
    return sent <= SEND_LIMIT


def _record_send(request: HttpRequest, channel: str, services: list, language: str) -> None:
    # Who sent which services, how and when — never to whom: the number or address is
    # person data this site has no need to keep.
    audit.record(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        object_type="directory.client_list",
        request=request,
        detail={
            "channel": channel,
            "language": language,
            "service_ids": [str(s.id) for s in services],
        },
    )


def _refuse(request: HttpRequest, reason: str) -> HttpResponse:
    messages.error(request, reason)
    return redirect("directory:my_list")


@never_cache
@login_required
@require_POST
def send_text(request: HttpRequest) -> HttpResponse:
    services = client_list.services(request.session)
    if not services:
        return _refuse(request, _("Your list is empty: add services to it first."))
    if not sms.is_enabled():
        return _refuse(request, _("Text messages are not set up on this site."))
    form = SendTextForm(request.POST)
    if not form.is_valid():
        return _list_page(request, text_form=form)
    if not _within_limit(request):
        return _refuse(request, _("You have sent many lists in the last hour. Try again later."))
    language = form.cleaned_data["language"]
    body = client_list.message(
        services, language=language, base_url=request.build_absolute_uri("/"), channel="sms"
    )
    try:
        sms.send(form.cleaned_data["phone"], body)
    except sms.SmsError as error:
        form.add_error(None, str(error))
        return _list_page(request, text_form=form)
    _record_send(request, "sms", services, language)
    messages.success(request, _("The list was sent by text message."))
    return redirect("directory:my_list")


@never_cache
@login_required
@require_POST
def send_email(request: HttpRequest) -> HttpResponse:
    services = client_list.services(request.session)
    if not services:
        return _refuse(request, _("Your list is empty: add services to it first."))
    form = SendEmailForm(request.POST)
    if not form.is_valid():
        return _list_page(request, email_form=form)
    if not _within_limit(request):
        return _refuse(request, _("You have sent many lists in the last hour. Try again later."))
    language = form.cleaned_data["language"]
    body = client_list.message(
        services, language=language, base_url=request.build_absolute_uri("/"), channel="email"
    )
    with override(language):
        subject = _("Services from %(site)s") % {"site": settings.SITE_NAME}
    try:
        send_mail(subject, body, None, [form.cleaned_data["email"]])
    except OSError:
        form.add_error(None, _("The email could not be sent. Try again later."))
        return _list_page(request, email_form=form)
    _record_send(request, "email", services, language)
    messages.success(request, _("The list was sent by email."))
    return redirect("directory:my_list")
