"""Scale: import and search a directory of 1,000,000 services on PostgreSQL.

Three steps, each reported with its figures:

1. generate: an HSDS 3.0 datapackage (CSV + datapackage.json) of ~N services under
   var/scale-<N>/ (not in git), from the real Miami 211 directory replicated with
   `bench_import`'s replicator (fresh uuid5 ids, jittered coordinates), the copies spread
   over `bench_search`'s eight metro areas (so a ZIP near a metro finds its copies). The
   rows are written copy by copy, never all held in memory. Kept and reused next time.
2. import: `hsds_reader.stream_datapackage` + `importer.import_tables` (the streaming
   import: one table at a time, in batches) into the database of DATABASE_URL (your own,
   e.g. cw_scale; never `test`), emptied first. Reports services/s, the wall time and the
   peak RSS of this process during the import (`resource.getrusage`, ru_maxrss).
3. search: `bench_search`'s fixed query mix (text, text+ZIP, category+open now+language)
   through the engine in this process and `GET /api/v1/search` on gunicorn (one worker,
   one thread), against the bare PostgreSQL full-text + bounding-box query, p50/p95 per
   class and the ratios; then the web worker's RSS (from /proc) after --requests more
   search requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_scale \\
        .venv/bin/python benchmarks/bench_scale.py --services 1000000
    ... --services 100000              # a quick run
    ... --skip-import                  # search only, on what the database holds
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import resource
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import (  # noqa: E402
    SHARED_TABLES,
    copies_for,
    copy_values,
    load_base,
    setup_django,
    shared_ids_of,
)

SEED = 20240516


def package_dir(services: int) -> Path:
    return ROOT / "var" / f"scale-{services}"


def _metro_shift(copy: int) -> tuple[tuple, float, float]:
    from bench_search import METROS, MIAMI

    metro = METROS[copy % len(METROS)]
    return metro, metro[2] - MIAMI[2], metro[3] - MIAMI[3]


def generate(services: int, out: Path) -> tuple[int, int]:
    """Write the datapackage (unless already complete); returns (services, rows)."""
    from bench_search import MIAMI, ZipFinder

    from commonweal.directory.hsds_reader import hsds_tables

    done = out / "datapackage.json"
    if done.exists():
        meta = json.loads(done.read_text())
        return meta["x-services"], meta["x-rows"]
    out.mkdir(parents=True, exist_ok=True)
    base, label = load_base()
    specs = hsds_tables()
    shared_ids = shared_ids_of(base)
    copies = copies_for(base, services)
    finder = ZipFinder()
    centre_zips = {m[0]: finder.nearest(m[2], m[3]) for m in _all_metros()}
    rows_written = 0
    resources = []
    # Each copy's location coordinates, needed again when its addresses are written.
    positions: dict[int, dict[str, tuple[float, float] | None]] = {}
    order = ["location"] + [t for t in base if t != "location"]
    for table in order:
        rows = base[table]
        if not rows:
            continue
        spec = specs[table]
        present = {name for row in rows for name in row.values}
        fields = [name for name in spec.fields if name in present]
        path = out / spec.path
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(fields)
            for copy in range(1 if table in SHARED_TABLES else copies):
                if table in SHARED_TABLES:
                    for row in rows:
                        writer.writerow([row.values.get(f, "") for f in fields])
                    rows_written += len(rows)
                    continue
                rng = random.Random(SEED * 100_003 + copy)
                metro, d_lat, d_lon = _metro_shift(copy)
                for values in copy_values(rows, table, copy, shared_ids, rng):
                    if table == "location":
                        point = None
                        if values.get("latitude") and values.get("longitude"):
                            lat = float(values["latitude"]) + d_lat
                            lon = float(values["longitude"]) + d_lon
                            values["latitude"], values["longitude"] = f"{lat:.6f}", f"{lon:.6f}"
                            point = (lat, lon)
                        positions.setdefault(copy, {})[values["id"]] = point
                    elif table == "address" and metro is not MIAMI:
                        point = positions.get(copy, {}).get(values.get("location_id", ""))
                        zip_code = finder.nearest(*point) if point else None
                        values["postal_code"] = (
                            zip_code or centre_zips[metro[0]] or values.get("postal_code", "")
                        )
                        values["city"], values["state_province"] = metro[0], metro[1]
                    writer.writerow([values.get(f, "") for f in fields])
                rows_written += len(rows)
        resources.append({"name": table, "path": spec.path})
        print(f"  wrote {path.name}: {rows_written:,} rows so far", flush=True)
    count = copies * len(base["service"])
    descriptor = {
        "name": f"commonweal-scale-{services}",
        "version": "3.0",
        "description": f"{label} replicated {copies}x (bench_scale.py)",
        "resources": resources,
        "x-services": count,
        "x-rows": rows_written,
    }
    done.write_text(json.dumps(descriptor, indent=1))
    return count, rows_written


def _all_metros() -> tuple:
    from bench_search import METROS

    return METROS


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_rss_mb(arbiter_pid: int) -> list[float]:
    children = Path(f"/proc/{arbiter_pid}/task/{arbiter_pid}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    out = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


def empty_directory() -> None:
    from bench_import import empty_tables

    empty_tables()


def run_import(path: Path) -> tuple[float, int, object]:
    from commonweal.directory.hsds_reader import stream_datapackage
    from commonweal.directory.importer import import_tables

    last = [time.perf_counter()]

    def progress(stage: str, done: int, total: int | None) -> None:
        now = time.perf_counter()
        if now - last[0] >= 30:
            last[0] = now
            print(f"    {stage}: {done:,} rows, peak RSS {peak_rss_mb():,.0f} MB", flush=True)

    started = time.perf_counter()
    with stream_datapackage(path) as tables:
        summary = import_tables(tables, source="benchmark", progress=progress)
    elapsed = time.perf_counter() - started
    if summary.rejected:
        raise SystemExit(f"benchmark import rejected rows: {summary.rejected[:3]}")
    return elapsed, summary.total.created, summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="timed rounds over the query mix")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    parser.add_argument("--requests", type=int, default=500, help="requests before worker RSS")
    parser.add_argument("--skip-import", action="store_true", help="search what is there")
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to your own PostgreSQL database (e.g. cw_scale)")
    if urllib.parse.urlsplit(url).path.strip("/") == "test":
        raise SystemExit("the database named 'test' is CI's; use your own")
    workdir = ROOT / "var" / "bench-scale-run"
    workdir.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("COMMONWEAL_ENCRYPTION_KEYS"):
        # A throwaway key: migrations write encrypted defaults, a benchmark keeps no secrets.
        from cryptography.fernet import Fernet

        os.environ["COMMONWEAL_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    setup_django(workdir)
    print(f"load average at start: {os.getloadavg()}")

    out = package_dir(args.services)
    started = time.perf_counter()
    services, rows = generate(args.services, out)
    print(
        f"datapackage {out}: {services:,} services, {rows:,} rows "
        f"(ready in {time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    if args.generate_only:
        return

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not args.skip_import:
        empty_directory()
        rss_before = peak_rss_mb()
        print(f"importing (peak RSS before: {rss_before:,.0f} MB) …", flush=True)
        elapsed, created, _summary = run_import(out)
        print(
            f"import: {services:,} services ({created:,} rows) in {elapsed:,.0f} s = "
            f"{services / elapsed:,.0f} services/s, {created / elapsed:,.0f} rows/s; "
            f"peak RSS of the process {peak_rss_mb():,.0f} MB; "
            f"load average {os.getloadavg()}",
            flush=True,
        )
    call_command("createcachetable", verbosity=0)
    connection.close()
    run_search(args, url, workdir)


def start_serve(database_url: str, workdir: Path, port: int) -> subprocess.Popen:
    """`commonweal serve` (production settings, one gunicorn worker) on `port`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "COMMONWEAL_TESTING", "DEBUG")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="commonweal.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        BEHIND_PROXY="true",  # the benchmark stands in for nginx: it says "https"
        COMMONWEAL_DATA_DIR=str(workdir),
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        # Not replaced after 1,000 requests, so that its memory can be followed.
        WEB_MAX_REQUESTS="0",
        WEB_TIMEOUT="600",
        # The anonymous limit (300/min) is for the public; a benchmark is one busy caller.
        HSDA_ANON_RATE="1000000/min",
    )
    log = (workdir / "serve.log").open("ab")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("commonweal")), "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"commonweal serve exited with {server.returncode}; see {log.name}")
        try:
            client = HttpsClient(port)
            client.get([("q", "food")])
            return server
        except OSError:
            time.sleep(0.5)
    raise SystemExit("commonweal serve did not answer within 300 s")


class HttpsClient:
    """Keep-alive GETs of /api/v1/search, as nginx would pass them on (https)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(self, pairs: list[tuple[str, str]]) -> dict:
        path = "/api/v1/search?" + urllib.parse.urlencode(pairs)
        headers = {"X-Forwarded-Proto": "https"}
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"/api/v1/search answered {response.status}: {body[:300]!r}")
        return json.loads(body)


def run_search(args: argparse.Namespace, database_url: str, workdir: Path) -> None:
    import bench_search

    from commonweal.directory.models import Service

    count = Service.objects.count()
    queries = bench_search.build_queries()
    for query in queries:
        query.bare_sql = bench_search.bare_statement(query)
    port = bench_search.free_port()
    server = start_serve(database_url, workdir, port)
    try:
        client = HttpsClient(port)
        rss_start = worker_rss_mb(server.pid)
        print(
            f"search over {count:,} services; {len(queries)} queries, warm-up {args.warmup}, "
            f"{args.repeat} timed rounds; `commonweal serve`, 1 worker, on port {port}; "
            f"worker RSS after its first request {rss_start} MB",
            flush=True,
        )
        bench_search.measure(queries, client, args.repeat, args.warmup)  # type: ignore[arg-type]
        bench_search.report(queries)
        rss_after_mix = worker_rss_mb(server.pid)
        for n in range(args.requests):
            client.get(queries[n % len(queries)].api)
        rss_end = worker_rss_mb(server.pid)
        print(
            f"\nweb worker RSS (`commonweal serve`, 1 sync worker): {rss_start} MB after its "
            f"first request, {rss_after_mix} MB after the timed mix, {rss_end} MB after "
            f"{args.requests} more search requests; load average {os.getloadavg()}"
        )
    finally:
        stop_serve(server)


def stop_serve(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


if __name__ == "__main__":
    main()
