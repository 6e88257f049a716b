"""Django's database cache with an `incr` that counts right when processes race.

Django's DatabaseCache inherits `BaseCache.incr`: read the value, then `set` it plus one.
Two web processes counting at once both read 4 and both write 5, so a rate limit
(lib/rate_limit) lets extra requests through; and `set` gives the key the default timeout,
so a count meant to last an hour was forgotten after five minutes. Here `incr` locks the
row (SELECT … FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE, which settings.py
configures, holds the write lock) and writes the new value alone, keeping its expiry.

On PostgreSQL every write to the cache commits without waiting for its WAL to reach the
disk (`synchronous_commit = off`, for that transaction only): a crash may forget the last
few counts, which a cache may, and a count costs no disk flush while the site is busy.
Only when the cache's transaction is the outermost one: inside a caller's transaction
(a form that saves a referral, then counts) the caller's commit keeps waiting, as it must.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import connections, models, router, transaction
from django.utils import timezone


class DatabaseCache(db.DatabaseCache):
    def _base_set(self, mode: str, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=alias):
            if outermost:
                _commit_without_flush(connection)
            return super()._base_set(mode, key, value, timeout)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if outermost:
                _commit_without_flush(connection)
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} "
                f"WHERE {quote('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found.")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return value

    @staticmethod
    def _expired(connection: Any, expires: Any) -> bool:
        # The column comes back as text on SQLite: convert it as Django's own get() does.
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < timezone.now()


def _commit_without_flush(connection: Any) -> None:
    """Inside a transaction: its commit need not wait for the disk (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
