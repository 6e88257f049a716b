"""Phone numbers: parsed and checked with `phonenumbers` (Google's libphonenumber data).

A number without a leading + is read as a number of the partnership's country
(settings.PHONE_REGION, "US" by default). US numbers are stored as 305-555-0123 — how
staff read them aloud — and any other country's in E.164 (+442079460958), so a stored
number always parses back to the same number.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Letters or symbols other than these mean the text is not a phone number at all
# (vanity numbers like 1-800-FLOWERS are not used for reaching a person).
ALLOWED_RE = re.compile(r"^[+\d\s().\-]+$")


def region() -> str:
    return getattr(settings, "PHONE_REGION", "US")


def normalise_phone(raw: str) -> str:
    """The number in its stored form, "" for blank, or a ValidationError saying what is wrong."""
    text = (raw or "").strip()
    if not text:
        return ""
    if not ALLOWED_RE.match(text):
        raise ValidationError(
            _("Enter a phone number using digits only, like 305-555-0123."), code="invalid"
        )
    digits = re.sub(r"\D", "", text)
    home = region()
    try:
        number = phonenumbers.parse(text, home)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        if text.startswith("+"):
            raise ValidationError(
                _("An international number has 8 to 15 digits after the +."), code="invalid"
            )
        if home == "US" and len(digits) not in (10, 11):
            raise ValidationError(
                _("Enter a 10-digit phone number with its area code."), code="invalid"
            )
        raise ValidationError(_("This is not a phone number that can be dialled."), code="invalid")
    if not phonenumbers.is_valid_number(number):
        # Possible length but no such area code or exchange: a typo, most often.
        raise ValidationError(_("This number does not exist; check the area code."), code="invalid")
    if phonenumbers.region_code_for_number(number) == "US":
        national = str(number.national_number)
        return f"{national[:3]}-{national[3:6]}-{national[6:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    """Model-field validator: the stored value must be a valid number already normalised."""
    if value and normalise_phone(value) != value:
        raise ValidationError(
            _("Store phone numbers in their normal form, like 305-555-0123."), code="invalid"
        )
