"""docs/deploy.md's recipe, followed as far as a sandbox allows.

A PostgreSQL database of its own (`cw_deploy_<random>`, made and dropped here), the
environment file exactly as documented (its secrets freshly made; the database, folders
and port this sandbox's), then what the systemd units run: `commonweal serve --migrate`
behind what nginx would send (Host, X-Forwarded-Proto, X-Forwarded-For) and `commonweal
worker`, both stopped with SIGTERM as systemd stops them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy.md"
HOST = "help.example.org"
STARTUP_SECONDS = 300  # migrations of a fresh database on a busy 2-core machine


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_url() -> str:
    """The PostgreSQL server the suite uses (DATABASE_URL), else the local default."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def database() -> Iterator[str]:
    import psycopg

    admin_url = with_database(server_url(), "postgres")
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have a PostgreSQL server: {error}")
        pytest.skip(f"SKIPPED LOUDLY: no PostgreSQL server for the deploy recipe ({error})")
    name = f"cw_deploy_{secrets.token_hex(4)}"
    with admin:
        admin.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8'")
        try:
            yield with_database(server_url(), name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def documented_environment() -> dict[str, str]:
    """The variables of docs/deploy.md's /etc/commonweal/env, as systemd reads them."""
    block = re.search(r"```sh\n# /etc/commonweal/env\n(.*?)```", DEPLOY.read_text(), re.S)
    assert block, "docs/deploy.md has no /etc/commonweal/env block"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def recipe_env(database_url: str, tmp_path: Path, port: int) -> dict[str, str]:
    documented = documented_environment()
    assert documented["BEHIND_PROXY"] == "true"
    documented.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "COMMONWEAL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": database_url,
            "COMMONWEAL_DATA_DIR": str(tmp_path / "lib"),
            "STATIC_ROOT": str(tmp_path / "lib" / "static"),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
        }
    )
    # Only what systemd would give the service, plus what finds Python and its packages.
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(documented)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def commonweal(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "commonweal"), *args]


def fetch(port: int, path: str, **headers: str) -> urllib.response.addinfourl:
    """A request as nginx forwards it: the site's host name, https, the client's address."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            **headers,
        },
    )
    return urllib.request.urlopen(request, timeout=30)


def wait_until_ready(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-4000:]
        try:
            with fetch(port, "/livez") as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail("serve did not answer in time:\n" + log.read_text()[-4000:])


def stop(process: subprocess.Popen, seconds: float) -> int:
    """SIGTERM, as `systemctl stop` sends it; the exit code."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"did not stop within {seconds} s of SIGTERM")


def test_the_recipe_serves_the_site_and_stops_cleanly(database: str, tmp_path: Path) -> None:
    port = free_port()
    env = recipe_env(database, tmp_path, port)
    (tmp_path / "lib").mkdir()
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    with web_log.open("w") as out:
        web = subprocess.Popen(
            commonweal("serve", "--migrate"), cwd=ROOT, env=env, stdout=out, stderr=out
        )
    worker = None
    try:
        wait_until_ready(web, port, web_log)

        with fetch(port, "/", **{"Accept-Language": "en"}) as response:
            page = response.read().decode()
            assert response.status == 200
            assert "988" in page  # the crisis line on every resident page
            assert "Strict-Transport-Security" in response.headers

        with fetch(port, "/readyz") as response:
            assert json.load(response) == {
                "status": "ok",
                "checks": {"database": True, "cache": True},  # serve made the cache table
            }

        # A static file under its content-hashed name, compressed, cached for a year.
        manifest = json.loads((tmp_path / "lib" / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["css/site.css"]
        assert hashed != "css/site.css"
        with fetch(port, f"/static/{hashed}", **{"Accept-Encoding": "gzip"}) as response:
            assert response.status == 200
            assert response.headers["Content-Encoding"] == "gzip"
            cache_control = response.headers["Cache-Control"]
            assert "max-age=315360000" in cache_control and "immutable" in cache_control

        # The worker, as its unit starts it, beside the web server; stopped by SIGTERM.
        with worker_log.open("w") as out:
            worker = subprocess.Popen(
                commonweal("worker"), cwd=ROOT, env=env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 120
        while "Periodic jobs:" not in worker_log.read_text():
            assert worker.poll() is None, worker_log.read_text()[-4000:]
            assert time.monotonic() < deadline, worker_log.read_text()[-4000:]
            time.sleep(0.2)
        assert stop(worker, 60) == 0, worker_log.read_text()[-4000:]
        assert "Traceback" not in worker_log.read_text()

        assert stop(web, 45) == 0, web_log.read_text()[-4000:]
        with pytest.raises(OSError):
            fetch(port, "/livez")
        log = web_log.read_text()
        assert "Traceback" not in log
        # Request lines name the URL pattern, never the forwarded address of a person.
        assert "203.0.113.7" not in log
    finally:
        for process in (web, worker):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
