"""Replies to our texts, from Twilio's inbound-message webhook: STOP, START and HELP.

Twilio signs each webhook request: X-Twilio-Signature is the Base64 HMAC-SHA1, keyed
with the account's auth token, of the full URL Twilio requested followed by every POST
parameter name and value, sorted by name (https://www.twilio.com/docs/usage/webhooks/
webhooks-security). A request without a valid signature is refused before anything is read.

Keywords: the CTIA opt-out and opt-in words Twilio's Advanced Opt-Out recognises, plus
Spanish "ALTO" and "PARAR" (our Spanish texts say "Responda ALTO"). A keyword is the
whole message, in any case, with surrounding spaces and punctuation ignored: "Stop!" stops,
"don't stop reminding me" does not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from commonweal.programs import opt_out
from commonweal.programs.reminder_models import OptOutSource
from commonweal.referrals.reminders import mobile_number

STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
)
SPANISH_STOP_WORDS = frozenset({"ALTO", "PARAR", "PARE", "BAJA"})
START_WORDS = frozenset({"START", "UNSTOP"})
SPANISH_START_WORDS = frozenset({"INICIO", "COMENZAR"})
HELP_WORDS = frozenset({"HELP", "INFO"})
SPANISH_HELP_WORDS = frozenset({"AYUDA"})


def normalise_keyword(body: str) -> str:
    """The message as a keyword: letters only, upper case ("Stop!" is STOP)."""
    return "".join(ch for ch in (body or "").strip() if ch.isalpha()).upper()[:20]


@dataclass(frozen=True)
class Reply:
    action: str  # "stopped", "started", "help" or "ignored"
    text: str  # what to text back ("" for nothing)


def signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's request signature of `url` and the POST parameters."""
    payload = url + "".join(name + value for name, value in sorted(params, key=lambda p: p[0]))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def is_signed(*, auth_token: str, url: str, params: Iterable[tuple[str, str]], header: str) -> bool:
    if not auth_token or not header:
        return False
    expected = signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def handle(*, sender: str, body: str) -> Reply:
    """Act on one inbound text and say what to answer."""
    word = normalise_keyword(body)
    number = mobile_number(sender or "")
    spanish = word in SPANISH_STOP_WORDS | SPANISH_START_WORDS | SPANISH_HELP_WORDS
    language = "es" if spanish else settings.LANGUAGE_CODE
    with translation.override(language):
        if number is None:
            return Reply("ignored", "")
        if word in STOP_WORDS | SPANISH_STOP_WORDS:
            opt_out.opt_out(address=number, source=OptOutSource.SMS)
            return Reply(
                "stopped",
                _("%(site)s: you will get no more reminders from us. Text START to get them again.")
                % {"site": settings.SITE_NAME},
            )
        if word in START_WORDS | SPANISH_START_WORDS:
            opt_out.opt_in(address=number)
            return Reply(
                "started",
                _("%(site)s: your reminders are back on. Text STOP to stop.")
                % {"site": settings.SITE_NAME},
            )
        if word in HELP_WORDS | SPANISH_HELP_WORDS:
            return Reply(
                "help",
                _(
                    "%(site)s reminders. Text STOP to stop. In a crisis call or text 988. "
                    "Message and data rates may apply."
                )
                % {"site": settings.SITE_NAME},
            )
    return Reply("ignored", "")
