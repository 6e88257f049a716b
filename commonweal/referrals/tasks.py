"""Background tasks of the referral work (django-tasks): each runs one periodic job once.

The worker (`commonweal worker`) executes them; its scheduler (referrals/schedule.py) and
`outbox.enqueue` put them in the queue. They return small JSON-safe summaries, no person data.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def deliver_outbox() -> dict[str, Any]:
    """Send every outbox message that is due."""
    from commonweal.referrals import outbox

    return outbox.deliver_due().as_dict()


@task()
def check_overdue_referrals() -> dict[str, Any]:
    """Remind receivers, then alert senders, about referrals with no response."""
    from commonweal.referrals import followup

    return followup.check_overdue().as_dict()


@task()
def queue_appointment_reminders() -> dict[str, Any]:
    """Queue the day-before reminders of upcoming appointments (idempotent)."""
    from commonweal.referrals import reminders

    return reminders.queue_upcoming().as_dict()


@task()
def apply_retention() -> dict[str, Any]:
    """Delete closed referrals and screenings past their retention period, keeping counts."""
    from commonweal.referrals import retention

    return retention.apply_retention().as_dict()


@task()
def scan_early_warning() -> dict[str, Any]:
    """Email coalition admins the early-warning alarms of the last completed week (once)."""
    from commonweal.insights import alerts

    return {"emails_queued": alerts.run_weekly_scan()}


@task()
def warn_of_expiring_agreements() -> dict[str, Any]:
    """Email coalition admins the partnership agreements about to expire (once each)."""
    from commonweal.partnerships import notifications

    return {"emails_queued": notifications.warn_of_expiring_agreements()}


@task()
def remind_of_meetings() -> dict[str, Any]:
    """Queue the day-before reminders of partnership meetings (idempotent)."""
    from commonweal.partnerships import notifications

    return {"emails_queued": notifications.remind_of_meetings()}


@task()
def remind_of_expiring_training() -> dict[str, Any]:
    """Email trained people whose certificate expires within 60 days (once per certificate)."""
    from commonweal.programs import training

    return {"emails_queued": training.send_expiry_reminders()}
