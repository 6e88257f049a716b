"""`commonweal serve`: gunicorn's options from the environment, and the cache table first."""

from __future__ import annotations

import io

from django.core.management import call_command

from commonweal.web.management.commands import serve


def started_with(monkeypatch, settings) -> tuple[list[str], list[str]]:
    """(the commands serve ran before gunicorn, gunicorn's argv)."""
    settings.TESTING = False
    settings.ALLOWED_HOSTS = ["help.example.org"]
    ran: list[str] = []
    monkeypatch.setattr(serve, "call_command", lambda name, *a, **o: ran.append(name))
    started: dict[str, list[str]] = {}
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: started.update(argv=argv))
    call_command("serve", stdout=io.StringIO())
    return ran, started["argv"]


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_it_reads_gunicorns_options_from_the_environment(monkeypatch, settings) -> None:
    for name, value in {
        "WEB_CONCURRENCY": "5",
        "WEB_THREADS": "4",
        "WEB_TIMEOUT": "20",
        "WEB_GRACEFUL_TIMEOUT": "25",
        "WEB_MAX_REQUESTS": "500",
        "BIND": "127.0.0.1:8123",
    }.items():
        monkeypatch.setenv(name, value)
    _ran, argv = started_with(monkeypatch, settings)
    assert option(argv, "--workers") == "5"
    assert option(argv, "--threads") == "4"
    assert option(argv, "--timeout") == "20"
    assert option(argv, "--graceful-timeout") == "25"
    assert option(argv, "--max-requests") == "500"
    assert option(argv, "--max-requests-jitter") == "50"  # a tenth: workers not all at once
    assert option(argv, "--bind") == "127.0.0.1:8123"


def test_its_defaults(monkeypatch, settings) -> None:
    for name in ("WEB_CONCURRENCY", "WEB_THREADS", "WEB_TIMEOUT", "WEB_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    _ran, argv = started_with(monkeypatch, settings)
    assert [option(argv, o) for o in ("--workers", "--threads", "--timeout")] == ["3", "1", "30"]
    assert option(argv, "--max-requests") == "1000"


def test_it_checks_then_makes_the_cache_table_before_collecting_static(
    monkeypatch, settings
) -> None:
    ran, _argv = started_with(monkeypatch, settings)
    assert ran == ["check", "createcachetable", "collectstatic"]
