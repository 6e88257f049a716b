"""Re-encrypt every encrypted field of every model with the newest key (`commonweal rotate-keys`).

The fields are found in the model registry (any `EncryptedField`), so a model that adds one
is rotated without a list to keep. Running it twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connections, models, router

from commonweal.lib import encryption
from commonweal.lib.encrypted_columns import Counts, rewrite_table, rotate_token
from commonweal.lib.encrypted_fields import EncryptedField


@dataclass
class ModelRotation:
    label: str  # e.g. "referrals.Referral"
    fields: tuple[str, ...]
    counts: Counts = field(default_factory=Counts)


def encrypted_models() -> list[tuple[type[models.Model], list[models.Field]]]:
    """Every concrete, managed model with encrypted fields, and those fields, by label."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [f for f in meta.local_concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda item: item[0]._meta.label)


def rotate_all(
    *,
    dry_run: bool = False,
    batch_size: int = 500,
    on_batch: Callable[[str, Counts], None] | None = None,
) -> list[ModelRotation]:
    """Rotate every encrypted value to the newest key; counts per model.

    A value no configured key opens stops the run with UndecryptableValue naming the model,
    column and row; batches already done stay done, and running again resumes safely.
    """
    encryption.fernet()  # a missing or malformed key is a clear error before any work
    results = []
    for model, fields in encrypted_models():
        meta = model._meta
        result = ModelRotation(meta.label, tuple(f.name for f in fields))
        connection = connections[router.db_for_write(model)]
        result.counts = rewrite_table(
            connection,
            meta.db_table,
            meta.pk.column,
            [f.column for f in fields],
            rotate_token,
            batch_size=batch_size,
            dry_run=dry_run,
            on_batch=(lambda counts, label=meta.label: on_batch(label, counts))
            if on_batch
            else None,
        )
        results.append(result)
    return results
