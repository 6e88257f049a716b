"""The errors of the referral domain: each carries a stable `code` and a translated message.

Pages show `message`; the API returns both (clients branch on `code`, people read `message`).
"""

from __future__ import annotations

from typing import Any


class ReferralError(ValueError):
    """A request the referral rules refuse; nothing was written."""

    code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code is not None:
            self.code = code


class InvalidReferral(ReferralError):
    code = "invalid"


class ConsentRequired(ReferralError):
    """No active, unexpired consent covers this organisation and these data."""

    code = "consent-required"


class NotAcceptingReferrals(ReferralError):
    code = "not-accepting-referrals"


class KeyReused(ReferralError):
    """The idempotency key already made a different referral."""

    code = "idempotency-key-reused"


class IllegalTransition(ReferralError):
    code = "illegal-transition"


class StaleVersion(ReferralError):
    """Someone else changed the referral since the caller read it."""

    code = "stale-version"


class NotAllowed(PermissionError):
    """The user may see the referral (or person) but not do this to it."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)
