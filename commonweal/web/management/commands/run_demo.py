"""`commonweal run` / `make run`: the whole product in demo mode on one machine."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonweal.web import runner


class Command(BaseCommand):
    help = (
        "Demo mode: migrate the SQLite database, load the bundled demo directory (first run "
        "only), create one demo login per role, then serve http://127.0.0.1:PORT with a "
        "background worker. Ctrl-C or SIGTERM stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the background worker."
        )
        parser.add_argument(
            "--setup-only",
            action="store_true",
            help="Prepare the database and demo logins, then exit.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "`commonweal run` is demo mode and needs DEBUG=true; use `commonweal serve` in production."
            )
        from commonweal.accounts.demo import DemoUsersRefused, create_demo_users
        from commonweal.accounts.models import User
        from commonweal.directory.demo import demo_is_loaded, partner_organizations
        from commonweal.directory.models import Organization

        if settings.DATABASE_URL:
            raise CommandError(
                "`commonweal run` is demo mode on its own SQLite database; unset DATABASE_URL "
                "(it would load demo data and published demo logins into that database)."
            )
        call_command("migrate", interactive=False, verbosity=0)
        if not demo_is_loaded() and (
            Organization.objects.exists() or User.objects.filter(is_demo=False).exists()
        ):
            raise CommandError(
                f"The database in {settings.DATA_DIR} holds real data, not the demo. Demo mode "
                "refuses to touch it: set COMMONWEAL_DATA_DIR to an empty folder for the demo."
            )
        if demo_is_loaded():
            self.stdout.write("Demo directory already loaded; reusing the database.")
        else:
            self.stdout.write("Loading the demo directory (first run only)…")
            call_command("load_demo", stdout=self.stdout, stderr=self.stderr)
        partner, other = partner_organizations()
        try:
            logins = create_demo_users(partner_organization=partner, other_organization=other)
        except DemoUsersRefused as error:
            raise CommandError(str(error)) from None
        from commonweal.screening.demo import DemoRefused, create_demo_people

        try:
            # Fictional people on the demo navigator's care team, so People and Check-ups
            # have something to show; a second run adds nothing.
            create_demo_people(navigator=User.objects.get(username="navigator", is_demo=True))
        except (DemoRefused, User.DoesNotExist) as error:
            raise CommandError(f"Demo people could not be created: {error}") from None
        host, port = options["host"], options["port"]
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"

        def announce() -> None:
            self.stdout.write(self.style.SUCCESS(f"\ncommonweal demo is ready at {url}"))
            self.stdout.write("Demo logins (demo passwords; never use them for real data):")
            for login in logins:
                org = f" — {login.organization_name}" if login.organization_name else ""
                self.stdout.write(f"  {login.role:<16} {login.username:<12} {login.password}{org}")
            if not options["setup_only"]:
                self.stdout.write("Press Ctrl-C to stop.\n")

        if options["setup_only"]:
            announce()
            return
        commands = [runner.manage_command("runserver", "--noreload", f"{host}:{port}")]
        if not options["no_worker"]:
            commands.append(runner.manage_command("worker", "--no-reload"))
        code = runner.supervise(commands, ready_url=url, on_ready=announce)
        if code:
            raise CommandError(f"A demo process stopped unexpectedly (exit code {code}).")
