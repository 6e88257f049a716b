"""Audit-log sign-ins, sign-outs and failed sign-ins (connected in AccountsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent


@receiver(user_logged_in, dispatch_uid="commonweal.accounts.audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(action=AuditEvent.Action.LOGIN, actor=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="commonweal.accounts.audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:  # signing out without a session: nothing happened to anyone
        return
    audit.record(action=AuditEvent.Action.LOGOUT, actor=user, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="commonweal.accounts.audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in `credentials`; we keep nothing typed
    # unless it names a real account, because people type passwords into the
    # username box, and a stored unknown "username" could be one.
    User = get_user_model()
    typed = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    account = (
        User._default_manager.filter(**{User.USERNAME_FIELD: typed}).first() if typed else None
    )
    detail: dict[str, Any] = {"locked_out": bool(getattr(request, "axes_locked_out", False))}
    if account is None:
        audit.record(action=AuditEvent.Action.LOGIN_FAILED, request=request, detail=detail)
        return
    detail["username"] = account.get_username()
    audit.record(action=AuditEvent.Action.LOGIN_FAILED, obj=account, request=request, detail=detail)
