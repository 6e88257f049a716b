"""Account pages: sign in/up, "My account" (roles, language, API tokens), password change,
and a person's access history for those who oversee their care."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.accounts import access_history, audit, tokens
from commonweal.accounts.forms import (
    PasswordChangeAccessibleForm,
    PreferencesForm,
    SignInForm,
    SignUpForm,
    TokenCreateForm,
)
from commonweal.accounts.models import ApiToken, AuditEvent, User

# Sign-up logs the new resident in without a password round trip; axes' backend only
# guards authenticate(), so name the model backend explicitly.
SIGN_UP_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _with_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        response = super().form_valid(form)
        # The site follows the account's language from the moment it signs in.
        return _with_language_cookie(response, form.get_user().preferred_language)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeAccessibleForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: PasswordChangeAccessibleForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            action=AuditEvent.Action.UPDATE,
            actor=self.request.user,
            obj=self.request.user,
            request=self.request,
            detail={"changed": "password"},
        )
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@never_cache
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        audit.record(
            action=AuditEvent.Action.CREATE,
            actor=user,
            obj=user,
            request=request,
            detail={"via": "sign_up"},
        )
        login(request, user, backend=SIGN_UP_BACKEND)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("accounts:home")
    return render(request, "accounts/sign_up.html", {"form": form})


def _account_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {
        "memberships": user.memberships.select_related("organization").order_by(
            "organization__name", "role"
        ),
        "tokens": ApiToken.objects.active().filter(user=user),
        "token_form": TokenCreateForm(),
        "preferences_form": PreferencesForm(instance=user),
        "new_token": None,
    }
    context.update(extra)
    return context


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", _account_context(request))


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, raw = tokens.create_token(
                user=request.user, name=form.cleaned_data["name"], request=request
            )
        except tokens.TokenError as error:
            form.add_error("name", str(error))
        else:
            # Rendered (not redirected) so the raw token lives only in this one response,
            # never in a session or a log; never_cache keeps it out of caches.
            return render(
                request,
                "accounts/home.html",
                _account_context(request, new_token=raw, new_token_name=token.name),
            )
    return render(request, "accounts/home.html", _account_context(request, token_form=form))


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = tokens.revoke_token(token_id=token_id, by=request.user, request=request)
    except tokens.TokenNotFound as error:
        raise Http404(str(error)) from error
    messages.success(
        request, _("Token “%(name)s” revoked. It no longer works.") % {"name": token.name}
    )
    return redirect("accounts:home")


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST, instance=request.user)
    if not form.is_valid():
        return render(
            request, "accounts/home.html", _account_context(request, preferences_form=form)
        )
    user = form.save()
    messages.success(request, _("Your preferences are saved."))
    response = redirect("accounts:home")
    if user.preferred_language:
        return _with_language_cookie(response, user.preferred_language)
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
    return response


ACCESS_HISTORY_PAGE_SIZE = 50


@never_cache
@login_required
def access_history_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person_key = str(person_id)
    # Not allowed looks the same as not there, as for the person's record itself.
    if not policy.can_view_access_history(request.user, person_key):
        raise Http404
    events = access_history.events_for(person_key)
    # An erased person has no record left, but their history stays for superusers.
    if not access_history.person_exists(person_key) and not events.exists():
        raise Http404
    # Logged before the page is read, so this read heads the history it shows.
    access_history.record_view(
        person_id=person_key,
        by=request.user,
        request=request,
        page=access_history.page_number(request.GET.get("page")),
    )
    page = Paginator(events, ACCESS_HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/person_access_history.html",
        {
            "person_id": person_key,
            "person": access_history.person_for(user=request.user, person_id=person_key),
            "page": page,
            "entries": [access_history.describe(event) for event in page.object_list],
        },
    )
