from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from commonweal.accounts.models import AuditEvent, User

GOOD = "a long admin passphrase 9"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_admin", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_a_superuser_from_an_environment_variable(monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_PW", GOOD)
    output = _run(
        "--username", "ada", "--email", "ada@example.org", "--password-from-env", "ADMIN_PW"
    )
    user = User.objects.get(username="ada")
    assert user.is_superuser and user.is_staff and user.email == "ada@example.org"
    assert user.check_password(GOOD)
    assert "Created administrator 'ada'" in output
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(user.pk))
    assert GOOD not in str(event.detail)


@pytest.mark.django_db
def test_it_prompts_twice_for_the_password_on_a_terminal(monkeypatch) -> None:
    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", type("Tty", (io.StringIO,), {"isatty": lambda self: True})())
    _run("--username", "ada")
    assert User.objects.get(username="ada").check_password(GOOD)


@pytest.mark.django_db
def test_it_refuses_mismatched_prompted_passwords(monkeypatch) -> None:
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", type("Tty", (io.StringIO,), {"isatty": lambda self: True})())
    with pytest.raises(CommandError, match="did not match"):
        _run("--username", "ada")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_explains_how_to_automate_without_a_terminal(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--password-from-env"):
        _run("--username", "ada")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_names_a_missing_or_empty_environment_variable(monkeypatch) -> None:
    monkeypatch.delenv("NO_SUCH_VAR", raising=False)
    with pytest.raises(CommandError, match="NO_SUCH_VAR is not set"):
        _run("--username", "ada", "--password-from-env", "NO_SUCH_VAR")
    monkeypatch.setenv("EMPTY_VAR", "")
    with pytest.raises(CommandError, match="EMPTY_VAR is empty"):
        _run("--username", "ada", "--password-from-env", "EMPTY_VAR")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_applies_the_password_validators(monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_PW", "12345")
    with pytest.raises(CommandError) as error:
        _run("--username", "ada", "--password-from-env", "ADMIN_PW")
    assert "too short" in str(error.value) and "entirely numeric" in str(error.value)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_taken_username(monkeypatch, navigator) -> None:
    monkeypatch.setenv("ADMIN_PW", GOOD)
    with pytest.raises(CommandError, match="already exists"):
        _run("--username", "nina.navigator", "--password-from-env", "ADMIN_PW")
    navigator.refresh_from_db()
    assert not navigator.is_superuser


@pytest.mark.django_db
def test_it_refuses_a_bad_username_or_email(monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_PW", GOOD)
    with pytest.raises(CommandError, match="--username"):
        _run("--username", "no spaces allowed", "--password-from-env", "ADMIN_PW")
    with pytest.raises(CommandError, match="--email"):
        _run("--username", "ada", "--email", "not-an-email", "--password-from-env", "ADMIN_PW")
    assert not User.objects.exists()
