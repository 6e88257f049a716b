"""Training records: recording who a partner trained, where trained people are lacking, and
reminders before a certificate expires.

`coverage` is a pure function over plain rows, so the roster's arithmetic is tested without a
database. Names and emails never leave the recording organisation's pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commonweal.programs.models import TrainingRecord
from commonweal.referrals import outbox

# How long before expiry the trained person (and the coalition's roster) is warned.
EXPIRY_WARNING = dt.timedelta(days=60)
ZIP = re.compile(r"^\d{5}$")

COMPLETED_IN_FUTURE = _("The training cannot be completed in the future.")
EXPIRES_BEFORE = _("A certificate cannot expire before the training was completed.")
BAD_ZIP = _("Enter a 5-digit ZIP code.")


@dataclass(frozen=True)
class Row:
    """What coverage needs of a record: no name."""

    zip_code: str
    languages: tuple[str, ...]
    expires_on: dt.date | None


@dataclass(frozen=True)
class Cell:
    zip_code: str
    language: str
    current: int
    expiring: int  # current, but expiring within EXPIRY_WARNING


def state(expires_on: dt.date | None, today: dt.date) -> str:
    """current, expiring or expired."""
    if expires_on is None or expires_on - today > EXPIRY_WARNING:
        return "current"
    return "expired" if expires_on < today else "expiring"


def coverage(rows: Iterable[Row], *, today: dt.date) -> list[Cell]:
    """Trained people with a valid certificate per ZIP code and language (a person who speaks
    two languages counts in both), fewest first: where a coalition lacks trained people."""
    current: Counter[tuple[str, str]] = Counter()
    expiring: Counter[tuple[str, str]] = Counter()
    for row in rows:
        kind = state(row.expires_on, today)
        if kind == "expired":
            continue
        for language in row.languages or ("",):
            current[(row.zip_code, language)] += 1
            if kind == "expiring":
                expiring[(row.zip_code, language)] += 1
    cells = [Cell(z, lang, n, expiring[(z, lang)]) for (z, lang), n in current.items()]
    return sorted(cells, key=lambda c: (c.current, c.zip_code, c.language))


def _errors(record: TrainingRecord, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if record.completed_on and record.completed_on > today:
        errors["completed_on"] = [str(COMPLETED_IN_FUTURE)]
    if record.expires_on and record.completed_on and record.expires_on < record.completed_on:
        errors["expires_on"] = [str(EXPIRES_BEFORE)]
    if not ZIP.match(record.zip_code or ""):
        errors["zip_code"] = [str(BAD_ZIP)]
    if record.email:
        try:
            validate_email(record.email)
        except ValidationError:
            errors["email"] = [str(_("This is not an email address like name@example.org."))]
    return errors


@transaction.atomic
def record_training(
    *, organization: Any, by: Any, today: dt.date | None = None, **fields: Any
) -> TrainingRecord:
    today = today or dt.date.today()
    record = TrainingRecord(organization=organization, **fields)
    errors: dict[str, list[str]] = {}
    try:
        record.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    for field, messages in _errors(record, today).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    record.save()
    return record


def send_expiry_reminders(*, today: dt.date | None = None) -> int:
    """Email each trained person whose certificate expires within EXPIRY_WARNING, once per
    certificate (the outbox key holds the expiry date, so a renewed one is reminded again)."""
    today = today or dt.date.today()
    due = TrainingRecord.objects.filter(
        expires_on__gte=today, expires_on__lte=today + EXPIRY_WARNING
    ).exclude(email="")
    sent = 0
    for record in due:
        with transaction.atomic():
            _message, created = outbox.enqueue(
                kind="training-expiry",
                channel=outbox.Channel.EMAIL,
                recipient_kind=outbox.RecipientKind.PERSON,
                to=record.email,
                subject=str(_("Your certificate expires soon")),
                body=outbox.render(
                    "programs/messages/training_expiry.txt",
                    {"record": record, "organization": record.organization.name},
                    settings.LANGUAGE_CODE,
                ),
                language=settings.LANGUAGE_CODE,
                key=f"training-expiry:{record.pk}:{record.expires_on.isoformat()}",
            )
            if created:
                TrainingRecord.objects.filter(pk=record.pk).update(reminded_on=today)
                sent += 1
    return sent
