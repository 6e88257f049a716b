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
        "threads from WEB_THREADS, address from BIND, default 127.0.0.1:8000). Needs "
        "SECRET_KEY and ALLOWED_HOSTS; run the worker separately with `commonweal worker`. "
        "docs/deploy.md has every option."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3"))
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "1")),
            help="Threads per worker (gunicorn's gthread worker when more than 1).",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=int(os.environ.get("WEB_TIMEOUT", "30")),
            help="Seconds a request may run before its worker is killed and replaced.",
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30")),
            help="Seconds a stopping worker (SIGTERM, a restart) has to finish its requests.",
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=int(os.environ.get("WEB_MAX_REQUESTS", "1000")),
            help="Replace a worker after this many requests (0: never), with up to a tenth "
            "more at random so that the workers are not all replaced at once.",
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
        # The database cache's table (CACHE_URL, settings.py); does nothing once it exists.
        call_command("createcachetable")
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        argv = [
            gunicorn,
            "commonweal.wsgi:application",
            "--bind",
            str(options["bind"]),
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--timeout",
            str(options["timeout"]),
            "--graceful-timeout",
            str(options["graceful_timeout"]),
            # A worker that leaks memory (a library, a huge import) is replaced in time.
            "--max-requests",
            str(options["max_requests"]),
            "--max-requests-jitter",
            str(options["max_requests"] // 10),
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
