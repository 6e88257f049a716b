"""Saved services: a signed-in person's own short list of services to come back to."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from commonweal.directory.models import SavedService, Service


def save(*, user, service: Service) -> bool:
    """Save `service` for `user`; False when it was already saved."""
    try:
        with transaction.atomic():
            SavedService.objects.create(user=user, service=service)
    except IntegrityError:
        return False
    return True


def unsave(*, user, service: Service) -> bool:
    """Remove `service` from `user`'s saved services; False when it was not saved."""
    deleted, _ = SavedService.objects.filter(user=user, service=service).delete()
    return deleted > 0


def is_saved(*, user, service: Service) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return SavedService.objects.filter(user=user, service=service).exists()


def saved_services(user) -> QuerySet[SavedService]:
    """Only ever the given user's own saved services."""
    return SavedService.objects.filter(user=user).select_related("service__organization")
