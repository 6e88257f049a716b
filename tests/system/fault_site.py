"""A throwaway production-mode commonweal for the fault tests: its own database, real
processes (gunicorn, the worker, the import command) and a way to pause them mid-action.

The database follows the suite's: a SQLite file when DATABASE_URL is unset, else a new
database on that PostgreSQL server (never the suite's own), copied for each test from one
migrated template so that only the first test of a run pays for the migrations.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOOKS = Path(__file__).resolve().parent / "fault_hooks"
# Fixed, test-only keys: the processes of one test must agree on them.
ENCRYPTION_KEY = "xYtSIcv0lP09SFHC2bhB_ToHkj8KgvfVszKuoMSmSe4="
SECRET_KEY = "fault-tests-" + "k" * 50
STOP_AFTER = 90.0  # the longest any single wait may take (a loaded 2-core machine is slow)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, check: Callable[[], Any], timeout: float = STOP_AFTER) -> Any:
    """Poll `check` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def pg_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@dataclass
class Database:
    """One test's database: `env` points a commonweal process at it; `query` reads it."""

    env: dict[str, str]
    sqlite_path: Path | None = None
    pg_url: str | None = None

    @property
    def vendor(self) -> str:
        return "postgresql" if self.pg_url else "sqlite"

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the database directly (no Django start-up): `%s` placeholders on both."""
        if self.pg_url:
            import psycopg

            with psycopg.connect(self.pg_url) as conn:
                return conn.execute(sql, params).fetchall()
        assert self.sqlite_path is not None
        conn = sqlite3.connect(self.sqlite_path, timeout=10)
        try:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            conn.close()

    def uuid(self, value: str) -> str:
        """A UUID as this database stores it (SQLite: 32 hex digits, no dashes)."""
        return value if self.pg_url else uuid.UUID(value).hex

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.query(sql, params)[0][0]


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Production mode: no DEBUG, no test relaxations, plain http on loopback."""
    dropped = {"DATABASE_URL", "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in dropped and not k.startswith(("PYTEST_", "COMMONWEAL_", "OUTBOX_"))
    }
    env.update(
        {
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "COMMONWEAL_ENCRYPTION_KEYS": ENCRYPTION_KEY,
            "SECURE_SSL_REDIRECT": "false",
            "CACHE_URL": "locmem://",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "commonweal.settings",
        }
    )
    env.update(extra or {})
    return env


class Template:
    """A migrated database, made once per test run (per xdist worker) and copied per test."""

    def __init__(self, folder: Path, pg_url: str | None) -> None:
        self.folder = folder
        self.pg_url = pg_url
        self.name = f"faults_tpl_{uuid.uuid4().hex[:10]}"
        self.made: list[str] = []
        self.ready = False

    def _make(self) -> None:
        if self.pg_url:
            pg_execute(self.pg_url, f'CREATE DATABASE "{self.name}"')
            self.made.append(self.name)
            env = base_env({"DATABASE_URL": with_database(self.pg_url, self.name)})
        else:
            env = base_env({"COMMONWEAL_DATA_DIR": str(self.folder / "template")})
        subprocess.run(
            [sys.executable, "-m", "commonweal", "migrate", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
        self.ready = True

    def copy(self, folder: Path) -> Database:
        if not self.ready:
            self._make()
        if self.pg_url:
            name = f"faults_{uuid.uuid4().hex[:12]}"
            pg_execute(self.pg_url, f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
            self.made.append(name)
            url = with_database(self.pg_url, name)
            return Database(env={"DATABASE_URL": url}, pg_url=url)
        folder.mkdir(parents=True, exist_ok=True)
        for source in (self.folder / "template").glob("commonweal.sqlite3*"):
            shutil.copy(source, folder / source.name)  # with its -wal file, if one was left
        return Database(
            env={"COMMONWEAL_DATA_DIR": str(folder)}, sqlite_path=folder / "commonweal.sqlite3"
        )

    def drop_all(self) -> None:
        for name in reversed(self.made):
            pg_execute(self.pg_url or "", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Process:
    """A commonweal process in its own process group, so kill -9 takes all of it."""

    popen: subprocess.Popen[bytes]
    log: Path
    signal_file: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_paused(self) -> None:
        signal_file = self.signal_file
        assert signal_file is not None
        try:
            wait_for(
                "the fault point",
                lambda: signal_file.exists() or self.popen.poll() is not None,
            )
        except pytest.fail.Exception as timed_out:
            pytest.fail(f"{timed_out}; the process said: {self.output()[-3000:]}")
        assert signal_file.exists(), self.output()[-3000:]

    def kill_9(self) -> None:
        """SIGKILL to the whole group (master and workers), as a power cut or the OOM
        killer of the service's cgroup would."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=STOP_AFTER)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.kill_9()


def start(
    argv: list[str],
    *,
    env: dict[str, str],
    folder: Path,
    pause: str = "",
) -> Process:
    """Start `argv` with `env`; `pause` ("module:function:before|after[:nth]") stops it there."""
    folder.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    log = folder / f"process-{tag}.log"
    env = dict(env)
    signal_file = None
    if pause:
        signal_file = folder / f"paused-{tag}"
        env["PYTHONPATH"] = os.pathsep.join([str(HOOKS), env.get("PYTHONPATH", str(ROOT))])
        env["COMMONWEAL_FAULT_PAUSE"] = pause
        env["COMMONWEAL_FAULT_SIGNAL"] = str(signal_file)
    with log.open("wb") as handle:
        popen = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Process(popen=popen, log=log, signal_file=signal_file)


def gunicorn(env: dict[str, str], folder: Path, *, pause: str = "", port: int = 0) -> Process:
    """The production WSGI server on a free port, one worker, ready when /healthz answers."""
    port = port or free_port()
    binary = str(Path(sys.executable).parent / "gunicorn")
    process = start(
        [binary, "commonweal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        folder=folder,
        pause=pause,
    )
    process.extra["url"] = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        if process.popen.poll() is not None:
            pytest.fail(f"the server stopped: {process.output()[-3000:]}")
        try:
            with urllib.request.urlopen(process.extra["url"] + "/healthz", timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    wait_for("the server to answer /healthz", answering, timeout=60)
    return process


def commonweal(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run a `commonweal` command to completion; its output, or the test fails."""
    result = subprocess.run(
        [sys.executable, "-m", "commonweal", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def scenario(name: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """Run one of tests/system/fault_scenarios.py's set-ups in a Django process; its JSON."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.system.fault_scenarios", name, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def http(
    method: str,
    url: str,
    *,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = STOP_AFTER,
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="session")
def fault_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    template = Template(tmp_path_factory.mktemp("fault-template"), postgres_url())
    yield template
    if template.pg_url:
        template.drop_all()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Static files collected once, as `commonweal serve` does before a production server
    starts (its pages name files from the collected manifest): STATIC_ROOT for the env."""
    folder = tmp_path_factory.mktemp("fault-static")
    env = base_env({"STATIC_ROOT": str(folder), "COMMONWEAL_DATA_DIR": str(folder / "data")})
    commonweal("collectstatic", "--noinput", "-v0", env=env, timeout=600)
    return {"STATIC_ROOT": str(folder)}


LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def local_postgres_running() -> bool:
    try:
        import psycopg

        psycopg.connect(LOCAL_POSTGRES, connect_timeout=3).close()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def pg_template(
    fault_template: Template, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Template]:
    """A migrated PostgreSQL database: the suite's server when it runs on PostgreSQL, else
    the local one (127.0.0.1:5432) when there is one; a loud skip on a fresh machine."""
    if fault_template.pg_url:
        yield fault_template
        return
    if not local_postgres_running():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have a PostgreSQL server at {LOCAL_POSTGRES}")
        pytest.skip(f"SKIPPED LOUDLY: needs a PostgreSQL server ({LOCAL_POSTGRES} not reachable)")
    template = Template(tmp_path_factory.mktemp("fault-pg-template"), LOCAL_POSTGRES)
    yield template
    template.drop_all()


@pytest.fixture
def site_db(fault_template: Template, tmp_path: Path) -> Database:
    return fault_template.copy(tmp_path / "data")
