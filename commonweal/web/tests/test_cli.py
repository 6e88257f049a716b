from __future__ import annotations

import subprocess
import sys

import pytest

from commonweal.cli import COMMANDS


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "commonweal", *args], capture_output=True, text=True, timeout=120
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
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50, "COMMONWEAL_DATA_DIR": str(tmp_path)},
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
