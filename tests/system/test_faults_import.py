"""kill -9 of `commonweal import` in the middle of its one transaction.

A test-only fault point (tests/system/fault_hooks) pauses the import after every table
was written and before the search index is built and the transaction commits; the test
then SIGKILLs the process. Afterwards the directory holds nothing of that import (no
half-imported data set, no audit event claiming it happened) and running the same import
again completes, once.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from tests.system import fault_site
from tests.system.fault_site import Database, fault_template, site_db

__all__ = ["fault_template", "site_db"]

SAMPLE = fault_site.ROOT / "commonweal/directory/tests/fixtures/hsds-sample"
# Every table written; the search documents and the commit still to come.
BEFORE_INDEXING = "commonweal.directory.search.index:reindex_services:before"
TABLES = {
    "directory_organization": "organizations.csv",
    "directory_service": "services.csv",
    "directory_location": "locations.csv",
}


def rows_in(csv_name: str) -> int:
    with (SAMPLE / csv_name).open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def directory_counts(db: Database) -> dict[str, int]:
    counts = {table: db.scalar(f"SELECT count(*) FROM {table}") for table in TABLES}
    counts["import_audit_events"] = db.scalar(
        "SELECT count(*) FROM accounts_auditevent WHERE action = 'import'"
    )
    return counts


def test_an_import_cut_by_kill_9_leaves_nothing_and_can_be_run_again(
    site_db: Database, tmp_path: Path
) -> None:
    env = fault_site.base_env(site_db.env)
    empty = directory_counts(site_db)
    assert set(empty.values()) == {0}

    cut = fault_site.start(
        [sys.executable, "-m", "commonweal", "import", str(SAMPLE)],
        env=env,
        folder=tmp_path / "cut",
        pause=BEFORE_INDEXING,
    )
    try:
        cut.wait_paused()
        cut.kill_9()
    finally:
        cut.stop()
    assert "Import summary" not in cut.output()
    assert directory_counts(site_db) == empty

    output = fault_site.commonweal("import", str(SAMPLE), env=env)
    assert "Import summary" in output
    imported = directory_counts(site_db)
    assert imported == {
        **{table: rows_in(name) for table, name in TABLES.items()},
        "import_audit_events": 1,
    }
    # The search index was built with the data: the import is usable, not just stored.
    assert site_db.scalar("SELECT count(*) FROM directory_search_doc") == rows_in("services.csv")
    # And a third run changes nothing.
    fault_site.commonweal("import", str(SAMPLE), env=env)
    assert directory_counts(site_db) == {**imported, "import_audit_events": 2}
