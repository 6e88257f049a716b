"""Pages to set up an authenticator app, enter a code at sign-in, and renew recovery codes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commonweal.accounts import two_factor

SETUP_SESSION_KEY = "two_factor_setup_device"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/accounts/"


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret (QR code and text); a correct code from the app confirms it."""
    device = two_factor.pending_setup(request.user, request.session.get(SETUP_SESSION_KEY))
    # Replacing an app that works needs this session's second factor first.
    if two_factor.authenticator(request.user) and not request.user.is_verified():
        return redirect("accounts:two_factor_verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        codes = two_factor.confirm_setup(
            device=device, token=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            request.session.pop(SETUP_SESSION_KEY, None)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next(request), "new_app": True},
            )
        form.add_error(
            "code",
            _("That code did not match. Check the time on your phone and try the newest code."),
        )
    if device is None:
        device = two_factor.start_setup(request.user)
        request.session[SETUP_SESSION_KEY] = device.pk
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code(device),
            "secret": two_factor.secret_text(device),
            "next": _next(request),
        },
    )


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next(request))
    if two_factor.authenticator(request.user) is None:
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(user=request.user, token=form.cleaned_data["code"], request=request):
            return redirect(_next(request))
        form.add_error(
            "code",
            _("That code did not work. Wait for a new code and try again, or use a recovery code."),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """A new set of recovery codes, shown once (the old set stops working)."""
    if not request.user.is_verified():
        return redirect("accounts:two_factor_verify")
    codes = two_factor.new_recovery_codes(request.user)
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "next": "/accounts/", "new_app": False},
    )
