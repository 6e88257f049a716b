"""The PostgreSQL client programs (pg_dump, pg_restore) and how to point them at a database."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

# Connection settings Django takes in OPTIONS that libpq reads from the environment.
OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class ToolFailed(Exception):
    """A PostgreSQL client program is missing or exited with an error."""


def find(program: str, bin_dir: str | None = None) -> str:
    """The program's path: in `bin_dir` (PG_BIN_DIR) when given, else on PATH."""
    if bin_dir:
        candidate = Path(bin_dir) / program
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise ToolFailed(
            _(
                "{program} was not found in PG_BIN_DIR ({bin_dir}). Point PG_BIN_DIR at the "
                "bin folder of the PostgreSQL client tools of your server's version."
            ).format(program=program, bin_dir=bin_dir)
        )
    found = shutil.which(program)
    if found is None:
        raise ToolFailed(
            _(
                "{program} was not found on PATH. Install the PostgreSQL client tools of your "
                "server's version (Debian/Ubuntu: apt install postgresql-client), or set "
                "PG_BIN_DIR to the folder that holds {program}."
            ).format(program=program)
        )
    return found


def environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for a Django database setting; the password never on a command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    values.update({var: options.get(key) for key, var in OPTION_ENV.items()})
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def run(args: list[str], settings_dict: dict[str, Any]) -> subprocess.CompletedProcess[bytes]:
    """Run a client program against the database; its own last error line if it fails."""
    program = Path(args[0]).name
    result = subprocess.run(args, env=environment(settings_dict), capture_output=True)
    if result.returncode != 0:
        reason = error_line(result.stderr.decode(errors="replace")) or _(
            "exit status {code}"
        ).format(code=result.returncode)
        raise ToolFailed(
            _("{program} failed: {reason}").format(program=program, reason=reason.strip())
        )
    return result


def error_line(stderr: str) -> str:
    """The program's first error line. Its DETAIL and CONTEXT lines are left out: they
    can quote a row's values (a duplicate key), and a row may be a person's."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error:" in line.lower() or "fatal:" in line.lower():
            return line
    kept = [line for line in lines if not line.startswith(("DETAIL", "CONTEXT", "LINE", "HINT"))]
    return kept[-1] if kept else ""
