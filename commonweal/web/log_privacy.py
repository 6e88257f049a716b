"""Keeping people's data out of logs and error reports.

A request can carry a person's name, date of birth, notes or screening answers in its
form data, its query string (a search for a name) or its path. Django's request logger
writes the path, and its error report (mailed to ADMINS) lists GET and POST values,
cookies, headers and every frame's local variables. Here the log records name the URL
pattern instead of the path, and the report keeps only what locates the fault: the
method, the pattern, the traceback's code lines.
"""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace
from typing import Any

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

HIDDEN = "[hidden]"

# Request headers an error report may show: none of them carries what a person typed.
SAFE_META_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_HX_REQUEST",
        "wsgi.url_scheme",
    }
)

# runserver's access line: "GET /path?query HTTP/1.1"
REQUEST_LINE = re.compile(r"^(?P<method>[A-Z]+) (?P<target>\S+) (?P<protocol>HTTP/[\d.]+)$")


def redacted_path(path: str) -> str:
    """The URL pattern a path matches ("/people/<int:person_id>/"), never its own words.

    A path no pattern matches keeps only its first segment ("/static/…"), which says
    where to look without repeating what was typed after it.
    """
    path = path.split("?", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    except Exception:  # a broken URLconf must not stop the log line
        match = None
    if match is not None and match.route:
        return "/" + match.route
    first = path.lstrip("/").split("/", 1)[0]
    return f"/{first}/…" if first else "/"


def redacted_request_line(line: str) -> str:
    found = REQUEST_LINE.match(line)
    if found is None:
        return HIDDEN
    return f"{found['method']} {redacted_path(found['target'])} {found['protocol']}"


class RedactRequestDetails(logging.Filter):
    """Rewrites request paths and runserver request lines in a log record; never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_commonweal_redacted", False):
            return True
        record._commonweal_redacted = True
        request = getattr(record, "request", None)
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(self._redact(arg, request) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: self._redact(value, request) for key, value in record.args.items()}
        return True

    @staticmethod
    def _redact(value: Any, request: Any) -> Any:
        if not isinstance(value, str):
            return value
        if isinstance(request, HttpRequest) and value in {
            request.path,
            request.path_info,
            request.get_full_path(),
        }:
            return redacted_path(value)
        if REQUEST_LINE.match(value):
            return redacted_request_line(value)
        return value


class PersonSafeReporterFilter(SafeExceptionReporterFilter):
    """Hides every POST value, cookie and local variable, and all but plain headers.

    Django hides only what a view marks with sensitive_post_parameters or
    sensitive_variables; here nearly every view handles person data, so hiding is the rule.
    Active whenever DEBUG is off (the debug page of a developer's machine shows all).
    """

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return {key: HIDDEN for key in request.POST}

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, str]:
        if not self.is_active(request):
            return super().get_safe_cookies(request)
        return {key: HIDDEN for key in getattr(request, "COOKIES", {})}

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        if not self.is_active(request):
            return super().get_safe_request_meta(request)
        meta = getattr(request, "META", {})
        return {key: (meta[key] if key in SAFE_META_KEYS else HIDDEN) for key in meta}

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, HIDDEN) for name in tb_frame.f_locals]


class PersonSafeExceptionReporter(ExceptionReporter):
    """An error report that names the URL pattern, not the address with its query string.

    Django's reporter lists GET values and the full address without asking the filter.
    """

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        request = self.request
        if request is not None and self.filter.is_active(request):
            pattern = redacted_path(request.path_info)
            data["request_GET_items"] = [(key, HIDDEN) for key in request.GET]
            data["request_FILES_items"] = [(key, HIDDEN) for key in request.FILES]
            data["request_insecure_uri"] = pattern
            # A resident's username may be their name or email address.
            data["user_str"] = None
            # The report's templates read the path and method from the request itself.
            data["request"] = SimpleNamespace(
                path_info=pattern,
                META={"REQUEST_METHOD": request.method},
                GET=bool(request.GET),
                FILES=bool(request.FILES),
                COOKIES=bool(request.COOKIES),
            )
        return data
