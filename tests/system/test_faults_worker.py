"""The worker killed with kill -9 in the middle of delivering a batch of reminders.

Six text-message reminders wait in the outbox. `commonweal worker` (production settings,
the "file" SMS backend so that every message handed over is visible across processes) is
paused by a test-only fault point (tests/system/fault_hooks) right after the third message
was handed to the backend and before that send was recorded; the test SIGKILLs it there.

After a restart every reminder has gone out exactly once (per idempotency key): the ones
never handed over are sent by the new worker, and the one cut off between hand-over and
answer is not sent again. That one is the rule of docs/operations.md ("The outbox:
retries and 'unknown' messages"): it stays "sending" until OUTBOX_LEASE_SECONDS have
passed, then becomes "unknown" and is never resent automatically.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from tests.system import fault_site
from tests.system.fault_site import Database, fault_template, site_db

__all__ = ["fault_template", "site_db"]

COUNT = 6
AFTER_THIRD_HANDOVER = "commonweal.referrals.outbox:send_now:after:3"


def delivered(mail: Path) -> Counter[str]:
    """How many times each reminder's key reached the SMS backend."""
    found: Counter[str] = Counter()
    for path in mail.glob("*.txt"):
        text = path.read_text(errors="replace")
        for n in range(COUNT):
            found[f"fault-reminder-{n}"] += text.count(f"[fault-reminder-{n}]")
    return +found


def statuses(db: Database) -> dict[str, str]:
    rows = db.query(
        "SELECT idempotency_key, status FROM referrals_outboxmessage "
        "WHERE idempotency_key LIKE 'fault-reminder-%%'"
    )
    return dict(rows)


def test_a_worker_killed_mid_batch_sends_every_reminder_once_after_restart(
    site_db: Database, tmp_path: Path
) -> None:
    mail = tmp_path / "mail"
    mail.mkdir()
    env = fault_site.base_env(
        {
            **site_db.env,
            "COMMONWEAL_SMS_BACKEND": "file",
            "COMMONWEAL_SMS_FILE_PATH": str(mail),
        }
    )
    keys = fault_site.scenario("reminders", str(COUNT), env=env)["keys"]
    assert set(statuses(site_db).values()) == {"pending"}
    worker = [sys.executable, "-m", "commonweal", "worker"]

    first = fault_site.start(worker, env=env, folder=tmp_path / "first", pause=AFTER_THIRD_HANDOVER)
    try:
        first.wait_paused()
        first.kill_9()
    finally:
        first.stop()
    handed_over = delivered(mail)
    assert sum(handed_over.values()) == 3 and set(handed_over.values()) == {1}
    cut = statuses(site_db)
    in_doubt = [key for key, status in cut.items() if status == "sending"]
    # Only the message being sent is in doubt; the rest of the batch is still waiting.
    assert len(in_doubt) == 1 and in_doubt[0] in handed_over
    assert Counter(cut.values()) == {"sent": 2, "sending": 1, "pending": COUNT - 3}
    # django-tasks-db never takes back the task of a worker that died: its row stays
    # RUNNING. Harmless: the outbox rows, not the task rows, say what is left to send.
    running = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
    assert site_db.scalar(running) == 1

    second = fault_site.start(worker, env=env, folder=tmp_path / "second")
    try:
        fault_site.wait_for(
            "the restarted worker to send the waiting reminders",
            lambda: Counter(statuses(site_db).values()) == {"sent": COUNT - 1, "sending": 1},
        )
    finally:
        second.stop()
    # Every reminder reached the SMS backend, none twice: the one in doubt was not resent.
    assert delivered(mail) == Counter(dict.fromkeys(keys, 1))
    assert statuses(site_db)[in_doubt[0]] == "sending"

    # Once its lease has passed (0 s here, 300 by default) it is marked "unknown", for a
    # person to check the provider's log; still not resent.
    output = fault_site.commonweal(
        "run_periodic", "deliver-outbox", env={**env, "OUTBOX_LEASE_SECONDS": "0"}
    )
    report = json.loads(output.split(":", 1)[1])
    assert report["unknown"] == 1 and report["sent"] == 0
    assert statuses(site_db)[in_doubt[0]] == "unknown"
    assert delivered(mail) == Counter(dict.fromkeys(keys, 1))
