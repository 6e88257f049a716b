"""The personal-reminders job as a django-tasks task (run by `commonweal worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def queue_personal_reminders() -> dict[str, Any]:
    """Put the personal reminders due in the next two days into the outbox (idempotent)."""
    from commonweal.programs import personal_reminders

    return personal_reminders.queue_due().as_dict()
