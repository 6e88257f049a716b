"""The periodic jobs and the scheduler that runs them inside `commonweal worker`.

APScheduler's BackgroundScheduler (a thread beside the task worker) only *enqueues* each
job as a django-tasks task; the worker executes it like any other task, so a job that fails
is logged by the worker and a slow one never blocks the clock. Without the worker, run one
job once with `commonweal run_periodic <job>` from cron or a systemd timer
(docs/operations.md). Every job is idempotent: running one twice, or from two places,
sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.db import close_old_connections

from commonweal.insights import alerts
from commonweal.partnerships import notifications
from commonweal.programs import personal_reminders, reminder_tasks, training
from commonweal.referrals import followup, outbox, reminders, retention, tasks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_minutes: int
    task: Any  # a django_tasks Task
    run: Callable[[], Any]  # the same work, synchronously (for run_periodic)
    help: str


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "deliver-outbox",
            1,
            tasks.deliver_outbox,
            lambda: outbox.deliver_due(),
            "send the emails and text messages that are due",
        ),
        Job(
            "overdue-referrals",
            60,
            tasks.check_overdue_referrals,
            lambda: followup.check_overdue(),
            "remind receivers, then alert senders, of referrals with no answer",
        ),
        Job(
            "appointment-reminders",
            15,
            tasks.queue_appointment_reminders,
            lambda: reminders.queue_upcoming(),
            "queue the day-before reminders of upcoming appointments",
        ),
        Job(
            "retention",
            24 * 60,
            tasks.apply_retention,
            lambda: retention.apply_retention(),
            "delete closed referrals and screenings past their retention period",
        ),
        Job(
            "early-warning",
            24 * 60,
            tasks.scan_early_warning,
            lambda: {"emails_queued": alerts.run_weekly_scan()},
            "email coalition admins any unusual rise in crisis signals last week",
        ),
        Job(
            "agreement-expiry",
            24 * 60,
            tasks.warn_of_expiring_agreements,
            lambda: {"emails_queued": notifications.warn_of_expiring_agreements()},
            "email coalition admins the partnership agreements about to expire (once each)",
        ),
        Job(
            "training-expiry",
            24 * 60,
            tasks.remind_of_expiring_training,
            lambda: {"emails_queued": training.send_expiry_reminders()},
            "email trained people whose certificate expires within 60 days (once each)",
        ),
        Job(
            "personal-reminders",
            15,
            reminder_tasks.queue_personal_reminders,
            lambda: personal_reminders.queue_due(),
            "queue the personal reminders (medicine, appointments) due in the next two days",
        ),
        Job(
            "meeting-reminders",
            15,
            tasks.remind_of_meetings,
            lambda: {"emails_queued": notifications.remind_of_meetings()},
            "queue the day-before reminders of partnership meetings",
        ),
    )
}


def enqueue_job(name: str) -> None:
    """What the scheduler calls: put the job's task in the worker's queue."""
    close_old_connections()  # the scheduler thread keeps its own connection; drop a dead one
    try:
        JOBS[name].task.enqueue()
    except Exception:  # the next tick tries again; the worker must keep running
        logger.exception("could not enqueue periodic job %s", name)
    finally:
        close_old_connections()


def build_scheduler() -> BackgroundScheduler:
    """A scheduler with every periodic job; the caller starts and stops it."""
    scheduler = BackgroundScheduler(timezone=settings.TIME_ZONE)
    for job in JOBS.values():
        scheduler.add_job(
            enqueue_job,
            IntervalTrigger(minutes=job.every_minutes, timezone=settings.TIME_ZONE),
            args=[job.name],
            id=job.name,
            name=job.help,
            # A worker that was asleep (laptop lid, stopped container) runs each job once,
            # not once per missed tick.
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    return scheduler


def run_job(name: str) -> dict[str, Any]:
    """Run one job now, in this process; returns its summary."""
    result = JOBS[name].run()
    return result.as_dict() if hasattr(result, "as_dict") else dict(result or {})
