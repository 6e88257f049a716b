"""`commonweal serve`: production mode behind gunicorn, with safe defaults."""

from __future__ import annotations

import os
import shutil
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Production mode: collect static files and run gunicorn (workers from WEB_CONCURRENCY, "
        "address from BIND, default 127.0.0.1:8000). Needs SECRET_KEY and ALLOWED_HOSTS; "
        "run the worker separately with `commonweal worker`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3"))
        )
        parser.add_argument(
            "--migrate", action="store_true", help="Apply database migrations first."
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.DEBUG:
            raise CommandError(
                "DEBUG is on; `commonweal serve` is for production. Unset DEBUG or use `commonweal run`."
            )
        if settings.TESTING:
            raise CommandError(
                "COMMONWEAL_TESTING or PYTEST_VERSION is set: that relaxes security settings "
                "for tests. Unset it to serve."
            )
        if not settings.ALLOWED_HOSTS:
            raise CommandError(
                "Set ALLOWED_HOSTS (comma-separated host names this site answers to)."
            )
        # Any deployment warning (weak SECRET_KEY, insecure cookies …) stops the server.
        call_command("check", deploy=True, fail_level="WARNING")
        if options["migrate"]:
            call_command("migrate", interactive=False)
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        argv = [
            gunicorn,
            "commonweal.wsgi:application",
            "--bind",
            str(options["bind"]),
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            # Request lines name the URL pattern, without query string or Referer.
            "--logger-class",
            "commonweal.web.access_log.AccessLogger",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        self.stdout.write(f"Serving on http://{options['bind']}/ with {options['workers']} workers")
        sys.stdout.flush()
        os.execv(argv[0], argv)
