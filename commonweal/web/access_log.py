"""gunicorn's access log without what a person typed: `commonweal serve` uses this logger.

gunicorn logs each request line with its query string (a search for a person's name, a
referral's private status code in the path) and the Referer, which carries the previous
page's query. Here the line names the URL pattern instead (see log_privacy.redacted_path)
and the Referer is left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gunicorn.glogging import Logger

from commonweal.web.log_privacy import redacted_path

HIDDEN_ATOMS = ("f", "q", "{referer}i", "{cookie}i", "{authorization}i", "{query_string}e")


class AccessLogger(Logger):
    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: dt.timedelta
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        path = redacted_path(environ.get("PATH_INFO") or "/")
        atoms["U"] = path
        atoms["r"] = f"{atoms['m']} {path} {atoms['H']}"
        for key in HIDDEN_ATOMS:
            atoms[key] = "-"
        for key in ("{raw_uri}e", "{path_info}e", "{request_uri}e"):
            atoms[key] = path
        return atoms
