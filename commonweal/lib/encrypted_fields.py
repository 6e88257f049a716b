"""Model fields whose values are stored as Fernet tokens (commonweal/lib/encryption.py).

Reads and writes through the ORM see plain values; the column holds only ciphertext, so
the database cannot filter, order or search on it. A lookup other than `isnull` (or an
exact empty string, for text) is refused with a clear error instead of quietly matching
nothing. An empty string is stored as itself, so a blank note costs no encryption.
`commonweal rotate-keys` finds these fields through `EncryptedField`.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from commonweal.lib import encryption

REFUSED_LOOKUP = (
    "{field} is encrypted at rest: the database holds only ciphertext, so it cannot be "
    "queried with '__{lookup}'. Only '__isnull'{empty} is allowed; filter on another field, "
    "or in Python after reading the rows."
)


class EncryptedLookupError(FieldError):
    """A filter on an encrypted column: it would compare ciphertext, which is always a bug."""


class EncryptedField:
    """Marks a field as encrypted at rest; shared lookup refusal and checks."""

    allows_exact_empty = False

    def label(self) -> str:
        model = getattr(self, "model", None)
        name = getattr(self, "name", "?")
        return f"{model._meta.label}.{name}" if model is not None else name

    def refuse(self, lookup_name: str) -> EncryptedLookupError:
        empty = " or an exact empty string" if self.allows_exact_empty else ""
        return EncryptedLookupError(
            REFUSED_LOOKUP.format(field=self.label(), lookup=lookup_name, empty=empty)
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact" and self.allows_exact_empty:
            return _EmptyOnlyExact
        raise self.refuse(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise self.refuse(lookup_name)

    def _check_encrypted(self) -> list[checks.CheckMessage]:
        problems = []
        if getattr(self, "db_index", False) or getattr(self, "_unique", False):
            problems.append(
                checks.Error(
                    f"{self.label()} is encrypted: an index or unique constraint on "
                    "ciphertext is meaningless (every encryption differs).",
                    obj=self,
                    id="commonweal.E003",
                )
            )
        model = getattr(self, "model", None)
        ordering = (model._meta.ordering or []) if model is not None else []
        names = {str(item).lstrip("-?") for item in ordering}
        if getattr(self, "name", None) in names:
            problems.append(
                checks.Error(
                    f"{self.label()} is encrypted and cannot order the model's rows.",
                    obj=self,
                    id="commonweal.E003",
                )
            )
        return problems


class _EmptyOnlyExact(Exact):
    """`field=""` (or `field=None`, which Django turns into isnull): ciphertext is never ""."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise self.lhs.output_field.refuse("exact")
        return self.rhs


class EncryptedTextField(EncryptedField, models.TextField):
    """A TextField stored encrypted; "" stays "" so blank notes cost nothing."""

    allows_exact_empty = True

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_encrypted()]

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encryption.encrypt(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return encryption.decrypt(value, what=self.label())


class EncryptedJSONField(EncryptedField, models.Field):
    """A JSON value (dict, list …) stored as an encrypted JSON text; NULL stays NULL."""

    empty_strings_allowed = False
    description = "A JSON value, encrypted at rest"
    default_error_messages = {"invalid": "Value must be valid JSON."}

    def get_internal_type(self) -> str:
        # A plain text column: a token is not JSON, so the database's JSON type cannot hold it.
        return "TextField"

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_encrypted()]

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        return encryption.encrypt(json.dumps(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(encryption.decrypt(value, what=self.label()))

    def to_python(self, value: Any) -> Any:
        # The value is already Python (a dict from code or a form); nothing to convert.
        return value

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        try:
            json.dumps(value)
        except TypeError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def value_to_string(self, obj: Any) -> Any:
        # Serializers (dumpdata) get the plain structure, as Django's own JSONField gives.
        return self.value_from_object(obj)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})
