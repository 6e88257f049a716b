"""kill -9 of the production server in the middle of a referral's status change.

The server (gunicorn, production settings, the suite's database engine) is paused by a
test-only fault point (tests/system/fault_hooks) right after the change's referral row,
history event and outbox messages were written and before its audit event and commit; the
test then SIGKILLs the whole process group. Afterwards the referral must be exactly as
before (no status without its history, audit or messages) and the same request, retried
against a restarted server, must succeed once.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from tests.system import fault_site
from tests.system.fault_site import Database, fault_template, site_db

__all__ = ["fault_template", "site_db"]

# After notifications.on_transition: referral, event and outbox rows written, audit not yet.
MID_TRANSITION = "commonweal.referrals.notifications:on_transition:after"


def referral_state(db: Database, referral: str) -> dict[str, object]:
    referral_id = db.uuid(referral)
    status, version = db.query(
        "SELECT status, version FROM referrals_referral WHERE id = %s", (referral_id,)
    )[0]
    count = "SELECT count(*) FROM {} WHERE {} = %s"
    return {
        "status": status,
        "version": version,
        "events": db.scalar(count.format("referrals_referralevent", "referral_id"), (referral_id,)),
        "messages": db.scalar(
            count.format("referrals_outboxmessage", "referral_id"), (referral_id,)
        ),
        "audit_updates": db.scalar(
            "SELECT count(*) FROM accounts_auditevent WHERE object_id = %s AND action = 'update'",
            (referral,),
        ),
    }


def accept(url: str, made: dict[str, object], timeout: float = 30) -> tuple[int, bytes]:
    status, _headers, body = fault_site.http(
        "POST",
        f"{url}/api/v1/referrals/{made['referral']}/transition",
        body={"status": "accepted"},
        headers={"Authorization": f"Bearer {made['token']}", "If-Match": f'"{made["version"]}"'},
        timeout=timeout,
    )
    return status, body


def test_a_referral_update_cut_by_kill_9_is_absent_whole_and_can_be_retried(
    site_db: Database, tmp_path: Path
) -> None:
    env = fault_site.base_env(site_db.env)
    made = fault_site.scenario("referral", env=env)
    before = referral_state(site_db, made["referral"])
    assert before["status"] == "requested"

    server = fault_site.gunicorn(env, tmp_path / "first", pause=MID_TRANSITION)
    answers: list[object] = []

    def call() -> None:
        try:
            answers.append(accept(server.extra["url"], made))
        except OSError as error:  # the server died under the request
            answers.append(error)

    caller = threading.Thread(target=call)
    try:
        caller.start()
        server.wait_paused()
        server.kill_9()
    finally:
        server.stop()
    caller.join(timeout=fault_site.STOP_AFTER)
    assert answers and isinstance(answers[0], OSError), answers

    # Nothing of the cut change survives: not the status, nor its history, messages or audit.
    assert referral_state(site_db, made["referral"]) == before

    retried = fault_site.gunicorn(env, tmp_path / "second")
    try:
        status, body = accept(retried.extra["url"], made)
        assert status == 200, body
        assert json.loads(body)["status"] == "accepted"
        # The same request again is now stale: it is not applied twice.
        again, _ = accept(retried.extra["url"], made)
        assert again == 412
    finally:
        retried.stop()
    after = referral_state(site_db, made["referral"])
    assert after["status"] == "accepted"
    assert after["version"] == before["version"] + 1
    assert after["events"] == before["events"] + 1
    assert after["audit_updates"] == before["audit_updates"] + 1
    assert after["messages"] > before["messages"]
    assert fault_site.scenario("audit_verdict", env=env)["intact"]
