"""Two-factor sign-in (TOTP authenticator apps, by django-otp) for everyone who can see
person data, with one-time recovery codes.

Who must use it: superusers and every member of an organisation in a role that can reach
a person's data — navigator, partner staff, coalition admin (data requests, access
history). Analysts see counts only and residents only their own data, so a password is
enough for them. `COMMONWEAL_REQUIRE_2FA=false` turns the requirement off (never do this
with real people's data); in demo mode (`DEBUG`) the demo logins are exempt, and every page
says so.

The TOTP secret is shown once, as a QR code and as text, while the user sets up their
app; the device counts only once a code from it has been checked. django-otp throttles
wrong codes per device (each failure doubles the wait). Recovery codes are django-otp
static tokens: ten, each works once, a new set replaces the old.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent, Role

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
# Roles whose members can reach a person's data (analysts are deliberately absent).
PERSON_DATA_ROLES = (Role.NAVIGATOR, Role.PARTNER_STAFF, Role.COALITION_ADMIN)


def required_for(user: Any) -> bool:
    """Whether this signed-in user must pass a second factor before using the site."""
    if not settings.COMMONWEAL_REQUIRE_2FA or not getattr(user, "is_authenticated", False):
        return False
    if settings.DEBUG and user.is_demo:
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(role__in=PERSON_DATA_ROLES).exists()


def authenticator(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def start_setup(user: Any) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (an earlier unfinished one is replaced)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def pending_setup(user: Any, device_id: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()


def qr_code(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG data URI (no inline markup: the CSP allows data: images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped in fours, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(token: str) -> str:
    return "".join(token.split()).replace("-", "")


def confirm_setup(*, device: TOTPDevice, token: str, request: HttpRequest) -> list[str] | None:
    """Check a code from the new app; on success it replaces any older one, the session
    counts as verified, and a fresh set of recovery codes is returned (to show once)."""
    user = device.user
    if not device.verify_token(_clean(token)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    otp_login(request, device)
    audit.record(
        action=AuditEvent.Action.UPDATE,
        actor=user,
        obj=user,
        request=request,
        detail={"changed": "two-factor authenticator"},
    )
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    """Ten new one-time codes; any earlier set stops working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def verify(*, user: Any, token: str, request: HttpRequest) -> bool:
    """Check a code from the app, or a recovery code (used up); on success the session is
    verified. Every attempt is in the audit log; the code itself never is."""
    token = _clean(token)
    verified = None
    for device in (authenticator(user), StaticDevice.objects.filter(user=user).first()):
        if device is not None and token:
            verified = verify_token(user, device.persistent_id, token)
            if verified is not None:
                break
    if verified is None:
        audit.record(
            action=AuditEvent.Action.LOGIN_FAILED,
            actor=user,
            request=request,
            detail={"second_factor": "wrong or throttled code"},
        )
        return False
    otp_login(request, verified)
    audit.record(
        action=AuditEvent.Action.LOGIN,
        actor=user,
        request=request,
        detail={"second_factor": "recovery code" if isinstance(verified, StaticDevice) else "app"},
    )
    return True
