"""The database goes down under a running production server, then comes back.

The server (gunicorn, PostgreSQL through a TCP proxy the test controls; the machine's own
server is never stopped) must answer resident pages with a 503 page that still shows the
crisis lines and the API with 503 JSON while the proxy is down, then serve normally again
when it is back, without a restart: the same server process, the same worker.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.system import fault_site
from tests.system.fault_site import Template, fault_template, pg_template, static_root
from tests.system.tcp_proxy import TcpProxy

__all__ = ["fault_template", "pg_template", "static_root"]

CRISIS_LINES = ("tel:988", "741741", "tel:911")


def through(url: str, port: int) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture
def proxied(pg_template: Template, static_root: dict[str, str], tmp_path: Path):
    db = pg_template.copy(tmp_path / "data")
    assert db.pg_url is not None
    target = urlsplit(db.pg_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxy.start()
    env = fault_site.base_env({"DATABASE_URL": through(db.pg_url, proxy.port), **static_root})
    yield db, proxy, env
    proxy.stop()


def get(url: str, token: str = "") -> tuple[int, dict[str, str], str]:
    headers = {"Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, response_headers, body = fault_site.http("GET", url, headers=headers, timeout=15)
    return status, response_headers, body.decode()


def test_pages_answer_503_with_crisis_lines_while_the_database_is_down_then_recover(
    proxied, tmp_path: Path
) -> None:
    db, proxy, env = proxied
    made = fault_site.scenario("referral", env=env)
    server = fault_site.gunicorn(env, tmp_path / "server")
    base = server.extra["url"]
    pages = ["/", "/search/?q=clinic", f"/services/{made['service']}/"]
    api = "/api/v1/referrals/"
    try:
        for path in pages:
            assert get(base + path)[0] == 200, path
        assert get(base + api, made["token"])[0] == 200

        proxy.stop()
        for path in pages:
            status, headers, html = get(base + path)
            assert status == 503, (path, html[:500])
            assert headers["Content-Type"].startswith("text/html")
            assert "Temporarily unavailable" in html
            for line in CRISIS_LINES:
                assert line in html, (path, line)
            assert "Traceback" not in html
        status, headers, body = get(base + api, made["token"])
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert json.loads(body)["code"] == "database-unavailable"
        status, _, body = get(base + "/healthz")
        assert status == 503 and json.loads(body)["code"] == "database-unavailable"

        proxy.start()
        # Back at once, on the first request: no restart, no failed request in between.
        for path in pages:
            assert get(base + path)[0] == 200, path
        assert get(base + api, made["token"])[0] == 200

        # The database restarts between two requests: the kept connection is dead, and
        # the health check (CONN_HEALTH_CHECKS) replaces it before the request uses it.
        proxy.stop()
        proxy.start()
        assert get(base + pages[1])[0] == 200
        assert server.popen.poll() is None  # the same server all along
    finally:
        server.stop()
