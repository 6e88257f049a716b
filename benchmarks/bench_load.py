"""Load: 50 concurrent users for 60 s against the production server (`commonweal serve`
plus `commonweal worker`) over a directory of ~100,000 services, with Locust (headless).

What it does, in order:

1. builds the directory once (bench_search's builder: the Miami 211 directory replicated
   over eight metro areas, imported with `import_tabular`) and keeps it — SQLite in
   var/bench-load/sqlite/, PostgreSQL in `test_<name>` of DATABASE_URL — so reruns skip it;
2. prepares the people the scenario needs (benchmarks/load/people.py): a navigators'
   organisation with its clients and their consents, partner organisations with services,
   staff and a backlog of referrals, every staff account with an authenticator app whose
   secret only the load generator knows (two-step sign-in stays on, as in production);
3. starts `commonweal serve` (WEB_CONCURRENCY workers) and `commonweal worker`;
4. runs Locust twice with the same users and think times: a baseline phase where every
   user asks for `/healthz` (one `SELECT 1`: the cheapest page that touches the database),
   then the scenario (benchmarks/load/locustfile.py): residents 80 %, navigators 15 %,
   partner staff 5 %;
5. prints requests/s, p50/p95/p99 per user class and overall, errors, the slowest request
   names, the ratio to the baseline, and the machine's load average before and after.

The load generator plays the reverse proxy's part: it sends X-Forwarded-Proto: https (the
server keeps its secure cookies and HTTPS redirect, BEHIND_PROXY=true) and one
X-Forwarded-For address per simulated user, so per-address limits apply per user as
behind nginx. Nothing in the server's settings is relaxed for the benchmark.

Needs the `load` extra: pip install -c requirements.lock -c requirements-load.lock -e ".[load]"

    .venv/bin/python benchmarks/bench_load.py [--users 50] [--duration 60] [--workers 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_load .venv/bin/python benchmarks/bench_load.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_import import setup_django  # noqa: E402
from bench_search import build_directory, free_port, percentile  # noqa: E402
from load import scenario  # noqa: E402

LOCUSTFILE = HERE / "load" / "locustfile.py"
SCENARIO_CLASSES = ("Resident", "Navigator", "PartnerStaff")
BASELINE_CLASS = "Baseline"


# --- the database ----------------------------------------------------------------------


def workdir_for(database_url: str | None) -> Path:
    return ROOT / "var" / "bench-load" / ("postgresql" if database_url else "sqlite")


def stable_secrets(workdir: Path) -> dict[str, str]:
    """The field-encryption key of the kept database, made once: people's notes written at
    set-up must stay readable by every later run's server."""
    path = workdir / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    from cryptography.fernet import Fernet

    values = {"COMMONWEAL_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def open_database(workdir: Path) -> str:
    """Create (or keep) the benchmark database and point this process's connection at it."""
    from django.db import connection

    if connection.vendor == "sqlite":
        # The file the server opens as well (settings: DATA_DIR/commonweal.sqlite3).
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
            workdir / "commonweal.sqlite3"
        )
    # serialize=False: a kept database's 1.9 million rows are not copied into memory.
    return connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=True, serialize=False
    )


def ensure_directory(services: int) -> tuple[int, str]:
    from commonweal.directory.models import Service

    existing = Service.objects.count()
    if existing:
        return existing, "kept from an earlier run"
    started = time.perf_counter()
    count, label, _import_s = build_directory(services)
    return count, f"{label}, built in {time.perf_counter() - started:.0f} s"


def server_database_url(test_db: str) -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path=f"/{test_db}"))


# --- the production server and the worker -----------------------------------------------


def server_env(workdir: Path, database_url: str | None, port: int, workers: int) -> dict:
    """Production settings, as a deployment behind nginx has them (BEHIND_PROXY: the
    proxy, here the load generator, says the scheme and the caller's address)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "COMMONWEAL_TESTING", "DATABASE_URL", "DEBUG")
    }
    env.update(stable_secrets(workdir))
    env.update(
        DJANGO_SETTINGS_MODULE="commonweal.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        BEHIND_PROXY="true",
        COMMONWEAL_DATA_DIR=str(workdir),
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        # The worker delivers referral notices; a benchmark mails nobody.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def start(argv: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_ready(server: subprocess.Popen, port: int, log: Path, timeout: float = 300) -> None:
    """Until the server answers the first search (which also warms each worker's caches a
    little; the baseline phase warms the rest)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s; see {log}")


def warm_up(port: int, workers: int) -> None:
    """A few of each kind of resident request from `workers` threads at once, so that
    every gunicorn worker has imported its views and read its caches before the clock
    starts (the first request of a worker costs seconds: measured separately, not here)."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [
        "/",
        "/search/?q=food+pantry",
        "/search/?q=dentist&near=60614&distance=10",
        "/api/v1/search?q=food",
        "/api/v1/search?category=1130&open_now=true&language=es&near=33125",
        "/categories/",
    ]

    def fetch(path: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        connection.getresponse().read()
        connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(fetch, paths * workers * 2))


# --- Locust ----------------------------------------------------------------------------------


def run_locust(
    phase: str,
    classes: tuple[str, ...],
    *,
    users: int,
    duration: int,
    port: int,
    accounts: Path,
    out: Path,
    wait: tuple[float, float],
) -> dict:
    locust = shutil.which("locust", path=os.path.dirname(sys.executable))
    if locust is None:
        raise SystemExit(
            "Locust is not installed: pip install -c requirements.lock "
            "-c requirements-load.lock -e '.[load]'"
        )
    samples = out / f"samples-{phase}.json"
    samples.unlink(missing_ok=True)
    env = dict(
        os.environ,
        LOAD_ACCOUNTS=str(accounts),
        LOAD_SAMPLES=str(samples),
        LOAD_WAIT=f"{wait[0]:g},{wait[1]:g}",
    )
    argv = [
        locust,
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),  # all users within 5 s
        "--run-time",
        f"{duration}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--stop-timeout",
        "30",
        "--exit-code-on-error",
        "0",
        "--csv",
        str(out / phase),
        *classes,
    ]
    with (out / f"locust-{phase}.log").open("wb") as log:
        subprocess.run(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if not samples.exists():
        raise SystemExit(f"Locust wrote no samples; see {out}/locust-{phase}.log")
    return json.loads(samples.read_text())


# --- the figures --------------------------------------------------------------------------------


def summary_rows(
    samples: list, duration: float
) -> list[tuple[str, int, float, float, float, float, int]]:
    """(who, requests, req/s, p50, p95, p99 ms, errors) per class, then overall."""
    by_class: dict[str, list] = {}
    for sample in samples:
        by_class.setdefault(sample[0], []).append(sample)
    rows = []
    for who, group in [*sorted(by_class.items()), ("overall", samples)]:
        times = [s[2] for s in group]
        errors = sum(1 for s in group if s[3])
        rows.append(
            (
                who,
                len(group),
                len(group) / duration,
                percentile(times, 0.50),
                percentile(times, 0.95),
                percentile(times, 0.99),
                errors,
            )
        )
    return rows


def slowest(samples: list, top: int) -> list[tuple[str, int, float, float, int]]:
    by_name: dict[str, list] = {}
    for sample in samples:
        by_name.setdefault(sample[1], []).append(sample)
    rows = [
        (
            name,
            len(group),
            percentile([s[2] for s in group], 0.50),
            percentile([s[2] for s in group], 0.95),
            sum(1 for s in group if s[3]),
        )
        for name, group in by_name.items()
    ]
    return sorted(rows, key=lambda r: r[3], reverse=True)[:top]


def print_table(title: str, rows: list) -> None:
    print(f"\n{title}")
    print(
        f"  {'who':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    for who, count, rate, p50, p95, p99, errors in rows:
        print(
            f"  {who:<10} {count:>8} {rate:>7.1f} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f} {errors:>7}"
        )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000, help="directory size to build")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the scenario")
    parser.add_argument(
        "--baseline-duration", type=int, default=20, help="seconds of the /healthz baseline"
    )
    parser.add_argument(
        "--workers", type=int, default=4, help="WEB_CONCURRENCY: gunicorn worker processes"
    )
    parser.add_argument("--build-only", action="store_true", help="build and prepare, then stop")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="where the SQLite database and the accounts file are kept "
        "(default var/bench-load/<database>; PostgreSQL's data stays in test_<name>)",
    )
    parser.add_argument("--top", type=int, default=8, help="slowest request names to list")
    parser.add_argument(
        "--wait",
        nargs=2,
        type=float,
        metavar=("MIN", "MAX"),
        default=scenario.WAIT_SECONDS,
        help="each user's think time between tasks, seconds (default 1 3)",
    )
    args = parser.parse_args(argv)

    wait = (args.wait[0], args.wait[1])
    database_url = os.environ.get("DATABASE_URL") or None
    workdir = Path(args.keep).resolve() if args.keep else workdir_for(database_url)
    workdir.mkdir(parents=True, exist_ok=True)
    # Before Django reads its settings: the kept database's people are encrypted with it.
    os.environ.update(stable_secrets(workdir))
    setup_django(workdir)
    from django.db import connection
    from load import people

    test_db = open_database(workdir)
    count, label = ensure_directory(args.services)
    accounts_file = workdir / "accounts.json"
    accounts = people.prepare(accounts_file)
    print(f"database: {connection.vendor} ({test_db}); services: {count:,} ({label})")
    print(
        f"people: {len(accounts['navigators'])} navigators, {len(accounts['partners'])} "
        f"partner staff, {sum(len(n['people']) for n in accounts['navigators'])} clients"
    )
    connection.close()  # the server has the database to itself from here
    if args.build_only:
        return

    port = free_port()
    env = server_env(workdir, server_database_url(test_db), port, args.workers)
    commonweal = str(Path(sys.executable).with_name("commonweal"))
    out = Path(tempfile.mkdtemp(prefix="bench-load-", dir=workdir))
    server = worker = None
    try:
        server = start([commonweal, "serve"], env, out / "server.log")
        worker = start([commonweal, "worker"], env, out / "worker.log")
        wait_ready(server, port, out / "server.log")
        warm_up(port, args.workers)
        print(
            f"server: commonweal serve, WEB_CONCURRENCY={args.workers} (gunicorn sync workers) "
            f"on port {port}, with commonweal worker; {args.users} users, "
            f"think time {wait[0]:g}–{wait[1]:g} s; logs in {out}"
        )
        before = load_average()
        baseline = run_locust(
            "baseline",
            (BASELINE_CLASS,),
            users=args.users,
            duration=args.baseline_duration,
            port=port,
            accounts=accounts_file,
            out=out,
            wait=wait,
        )
        during_baseline = load_average()
        result = run_locust(
            "scenario",
            SCENARIO_CLASSES,
            users=args.users,
            duration=args.duration,
            port=port,
            accounts=accounts_file,
            out=out,
            wait=wait,
        )
        after = load_average()
    finally:
        stop(server)
        stop(worker)

    base_rows = summary_rows(baseline["samples"], args.baseline_duration)
    rows = summary_rows(result["samples"], args.duration)
    print_table(f"baseline: /healthz only, {args.baseline_duration} s", base_rows[-1:])
    print_table(f"scenario: {args.duration} s", rows)
    base = base_rows[-1]
    overall = rows[-1]
    print(
        f"\nratio to the baseline (p50 / p95): {overall[3] / base[3]:.1f}× / "
        f"{overall[4] / base[4]:.1f}×; throughput {overall[2]:.1f} req/s "
        f"(baseline {base[2]:.1f})"
    )
    print(
        f"\nslowest request names (by p95):\n  {'name':<44} {'n':>5} {'p50':>7} {'p95':>7} {'errors':>6}"
    )
    for name, n, p50, p95, errors in slowest(result["samples"], args.top):
        print(f"  {name:<44} {n:>5} {p50:>7.0f} {p95:>7.0f} {errors:>6}")
    crashes = result["exceptions"] + baseline["exceptions"]
    failures = [s for s in result["samples"] if s[3]]
    if crashes or failures:
        print("\nerrors:")
        seen: dict[str, int] = {}
        for s in failures:
            seen[f"{s[1]}: {s[3][:160]}"] = seen.get(f"{s[1]}: {s[3][:160]}", 0) + 1
        for text, n in sorted(seen.items(), key=lambda kv: -kv[1])[:10]:
            print(f"  {n:>5} × {text}")
        for crash in crashes:
            print(f"  {crash['count']:>5} × task exception: {crash['error'][:160]}")
    errors = overall[6] + sum(c["count"] for c in crashes)
    print(
        f"\nload average (1, 5, 15 min): before {before}; after the baseline {during_baseline}; "
        f"after the scenario {after}"
    )
    print(
        f"target (issue 11): 0 errors, p95 < 300 ms — errors {errors}, p95 {overall[4]:.0f} ms: "
        + ("met" if errors == 0 and overall[4] < 300 else "NOT met")
    )


if __name__ == "__main__":
    main()
