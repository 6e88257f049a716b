"""Users, their roles in organisations, personal API tokens and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonweal.accounts import audit_chain


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


# pg_advisory_xact_lock key that serialises appends to the audit chain ("cwaudit" in ASCII).
AUDIT_APPEND_LOCK = 0x6377_6175_6469_74


class AuditEventQuerySet(models.QuerySet):
    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        # bulk_create skips save(), so it would write events outside the hash chain.
        raise PermissionError("Audit events are appended one at a time, through save().")

    def update(self, **kwargs: Any) -> int:
        # Deleting a user sets their events' actor to NULL; nothing else may change.
        if kwargs and set(kwargs) <= {"actor", "actor_id"} and not any(kwargs.values()):
            return super().update(**kwargs)
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only, hash-chained record of who did what to which object, when and from where.

    Each event stores the hash of the one before it (`prev_hash`) and its own `hash` over
    its content (see audit_chain.py); database triggers refuse UPDATE and DELETE (migration
    0004), and `commonweal audit verify` walks the chain.
    """

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
        # A person's data was erased on request: the tombstone that stays in the log.
        ERASE = "erase", "erase"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the trail survives deletion of the user account.
    actor_label = models.CharField(max_length=150, blank=True)
    # The actor's id as text at write time: deleting the user sets `actor` to NULL, and the
    # hash covers this copy so that deletion does not break verification.
    actor_ref = models.CharField(max_length=64, blank=True, default="", editable=False)
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # For person-level events: the person whose data was touched (set by later apps).
    person_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # Unique: two writers can never both chain onto the same event, whatever the locking.
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            self._chain_onto_tail(using)
            super().save(*args, **kwargs)

    def _chain_onto_tail(self, using: str) -> None:
        """Fill prev_hash and hash from the current last event, holding the append lock.

        PostgreSQL: a transaction-scoped advisory lock, so a second writer waits until this
        transaction commits and then reads this event as its tail. SQLite: settings open
        every transaction with BEGIN IMMEDIATE, so this transaction already holds the
        database's single write lock. The unique prev_hash is the backstop either way.
        The lock lasts until the outermost transaction ends: record the audit event after
        any row locks (select_for_update) that transaction takes, and commit long jobs per
        batch, or other writers wait (or, with the lock order reversed, deadlock).
        """
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_APPEND_LOCK])
        # Normalise first, so the hash covers exactly what the database will give back.
        for name in ("actor_label", "action", "object_type", "object_id", "person_id"):
            setattr(self, name, str(getattr(self, name) or ""))
        self.actor_ref = str(self.actor_id) if self.actor_id is not None else ""
        self.detail = audit_chain.normalise_detail(self.detail)
        tail = (
            AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
        )
        self.prev_hash = tail or audit_chain.GENESIS
        self.hash = audit_chain.event_hash(
            at=self.at,
            actor_label=self.actor_label,
            actor_ref=self.actor_ref,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            person_id=self.person_id,
            ip_address=self.ip_address,
            detail=self.detail,
            prev_hash=self.prev_hash,
        )

    def delete(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        raise PermissionError("Audit events are append-only.")
