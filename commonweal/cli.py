"""The `commonweal` console script: a thin wrapper over Django management commands."""

from __future__ import annotations

import os
import sys

# The friendly names users type, mapped to the management commands that do the work.
COMMANDS = {
    "run": (
        "run_demo",
        "Demo mode: migrate, load the demo directory once, serve on http://127.0.0.1:8000 with a worker.",
    ),
    "serve": ("serve", "Production mode: a gunicorn web server with safe defaults."),
    "worker": ("run_worker", "Run the background task worker and the periodic jobs."),
    "run_periodic": ("run_periodic", "Run one periodic job once (for cron or systemd)."),
    "import": ("import_hsds", "Import an HSDS datapackage, HSDS JSON or a known public data set."),
    "export": ("export_hsds", "Export the directory as an HSDS 3.0 datapackage and HSDS JSON."),
    "validate": ("validate_hsds", "Check an HSDS datapackage or JSON file without importing it."),
    "createadmin": ("create_admin", "Create a superuser (coalition administrator)."),
    "check-instruments": ("check_instruments", "Check screening instrument definitions."),
    "rotate-keys": ("rotate_keys", "Re-encrypt stored notes and answers with the newest key."),
    "backup": ("backup", "Back up the database into one archive (safe while the site runs)."),
    "restore": ("restore", "Restore a backup into an empty database (--force to overwrite)."),
}

USAGE = (
    "usage: commonweal <command> [options]\n\ncommands:\n"
    + "\n".join(f"  {name:<12} {help_text}" for name, (_, help_text) in COMMANDS.items())
    + "\n\nAny other Django management command also works (e.g. `commonweal migrate`).\n"
    "Run `commonweal <command> --help` for a command's options.\n"
)


def main(argv: list[str] | None = None) -> None:
    from django.core.exceptions import ImproperlyConfigured

    try:
        _dispatch(list(sys.argv[1:] if argv is None else argv))
    except ImproperlyConfigured as error:
        sys.stderr.write(f"commonweal: configuration error: {error}\n")
        raise SystemExit(2) from None


def _dispatch(argv: list[str]) -> None:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        sys.stdout.write(USAGE)
        return
    name, rest = argv[0], argv[1:]
    if "-h" in rest or "--help" in rest:
        # Help text needs no configuration; don't make a newcomer set SECRET_KEY to read it.
        os.environ.setdefault("SECRET_KEY", "help-text-only")
    command = COMMANDS.get(name, (name, ""))[0]
    if name == "run":
        # Demo mode is DEBUG on plain http on localhost; set before settings load.
        os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonweal.settings")
    if name not in COMMANDS:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["commonweal", name, *rest])
        return
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    app = get_commands().get(command)
    if app is None:
        sys.stderr.write(
            f"commonweal {name}: this command is not available in this installation.\n"
        )
        raise SystemExit(1)
    # run_from_argv names the program from argv[0:2], so help reads "commonweal import".
    load_command_class(app, command).run_from_argv(["commonweal", name, *rest])


if __name__ == "__main__":
    main()
