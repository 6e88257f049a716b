"""The SQLite backup is safe while the site runs: writes during it neither corrupt the copy
nor make it inconsistent (it is the database as of one moment), and are not blocked."""

from __future__ import annotations

import sqlite3
import tarfile
import threading
import time
from pathlib import Path

import pytest

from commonweal.ops import backup

SQLITE = "django.db.backends.sqlite3"


class TimedConnection(sqlite3.Connection):
    """Records when its backup step ran, to tell which writes happened during it."""

    started = finished = 0.0

    def backup(self, *args, **kwargs):  # type: ignore[override]
        TimedConnection.started = time.monotonic()
        try:
            return super().backup(*args, **kwargs)
        finally:
            TimedConnection.finished = time.monotonic()


def make_site_database(path: Path) -> None:
    """WAL like the site's, a few MB so a backup takes a while, and a schema version."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text)")
    db.execute("INSERT INTO django_migrations (app, name) VALUES ('referrals', '0001_initial')")
    db.execute("CREATE TABLE referral (id integer primary key, note blob)")
    db.execute("CREATE TABLE referral_event (id integer primary key, referral_id integer)")
    with db:
        db.executemany("INSERT INTO referral (note) VALUES (randomblob(2000))", [()] * 3000)
        db.execute("INSERT INTO referral_event (referral_id) SELECT id FROM referral")
    db.close()


def write_pairs(path: Path, stop: threading.Event, commits: list[float]) -> None:
    """The site writing: a referral and its event in one transaction, again and again."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA busy_timeout=10000")
    while not stop.is_set():
        db.execute("BEGIN IMMEDIATE")
        (ref,) = db.execute(
            "INSERT INTO referral (note) VALUES (randomblob(500)) RETURNING id"
        ).fetchone()
        db.execute("INSERT INTO referral_event (referral_id) VALUES (?)", [ref])
        db.execute("COMMIT")
        commits.append(time.monotonic())
    db.close()


def opened_copy(archive: Path, folder: Path) -> sqlite3.Connection:
    with tarfile.open(archive) as tar:
        tar.extract("database.sqlite3", folder, filter="data")
    return sqlite3.connect(folder / "database.sqlite3")


def test_writes_during_a_backup_leave_a_whole_consistent_copy(tmp_path, monkeypatch) -> None:
    site = tmp_path / "site.sqlite3"
    make_site_database(site)
    monkeypatch.setattr(
        backup, "sqlite_source", lambda name: sqlite3.connect(name, factory=TimedConnection)
    )
    stop, commits = threading.Event(), []
    writer = threading.Thread(target=write_pairs, args=(site, stop, commits))
    writer.start()
    overlapped = 0
    try:
        for attempt in range(10):
            while len(commits) < 5 * (attempt + 1):  # the writer is under way
                time.sleep(0.001)
            archive = backup.back_up(
                {"ENGINE": SQLITE, "NAME": str(site)}, output=tmp_path / f"b{attempt}.tar"
            ).path
            during = [t for t in commits if TimedConnection.started < t < TimedConnection.finished]
            copy = opened_copy(archive, tmp_path / f"copy{attempt}")
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            referrals, events, orphans = copy.execute(
                "SELECT (SELECT count(*) FROM referral), (SELECT count(*) FROM referral_event),"
                " (SELECT count(*) FROM referral r WHERE NOT EXISTS"
                "  (SELECT 1 FROM referral_event e WHERE e.referral_id = r.id))"
            ).fetchone()
            copy.close()
            # One moment's database: never a referral without the event of its transaction.
            assert referrals == events and orphans == 0
            assert referrals >= 3000
            if during:
                overlapped += 1
                if overlapped >= 2:
                    break
    finally:
        stop.set()
        writer.join()
    assert overlapped >= 1, "the writer never committed while a backup step ran"


def test_it_says_so_when_there_is_no_database(tmp_path) -> None:
    with pytest.raises(backup.BackupFailed, match="no SQLite database"):
        backup.back_up({"ENGINE": SQLITE, "NAME": str(tmp_path / "none.sqlite3")}, output=tmp_path)
    assert list(tmp_path.iterdir()) == []  # no archive, no leftover work folder
