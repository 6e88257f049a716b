"""Users, their roles in organisations, personal API tokens and the audit log."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NAVIGATOR = "navigator", _("Navigator")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    COALITION_ADMIN = "coalition_admin", _("Coalition admin")
    ANALYST = "analyst", _("Analyst")


class User(AbstractUser):
    """A person who signs in: staff of a partner organisation, or a resident.

    A user without memberships is a resident account (saved services, their own
    screenings and referrals); staff roles come only from memberships.
    """

    preferred_language = models.CharField(max_length=8, blank=True, default="")
    # Set only by `commonweal run` for its published demo logins; demo set-up never
    # touches an account without it.
    is_demo = models.BooleanField(default=False, editable=False)

    def roles(self) -> set[str]:
        return set(self.memberships.values_list("role", flat=True))

    def has_role(self, role: str) -> bool:
        return self.memberships.filter(role=role).exists()

    @property
    def is_resident(self) -> bool:
        return not self.is_superuser and not self.memberships.exists()

    def organization_ids_with_role(self, *roles: str) -> list:
        qs = self.memberships.all()
        if roles:
            qs = qs.filter(role__in=roles)
        return list(qs.values_list("organization_id", flat=True))


class Membership(models.Model):
    """A user's role in one organisation of the directory."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


TOKEN_PREFIX = "cw_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the raw token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, token_hash=hash_token(raw), prefix=raw[:10]
        )
        return token, raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class AuditEvent(models.Model):
    """Append-only record of who did what to which object, when and from where."""

    class Action(models.TextChoices):
        VIEW = "view", "view"
        CREATE = "create", "create"
        UPDATE = "update", "update"
        DELETE = "delete", "delete"
        EXPORT = "export", "export"
        LOGIN = "login", "login"
        LOGOUT = "logout", "logout"
        LOGIN_FAILED = "login_failed", "login failed"
        TOKEN_CREATE = "token_create", "token created"
        TOKEN_REVOKE = "token_revoke", "token revoked"
        IMPORT = "import", "import"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the trail survives deletion of the user account.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # For person-level events: the person whose data was touched (set by later apps).
    person_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise PermissionError("Audit events are append-only.")
