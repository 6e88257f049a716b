"""Search speed at ~100,000 services: the engine and `GET /api/v1/search` against a bare
full-text query with a bounding box, in the same run.

Builds a directory of ~N services by replicating real data (`bench_import.load_base` and
`bench_import.replicate`: the Miami 211 directory with new ids), spreads the copies over
eight US metro areas (coordinates shifted, each address given the nearest real ZIP code
and the metro's city and state, so "near 60614" finds Chicago copies and opening hours are
read in the right time zone), imports them with `import_tabular` (whose last step builds
the search index) into a fresh database — SQLite file by default; DATABASE_URL for
PostgreSQL, where a `test_<name>` database is created and dropped — and then, for a fixed
mix of queries in three classes,

- text: words only ("food pantry", "ayuda con la renta" …);
- text+zip: words + a ZIP code + 10 miles (16.09 km);
- category: a taxonomy category + open now + a language, near a ZIP code;

times, after a warm-up, per query and repeat:

- bare: the query the engine cannot beat — SQLite `SELECT … FROM directory_search_fts
  JOIN … WHERE directory_search_fts MATCH ? [AND bbox on location lat/lon] ORDER BY bm25
  LIMIT 20`; PostgreSQL `… WHERE document @@ to_tsquery(?) [AND bbox] ORDER BY ts_rank
  LIMIT 20`. Same stems as the engine searches (its parsed words; for the category class
  the category's name), same place and box; active services only.
- engine: `commonweal.directory.search.engine.search(SearchRequest(...))` in this process;
- api: `GET /api/v1/search?...` over real HTTP with keep-alive, to gunicorn (one worker,
  one thread) started on a free port against the same database.

Prints p50 and p95 per class and each as a ratio to the bare query's. Targets (issue 3):
engine ≤ 2× bare, API p95 < 50 ms. `--profile` prints where the engine spends its time.

    .venv/bin/python benchmarks/bench_search.py [--services 100000] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench .venv/bin/python benchmarks/bench_search.py
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import load_base, replicate, setup_django  # noqa: E402

TEN_MILES_KM = 16.09
LIMIT = 20
# Where the copies go: (name, state, downtown lat, lon). The first is Miami itself, so one
# copy in eight stays where the real data is.
METROS = (
    ("Miami", "FL", 25.7617, -80.1918),
    ("Houston", "TX", 29.7604, -95.3698),
    ("Chicago", "IL", 41.8781, -87.6298),
    ("Los Angeles", "CA", 34.0522, -118.2437),
    ("Brooklyn", "NY", 40.6782, -73.9442),
    ("Phoenix", "AZ", 33.4484, -112.0740),
    ("Atlanta", "GA", 33.7490, -84.3880),
    ("Seattle", "WA", 47.6062, -122.3321),
)
MIAMI = METROS[0]

# The fixed mix. Text: what residents type. Text+ZIP: the same kind of words with a ZIP in
# one of the metros. Category: a code of the Open Eligibility taxonomy (the demo's
# categories), open now, a language, near a ZIP.
TEXT_QUERIES = (
    "food pantry",
    "ayuda con la renta",
    "can't pay rent",
    "necesito un médico",
    "dentist",
    "mental health counseling",
    "free legal help",
    "shelter tonight",
    "comida gratis",
    "rehab for alcohol",
    "clases de inglés",
    "job training",
    "diapers for my baby",
    "bus pass",
)
ZIP_QUERIES = (
    ("food pantry", "33125"),
    ("ayuda con la renta", "77002"),
    ("dentist", "60614"),
    ("therapist", "90012"),
    ("homeless shelter", "11201"),
    ("clinica gratis", "85004"),
    ("help with electric bill", "30303"),
    ("detox", "98104"),
    ("abogado inmigración", "33130"),
    ("after school program", "60647"),
    ("senior meals", "77004"),
    ("domestic violence", "90033"),
)
CATEGORY_QUERIES = (
    ("1130", "es", "33125"),  # Food Pantry
    ("1206", "es", "77002"),  # Medical Care
    ("1137", "es", "60614"),  # Help Pay for Housing
    ("1121", "es", "90012"),  # Emergency Shelter
    ("1184", "es", "30303"),  # Dental Care
    ("1102", "ht", "33130"),  # Food
    ("1106", "es", "85004"),  # Health
    ("1103", "es", "11201"),  # Housing
)


@dataclass
class BenchQuery:
    kind: str  # "text" | "text+zip" | "category"
    label: str
    params: dict[str, object]  # SearchRequest keyword arguments
    api: list[tuple[str, str]]  # query string pairs for /api/v1/search
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    bare_sql: tuple[str, list] | None = None
    totals: dict[str, int] = field(default_factory=dict)


def build_queries() -> list[BenchQuery]:
    queries: list[BenchQuery] = []
    for q in TEXT_QUERIES:
        queries.append(BenchQuery("text", q, {"q": q}, [("q", q)]))
    for q, zip_code in ZIP_QUERIES:
        queries.append(
            BenchQuery(
                "text+zip",
                f"{q} @ {zip_code}",
                {"q": q, "near": zip_code, "radius_km": TEN_MILES_KM},
                [("q", q), ("near", zip_code), ("radius_km", str(TEN_MILES_KM))],
            )
        )
    for code, language, zip_code in CATEGORY_QUERIES:
        queries.append(
            BenchQuery(
                "category",
                f"category {code} open now {language} @ {zip_code}",
                {
                    "categories": (code,),
                    "open_now": True,
                    "languages": (language,),
                    "near": zip_code,
                },
                [
                    ("category", code),
                    ("open_now", "true"),
                    ("language", language),
                    ("near", zip_code),
                ],
            )
        )
    return queries


# --- the data --------------------------------------------------------------------------


class ZipFinder:
    """Nearest ZCTA internal point to a coordinate (a 0.5° grid over the bundled file)."""

    def __init__(self) -> None:
        from commonweal.directory.sources.geocode import _centroids

        self.cells: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
        for zcta, (lat, lon) in _centroids().items():
            self.cells[(int(lat * 2), int(lon * 2))].append((zcta, lat, lon))

    def nearest(self, lat: float, lon: float) -> str | None:
        cell = (int(lat * 2), int(lon * 2))
        best: tuple[float, str] | None = None
        for d_lat in (-1, 0, 1):
            for d_lon in (-1, 0, 1):
                for zcta, z_lat, z_lon in self.cells.get((cell[0] + d_lat, cell[1] + d_lon), ()):
                    d = (z_lat - lat) ** 2 + (z_lon - lon) ** 2
                    if best is None or d < best[0]:
                        best = (d, zcta)
        return None if best is None else best[1]


def spread_over_metros(base: dict, data: dict) -> None:
    """Move copy k of the base into METROS[k % len(METROS)], in place. `replicate` writes
    the copies one after another, each with len(base[table]) rows per table."""
    finder = ZipFinder()
    per_copy = {table: len(rows) for table, rows in base.items()}
    moved: dict[str, tuple[float, float] | None] = {}
    metro_of_location: dict[str, tuple] = {}
    for n, row in enumerate(data.get("location", [])):
        metro = METROS[(n // per_copy["location"]) % len(METROS)]
        d_lat, d_lon = metro[2] - MIAMI[2], metro[3] - MIAMI[3]
        values = row.values
        metro_of_location[values["id"]] = metro
        if values.get("latitude") and values.get("longitude"):
            lat = float(values["latitude"]) + d_lat
            lon = float(values["longitude"]) + d_lon
            values["latitude"], values["longitude"] = f"{lat:.6f}", f"{lon:.6f}"
            moved[values["id"]] = (lat, lon)
        else:
            moved[values["id"]] = None
    centre_zips = {m[0]: finder.nearest(m[2], m[3]) for m in METROS}
    for row in data.get("address", []):
        values = row.values
        metro = metro_of_location.get(values.get("location_id"))
        if metro is None or metro is MIAMI:
            continue
        point = moved.get(values["location_id"])
        zip_code = finder.nearest(*point) if point else None
        values["postal_code"] = zip_code or centre_zips[metro[0]] or values["postal_code"]
        values["city"], values["state_province"] = metro[0], metro[1]


def build_directory(services: int) -> tuple[int, str, float]:
    from commonweal.directory.importer import import_tabular
    from commonweal.directory.search import index

    base, label = load_base()
    data, count = replicate(base, services)
    spread_over_metros(base, data)
    started = time.perf_counter()
    summary = import_tabular(data, source="benchmark")
    elapsed = time.perf_counter() - started
    if summary.rejected:
        raise SystemExit(f"benchmark import rejected rows: {summary.rejected[:3]}")
    if index.indexed_count() < count:  # the importer's hook should have done it
        index.reindex_all()
    return count, label, elapsed


# --- the bare query ----------------------------------------------------------------------


def bare_statement(query: BenchQuery) -> tuple[str, list] | None:
    """The bare full-text + bounding-box query for the same stems and place as the engine."""
    from django.db import connection

    from commonweal.directory.models import Location, Service, ServiceAtLocation, TaxonomyTerm
    from commonweal.directory.search import index, places
    from commonweal.directory.search.query import parse
    from commonweal.directory.search.text import stems, words

    params = query.params
    if params.get("categories"):
        code = params["categories"][0]
        term = TaxonomyTerm.objects.filter(code=code).order_by("name").first()
        groups = [stems(w) for w in words(term.name if term else code)]
        need_text = ""
    else:
        need_text, _place = places.extract_place(str(params["q"]))
        groups = list(parse(need_text).stem_groups)
    expression = index.match_expression(groups)
    if not expression:
        return None
    box: tuple[float, float, float, float] | None = None
    if params.get("near"):
        place, _message = places.resolve(str(params["near"]), None, None)
        radius = float(params.get("radius_km") or places.default_radius_km(place))
        box = places.bounding_box(place.lat, place.lon, radius)
    quote = connection.ops.quote_name
    sal, loc, svc = (
        quote(ServiceAtLocation._meta.db_table),
        quote(Location._meta.db_table),
        quote(Service._meta.db_table),
    )
    joins = (
        f"JOIN {sal} sal ON sal.service_id = d.service_id "
        f"JOIN {svc} s ON s.id = sal.service_id AND s.status = 'active' "
        f"JOIN {loc} l ON l.id = sal.location_id "
    )
    where_box = ""
    args: list = []
    if box is not None:
        where_box = " AND l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s"
        args = [box[0], box[1], box[2], box[3]]
    if connection.vendor == "postgresql":
        sql = (
            "SELECT sal.id, d.service_id, l.latitude, l.longitude, ts_rank(d.document, q, 1) AS score "
            f"FROM {index.DOC_TABLE} d {joins}, to_tsquery('simple', %s) q "
            f"WHERE d.document @@ q{where_box} ORDER BY score DESC LIMIT {LIMIT}"
        )
        return sql, [expression, *args]
    weights = ", ".join(str(w) for w in index.BM25_WEIGHTS)
    sql = (
        f"SELECT sal.id, d.service_id, l.latitude, l.longitude, bm25({index.FTS_TABLE}, {weights}) AS score "
        f"FROM {index.FTS_TABLE} JOIN {index.DOC_TABLE} d ON d.id = {index.FTS_TABLE}.rowid {joins}"
        f"WHERE {index.FTS_TABLE} MATCH %s{where_box} ORDER BY score LIMIT {LIMIT}"
    )
    return sql, [expression, *args]


def run_bare(statement: tuple[str, list]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return len(cursor.fetchall())


# --- the API server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str | None, data_dir: Path, port: int) -> subprocess.Popen:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "COMMONWEAL_TESTING", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="commonweal.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        COMMONWEAL_DATA_DIR=str(data_dir),
        # The anonymous limit (300/min) is for the public; a benchmark is one busy caller.
        HSDA_ANON_RATE="1000000/min",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    (data_dir / "static").mkdir(exist_ok=True)  # whitenoise warns about a missing STATIC_ROOT
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "commonweal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",  # keeps connections alive (the sync worker closes each)
            "--threads",
            "1",
            "--keep-alive",
            "600",
            # A slow first request on a busy shared machine (the kept database's
            # migrations, the gazetteer) must not hit gunicorn's 30 s default.
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            connection.request("GET", "/api/v1/search?q=food")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 300 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class ApiClient:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(self, pairs: list[tuple[str, str]]) -> dict:
        path = "/api/v1/search?" + urllib.parse.urlencode(pairs)
        try:
            self.connection.request("GET", path)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError):
            # The server closed an idle kept-alive connection: open a new one, once.
            self.connection.close()
            self.connection.request("GET", path)
            response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"/api/v1/search answered {response.status}: {body[:300]!r}")
        return json.loads(body)


# --- timing -------------------------------------------------------------------------------


def timed(call: Callable[..., object], *args: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = call(*args)
    return time.perf_counter() - started, result


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 40 samples is the 38th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * share // 1)))
    return ordered[int(rank) - 1]


def measure(queries: list[BenchQuery], client: ApiClient, repeat: int, warmup: int) -> None:
    from commonweal.directory.search import engine
    from commonweal.directory.search.types import SearchRequest

    def one_round(record: bool) -> None:
        for query in queries:
            request = SearchRequest(**query.params)
            if query.bare_sql is not None:
                elapsed, _rows = timed(run_bare, query.bare_sql)
                if record:
                    query.times["bare"].append(elapsed)
            elapsed, response = timed(engine.search, request)
            if record:
                query.times["engine"].append(elapsed)
                query.totals["engine"] = response.total
            elapsed, body = timed(client.get, query.api)
            if record:
                query.times["api"].append(elapsed)
                query.totals["api"] = body["total"]

    for _ in range(warmup):
        one_round(record=False)
    for _ in range(repeat):
        one_round(record=True)


def report(queries: list[BenchQuery]) -> None:
    print(
        f"\n{'class':<10} {'queries':>7} {'what':<7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p50 ÷ bare':>11} {'p95 ÷ bare':>11}"
    )
    for kind in ("text", "text+zip", "category"):
        group = [q for q in queries if q.kind == kind]
        bare = [t for q in group for t in q.times["bare"]]
        bare50, bare95 = percentile(bare, 0.5), percentile(bare, 0.95)
        for what in ("bare", "engine", "api"):
            samples = [t for q in group for t in q.times[what]]
            p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
            print(
                f"{kind:<10} {len(group):>7} {what:<7} {p50 * 1000:8.1f} {p95 * 1000:8.1f} "
                f"{p50 / bare50:10.1f}× {p95 / bare95:10.1f}×"
            )
    print("\nper query (medians, ms): bare / engine / api, results (engine, api)")
    for q in queries:
        med = {w: statistics.median(q.times[w]) * 1000 for w in ("bare", "engine", "api")}
        print(
            f"  {q.kind:<9} {med['bare']:7.1f} {med['engine']:8.1f} {med['api']:8.1f} "
            f"{q.totals.get('engine', 0):6} {q.totals.get('api', 0):6}  {q.label}"
        )


def profile(queries: list[BenchQuery], top: int) -> None:
    from commonweal.directory.search import engine
    from commonweal.directory.search.types import SearchRequest

    for kind in ("text", "text+zip", "category"):
        profiler = cProfile.Profile()
        profiler.enable()
        for query in queries:
            if query.kind == kind:
                engine.search(SearchRequest(**query.params))
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(top)
        print(f"\n--- profile: {kind} (one pass over its queries) ---")
        print(out.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds over the mix")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine per class")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the database (SQLite: in DIR; PostgreSQL: test_<name>) and reuse it next time",
    )
    args = parser.parse_args(argv)

    keep = Path(args.keep).resolve() if args.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        workdir = keep or Path(tmp)
        setup_django(workdir)
        from django.db import connection

        if connection.vendor == "sqlite":
            # The file the server will open as well (settings: DATA_DIR/commonweal.sqlite3).
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
                workdir / "commonweal.sqlite3"
            )
        test_db = connection.creation.create_test_db(
            # serialize=False: a kept database's 1.9 million rows are not copied into memory.
            verbosity=0,
            autoclobber=True,
            keepdb=bool(keep),
            serialize=False,
        )
        server = None
        try:
            from commonweal.directory.models import Service

            existing = Service.objects.count()
            if keep and existing:
                count, label, import_s = existing, "kept from an earlier run", 0.0
            else:
                count, label, import_s = build_directory(args.services)
            print(f"database: {connection.vendor} ({test_db}); data: {label}")
            print(
                f"services: {count:,} over {len(METROS)} metro areas"
                + (f"; imported and indexed in {import_s:.0f} s" if import_s else "")
            )
            queries = build_queries()
            for query in queries:
                query.bare_sql = bare_statement(query)
            missing = [q.label for q in queries if q.bare_sql is None]
            if missing:
                raise SystemExit(f"no searchable words for the bare query: {missing}")
            database_url = None
            if connection.vendor == "postgresql":
                url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
                database_url = urllib.parse.urlunsplit(url._replace(path=f"/{test_db}"))
            port = free_port()
            server = start_server(database_url, workdir, port)
            client = ApiClient(port)
            kinds = {k: sum(q.kind == k for q in queries) for k in ("text", "text+zip", "category")}
            print(
                f"queries: {len(queries)} {kinds}; warm-up {args.warmup} rounds, "
                f"{args.repeat} timed rounds; API: gunicorn 1 worker on port {port}"
            )
            measure(queries, client, args.repeat, args.warmup)
            report(queries)
            mismatched = [q.label for q in queries if q.totals["engine"] != q.totals["api"]]
            if mismatched:
                print(f"\nNOTE: the API's total differs from the engine's for {mismatched}")
            if args.profile:
                profile(queries, top=35)
        finally:
            if server is not None:
                stop_server(server)
            if not keep:
                connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
