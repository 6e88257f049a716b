"""The audit log's hash chain: canonical content, event hashes and the walk that checks them.

Pure: no database. Each event's hash is the SHA-256 of a canonical JSON of its content and
the previous event's hash, so changing, removing or reordering a stored event breaks the
chain from that point on. The canonical form is frozen: the migration that chained the
existing rows imports it, and every stored hash depends on it. Change it only with a new
version and a migration that re-chains (which would itself be visible in the log).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The first event chains from this fixed value (sha256 of "commonweal audit genesis").
GENESIS = hashlib.sha256(b"commonweal audit genesis").hexdigest()

# The columns a verifier reads, in this order (AuditEvent field names).
FIELDS = (
    "id",
    "at",
    "actor_label",
    "actor_ref",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "ip_address",
    "detail",
    "prev_hash",
    "hash",
)


def _stable_json(value: Any) -> Any:
    """The detail as any database gives it back.

    A JSON round trip turns tuples into lists and non-string keys into strings; PostgreSQL's
    jsonb also writes an integral float (1.0, 1e20) as an integer, so integral floats are
    integers here on every database.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(key): _stable_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_stable_json(item) for item in value]
    return value


def normalise_detail(detail: Any) -> Any:
    return _stable_json(json.loads(json.dumps(detail or {})))


def _timestamp(at: dt.datetime) -> str:
    if at.tzinfo is None:
        # Stored datetimes are UTC (USE_TZ); a naive one can only be UTC.
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _address(ip_address: str | None) -> str | None:
    if not ip_address:
        return None
    try:
        return str(ipaddress.ip_address(str(ip_address).split("/")[0]))
    except ValueError:
        return str(ip_address)


def canonical(
    *,
    at: dt.datetime,
    actor_label: str,
    actor_ref: str,
    action: str,
    object_type: str,
    object_id: str,
    person_id: str,
    ip_address: str | None,
    detail: Any,
    prev_hash: str,
) -> bytes:
    content = {
        "v": 1,
        "at": _timestamp(at),
        "actor_label": str(actor_label or ""),
        "actor_id": str(actor_ref or ""),
        "action": str(action or ""),
        "object_type": str(object_type or ""),
        "object_id": str(object_id or ""),
        "person_id": str(person_id or ""),
        "ip_address": _address(ip_address),
        "detail": normalise_detail(detail),
        "prev_hash": prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(**content: Any) -> str:
    return hashlib.sha256(canonical(**content)).hexdigest()


def row_hash(row: dict[str, Any]) -> str:
    """The hash a stored row should carry, from its own columns."""
    return event_hash(**{name: row[name] for name in FIELDS if name not in {"id", "hash"}})


# --- checking the chain --------------------------------------------------------------------------

CONTENT_CHANGED = "content_changed"
CHAIN_BROKEN = "chain_broken"
MISSING_ROWS = "missing_rows"
EXPECTED_MISSING = "expected_missing"


@dataclass(frozen=True)
class Problem:
    kind: str
    event_id: int | None
    at: dt.datetime | None
    message: str


@dataclass(frozen=True)
class Verdict:
    count: int
    last_hash: str
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


class ChainWalker:
    """Checks rows fed in id order, batch by batch, keeping only the previous row."""

    def __init__(self, *, expect_hash: str = "") -> None:
        self.count = 0
        self.last_hash = GENESIS
        self.last_id: int | None = None
        self.problem: Problem | None = None
        self.expect_hash = expect_hash
        self.expected_seen = not expect_hash

    def feed(self, rows: Iterable[dict[str, Any]]) -> bool:
        """Check these rows; False once a problem is found (stop feeding then)."""
        for row in rows:
            self.problem = self._check(row)
            if self.problem is not None:
                return False
            self.count += 1
            self.last_hash = row["hash"]
            self.last_id = row["id"]
            if row["hash"] == self.expect_hash:
                self.expected_seen = True
        return True

    def _check(self, row: dict[str, Any]) -> Problem | None:
        def problem(kind: str, message: str) -> Problem:
            return Problem(kind=kind, event_id=row["id"], at=row["at"], message=message)

        if row_hash(row) != row["hash"]:
            return problem(
                CONTENT_CHANGED,
                "its content was changed after it was written (the stored hash does not match)",
            )
        if row["prev_hash"] == self.last_hash:
            return None
        if self.last_id is None:
            return problem(
                MISSING_ROWS,
                "events before it are missing (the first event does not start the chain)",
            )
        if row["id"] != self.last_id + 1:
            return problem(
                MISSING_ROWS,
                f"events between {self.last_id} and it are missing "
                "(it does not chain onto the event before it)",
            )
        return problem(
            CHAIN_BROKEN,
            f"the chain is broken: it does not chain onto event {self.last_id}",
        )

    def verdict(self) -> Verdict:
        problem = self.problem
        if problem is None and not self.expected_seen:
            problem = Problem(
                kind=EXPECTED_MISSING,
                event_id=None,
                at=None,
                message=f"no event has the expected hash {self.expect_hash}: "
                "events recorded since it was noted are missing",
            )
        return Verdict(count=self.count, last_hash=self.last_hash, problem=problem)
