"""Rewrite encrypted columns in place, in batches: for key rotation and the data migrations.

Works on raw column values (never through the fields, which would decrypt) and updates a
value only if it is still the one read, so a row the application changes meanwhile —
already written with the newest key — is left as it is rather than overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from commonweal.lib import encryption

# A transform returns the new raw value, or None to leave the value as it is.
Transform = Callable[[str, str], "str | None"]


@dataclass
class Counts:
    rows: int = 0  # rows read
    values: int = 0  # non-empty values seen
    changed: int = 0  # values rewritten (or that would be, in a dry run)

    def add(self, other: Counts) -> None:
        self.rows += other.rows
        self.values += other.values
        self.changed += other.changed


def batches(
    connection: Any, table: str, pk: str, columns: list[str], batch_size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """(pk, *values) rows in primary-key order, a batch at a time (keyset, not OFFSET)."""
    qn = connection.ops.quote_name
    select = f"SELECT {qn(pk)}, {', '.join(qn(c) for c in columns)} FROM {qn(table)}"
    last = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(f"{select} ORDER BY {qn(pk)} LIMIT %s", [batch_size])
            else:
                cursor.execute(
                    f"{select} WHERE {qn(pk)} > %s ORDER BY {qn(pk)} LIMIT %s", [last, batch_size]
                )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def rewrite_batch(
    connection: Any,
    table: str,
    pk: str,
    columns: list[str],
    rows: list[tuple[Any, ...]],
    transform: Transform,
    *,
    dry_run: bool = False,
) -> Counts:
    """Apply `transform` to every non-empty value of these rows; write what changed."""
    qn = connection.ops.quote_name
    counts = Counts(rows=len(rows))
    updates: dict[str, list[tuple[Any, ...]]] = {column: [] for column in columns}
    for row in rows:
        for column, old in zip(columns, row[1:], strict=True):
            if old is None or old == "":
                continue
            counts.values += 1
            new = transform(old, f"{table}.{column} of row {row[0]}")
            if new is not None and new != old:
                counts.changed += 1
                updates[column].append((new, row[0], old))
    if not dry_run:
        with connection.cursor() as cursor:
            for column, params in updates.items():
                if params:
                    cursor.executemany(
                        f"UPDATE {qn(table)} SET {qn(column)} = %s "
                        f"WHERE {qn(pk)} = %s AND {qn(column)} = %s",
                        params,
                    )
    return counts


def rewrite_table(
    connection: Any,
    table: str,
    pk: str,
    columns: list[str],
    transform: Transform,
    *,
    batch_size: int = 500,
    dry_run: bool = False,
    on_batch: Callable[[Counts], None] | None = None,
) -> Counts:
    """Rewrite a whole table, one transaction per batch (so a huge table never holds locks long)."""
    total = Counts()
    for rows in batches(connection, table, pk, columns, batch_size):
        with transaction.atomic(using=connection.alias):
            current = rows if dry_run else _locked(connection, table, pk, columns, rows)
            counts = rewrite_batch(
                connection, table, pk, columns, current, transform, dry_run=dry_run
            )
        total.add(counts)
        if on_batch is not None:
            on_batch(counts)
    return total


def _locked(
    connection: Any, table: str, pk: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Re-read the batch inside its transaction, locking the rows where the database can."""
    if not connection.features.has_select_for_update:
        # SQLite: commonweal opens IMMEDIATE transactions, so this one already holds the
        # write lock; the compare-and-set UPDATE guards any other configuration.
        return rows
    qn = connection.ops.quote_name
    param_markers = ", ".join(["%s"] * len(rows))  # one %s per id, values passed separately
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn(pk)}, {', '.join(qn(c) for c in columns)} FROM {qn(table)} "
            f"WHERE {qn(pk)} IN ({param_markers}) ORDER BY {qn(pk)} FOR UPDATE",
            [row[0] for row in rows],
        )
        return cursor.fetchall()


# --- transforms ----------------------------------------------------------------------------------


def encrypt_if_plain(value: str, what: str) -> str | None:
    """For the data migration: encrypt a plaintext value; leave a token already readable."""
    if _opens(value):
        return None
    return encryption.encrypt(value)


def decrypt_token(value: str, what: str) -> str:
    """For reversing the data migration: the plaintext back in the column."""
    return encryption.decrypt(value, what=what)


def rotate_token(value: str, what: str) -> str | None:
    """For key rotation: re-encrypt with the newest key unless it already is."""
    if encryption.is_current(value):
        return None
    return encryption.rotate(value, what=what)


def _opens(value: str) -> bool:
    try:
        encryption.decrypt(value)
    except encryption.UndecryptableValue:
        return False
    return True


# --- data migrations ----------------------------------------------------------------------------


def migration_functions(
    app_label: str, fields: dict[str, list[str]]
) -> tuple[Callable[[Any, Any], None], Callable[[Any, Any], None]]:
    """RunPython (forward, backward) that encrypt / decrypt these models' existing values.

    `fields` maps a model name to its encrypted field names; the columns are read from the
    migration's historical models, and rewritten as raw values.
    """

    def run(transform: Transform) -> Callable[[Any, Any], None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            connection = schema_editor.connection
            for model_name, names in fields.items():
                model = apps.get_model(app_label, model_name)
                columns = [model._meta.get_field(name).column for name in names]
                for rows in batches(
                    connection, model._meta.db_table, model._meta.pk.column, columns, 500
                ):
                    rewrite_batch(
                        connection,
                        model._meta.db_table,
                        model._meta.pk.column,
                        columns,
                        rows,
                        transform,
                    )

        return apply

    return run(encrypt_if_plain), run(decrypt_token)
