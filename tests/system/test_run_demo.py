"""`commonweal run` (what `make run` calls) as a user runs it: a real process on a real port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE"}
    }
    # Always the demo's own SQLite database in a temporary folder, whatever the suite runs on.
    env.update({"COMMONWEAL_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
    return env


def children_of(pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in result.stdout.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_it_serves_the_demo_then_stops_web_and_worker_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "commonweal", "run", "--port", str(port)],
        cwd=ROOT,
        env=demo_env(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 600
        ready = False
        while time.monotonic() < deadline and process.poll() is None:
            log.seek(0)
            if "demo is ready at" in log.read():
                ready = True
                break
            time.sleep(1)
        log.seek(0)
        output = log.read()
        assert ready, output[-3000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
            assert "988" in response.read().decode()
        for role in ("navigator", "partner_staff", "coalition_admin", "analyst", "resident"):
            assert role in output
        children = children_of(process.pid)
        assert len(children) == 2, "expected a web server and a worker"

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        time.sleep(0.5)
        assert not any(alive(child) for child in children)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()

    # A second run reuses the database instead of importing again.
    second = subprocess.run(
        [sys.executable, "-m", "commonweal", "run", "--setup-only"],
        cwd=ROOT,
        env=demo_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout


def test_it_refuses_to_turn_a_real_database_into_a_demo(tmp_path: Path) -> None:
    env = demo_env(tmp_path)
    # A production-like site: its own key, hosts and encryption key (commonweal.E001).
    env.update(
        {
            "SECRET_KEY": "s" * 50,
            "ALLOWED_HOSTS": "example.org",
            "COMMONWEAL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        }
    )
    subprocess.run(
        [sys.executable, "-m", "commonweal", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    env["ADMIN_PASSWORD"] = "a real secret 2026!"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "commonweal",
            "createadmin",
            "--username",
            "admin",
            "--password-from-env",
            "ADMIN_PASSWORD",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [sys.executable, "-m", "commonweal", "run", "--setup-only"],
        cwd=ROOT,
        env=demo_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "holds real data" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_refuses_demo_mode_on_a_database_url(tmp_path: Path) -> None:
    env = demo_env(tmp_path)
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    result = subprocess.run(
        [sys.executable, "-m", "commonweal", "run", "--setup-only"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "unset DATABASE_URL" in result.stderr
