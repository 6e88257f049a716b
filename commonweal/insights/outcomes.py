"""Is anyone better off? Change between a first and a latest score: the statistics, DB-free.

A **pair** is one person's first and latest score on one instrument within a reporting
period, when the two are at least `MIN_DAYS_APART` days apart (closer than that, a second
score measures the same episode, not a change). For a set of pairs this module computes:

- n, the mean baseline, the mean follow-up and the mean change (follow-up minus baseline)
  with its 95% confidence interval from the t distribution (mean ± t(0.975, n−1)·s/√n;
  none for fewer than two pairs, where no spread can be estimated);
- the **reliable change index** of Jacobson & Truax (1991), "Clinical significance: a
  statistical approach to defining meaningful change in psychotherapy research", J Consult
  Clin Psychol 59(1):12–19: RCI = (x2 − x1) / S_diff, S_diff = √2 · SD · √(1 − r), where SD
  is a published standard deviation of the measure and r its published reliability; a change
  is reliable when |RCI| > 1.96. Improvement or deterioration depends on the measure's
  direction (WHO-5: higher is better; PHQ-9, GAD-7, UCLA-3: lower is better);
- for the PHQ-9, **response** (follow-up ≤ half the baseline, a reduction of 50% or more) and
  **remission** (follow-up < 5), both among pairs whose baseline is 10 or more — the
  definitions of the Minnesota Community Measurement depression measures adopted by NQF and
  CMS: "Depression Remission at Twelve Months" (NQF 0710, CMS159: index PHQ-9 > 9,
  remission PHQ-9 < 5) and "Depression Response at Twelve Months" (NQF 1885: a PHQ-9
  reduction of 50% or more).

Nothing here reads the database, and nothing here hides small numbers: callers put every
figure through `commonweal.insights.deidentify` (see outcomes_report.py).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scipy import stats

# A second score within two weeks measures the same episode: the PHQ-9 and GAD-7 both ask
# about "the last 2 weeks" (Kroenke 2001; Spitzer 2006), so 14 days is the shortest gap at
# which the two answers cover different days.
MIN_DAYS_APART = 14

CONFIDENCE = 0.95
RELIABLE_Z = 1.96  # Jacobson & Truax (1991): |RCI| > 1.96, p < .05 two-sided
# Floating point: a change of exactly 1.96 · S_diff must count as *not* reliable, as the
# rule is strict; without this slack √2 and √(1−r) can round it either way.
_SLACK = 1e-9

# PHQ-9 response and remission (NQF 1885; NQF 0710 / CMS159, Minnesota Community Measurement).
PHQ9_ELIGIBLE_BASELINE = 10  # "index PHQ-9 score greater than nine"
PHQ9_RESPONSE_SHARE = 0.5  # a reduction of 50% or more
PHQ9_REMISSION_BELOW = 5  # "PHQ-9 score less than five"


@dataclass(frozen=True)
class ReliableChange:
    """A measure's published SD and reliability, and where they come from."""

    sd: float
    reliability: float
    source: str

    def __post_init__(self) -> None:
        if not (self.sd > 0 and math.isfinite(self.sd)):
            raise ValueError("the standard deviation must be a positive number")
        if not 0 <= self.reliability < 1:
            raise ValueError("the reliability must be from 0 up to (not including) 1")

    @property
    def s_diff(self) -> float:
        """The standard error of a difference between two scores (Jacobson & Truax 1991)."""
        return math.sqrt(2) * self.sd * math.sqrt(1 - self.reliability)

    @property
    def threshold(self) -> float:
        """The smallest change, in score points, that is reliable (strictly more than this)."""
        return RELIABLE_Z * self.s_diff


@dataclass(frozen=True)
class Measure:
    """An instrument's outcome score: which stored score, which way is better, its RC figures."""

    instrument: str  # the instrument's code, e.g. "phq-9"
    score_code: str  # the stored score to compare, e.g. LOINC 44261-6 for the PHQ-9 total
    higher_is_better: bool | None  # None: unknown, so no improvement/deterioration shares
    reliable_change: ReliableChange | None  # None: no published figures ("not available")
    response_remission: bool = False  # PHQ-9 only


# Published figures. Each SD and reliability comes from a named paper; where no published
# pair was found, reliable change is "not available" rather than a guess.
PUBLISHED: dict[str, Measure] = {
    "phq-9": Measure(
        instrument="phq-9",
        score_code="44261-6",
        higher_is_better=False,
        reliable_change=ReliableChange(
            # Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16:606–613: Cronbach's
            # α = .89 (PRIME-MD PHQ primary care study).
            reliability=0.89,
            # Kocalevent, Hinz & Brähler (2013), Gen Hosp Psychiatry 35:551–555: German
            # general population, n = 5,018; SD 3.5 for women and for men alike.
            sd=3.5,
            source="Kroenke et al. 2001 (α = .89); Kocalevent et al. 2013 (SD 3.5)",
        ),
        response_remission=True,
    ),
    "gad-7": Measure(
        instrument="gad-7",
        score_code="70274-6",
        higher_is_better=False,
        reliable_change=ReliableChange(
            # Spitzer, Kroenke, Williams & Löwe (2006), Arch Intern Med 166:1092–1097:
            # Cronbach's α = .92.
            reliability=0.92,
            # Löwe et al. (2008), Med Care 46:266–274: German general population, n = 5,030,
            # 53.6% women; SD 3.5 (women) and 3.2 (men), means 3.2 and 2.7. Pooled:
            # √(.536·3.5² + .464·3.2² + .536·.464·(3.2 − 2.7)²) = 3.37.
            sd=3.37,
            source="Spitzer et al. 2006 (α = .92); Löwe et al. 2008 (SD 3.37, pooled)",
        ),
    ),
    # WHO-5 (percentage score, 0–100). Topp et al. (2015), Psychother Psychosom 84:167–176,
    # review the WHO-5's validity but give no single reliability and SD to use; we found no
    # published pair we could check, so reliable change is not available.
    "who-5": Measure(
        instrument="who-5",
        score_code="who-5/percentage",
        higher_is_better=True,
        reliable_change=None,
    ),
    # UCLA 3-item loneliness scale. Hughes, Waite, Hawkley & Cacioppo (2004), Res Aging
    # 26:655–672, report α = .72, but we found no published SD to pair with it, so reliable
    # change is not available.
    "ucla-3": Measure(
        instrument="ucla-3",
        score_code="ucla-3/total",
        higher_is_better=False,
        reliable_change=None,
    ),
}


def measure_for(instrument: str, score_rules: Sequence[Mapping[str, Any]]) -> Measure | None:
    """The outcome measure of an instrument: the published one, or a local instrument's own.

    A local instrument's outcome score is its first summed score; its direction follows its
    positive-screen rule (positive at a *minimum*: higher is worse), and its reliable-change
    figures come from an optional `reliable_change` object on that score rule
    ({"sd": …, "reliability": …, "source": …, "higher_is_better": …}).
    """
    if instrument in PUBLISHED:
        return PUBLISHED[instrument]
    rule = next((r for r in score_rules if r.get("method") == "sum"), None)
    if rule is None:
        return None
    declared = rule.get("reliable_change") or {}
    higher_is_better: bool | None = declared.get("higher_is_better")
    positive = rule.get("positive") or {}
    if higher_is_better is None and "min" in positive:
        higher_is_better = False
    elif higher_is_better is None and "max" in positive:
        higher_is_better = True
    reliable = None
    if "sd" in declared and "reliability" in declared:
        reliable = ReliableChange(
            sd=float(declared["sd"]),
            reliability=float(declared["reliability"]),
            source=str(declared.get("source", "")),
        )
    return Measure(
        instrument=instrument,
        score_code=str(rule["code"]),
        higher_is_better=higher_is_better,
        reliable_change=reliable,
    )


@dataclass(frozen=True)
class Pair:
    baseline: float
    follow_up: float

    @property
    def change(self) -> float:
        return self.follow_up - self.baseline


@dataclass(frozen=True)
class Summary:
    """The true figures for a set of pairs (before de-identification)."""

    n: int
    mean_baseline: float | None
    mean_follow_up: float | None
    mean_change: float | None
    ci_low: float | None  # None with fewer than two pairs
    ci_high: float | None
    improved: int | None  # None: reliable change not available for this measure
    unchanged: int | None
    deteriorated: int | None
    eligible: int | None  # PHQ-9 baseline ≥ 10; None for other measures
    responded: int | None
    remitted: int | None


def pair_of(scores: Iterable[tuple[Any, float]], min_days: int = MIN_DAYS_APART) -> Pair | None:
    """One person's pair from their (when, score) list: first and latest, if far enough apart.

    `when` is a date or datetime; ties in time keep the given order.
    """
    ordered = sorted(enumerate(scores), key=lambda item: (item[1][0], item[0]))
    if len(ordered) < 2:
        return None
    (_, (first_at, first)), (_, (last_at, last)) = ordered[0], ordered[-1]
    if (last_at - first_at).days < min_days:
        return None
    return Pair(baseline=float(first), follow_up=float(last))


def rci(pair: Pair, reliable: ReliableChange) -> float:
    """Jacobson & Truax's reliable change index of one pair."""
    return pair.change / reliable.s_diff


def classify(pair: Pair, measure: Measure) -> str | None:
    """ "improved", "deteriorated" or "unchanged" (no reliable change); None if not computable."""
    if measure.reliable_change is None or measure.higher_is_better is None:
        return None
    index = rci(pair, measure.reliable_change)
    if abs(index) <= RELIABLE_Z + _SLACK:
        return "unchanged"
    better = index > 0 if measure.higher_is_better else index < 0
    return "improved" if better else "deteriorated"


def confidence_interval(
    values: Sequence[float], level: float = CONFIDENCE
) -> tuple[float, float] | None:
    """The t-distribution confidence interval of the mean of `values`; None under two values."""
    n = len(values)
    if n < 2:
        return None
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    half = float(stats.t.ppf((1 + level) / 2, n - 1)) * sd / math.sqrt(n)
    return mean - half, mean + half


def responded(pair: Pair) -> bool:
    """PHQ-9 response: a reduction of 50% or more from baseline (NQF 1885)."""
    return pair.follow_up <= pair.baseline * (1 - PHQ9_RESPONSE_SHARE)


def remitted(pair: Pair) -> bool:
    """PHQ-9 remission: a follow-up score under 5 (NQF 0710 / CMS159)."""
    return pair.follow_up < PHQ9_REMISSION_BELOW


def summarise(pairs: Sequence[Pair], measure: Measure) -> Summary:
    """Every figure for a set of pairs of one measure. Empty input gives n = 0 and no means."""
    n = len(pairs)
    changes = [p.change for p in pairs]
    interval = confidence_interval(changes)
    kinds = [classify(p, measure) for p in pairs]
    rc_known = measure.reliable_change is not None and measure.higher_is_better is not None
    eligible = [p for p in pairs if p.baseline >= PHQ9_ELIGIBLE_BASELINE]
    return Summary(
        n=n,
        mean_baseline=statistics.fmean(p.baseline for p in pairs) if n else None,
        mean_follow_up=statistics.fmean(p.follow_up for p in pairs) if n else None,
        mean_change=statistics.fmean(changes) if n else None,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        improved=kinds.count("improved") if rc_known else None,
        unchanged=kinds.count("unchanged") if rc_known else None,
        deteriorated=kinds.count("deteriorated") if rc_known else None,
        eligible=len(eligible) if measure.response_remission else None,
        responded=sum(responded(p) for p in eligible) if measure.response_remission else None,
        remitted=sum(remitted(p) for p in eligible) if measure.response_remission else None,
    )
