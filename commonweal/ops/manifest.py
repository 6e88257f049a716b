"""What a backup holds, in a small JSON manifest beside the database copy in one archive.

The schema version is the set of migrations applied in the copied database; comparing it
with the migrations this code ships tells a restore whether the backup is older (restore,
then `migrate`), the same, or newer (refuse: this code cannot know the tables' shape).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
SQLITE = "sqlite"
POSTGRESQL = "postgresql-custom"
# The archive member holding the database copy, per format.
DATABASE_MEMBER = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
# Django's database engine vendor that can take each format.
VENDOR = {SQLITE: "sqlite", POSTGRESQL: "postgresql"}

Migration = tuple[str, str]  # (app label, migration name)


class BadManifest(Exception):
    """The archive's manifest is missing, not JSON, or not one this code can read."""


@dataclass(frozen=True)
class Manifest:
    format: str
    created_at: dt.datetime
    migrations: frozenset[Migration]
    sha256: str
    size: int
    commonweal_version: str = ""

    @property
    def member(self) -> str:
        return DATABASE_MEMBER[self.format]

    def latest_per_app(self) -> dict[str, str]:
        return latest_per_app(self.migrations)

    def to_json(self) -> str:
        return json.dumps(
            {
                "commonweal_backup": MANIFEST_VERSION,
                "format": self.format,
                "created_at": self.created_at.astimezone(dt.UTC).isoformat(),
                "commonweal_version": self.commonweal_version,
                "schema": self.latest_per_app(),
                "migrations": sorted(f"{app}.{name}" for app, name in self.migrations),
                "database": {"member": self.member, "sha256": self.sha256, "size": self.size},
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("commonweal_backup") != MANIFEST_VERSION:
                raise BadManifest(
                    f"its manifest is version {data.get('commonweal_backup')!r}; "
                    f"this code reads version {MANIFEST_VERSION}"
                )
            fmt = data["format"]
            if fmt not in DATABASE_MEMBER:
                raise BadManifest(f"its format {fmt!r} is not one this code knows")
            return cls(
                format=fmt,
                created_at=dt.datetime.fromisoformat(data["created_at"]),
                migrations=frozenset(_split(label) for label in data["migrations"]),
                sha256=data["database"]["sha256"],
                size=int(data["database"]["size"]),
                commonweal_version=data.get("commonweal_version", ""),
            )
        except BadManifest:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadManifest(f"its manifest cannot be read ({type(exc).__name__})") from None


def _split(label: str) -> Migration:
    app, name = label.split(".", 1)
    return app, name


def latest_per_app(migrations: frozenset[Migration] | set[Migration]) -> dict[str, str]:
    """The highest-named migration of each app (names start with a zero-padded number)."""
    latest: dict[str, str] = {}
    for app, name in migrations:
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


@dataclass(frozen=True)
class SchemaComparison:
    unknown: frozenset[Migration]  # applied in the backup, absent from this code: newer
    missing: frozenset[Migration]  # in this code, not applied in the backup: older

    @property
    def newer(self) -> bool:
        return bool(self.unknown)

    @property
    def older(self) -> bool:
        return not self.unknown and bool(self.missing)


def compare(backup: frozenset[Migration], code: frozenset[Migration]) -> SchemaComparison:
    return SchemaComparison(unknown=backup - code, missing=code - backup)


def describe(migrations: frozenset[Migration], limit: int = 5) -> str:
    """'accounts.0009_x, referrals.0031_y' (the first few, then how many more)."""
    names = sorted(f"{app}.{name}" for app, name in migrations)
    text = ", ".join(names[:limit])
    if len(names) > limit:
        text += f" and {len(names) - limit} more"
    return text
