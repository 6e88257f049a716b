"""Agreement status and expiry: which partnership and data-sharing agreements need attention.

A pure core (plain values in, plain values out): `state` says where one agreement stands on
a given day, `warnings` lists the agreements that have lapsed or will within the horizon.
The horizon is COMMONWEAL_AGREEMENT_WARNING_DAYS (60 days unless configured): renewing a
signed agreement usually takes a governance meeting or two, so the warning comes early.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

PARTNERSHIP = "partnership"
DATA_SHARING = "data_sharing"
KIND_LABELS = {PARTNERSHIP: _("Partnership agreement"), DATA_SHARING: _("Data-sharing agreement")}


class Level(enum.Enum):
    NONE = "none"  # no agreement, or one that has ended: nothing to renew
    PENDING = "pending"  # being negotiated
    CURRENT = "current"  # signed, not expiring within the horizon (or open-ended)
    EXPIRING = "expiring"  # signed, expires within the horizon
    EXPIRED = "expired"  # signed, and its expiry date has passed

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])

    @property
    def needs_attention(self) -> bool:
        return self in (Level.EXPIRING, Level.EXPIRED)


LEVEL_LABELS = {
    Level.NONE: _("none"),
    Level.PENDING: _("being negotiated"),
    Level.CURRENT: _("current"),
    Level.EXPIRING: _("expiring soon"),
    Level.EXPIRED: _("expired"),
}


@dataclass(frozen=True)
class AgreementState:
    level: Level
    expires_on: dt.date | None
    days_left: int | None  # negative once expired; None when it has no expiry date


def horizon_days() -> int:
    return int(settings.COMMONWEAL_AGREEMENT_WARNING_DAYS)


def state(
    status: str, expires_on: dt.date | None, *, today: dt.date, horizon: int
) -> AgreementState:
    """Where one agreement stands on `today`, warning `horizon` days before it expires."""
    if status == "draft":
        return AgreementState(Level.PENDING, expires_on, None)
    if status != "signed":
        return AgreementState(Level.NONE, None, None)
    if expires_on is None:
        return AgreementState(Level.CURRENT, None, None)
    days_left = (expires_on - today).days
    if days_left < 0:
        level = Level.EXPIRED
    elif days_left <= horizon:
        level = Level.EXPIRING
    else:
        level = Level.CURRENT
    return AgreementState(level, expires_on, days_left)


@dataclass(frozen=True)
class Warning:
    partner: Any
    kind: str
    state: AgreementState

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def states(partner: Any, *, today: dt.date, horizon: int) -> dict[str, AgreementState]:
    """Both of a partner's agreements: {"partnership": …, "data_sharing": …}."""
    return {
        PARTNERSHIP: state(
            partner.agreement_status, partner.agreement_expires_on, today=today, horizon=horizon
        ),
        DATA_SHARING: state(
            partner.data_sharing_status,
            partner.data_sharing_expires_on,
            today=today,
            horizon=horizon,
        ),
    }


def warnings(partners: Iterable[Any], *, today: dt.date, horizon: int) -> list[Warning]:
    """The agreements that have expired or expire within `horizon` days, soonest first."""
    found = [
        Warning(partner, kind, agreement)
        for partner in partners
        for kind, agreement in states(partner, today=today, horizon=horizon).items()
        if agreement.level.needs_attention
    ]
    return sorted(found, key=lambda w: (w.state.days_left, str(w.partner), w.kind))
