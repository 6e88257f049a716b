"""The outcomes report for one completed quarter: change on repeated measures, loop closure and
the help-seeking funnel, per partner and per programme, every figure de-identified.

Reads only scores (never answers), statuses, times and organisation/service ids; no person
data leaves this module, and every count goes through `commonweal.insights.deidentify` (or
its funnel rule, outcomes_funnel.py) for every user: cells of 1 to 10 hidden, means and
intervals over fewer than 11 people not shown.

- **Partner** of a pair: the organisation that recorded the baseline screening; of a funnel
  row: the organisation that first screened the person in the quarter.
- **Programme**: until programmes exist (issue 6), the service a person was referred to —
  for a pair, a referral sent between its baseline and follow-up; for the funnel, a referral
  sent after the person's first positive screening in the quarter.
- **Funnel**: people screened in the quarter → with a positive screen → referred (a referral
  sent from the first positive screening to the quarter's end) → accepted (one of those
  accepted by the quarter's end) → served (one completed, outcome "served", by the
  quarter's end). Counting status changes up to the quarter's end keeps a published quarter
  fixed: asking again later cannot reveal what changed since.
- **Loop closure and time to service**: `commonweal.referrals.metrics.loop_closure`, the
  product's one definition, with small cells suppressed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from commonweal.insights import deidentify, outcomes, outcomes_funnel
from commonweal.insights.deidentify import THRESHOLD, Cell, Suppressed
from commonweal.insights.periods import Quarter
from commonweal.policy import MetricsScope
from commonweal.referrals import metrics
from commonweal.referrals.models import Outcome, Referral, ReferralEvent, ReferralStatus
from commonweal.screening import instruments
from commonweal.screening.models import Screening

IMPROVEMENT = ("improved", "unchanged", "deteriorated")
DEIDENTIFIED = MetricsScope(organization_ids=None, suppress_small_cells=True)


class BadFilter(ValueError):
    """A filter names an instrument or partner the report does not offer."""


def measures() -> list[outcomes.Measure]:
    """The outcome measures offered: the four published ones and any local summed score."""
    offered = [m for code, m in outcomes.PUBLISHED.items() if _exists(code)]
    for instrument in instruments.available():
        if instrument.local and instrument.code not in outcomes.PUBLISHED:
            measure = outcomes.measure_for(instrument.code, instrument.scores)
            if measure is not None:
                offered.append(measure)
    return offered


def _exists(code: str) -> bool:
    try:
        instruments.get(code)
    except instruments.UnknownInstrument:
        return False
    return True


def instrument_name(code: str) -> str:
    try:
        return instruments.get(code).name_in("en")
    except instruments.UnknownInstrument:
        return code


# --- change on repeated measures -------------------------------------------------------------


@dataclass(frozen=True)
class PersonPair:
    pair: outcomes.Pair
    partner_id: Any
    service_ids: frozenset


def collect_pairs(quarter: Quarter, measure: outcomes.Measure) -> list[PersonPair]:
    """One pair per person with first and latest scores ≥ 14 days apart in the quarter."""
    rows = (
        Screening.objects.filter(
            person__isnull=False,
            instrument=measure.instrument,
            created_at__date__gte=quarter.start,
            created_at__date__lte=quarter.end,
        )
        .order_by("created_at", "id")
        .values_list("person_id", "created_at", "organization_id", "result")
    )
    by_person: dict[Any, list[tuple[dt.datetime, float, Any]]] = defaultdict(list)
    for person_id, created_at, organization_id, result in rows:
        value = _score(result, measure.score_code)
        if value is not None:
            by_person[person_id].append((created_at, value, organization_id))
    found: list[tuple[Any, outcomes.Pair, Any, dt.datetime, dt.datetime]] = []
    for person_id, scores in by_person.items():
        pair = outcomes.pair_of([(at, value) for at, value, _ in scores])
        if pair is not None:
            found.append((person_id, pair, scores[0][2], scores[0][0], scores[-1][0]))
    services = _services_between({p: (first, last) for p, _, _, first, last in found})
    return [
        PersonPair(pair=pair, partner_id=partner, service_ids=frozenset(services.get(p, ())))
        for p, pair, partner, _, _ in found
    ]


def _score(result: Any, code: str) -> float | None:
    for score in (result or {}).get("scores", []):
        if score.get("code") == code and isinstance(score.get("value"), int | float):
            return float(score["value"])
    return None


def _services_between(windows: dict[Any, tuple[dt.datetime, dt.datetime]]) -> dict[Any, set]:
    found: dict[Any, set] = defaultdict(set)
    if not windows:
        return found
    sent = (
        Referral.objects.filter(person_id__in=list(windows), sent_at__isnull=False)
        .exclude(status=ReferralStatus.DRAFT)
        .values_list("person_id", "service_id", "sent_at")
    )
    for person_id, service_id, sent_at in sent:
        first, last = windows[person_id]
        if first <= sent_at <= last:
            found[person_id].add(service_id)
    return found


@dataclass(frozen=True)
class ChangeRow:
    """What is shown for one group: counts or why hidden; means None when nobody."""

    key: Any
    name: str
    n: Cell
    mean_baseline: float | Suppressed | None
    mean_follow_up: float | Suppressed | None
    mean_change: float | Suppressed | None
    ci_low: float | Suppressed | None
    ci_high: float | Suppressed | None
    improved: Cell | None
    unchanged: Cell | None
    deteriorated: Cell | None
    eligible: Cell | None
    responded: Cell | None
    remitted: Cell | None


@dataclass(frozen=True)
class ChangeReport:
    measure: outcomes.Measure
    name: str
    overall: ChangeRow
    partners: list[ChangeRow]
    programmes: list[ChangeRow]


def change_report(
    quarter: Quarter,
    measure: outcomes.Measure,
    names: dict[Any, str],
    partner: Any = None,
) -> ChangeReport:
    pairs = collect_pairs(quarter, measure)
    by_partner: dict[Any, list[outcomes.Pair]] = defaultdict(list)
    by_programme: dict[Any, list[outcomes.Pair]] = defaultdict(list)
    for item in pairs:
        by_partner[item.partner_id].append(item.pair)
        for service_id in item.service_ids:
            by_programme[service_id].append(item.pair)
    partner_keys = sorted(by_partner, key=lambda k: (names.get(k, ""), str(k)))
    overall = outcomes.summarise([p.pair for p in pairs], measure)
    partner_rows, overall_row = _suppressed(
        [(k, outcomes.summarise(by_partner[k], measure)) for k in partner_keys],
        overall,
        names,
        additive=True,
    )
    programme_keys = sorted(by_programme, key=lambda k: (names.get(k, ""), str(k)))
    programme_rows = [_programme_row(k, pairs, measure, overall, names) for k in programme_keys]
    if partner is not None:
        partner_rows = [r for r in partner_rows if r.key == partner]
    assert overall_row is not None
    return ChangeReport(
        measure=measure,
        name=instrument_name(measure.instrument),
        overall=overall_row,
        partners=partner_rows,
        programmes=programme_rows,
    )


def _programme_row(
    key: Any,
    pairs: Sequence[PersonPair],
    measure: outcomes.Measure,
    overall: outcomes.Summary,
    names: dict[Any, str],
) -> ChangeRow:
    """One programme's row, suppressed together with everyone *outside* it.

    The overall row is published, so a programme's figures subtracted from it give those of
    the people outside the programme: the two are one table with the overall as its totals,
    and the programme's means are hidden when the people outside are 1 to 10.
    """
    inside = [p.pair for p in pairs if key in p.service_ids]
    outside = [p.pair for p in pairs if key not in p.service_ids]
    rows, _ = _suppressed(
        [
            (key, outcomes.summarise(inside, measure)),
            (None, outcomes.summarise(outside, measure)),
        ],
        overall,
        names,
        additive=True,
    )
    return rows[0]


def _suppressed(
    groups: Sequence[tuple[Any, outcomes.Summary]],
    overall: outcomes.Summary | None,
    names: dict[Any, str],
    *,
    additive: bool,
) -> tuple[list[ChangeRow], ChangeRow | None]:
    """Rows (and the overall row) through the de-identification layer.

    The people with a pair are split into improved / unchanged / deteriorated (row totals:
    n; column totals: the overall row, when the rows add up to it), and the PHQ-9's eligible
    into responded / not and remitted / not, each one table: the complements (not improved,
    not responded) are derivable, so they are cells of the table, not left to arithmetic.
    """
    keys = [str(i) for i in range(len(groups))]
    summaries = [s for _, s in groups]
    basis = overall if overall is not None else (summaries[0] if summaries else None)
    if basis is not None and basis.improved is not None:
        improvement = deidentify.suppress(
            deidentify.Table(
                rows=keys,
                columns=IMPROVEMENT,
                counts=[
                    [s.improved or 0, s.unchanged or 0, s.deteriorated or 0] for s in summaries
                ],
                column_totals=additive,
            )
        )
        ns = list(improvement.row_totals or ())
        n_total = improvement.grand_total
        splits = [list(line) for line in improvement.cells]
        split_total = list(improvement.column_totals) if improvement.column_totals else None
    else:
        ns, n_total, splits, split_total = _counts([s.n for s in summaries], additive)
    response = _yes_no(summaries, "responded", additive)
    remission = _yes_no(summaries, "remitted", additive)
    rows = [
        _row(key, names, s, ns[i], splits[i] if splits else None, response, remission, i)
        for i, (key, s) in enumerate(groups)
    ]
    total = None
    if overall is not None:
        total = _row(None, names, overall, n_total, split_total, response, remission, None)
        rows = _pool_hidden_means(rows, summaries)
    return rows, total


def _pool_hidden_means(
    rows: list[ChangeRow], summaries: Sequence[outcomes.Summary]
) -> list[ChangeRow]:
    """Hide more partners' means until the hidden ones rest on no people or on 11 or more.

    The overall mean times everyone, less each shown partner's mean times its people, is the
    sum over the partners whose means are hidden: their pooled mean. Pooled over 1 to 10
    people it is a mean over too few, so the smallest partner still shown joins them.
    """
    hidden = [isinstance(r.mean_change, Suppressed) for r in rows]
    while True:
        people = sum(s.n for s, h in zip(summaries, hidden, strict=True) if h)
        shown = [i for i, h in enumerate(hidden) if not h and summaries[i].n]
        if not 0 < people < THRESHOLD or not shown:
            break
        hidden[min(shown, key=lambda i: (summaries[i].n, i))] = True
    return [
        dataclasses.replace(
            row,
            mean_baseline=_derived(row.mean_baseline),
            mean_follow_up=_derived(row.mean_follow_up),
            mean_change=_derived(row.mean_change),
            ci_low=_derived(row.ci_low),
            ci_high=_derived(row.ci_high),
        )
        if hide and not isinstance(row.mean_change, Suppressed)
        else row
        for row, hide in zip(rows, hidden, strict=True)
    ]


def _derived(value: float | Suppressed | None) -> float | Suppressed | None:
    return None if value is None else Suppressed.DERIVED


def _counts(
    values: list[int], additive: bool
) -> tuple[list[Cell], Cell, list[list[Cell]] | None, list[Cell] | None]:
    if additive:
        cells, total = deidentify.suppress_list([str(i) for i in range(len(values))], values)
        return list(cells), total, None, None
    return [deidentify.shown(v) for v in values], 0, None, None


def _yes_no(
    summaries: Sequence[outcomes.Summary], name: str, additive: bool
) -> tuple[list[tuple[Cell, Cell, Cell]], tuple[Cell, Cell, Cell] | None] | None:
    """(yes, no, eligible) per row and overall, suppressed as one table; None if not PHQ-9."""
    if not summaries or summaries[0].eligible is None:
        return None
    counts = [
        [getattr(s, name) or 0, (s.eligible or 0) - (getattr(s, name) or 0)] for s in summaries
    ]
    table = deidentify.suppress(
        deidentify.Table(
            rows=[str(i) for i in range(len(summaries))],
            columns=("yes", "no"),
            counts=counts,
            column_totals=additive,
        )
    )
    assert table.row_totals is not None
    rows = [(line[0], line[1], table.row_totals[i]) for i, line in enumerate(table.cells)]
    total = None
    if additive:
        assert table.column_totals is not None and table.grand_total is not None
        total = (table.column_totals[0], table.column_totals[1], table.grand_total)
    return rows, total


def _row(
    key: Any,
    names: dict[Any, str],
    s: outcomes.Summary,
    n: Cell,
    split: Sequence[Cell] | None,
    response: Any,
    remission: Any,
    index: int | None,
) -> ChangeRow:
    def pick(table: Any) -> tuple[Cell | None, Cell | None]:
        if table is None:
            return None, None
        rows, total = table
        line = total if index is None else rows[index]
        if line is None:  # no overall row for programmes: the overall is in the partners' table
            return None, None
        return line[0], line[2]

    responded, eligible = pick(response)
    remitted, _ = pick(remission)

    def stat(value: float | None) -> float | Suppressed | None:
        if is_hidden(n):
            return Suppressed.DERIVED if value is not None else None
        return deidentify.statistic(value, s.n)

    return ChangeRow(
        key=key,
        name=names.get(key, "") if key is not None else "",
        n=n,
        mean_baseline=stat(s.mean_baseline),
        mean_follow_up=stat(s.mean_follow_up),
        mean_change=stat(s.mean_change),
        ci_low=stat(s.ci_low),
        ci_high=stat(s.ci_high),
        improved=split[0] if split else None,
        unchanged=split[1] if split else None,
        deteriorated=split[2] if split else None,
        eligible=eligible,
        responded=responded,
        remitted=remitted,
    )


def is_hidden(cell: object) -> bool:
    return isinstance(cell, Suppressed)


# --- the help-seeking funnel ------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    key: Any
    name: str
    stages: dict[str, Cell | None]  # None: the stage does not apply (programmes: no screening)


@dataclass(frozen=True)
class Funnel:
    overall: FunnelRow
    partners: list[FunnelRow]
    programmes: list[FunnelRow]


@dataclass
class _Person:
    partner: Any
    positive_at: dt.datetime | None = None
    referred: dict[Any, set] = field(default_factory=lambda: defaultdict(set))


def funnel(quarter: Quarter, names: dict[Any, str], partner: Any = None) -> Funnel:
    """The funnel over every screening of the quarter, whatever instrument is chosen: a
    funnel per instrument, subtracted from the whole one, would count the people screened
    only with other instruments, a figure no suppression of either report protects."""
    screenings = Screening.objects.filter(
        person__isnull=False,
        created_at__date__gte=quarter.start,
        created_at__date__lte=quarter.end,
    )
    people: dict[Any, _Person] = {}
    for person_id, created_at, organization_id, result in screenings.order_by(
        "created_at", "id"
    ).values_list("person_id", "created_at", "organization_id", "result"):
        person = people.setdefault(person_id, _Person(partner=organization_id))
        if person.positive_at is None and _positive(result):
            person.positive_at = created_at
    positive = {p: person for p, person in people.items() if person.positive_at is not None}
    _add_referrals(quarter, positive)
    partner_counts: dict[Any, list[int]] = defaultdict(lambda: [0] * 5)
    programme_counts: dict[Any, list[int]] = defaultdict(lambda: [0] * 3)
    for person in people.values():
        line = partner_counts[person.partner]
        line[0] += 1
        if person.positive_at is None:
            continue
        line[1] += 1
        stages = set().union(*person.referred.values()) if person.referred else set()
        for k, stage in enumerate(("referred", "accepted", "served"), start=2):
            if stage in stages:
                line[k] += 1
        for service_id, reached in person.referred.items():
            for k, stage in enumerate(("referred", "accepted", "served")):
                if stage in reached:
                    programme_counts[service_id][k] += 1
    partner_keys = sorted(partner_counts, key=lambda k: (names.get(k, ""), str(k)))
    cells, total = outcomes_funnel.suppress([partner_counts[k] for k in partner_keys])
    programme_keys = sorted(programme_counts, key=lambda k: (names.get(k, ""), str(k)))
    programme_cells, _ = outcomes_funnel.suppress(
        [programme_counts[k] for k in programme_keys],
        additive=False,
        against=list(total[2:]) if total else [],
    )
    stages = outcomes_funnel.STAGES
    partners = [
        FunnelRow(key=k, name=names.get(k, ""), stages=dict(zip(stages, cells[i], strict=True)))
        for i, k in enumerate(partner_keys)
    ]
    if partner is not None:
        partners = [r for r in partners if r.key == partner]
    overall_stages: dict[str, Cell | None] = dict(
        zip(stages, total if total else [0] * 5, strict=True)
    )
    return Funnel(
        overall=FunnelRow(key=None, name="", stages=overall_stages),
        partners=partners,
        programmes=[
            FunnelRow(
                key=k,
                name=names.get(k, ""),
                stages={
                    "screened": None,
                    "positive": None,
                    **dict(zip(stages[2:], programme_cells[i], strict=True)),
                },
            )
            for i, k in enumerate(programme_keys)
        ],
    )


def _positive(result: Any) -> bool:
    return any(score.get("positive") for score in (result or {}).get("scores", []))


def _add_referrals(quarter: Quarter, people: dict[Any, _Person]) -> None:
    """Each positive person's referrals sent after their first positive screen, and how far
    each got by the quarter's end."""
    if not people:
        return
    referrals = (
        Referral.objects.filter(
            person_id__in=list(people), sent_at__isnull=False, sent_at__date__lte=quarter.end
        )
        .exclude(status=ReferralStatus.DRAFT)
        .values_list("id", "person_id", "service_id", "sent_at", "outcome")
    )
    chosen: dict[Any, tuple[Any, Any, str]] = {}
    for referral_id, person_id, service_id, sent_at, outcome in referrals:
        person = people[person_id]
        if person.positive_at is not None and sent_at >= person.positive_at:
            person.referred[service_id].add("referred")
            chosen[referral_id] = (person_id, service_id, outcome)
    if not chosen:
        return
    events = ReferralEvent.objects.filter(
        referral_id__in=list(chosen),
        at__date__lte=quarter.end,
        to_status__in=[ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED],
    ).values_list("referral_id", "to_status")
    for referral_id, to_status in events:
        person_id, service_id, outcome = chosen[referral_id]
        reached = people[person_id].referred[service_id]
        if to_status == ReferralStatus.ACCEPTED:
            reached.add("accepted")
        elif outcome == Outcome.SERVED:
            # Served implies it was taken on, even if the receiver skipped "accepted".
            reached.update({"accepted", "served"})


# --- the whole report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    quarter: Quarter
    changes: list[ChangeReport]
    funnel: Funnel
    loop: metrics.Report


def build(*, quarter: Quarter, instrument: str | None = None, partner: Any = None) -> Report:
    """Every figure of the outcomes page for a completed quarter, de-identified."""
    offered = measures()
    chosen = [m for m in offered if instrument in (None, m.instrument)]
    if instrument and not chosen:
        raise BadFilter("instrument")
    names = _names()
    if partner is not None and partner not in dict(partners()):
        raise BadFilter("partner")
    loop = metrics.loop_closure(start=quarter.start, end=quarter.end, scope=DEIDENTIFIED)
    if partner is not None:
        loop = metrics.Report(
            start=loop.start,
            end=loop.end,
            rows=[r for r in loop.rows if r.organization_id == partner],
            overall=loop.overall,
        )
    return Report(
        quarter=quarter,
        changes=[change_report(quarter, m, names, partner) for m in chosen],
        funnel=funnel(quarter, names, partner),
        loop=loop,
    )


def _names() -> dict[Any, str]:
    """Organisation and service names by id (both are public listings)."""
    from commonweal.directory.models import Organization, Service

    names: dict[Any, str] = dict(Organization.objects.values_list("id", "name"))
    for service_id, name, organization in Service.objects.values_list(
        "id", "name", "organization__name"
    ):
        names[service_id] = f"{name} ({organization})" if organization else name
    return names


def partners() -> list[tuple[Any, str]]:
    """The partners a user may filter by: every organisation, by name (a public listing)."""
    from commonweal.directory.models import Organization

    return [
        (pk, name)
        for pk, name in Organization.objects.order_by("name", "id").values_list("id", "name")
    ]
