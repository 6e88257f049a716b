"""`commonweal worker`: the django-tasks database worker plus the schedule of periodic jobs.

Takes every option of `db_worker`, and `--no-schedule` for a second worker on the same
database (the jobs are idempotent, but one clock is enough).
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from commonweal.referrals import schedule


class Command(DbWorkerCommand):
    help = "Run the background task worker and the schedule of periodic jobs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Run tasks only; another worker (or cron) runs the periodic jobs.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = None
        # With --reload the parent process only watches files; the clock belongs in the child.
        in_worker_process = not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV)
        if not options.pop("no_schedule", False) and in_worker_process:
            scheduler = schedule.build_scheduler()
            scheduler.start()
            self.stdout.write(
                "Periodic jobs: "
                + ", ".join(f"{j.name} every {j.every_minutes} min" for j in schedule.JOBS.values())
            )
        try:
            super().handle(*args, **options)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
