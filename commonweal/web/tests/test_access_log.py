"""gunicorn's access log under `commonweal serve` names URL patterns, never a query string,
a path's own words or the page the visitor came from."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from commonweal.web.access_log import AccessLogger


def access_line(logger_class: type[Logger], path: str, query: str, referer: str) -> str:
    config = Config()
    logger = logger_class(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Firefox",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("REFERER", referer)])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=12))
    return config.access_log_format % SafeAtoms(atoms)


@pytest.mark.django_db
def test_it_logs_the_pattern_not_the_query_path_words_or_referer() -> None:
    line = access_line(
        AccessLogger,
        "/referrals/status/ZELDA-7QX/",
        "q=Zelda+Quixotic-Marrow",
        "https://help.example.org/people/?q=Zelda",
    )
    assert '"GET /referrals/status/<str:code>/ HTTP/1.1" 200 512' in line
    assert "Zelda" not in line and "ZELDA" not in line
    # gunicorn's own logger would have written them all.
    plain = access_line(
        Logger, "/referrals/status/ZELDA-7QX/", "q=Zelda", "https://help.example.org/?q=Zelda"
    )
    assert "ZELDA-7QX" in plain and "q=Zelda" in plain


def test_serve_runs_gunicorn_with_this_logger(monkeypatch, settings) -> None:
    from commonweal.web.management.commands import serve

    settings.TESTING = False
    settings.ALLOWED_HOSTS = ["help.example.org"]
    monkeypatch.setattr(serve, "call_command", lambda *args, **options: None)
    started: dict[str, list[str]] = {}
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: started.update(argv=argv))
    call_command("serve", stdout=io.StringIO())
    argv = started["argv"]
    assert argv[argv.index("--logger-class") + 1] == "commonweal.web.access_log.AccessLogger"
