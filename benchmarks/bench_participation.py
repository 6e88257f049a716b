"""The participation page (/insights/participation/) over 8 completed quarters, by size.

A synthetic coalition of N programmes (one weekly session each, a quarter of as many
organisations, sign-ups in English and Spanish with many small cells: 0 to 15 a part per
language and quarter) over the 8 quarters the page shows at most. For each N it times, as
medians of repeats, in the same run:

- baseline: the bare counting, i.e. participation_data's aggregate query (programme x
  language x status x checked in) for the 8 quarters, with no suppression;
- facts: all the facts of the 8 quarters (the query, the meetings, the distinct people),
  a quarter at a time (as the page did before) and all at once (participation_data.
  gather_many: the schedules walked once);
- cold: participation_data.reports for the 8 quarters with an empty cache (the facts, the
  exact suppression of every part, then storing the result in the shared cache);
- warm: the same with the cache filled (the facts and one cache read a quarter): the page's path;
- the page itself through Django's test client, cold and warm;
- the suppression before this change (deidentify's exact solve of the whole system each
  round, kept below as `full_solve_protect`) on the same facts, one quarter at a time, for
  N up to --old-max (it takes seconds a quarter): the report is checked to be identical.

Every figure is printed with its ratio to the baseline. The cache is the production kind
(the database cache, CACHE_URL=db://…) on the benchmark's own database.

    .venv/bin/python benchmarks/bench_participation.py             # SQLite file in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_part2 .venv/bin/python benchmarks/bench_participation.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUARTERS = 8
# Sign-ups of one part (attended, no-show, waiting list, cancelled) in one language of one
# programme in a quarter: many zeros and small counts, some large ones.
PART_COUNTS = (0, 0, 0, 1, 2, 3, 4, 6, 8, 11, 13, 15)


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-" + uuid.uuid4().hex * 2)
    os.environ.pop("DEBUG", None)
    os.environ["CACHE_URL"] = f"db://bench_participation_{uuid.uuid4().hex[:8]}"
    os.environ["COMMONWEAL_DATA_DIR"] = str(workdir)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "commonweal.settings"
    if not os.environ.get("COMMONWEAL_ENCRYPTION_KEYS"):
        from cryptography.fernet import Fernet

        os.environ["COMMONWEAL_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.conf import settings
    from django.test.utils import override_settings

    # Production's static files need `collectstatic`'s manifest: plain names will do here.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()


def build_world(n: int, quarters: Sequence, seed: int) -> int:
    """N programmes with sign-ups over `quarters`; returns the number of sign-ups."""
    from commonweal.directory.models import Organization
    from commonweal.programs.models import (
        Kind,
        Programme,
        Registration,
        RegistrationStatus,
        Session,
    )

    rng = random.Random(seed)
    # The last world's partners, and with them their programmes, sessions and sign-ups.
    Organization.objects.filter(name__startswith="Bench partner").delete()
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Bench partner {i}") for i in range(max(2, n // 4))
    )
    first = quarters[0].start
    weeks = (quarters[-1].end - first).days // 7 + 1
    programmes = Programme.objects.bulk_create(
        Programme(
            organization=rng.choice(organizations),
            name=f"Bench programme {i}",
            kind=rng.choice(Kind.values),
            starts_on=first,
            time_zone="UTC",
        )
        for i in range(n)
    )
    sessions = Session.objects.bulk_create(
        Session(
            programme=programme,
            starts_on=first,
            start_time=dt.time(18, 0),
            rule=f"FREQ=WEEKLY;COUNT={weeks}",
        )
        for programme in programmes
    )
    parts = (
        (RegistrationStatus.REGISTERED, True),
        (RegistrationStatus.REGISTERED, False),
        (RegistrationStatus.WAITLISTED, False),
        (RegistrationStatus.CANCELLED, False),
    )
    rows = []
    for session in sessions:
        for quarter in quarters:
            meetings = [
                first + dt.timedelta(weeks=w)
                for w in range(weeks)
                if quarter.start <= first + dt.timedelta(weeks=w) <= quarter.end
            ]
            for language in ("en", "es"):
                for status, attended in parts:
                    for _ in range(rng.choice(PART_COUNTS)):
                        day = rng.choice(meetings)
                        rows.append(
                            Registration(
                                session=session,
                                occurrence=f"{day.isoformat()}T18:00:00",
                                name="B.",
                                # Some people come more than once: distinct people < sign-ups.
                                contact=f"person{rng.randrange(40)}@example.org",
                                language=language,
                                status=status,
                                attended=attended,
                                token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                            )
                        )
    Registration.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def full_solve_protect(figures, atoms, groups=(), threshold=None):  # type: ignore[no-untyped-def]
    """participation.protect as it was before this benchmark: every round, deidentify's
    exact solve of the whole system (atoms, programme totals and hidden figures as
    unknowns, every figure's equation). Kept only to time against."""
    from commonweal.insights import deidentify, participation
    from commonweal.insights.deidentify import Suppressed

    threshold = threshold or participation.SMALL_CELL
    values = {("a", a): n for a, n in atoms.items()}
    equations = []
    for tag, sums in (("f", figures), ("g", groups)):
        for i, members in enumerate(sums):
            values[(tag, i)] = sum(atoms[a] for a in members)
            equation = {("a", a): 1 for a in members}
            equation[(tag, i)] = -1
            equations.append(equation)
    hidden = {
        i: Suppressed.PRIMARY for i in range(len(figures)) if 0 < values[("f", i)] < threshold
    }
    secret = {p for p, v in values.items() if p[0] in ("a", "g") and 0 < v < threshold}
    unpublished = {p for p in values if p[0] in ("a", "g")}
    while True:
        unknown = unpublished | {("f", i) for i in hidden}
        pinned = [
            p
            for p in deidentify._determined(equations, unknown)
            if p in secret or (p[0] == "f" and p[1] in hidden)
        ]
        if not pinned:
            return hidden
        cells = [p for p in pinned if p[0] == "f"] or [min(pinned)]
        chosen: set[int] = set()
        for target in cells:
            extra = participation._complement(target, figures, groups, values, set(hidden) | chosen)
            if extra is not None:
                chosen.add(extra)
        if not chosen:
            return hidden
        for extra in chosen:
            hidden[extra] = Suppressed.COMPLEMENTARY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 100, 300])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--old-max", type=int, default=100, help="largest N for the old solve")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench_participation_"))
    setup_django(workdir)
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from commonweal.insights import participation, participation_data, periods
    from commonweal.programs.models import Registration

    print(f"database: {connection.vendor}; load average at start: {os.getloadavg()}")
    quarters = list(reversed(periods.completed_quarters(timezone.localdate(), QUARTERS)))
    # An analyst sees the insights area and, seeing no person's data, signs in in one step.
    from commonweal.accounts.models import Membership
    from commonweal.directory.models import Organization

    analyst = get_user_model().objects.create_user(username=f"bench-{uuid.uuid4().hex[:6]}")
    coalition = Organization.objects.create(name="Bench coalition")
    Membership.objects.create(user=analyst, organization=coalition, role="analyst")
    client = Client()
    client.force_login(analyst)
    page = f"/insights/participation/?from={quarters[0].label}&to={quarters[-1].label}"

    def baseline() -> None:
        for quarter in quarters:
            first, after = participation.quarter_dates(quarter)
            list(
                Registration.objects.filter(occurrence__gte=first, occurrence__lt=after)
                .order_by()
                .values("session__programme_id", "language", "status", "attended")
                .annotate(n=Count("id"))
            )

    def gather_each() -> None:
        for quarter in quarters:
            participation_data.gather(quarter)

    def gather() -> None:
        participation_data.gather_many(quarters)

    def cold() -> None:
        cache.clear()
        participation_data.reports(quarters)

    def warm() -> None:
        participation_data.reports(quarters)

    def view() -> None:
        response = client.get(page)
        assert response.status_code == 200, (response.status_code, response.get("Location"))

    def cold_view() -> None:
        cache.clear()
        view()

    for n in args.sizes:
        started = time.perf_counter()
        signups = build_world(n, quarters, args.seed)
        print(
            f"\nN = {n} programmes, {signups:,} sign-ups over {QUARTERS} quarters "
            f"(built in {time.perf_counter() - started:.0f} s); load {os.getloadavg()}",
            flush=True,
        )
        facts = [participation_data.gather(q) for q in quarters]
        hidden = sum(
            isinstance(line.values[part], participation.Suppressed)
            for f in facts
            for table in participation.report(f).tables
            for line in table.lines
            for part in participation.PARTS
        )
        print(f"  cells hidden over the 8 quarters (parts, all four tables): {hidden}")
        view()  # the first request loads templates and URLs: not what a visit costs
        base = median_seconds(baseline, args.repeat)
        figures = {
            "facts, a quarter at a time (before)": median_seconds(gather_each, args.repeat),
            "facts, 8 quarters at once (now)": median_seconds(gather, args.repeat),
            "report, cold cache": median_seconds(cold, args.repeat),
            "report, warm cache": median_seconds(warm, args.repeat),
            "page via test client, cold cache": median_seconds(cold_view, args.repeat),
            "page via test client, warm cache": median_seconds(view, args.repeat),
        }
        print(f"  {'baseline: aggregate query only':38} {base * 1000:9.1f} ms   1.0x")
        for name, seconds in figures.items():
            print(f"  {name:38} {seconds * 1000:9.1f} ms {seconds / base:6.1f}x")
        new_per_quarter = statistics.median(
            median_seconds(lambda f=f: participation.report(f), 1) for f in facts
        )
        print(f"  suppression now, per quarter (median) {new_per_quarter * 1000:9.1f} ms")
        if n <= args.old_max:
            now = participation.protect
            old_runs, same = [], True
            try:
                participation.protect = full_solve_protect
                for f in facts[:3]:
                    started = time.perf_counter()
                    before = participation.report(f)
                    old_runs.append(time.perf_counter() - started)
                    participation.protect = now
                    same &= before == participation.report(f)
                    participation.protect = full_solve_protect
            finally:
                participation.protect = now
            old = statistics.median(old_runs)
            print(
                f"  suppression before, per quarter (median of 3) {old * 1000:9.1f} ms: "
                f"{old / new_per_quarter:.0f}x slower; same report: {same}"
            )
        print(f"  load average at end of N = {n}: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
