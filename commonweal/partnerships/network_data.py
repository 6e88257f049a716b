"""Gathering the partnership network of a period from the system's own records: referrals
between partners, contributions to programmes, and meeting attendance (network.py measures
it). Only organisation ids are read — no person, no count shown."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import networkx as nx

from commonweal.partnerships import network
from commonweal.partnerships.models import Attendance, Contribution, Partner
from commonweal.referrals.models import Referral


def build(start: dt.date, end: dt.date) -> nx.Graph:
    """The network of every active partner, with the ties made from `start` to `end`."""
    partners = list(Partner.objects.active().with_organization())
    by_org = {p.organization_id: str(p.pk) for p in partners}
    nodes = [network.Node(str(p.pk), p.name, p.sector) for p in partners]
    ties: list[tuple[str, str, str]] = []
    pairs = (
        Referral.objects.filter(sent_at__date__gte=start, sent_at__date__lte=end)
        .exclude(status="draft")
        .values_list("from_organization_id", "to_organization_id")
        .distinct()
    )
    for sender, receiver in pairs:
        if sender in by_org and receiver in by_org:
            ties.append((by_org[sender], by_org[receiver], network.REFERRAL))
    contributors: dict[object, set[str]] = defaultdict(set)
    contributions = Contribution.objects.filter(
        starts_on__lte=end, programme__isnull=False
    ).exclude(ends_on__lt=start)
    for partner_id, programme_org in contributions.values_list(
        "partner_id", "programme__organization_id"
    ):
        contributors[programme_org].add(str(partner_id))
        runner = by_org.get(programme_org)
        if runner:
            ties.append((str(partner_id), runner, network.CONTRIBUTION))
    for group in contributors.values():
        for a, b in itertools.combinations(sorted(group), 2):
            ties.append((a, b, network.SHARED_PROGRAMME))
    present: dict[object, set[str]] = defaultdict(set)
    for meeting_id, partner_id in Attendance.objects.filter(
        present=True, meeting__starts_at__date__gte=start, meeting__starts_at__date__lte=end
    ).values_list("meeting_id", "partner_id"):
        present[meeting_id].add(str(partner_id))
    for group in present.values():
        for a, b in itertools.combinations(sorted(group), 2):
            ties.append((a, b, network.MEETING))
    return network.graph(nodes, ties)
