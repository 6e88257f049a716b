"""`commonweal run_periodic <job>`: run one periodic job once, for cron or a systemd timer."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from commonweal.referrals import schedule


class Command(BaseCommand):
    help = "Run one periodic job once (for cron or systemd, instead of the worker's schedule). " + (
        "Jobs: " + "; ".join(f"{job.name} — {job.help}" for job in schedule.JOBS.values())
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("job", choices=sorted(schedule.JOBS), help="the job to run")

    def handle(self, *args: Any, job: str, **options: Any) -> None:
        summary = schedule.run_job(job)
        # Counts and message ids only: never a recipient.
        self.stdout.write(f"{job}: {json.dumps(summary, sort_keys=True)}")
