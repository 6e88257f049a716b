"""The schedule inside `commonweal worker`, and `commonweal run_periodic` for cron/systemd."""

from __future__ import annotations

import io
import json

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from django.core import mail
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from commonweal import cli
from commonweal.referrals import outbox, schedule
from commonweal.referrals.management.commands import run_worker
from commonweal.referrals.outbox_models import OutboxStatus

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def put(key: str = "k1"):
    return outbox.enqueue(
        kind="test", channel="email", recipient_kind="staff", to="a@example.org", key=key, body="b"
    )[0]


def test_the_scheduler_runs_each_job_at_its_interval():
    scheduler = schedule.build_scheduler()
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "deliver-outbox",
        "overdue-referrals",
        "appointment-reminders",
        "retention",
        "early-warning",
        "agreement-expiry",
        "training-expiry",
        "meeting-reminders",
        "personal-reminders",
    }
    minutes = {
        name: job.trigger.interval.total_seconds() / 60
        for name, job in jobs.items()
        if isinstance(job.trigger, IntervalTrigger)
    }
    assert minutes == {
        "deliver-outbox": 1,
        "overdue-referrals": 60,
        "appointment-reminders": 15,
        "retention": 24 * 60,
        "early-warning": 24 * 60,
        "agreement-expiry": 24 * 60,
        "training-expiry": 24 * 60,
        "meeting-reminders": 15,
        "personal-reminders": 15,
    }
    assert all(job.coalesce and job.max_instances == 1 for job in jobs.values())


# The worker closes connections a test transaction holds: it needs real commits (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_a_scheduled_tick_enqueues_the_task_and_the_worker_runs_it(settings):
    settings.TASKS = DATABASE
    message = put()
    before = DBTaskResult.objects.count()  # the commit may already have asked for a delivery
    schedule.enqueue_job("deliver-outbox")
    assert DBTaskResult.objects.count() == before + 1
    newest = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert newest.task_path.endswith("tasks.deliver_outbox")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_starts_and_stops_the_schedule(settings, monkeypatch):
    settings.TASKS = DATABASE
    started = []
    real = schedule.build_scheduler

    def spy():
        scheduler = real()
        started.append(scheduler)
        return scheduler

    monkeypatch.setattr(schedule, "build_scheduler", spy)
    put()
    schedule.enqueue_job("deliver-outbox")
    out = io.StringIO()
    call_command(
        "run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=out
    )
    [scheduler] = started
    assert not scheduler.running  # shut down with the worker
    assert "deliver-outbox every 1 min" in out.getvalue()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_no_schedule_runs_tasks_only(settings, monkeypatch):
    settings.TASKS = DATABASE
    monkeypatch.setattr(schedule, "build_scheduler", lambda: pytest.fail("no scheduler wanted"))
    call_command(
        "run_worker", "--batch", "--no-startup-delay", "--no-reload", "--no-schedule", verbosity=0
    )


@pytest.mark.django_db
def test_run_periodic_runs_one_job_once_and_prints_counts_only():
    put()
    out = io.StringIO()
    call_command("run_periodic", "deliver-outbox", stdout=out)
    job, _, summary = out.getvalue().strip().partition(": ")
    assert job == "deliver-outbox"
    assert json.loads(summary)["sent"] == 1
    assert "a@example.org" not in out.getvalue()
    call_command("run_periodic", "overdue-referrals", stdout=io.StringIO())
    call_command("run_periodic", "appointment-reminders", stdout=io.StringIO())


def test_run_periodic_refuses_an_unknown_job():
    with pytest.raises(CommandError):
        call_command("run_periodic", "mow-the-lawn")


def test_commonweal_worker_is_the_worker_with_the_schedule():
    assert cli.COMMANDS["worker"][0] == "run_worker"
    assert issubclass(run_worker.Command, run_worker.DbWorkerCommand)
