"""Django's `flush`, able to empty the append-only audit log (and nothing else changed).

The audit table's triggers refuse DELETE and TRUNCATE. Flush wipes the whole database on
purpose (test runs use it between transactional tests), so it raises the maintenance flag
the triggers read — inside its own transaction, lowered again before the commit, so no
other connection ever sees it raised. See accounts/migrations/0004_audit_append_only.py.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from commonweal.accounts import audit


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        with transaction.atomic(using=database):
            with audit.flush_allowed(connections[database]):
                super().handle(**options)
