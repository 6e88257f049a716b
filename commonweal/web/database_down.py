"""When the database cannot be reached: a clear 503 that still shows the crisis lines.

A person in crisis may open the site while the database is down. Instead of a bare 500,
every request that failed on a database connection error answers 503 with a page (JSON
under /api/ and for /healthz) saying so, the crisis lines included. The page is rendered
without touching the database: no session, no user, no context processor, only the
request's language (its cookie or Accept-Language).

Django turns an exception raised anywhere below this middleware into a 500 response before
it reaches us, so errors are caught twice: `process_exception` answers for views, and the
`got_request_exception` signal marks a request whose middleware (a session read, a session
save) failed, so that its 500 is replaced on the way out. Nothing here reconnects: with
`CONN_HEALTH_CHECKS` Django drops a dead connection at the next request, so the site
recovers by itself when the database is back.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

TEMPLATE = "503.html"
RETRY_AFTER_SECONDS = 30
_MARK = "_commonweal_database_down"
# Headers of the 500 being replaced that describe the body, not the site's policies.
_BODY_HEADERS = {"content-type", "content-length", "content-language", "content-disposition"}


def is_database_down(error: BaseException | None) -> bool:
    """True for the errors of a database that cannot be reached or answered in time
    (connection refused or lost, SQLite locked): worth "try again", not a bug."""
    return isinstance(error, OperationalError | InterfaceError)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer, in the request's language, built without any database query."""
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        if wants_json(request):
            response: HttpResponse = JsonResponse(
                {
                    "detail": _(
                        "The service is temporarily unavailable: its database cannot be "
                        "reached. Try again in a few minutes."
                    ),
                    "code": "database-unavailable",
                },
                status=503,
            )
        else:
            html = render_to_string(TEMPLATE, {"retry_after_seconds": RETRY_AFTER_SECONDS})
            response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
        response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_request(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Sent by Django's exception handling while the exception is being handled.
    if request is not None and is_database_down(sys.exc_info()[1]):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_request, dispatch_uid="commonweal.web.database_down")


class DatabaseDownMiddleware:
    """Answers 503 (crisis lines included) for any request the database failed.

    Place it before SessionMiddleware, so that failures of the session and auth
    middleware are caught too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, False) and response.status_code >= 500:
            replacement = unavailable_response(request)
            for name, value in response.items():
                if name.lower() not in _BODY_HEADERS and name not in replacement:
                    replacement[name] = value  # CSP, frame and referrer policies set below us
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_down(exception):
            return None
        # The class only: a driver's message can quote the statement's values.
        logger.warning("database unavailable (%s): answered 503", type(exception).__name__)
        return unavailable_response(request)
