"""Sending a text message (SMS), through a backend chosen by a setting.

COMMONWEAL_SMS_BACKEND:
- "console": prints the message with the number masked (the default in DEBUG and tests);
- "file": writes each message, number included, to a file in COMMONWEAL_SMS_FILE_PATH
  (default DATA_DIR/sms) — for development, like Django's file email backend;
- "twilio": Twilio's REST API over HTTPS with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and
  TWILIO_FROM_NUMBER (or TWILIO_MESSAGING_SERVICE_SID);
- "" (the production default): texting is off and the pages do not offer it.

Phone numbers are person data: nothing here logs one unmasked, and errors never repeat it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

TWILIO_API_BASE = "https://api.twilio.com"
TIMEOUT_SECONDS = 10


class SmsError(Exception):
    """A message could not be sent; `str(error)` is safe to show (no number in it)."""


class Backend(Protocol):
    def send(self, to: str, body: str) -> None: ...


def _setting(name: str, default: str = "") -> str:
    """A setting, else the environment variable of the same name (settings may not list it)."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def backend_name() -> str:
    testing = getattr(settings, "TESTING", False)
    default = "console" if settings.DEBUG or testing else ""
    return _setting("COMMONWEAL_SMS_BACKEND", default).strip().lower()


def is_enabled() -> bool:
    return backend_name() in BACKENDS


def us_number(text: str) -> str | None:
    """A US phone number in E.164 ("+13055550100"), or None when it is not one.

    Accepts the ways people write them: "(305) 555-0100", "305.555.0100", "1 305 555 0100"."""
    if not text or len(text) > 40 or re.search(r"[^\d\s()+.\-]", text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    # North American numbers: area code and exchange never start with 0 or 1.
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return f"+1{digits}"


def mask(number: str) -> str:
    """All but the last four digits hidden ("•••-•••-0100"): enough to tell messages apart."""
    digits = re.sub(r"\D", "", number or "")
    return f"•••-•••-{digits[-4:]}" if len(digits) >= 4 else "•••"


class ConsoleBackend:
    def __init__(self, stream=None) -> None:
        self.stream = stream

    def send(self, to: str, body: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {mask(to)} ({len(body)} characters)\n{body}\n{'-' * 40}\n")
        stream.flush()


class FileBackend:
    def __init__(self, folder: Path | None = None) -> None:
        configured = _setting("COMMONWEAL_SMS_FILE_PATH")
        self.folder = folder or (
            Path(configured) if configured else Path(settings.DATA_DIR) / "sms"
        )

    def send(self, to: str, body: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.txt"
            path.write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
        except OSError as error:
            logger.error("SMS file backend could not write: %s", error.strerror)
            raise SmsError(_("The text message could not be saved.")) from None


class TwilioBackend:
    """POST /2010-04-01/Accounts/{sid}/Messages.json with HTTP Basic auth (sid:token)."""

    def __init__(self) -> None:
        self.account_sid = _setting("TWILIO_ACCOUNT_SID")
        self.auth_token = _setting("TWILIO_AUTH_TOKEN")
        self.from_number = _setting("TWILIO_FROM_NUMBER")
        self.messaging_service_sid = _setting("TWILIO_MESSAGING_SERVICE_SID")
        self.api_base = _setting("TWILIO_API_BASE", TWILIO_API_BASE).rstrip("/")

    def send(self, to: str, body: str) -> None:
        if not (self.account_sid and self.auth_token) or not (
            self.from_number or self.messaging_service_sid
        ):
            logger.error("SMS backend twilio is missing TWILIO_* settings")
            raise SmsError(_("Text messages are not set up on this site."))
        fields = {"To": to, "Body": body}
        if self.messaging_service_sid:
            fields["MessagingServiceSid"] = self.messaging_service_sid
        else:
            fields["From"] = self.from_number
        sid = urllib.parse.quote(self.account_sid, safe="")
        request = urllib.request.Request(
            f"{self.api_base}/2010-04-01/Accounts/{sid}/Messages.json",
            data=urllib.parse.urlencode(fields).encode(),
            method="POST",
            headers={
                "Authorization": "Basic "
                + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as error:
            # Twilio's error body names its code (e.g. 21211 invalid number); log the code,
            # never the message text, which can repeat the number.
            code = _twilio_code(error)
            logger.warning(
                "Twilio refused a message to %s: HTTP %s code %s", mask(to), error.code, code
            )
            if error.code == 400:
                raise SmsError(
                    _("The text message was refused. Check that the number is a mobile number.")
                ) from None
            raise SmsError(_("The text message could not be sent. Try again later.")) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            logger.warning("Twilio could not be reached: %s", type(error).__name__)
            raise SmsError(_("The text message could not be sent. Try again later.")) from None


def _twilio_code(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read().decode() or "{}").get("code", ""))
    except (ValueError, OSError, AttributeError):
        return ""


BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "twilio": TwilioBackend}


def get_backend() -> Backend:
    name = backend_name()
    if name not in BACKENDS:
        raise SmsError(_("Text messages are not set up on this site."))
    return BACKENDS[name]()


def send(to: str, body: str) -> None:
    """Send `body` to the E.164 number `to`; raises SmsError with a message to show."""
    get_backend().send(to, body)
