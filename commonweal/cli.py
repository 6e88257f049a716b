"""The `commonweal` console script: a thin wrapper over Django management commands."""

from __future__ import annotations

import os
import sys

# The friendly names users type, mapped to the management commands that do the work.
COMMANDS = {
    "run": ("run_demo", "Demo mode: migrate, load the demo directory once, serve on http://127.0.0.1:8000 with a worker."),
    "serve": ("serve", "Production mode: a gunicorn web server with safe defaults."),
    "worker": ("db_worker", "Run the background task worker."),
    "import": ("import_hsds", "Import an HSDS datapackage, HSDS JSON or a known public data set."),
    "export": ("export_hsds", "Export the directory as an HSDS 3.0 datapackage and HSDS JSON."),
    "validate": ("validate_hsds", "Check an HSDS datapackage or JSON file without importing it."),
    "createadmin": ("create_admin", "Create a superuser (coalition administrator)."),
}

USAGE = "usage: commonweal <command> [options]\n\ncommands:\n" + "\n".join(
    f"  {name:<12} {help_text}" for name, (_, help_text) in COMMANDS.items()
) + "\n\nAny other Django management command also works (e.g. `commonweal migrate`).\n" \
    "Run `commonweal <command> --help` for a command's options.\n"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        sys.stdout.write(USAGE)
        return
    name, rest = argv[0], argv[1:]
    command = COMMANDS.get(name, (name, ""))[0]
    if name == "run":
        # Demo mode is DEBUG on plain http on localhost; set before settings load.
        os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonweal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"commonweal {name}", command, *rest])


if __name__ == "__main__":
    main()
