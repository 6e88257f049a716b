"""Sign-in is not finished until the second factor is: see accounts/two_factor.py."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from commonweal.accounts import two_factor

# What a signed-in user may reach before the second factor: finishing sign-in, leaving,
# and the language switch. The crisis lines are on every one of these pages.
OPEN_VIEWS = frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:logout",
        "set_language",
    }
)


class RequireTwoFactorMiddleware:
    """After OTPMiddleware: a user who must use two factors and has not yet, this session,
    is sent to set up their app or to enter a code, then back where they were going."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not self._open(request)
            and two_factor.required_for(user)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Finish two-factor sign-in in the browser first."}, status=403
                )
            name = "verify" if two_factor.authenticator(user) else "setup"
            target = reverse(f"accounts:two_factor_{name}")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            return resolve(request.path_info).view_name in OPEN_VIEWS
        except Resolver404:
            return True  # a 404 page shows nothing private
