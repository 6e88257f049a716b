"""Signing people out after inactivity.

Whoever can see person data (any staff role, a superuser) is signed out after
SESSION_IDLE_SECONDS without a request; a resident's own account after SESSION_COOKIE_AGE.
The session's own expiry is renewed with each request too (SESSION_SAVE_EVERY_REQUEST), so
an abandoned session also dies in the session store, not only at the next visit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from commonweal.accounts.models import User

LAST_SEEN_KEY = "commonweal_last_seen"


def idle_limit_seconds(user: User) -> int:
    """How long this signed-in user may stay idle before being signed out."""
    return settings.SESSION_COOKIE_AGE if user.is_resident else settings.SESSION_IDLE_SECONDS


def now() -> int:
    return int(time.time())


class IdleSessionMiddleware:
    """Ends an idle session before the view runs, so the view sees an anonymous visitor.

    Pages that need a signed-in user then send the visitor to sign in, as for anyone
    else, and the API answers 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limit = idle_limit_seconds(user)
            last_seen = request.session.get(LAST_SEEN_KEY)
            current = now()
            if isinstance(last_seen, int) and current - last_seen > limit:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(
                        request,
                        _("You were signed out after %(minutes)d minutes without activity.")
                        % {"minutes": max(1, limit // 60)},
                    )
            else:
                request.session[LAST_SEEN_KEY] = current
                request.session.set_expiry(limit)
        return self.get_response(request)
