"""`manage.py check --deploy` is clean under production settings, and still catches a
production mistake (a weak SECRET_KEY, DEBUG on)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def check_deploy(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # What makes the settings module take the test or demo path, or another database.
        if key not in {"PYTEST_VERSION", "COMMONWEAL_TESTING", "DEBUG", "DATABASE_URL"}
        and not key.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="commonweal.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="help.example.org",
        COMMONWEAL_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        COMMONWEAL_DATA_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_is_clean_under_production_settings(tmp_path) -> None:
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"SECRET_KEY": "django-insecure-" + "a" * 50}, "security.W009"),
        ({"DEBUG": "true"}, "security.W018"),
        ({"SESSION_COOKIE_SECURE": "false"}, "security.W012"),
    ],
)
def test_it_still_stops_a_production_mistake(tmp_path, overrides, check_id) -> None:
    result = check_deploy(tmp_path, **overrides)
    assert result.returncode != 0
    assert check_id in result.stderr
