"""Reading the plain facts of programme participation and campaign reach for a quarter.

Sign-ups are counted by the database (programme × language × status × checked in), never
read one by one. Distinct participants need telling people apart, and a sign-up carries no
person id, only its (encrypted) contact: the contacts of those checked in are decrypted in
memory, folded to lower case, counted per programme and dropped — never returned, stored,
logged or shown. No name is read. Like referrals/metrics.py this shows no person's record,
so it writes no audit entry. Campaign reach is programs/campaigns.py's own `reach`.

`report` is what the page calls: the facts read afresh every time, the costly
de-identification cached by those facts (see `report`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils.crypto import salted_hmac

from commonweal.insights import participation, periods
from commonweal.insights.deidentify import Cell, shown
from commonweal.programs import campaigns
from commonweal.programs.campaign_models import Campaign
from commonweal.programs.models import Registration, RegistrationStatus, Session

# Reach figures that count people (hidden from 1 to 10), and those that count things: a
# leaflet, a page visit, an outlet's estimate of its audience describe no one.
CAMPAIGN_PEOPLE = ("attended", "signed_up", "workshop", "outreach")
CAMPAIGN_THINGS = ("materials", "media", "visits")


def _part(status: str, attended: bool) -> str:
    if status == RegistrationStatus.REGISTERED:
        return "attended" if attended else "no_show"
    if status == RegistrationStatus.WAITLISTED:
        return "waitlisted"
    return "cancelled"


Programmes = dict[str, tuple[str, str]]  # programme id → (organisation id, kind)


def _meetings(
    quarters: list[periods.Quarter],
) -> dict[periods.Quarter, tuple[dict[str, int], Programmes]]:
    """For each quarter: meetings held (not cancelled) per programme, by the local day of
    their start; and every programme with a session by the quarter's end.

    The sessions are read and their rules expanded once for all the quarters (a rule is
    walked from its first meeting, so expanding it again for each quarter walked the early
    years eight times over)."""
    found: dict[periods.Quarter, tuple[dict[str, int], Programmes]] = {
        q: (defaultdict(int), {}) for q in quarters
    }
    if not quarters:
        return found
    first, last = min(quarters), max(quarters)
    # A day of slack either side: the window is in UTC, the quarter in each programme's zone.
    window_start = dt.datetime.combine(first.start - dt.timedelta(days=1), dt.time(), dt.UTC)
    window_end = dt.datetime.combine(last.end + dt.timedelta(days=2), dt.time(), dt.UTC)
    sessions = (
        Session.objects.filter(starts_on__lte=last.end)
        .select_related("programme")
        .prefetch_related("cancellations")
    )
    for session in sessions:
        programme = session.programme
        pid = str(programme.pk)
        for quarter in quarters:
            if session.starts_on <= quarter.end:
                found[quarter][1][pid] = (str(programme.organization_id), programme.kind)
        for occurrence in session.occurrences(window_start=window_start, window_end=window_end):
            day = occurrence.key.date()
            if occurrence.cancelled:
                continue
            for quarter in quarters:
                if quarter.start <= day <= quarter.end:
                    found[quarter][0][pid] += 1
    return found


def gather(quarter: periods.Quarter) -> participation.Facts:
    return gather_many([quarter])[0]


def gather_many(quarters: list[periods.Quarter]) -> list[participation.Facts]:
    """The facts of each quarter, in the order given."""
    meetings = _meetings(quarters)
    return [_gather(quarter, *meetings[quarter]) for quarter in quarters]


def _gather(
    quarter: periods.Quarter, held: dict[str, int], about: Programmes
) -> participation.Facts:
    first, after = participation.quarter_dates(quarter)
    in_quarter = Registration.objects.filter(occurrence__gte=first, occurrence__lt=after)
    signups: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in (
        in_quarter.order_by()
        .values("session__programme_id", "language", "status", "attended")
        .annotate(n=Count("id"))
    ):
        key = (
            str(row["session__programme_id"]),
            row["language"] or participation.NO_LANGUAGE,
            _part(row["status"], row["attended"]),
        )
        signups[key] += row["n"]
    people: dict[str, set[str]] = defaultdict(set)
    for programme_id, contact in (
        in_quarter.filter(status=RegistrationStatus.REGISTERED, attended=True)
        .order_by()
        .values_list("session__programme_id", "contact")
    ):
        people[str(programme_id)].add((contact or "").strip().lower())
    programmes = {
        pid: participation.Programme(
            id=pid,
            organization=organization,
            kind=kind,
            meetings=held.get(pid, 0),
            participants=len(people.get(pid, ())),
        )
        for pid, (organization, kind) in about.items()
    }
    return participation.Facts(quarter=quarter, programmes=programmes, signups=dict(signups))


# Bump when participation.report would publish anything different from the same facts (a
# new column, another rule): a report cached by an older version is then never read again.
REPORT_VERSION = 1
# The key is the facts themselves, so a cached report is never stale; the time limit only
# lets reports of facts that no longer occur leave the cache.
REPORT_TTL = 7 * 24 * 3600


def reports(quarters: list[periods.Quarter]) -> list[participation.Report]:
    """The quarters' de-identified tables, from the facts as they are now.

    Reading the facts is a few aggregate queries a quarter and one walk of the schedules;
    de-identifying them is the costly step, so its result is kept in the shared cache
    under a keyed digest of the facts (every count the tables rest on, the programmes'
    organisations and kinds, the quarter, the rule's threshold and version). Any change to
    a sign-up, a check-in, a meeting or a programme changes the facts and so the key: the
    cached report is always the one participation.report would make from the current
    facts, itself fully de-identified, so serving it publishes nothing a fresh computation
    would not. The digest is keyed with the secret key, so the cache's keys tell nothing
    about the counts either."""
    return [_report(facts) for facts in gather_many(quarters)]


def report(quarter: periods.Quarter) -> participation.Report:
    return reports([quarter])[0]


def _report(facts: participation.Facts) -> participation.Report:
    key = f"insights:participation:{REPORT_VERSION}:{_digest(facts)}"
    found = cache.get(key)
    if isinstance(found, participation.Report) and found.quarter == facts.quarter:
        return found
    made = participation.report(facts)
    cache.set(key, made, REPORT_TTL)
    return made


def _digest(facts: participation.Facts) -> str:
    programmes = sorted(
        (p.id, p.organization, p.kind, p.meetings, p.participants)
        for p in facts.programmes.values()
    )
    text = repr(
        (
            facts.quarter.label,
            participation.SMALL_CELL,
            programmes,
            sorted(facts.signups.items()),
        )
    )
    return salted_hmac("commonweal.insights.participation", text, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class CampaignLine:
    slug: str
    name: str
    values: dict[str, Cell]  # CAMPAIGN_PEOPLE through the small-cell rule, things as counted


def campaign_reach(quarter: periods.Quarter) -> list[CampaignLine]:
    """Each campaign running in the quarter: its reach over the quarter's months.

    Each campaign's figures stand alone (no total is published across campaigns, whose
    events may share meetings), so the small-cell rule alone applies to each."""
    lines = []
    running = Campaign.objects.filter(starts_on__lte=quarter.end, ends_on__gte=quarter.start)
    for campaign in running.order_by("name"):
        months = [m for m in campaigns.reach(campaign).months if quarter.start <= m.month]
        months = [m for m in months if m.month <= quarter.end]
        values: dict[str, Cell] = {}
        for name in CAMPAIGN_PEOPLE:
            values[name] = shown(sum(getattr(m, name) for m in months))
        for name in CAMPAIGN_THINGS:
            values[name] = sum(getattr(m, name) for m in months)
        lines.append(CampaignLine(slug=campaign.slug, name=campaign.name, values=values))
    return lines
