"""Keys from the environment, the development key, and the clear errors for bad settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from commonweal.lib import encryption

ROOT = Path(__file__).resolve().parents[3]
OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
PRODUCTION = {"DEBUG": False, "TESTING": False}


def test_it_round_trips_text_and_stores_no_plaintext() -> None:
    with override_settings(ENCRYPTION_KEYS=[NEW]):
        token = encryption.encrypt("Disclosed past eviction")
        assert "eviction" not in token
        assert encryption.decrypt(token) == "Disclosed past eviction"


def test_it_encrypts_with_the_first_key_and_decrypts_with_any() -> None:
    with override_settings(ENCRYPTION_KEYS=[OLD]):
        old_token = encryption.encrypt("before")
    with override_settings(ENCRYPTION_KEYS=[NEW, OLD]):
        new_token = encryption.encrypt("after")
        assert encryption.decrypt(old_token) == "before"
    assert Fernet(NEW.encode()).decrypt(new_token.encode()) == b"after"


def test_it_refuses_a_token_no_key_opens_with_a_clear_error() -> None:
    with override_settings(ENCRYPTION_KEYS=[OLD]):
        token = encryption.encrypt("Feels unsafe at home")
    with (
        override_settings(ENCRYPTION_KEYS=[NEW]),
        pytest.raises(encryption.UndecryptableValue) as caught,
    ):
        encryption.decrypt(token, what="referrals.Referral.private_note")
    message = str(caught.value)
    assert "referrals.Referral.private_note" in message
    assert "COMMONWEAL_ENCRYPTION_KEYS" in message
    assert "unsafe" not in message


def test_it_refuses_a_tampered_token() -> None:
    with override_settings(ENCRYPTION_KEYS=[NEW]):
        token = encryption.encrypt("note")
        tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        with pytest.raises(encryption.UndecryptableValue):
            encryption.decrypt(tampered)


def test_it_derives_one_deterministic_development_key_in_tests() -> None:
    with override_settings(ENCRYPTION_KEYS=[], SECRET_KEY="demo-secret"):
        assert encryption.configured_keys() == [encryption.development_key("demo-secret")]
        token = encryption.encrypt("demo note")
    # The same SECRET_KEY gives the same key, so demo data survives a restart ...
    with override_settings(ENCRYPTION_KEYS=[], SECRET_KEY="demo-secret"):
        assert encryption.decrypt(token) == "demo note"
    # ... and another SECRET_KEY a different one.
    assert encryption.development_key("other") != encryption.development_key("demo-secret")
    Fernet(encryption.development_key("demo-secret").encode())  # a well-formed Fernet key


def test_it_never_derives_a_key_in_production() -> None:
    with override_settings(ENCRYPTION_KEYS=[], **PRODUCTION):
        assert encryption.configured_keys() == []
        with pytest.raises(ImproperlyConfigured, match="COMMONWEAL_ENCRYPTION_KEYS is not set"):
            encryption.encrypt("anything")


def test_the_check_errors_in_production_without_keys_and_says_how_to_make_one() -> None:
    with override_settings(ENCRYPTION_KEYS=[], **PRODUCTION):
        errors = encryption.check_keys()
    assert [e.id for e in errors] == ["commonweal.E001"]
    assert "Fernet.generate_key()" in errors[0].msg


def test_the_check_passes_with_keys_in_production_and_without_them_in_tests() -> None:
    with override_settings(ENCRYPTION_KEYS=[NEW, OLD], **PRODUCTION):
        assert encryption.check_keys() == []
    with override_settings(ENCRYPTION_KEYS=[]):
        assert encryption.check_keys() == []


def test_a_malformed_key_is_named_by_position_never_by_value() -> None:
    with override_settings(ENCRYPTION_KEYS=[NEW, "not-a-key-at-all"]):
        errors = encryption.check_keys()
        assert [e.id for e in errors] == ["commonweal.E002"]
        assert "key 2 of 2 in COMMONWEAL_ENCRYPTION_KEYS" in errors[0].msg
        assert "not-a-key-at-all" not in errors[0].msg
        with pytest.raises(ImproperlyConfigured, match="COMMONWEAL_ENCRYPTION_KEYS") as caught:
            encryption.encrypt("x")
        assert "not-a-key-at-all" not in str(caught.value)


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "COMMONWEAL_TESTING", "DEBUG", "DATABASE_URL"}
        and not key.startswith("COMMONWEAL_ENCRYPTION")
    }
    env.update(
        SECRET_KEY="k" * 20 + "a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="commonweal.example.org",
        COMMONWEAL_DATA_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
        **extra,
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_refuses_production_without_keys(tmp_path: Path) -> None:
    done = _run(["manage.py", "check", "--deploy"], _production_env(tmp_path))
    assert done.returncode != 0
    assert "commonweal.E001" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_refuses_to_start_without_keys(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    done = _run(["-m", "commonweal", "serve", "--bind", "127.0.0.1:9"], env)
    assert done.returncode != 0
    assert "commonweal.E001" in done.stderr
    assert "Serving on" not in done.stdout
    assert "Traceback" not in done.stderr


def test_check_deploy_names_the_variable_for_a_malformed_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path, COMMONWEAL_ENCRYPTION_KEYS="oops-not-a-key")
    done = _run(["manage.py", "check", "--deploy"], env)
    assert done.returncode != 0
    assert "commonweal.E002" in done.stderr
    assert "COMMONWEAL_ENCRYPTION_KEYS" in done.stderr
    assert "oops-not-a-key" not in done.stderr
    assert "Traceback" not in done.stderr


def test_check_deploy_has_no_encryption_error_with_a_good_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path, COMMONWEAL_ENCRYPTION_KEYS=f"{NEW},{OLD}")
    done = _run(["manage.py", "check", "--deploy"], env)
    for check_id in ("commonweal.E001", "commonweal.E002", "commonweal.E003"):
        assert check_id not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
