from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from commonweal.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[3]
# A production start also needs field-encryption keys (commonweal.E001); give one so each
# test below meets the refusal it is about.
TEST_KEY = "QVLcGuqcbA_XBR6YhPinkCbieYJek_Q5YGus5qjMpFw="


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    # As a newcomer runs it: no configuration in the environment at all.
    return subprocess.run(
        [sys.executable, "-m", "commonweal", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
        cwd=ROOT,
    )


def test_it_lists_every_command_in_its_usage() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for name in ("run", "serve", "import", "export", "validate", "createadmin"):
        assert f"  {name}" in result.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_it_gives_help_for_each_command(name: str) -> None:
    result = run_cli(name, "--help")
    assert result.returncode == 0, result.stderr
    assert f"commonweal {name}" in result.stdout
    assert "Traceback" not in result.stderr


def test_it_refuses_to_serve_in_production_without_allowed_hosts(tmp_path) -> None:
    env_cmd = [sys.executable, "-m", "commonweal", "serve"]
    result = subprocess.run(
        env_cmd,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "SECRET_KEY": "x" * 50,
            "COMMONWEAL_DATA_DIR": str(tmp_path),
            "COMMONWEAL_ENCRYPTION_KEYS": TEST_KEY,
        },
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_it_refuses_production_mode_without_a_secret_key(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "commonweal", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COMMONWEAL_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def _production_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "COMMONWEAL_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "example.org",
        "COMMONWEAL_ENCRYPTION_KEYS": TEST_KEY,
    }
    env.update(extra)
    return env


def test_it_refuses_to_serve_with_a_weak_secret_key(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "commonweal", "serve"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_production_env(tmp_path, SECRET_KEY="short"),
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_serve_with_test_settings(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "commonweal", "serve"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_production_env(tmp_path, SECRET_KEY="k" * 20 + "-Zq81!xY" * 5, COMMONWEAL_TESTING="1"),
    )
    assert result.returncode != 0
    assert "COMMONWEAL_TESTING" in result.stderr


def test_it_hashes_passwords_with_argon2_in_production(tmp_path) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.contrib.auth.hashers import make_password; "
        "print(settings.PASSWORD_HASHERS[0]); print(make_password('x').split('$')[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=_production_env(
            tmp_path, SECRET_KEY="p" * 50, DJANGO_SETTINGS_MODULE="commonweal.settings"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "argon2",
    ]
