"""The network measures on small graphs whose values are known, checked against networkx."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from commonweal.partnerships import network, network_data
from commonweal.partnerships.network import Node


def _nodes(spec: str) -> list[Node]:
    """ "a:health b:faith" -> nodes a, b with those sectors."""
    return [Node(k, k.upper(), s) for k, s in (part.split(":") for part in spec.split())]


STAR = network.graph(
    _nodes("hub:health a:faith b:school c:faith d:business"),
    [("hub", x, network.REFERRAL) for x in "abcd"],
)


def test_a_star_is_fully_centralised_and_its_hub_is_the_only_broker() -> None:
    found = network.measure(STAR)
    assert found.centralisation == 1.0
    assert found.density == pytest.approx(4 / 10) == nx.density(STAR)
    top = found.by_partner[0]
    assert top.node.key == "hub" and top.betweenness == 1.0 and top.sectors_reached == 3
    assert all(r.betweenness == 0 for r in found.by_partner[1:])
    assert [b.node.key for b in found.bridges][0] == "hub"


def test_a_complete_graph_is_not_centralised_and_a_path_has_brokers() -> None:
    complete = network.graph(
        _nodes("a:x b:x c:x d:x"),
        [(a, b, network.MEETING) for a in "abcd" for b in "abcd" if a < b],
    )
    assert network.measure(complete).centralisation == 0.0
    assert network.measure(complete).density == 1.0
    path = network.graph(
        _nodes("a:x b:x c:x e:y"), [("a", "b", "m"), ("b", "c", "m"), ("c", "a", "m")]
    )
    found = network.measure(path)
    # A triangle plus an isolated partner: degrees 2,2,2,0 -> (0+0+0+2)/(3*2).
    assert found.centralisation == pytest.approx(2 / 6)
    assert [n.key for n in found.isolated] == ["e"]
    line = network.graph(_nodes("a:x b:x c:x"), [("a", "b", "m"), ("b", "c", "m")])
    expected = nx.betweenness_centrality(nx.path_graph(3), normalized=True)
    assert {r.node.key: r.betweenness for r in network.measure(line).by_partner} == {
        "a": expected[0],
        "b": expected[1],  # 1.0: every path between a and c passes b
        "c": expected[2],
    }


def test_ties_of_several_kinds_are_one_tie_and_self_ties_are_ignored() -> None:
    g = network.graph(
        _nodes("a:x b:y"),
        [("a", "b", network.REFERRAL), ("b", "a", network.MEETING), ("a", "a", network.MEETING)],
    )
    found = network.measure(g)
    assert found.ties == 1
    assert list(found.tie_kinds.values()) == [{network.REFERRAL, network.MEETING}]


def test_two_periods_compared_name_the_ties_gained_and_lost() -> None:
    nodes = _nodes("a:x b:y c:z")
    before = network.graph(nodes, [("a", "b", "m")])
    after = network.graph(nodes, [("b", "c", "m")])
    change = network.compare(before, after)
    assert [(x.key, y.key) for x, y in change.gained] == [("b", "c")]
    assert [(x.key, y.key) for x, y in change.lost] == [("a", "b")]


def test_the_drawing_puts_every_partner_on_the_circle() -> None:
    drawing = network.draw(STAR)
    assert len(drawing.points) == 5 and len(drawing.lines) == 4
    for _, _, x, y in drawing.points:
        assert (x - 160) ** 2 + (y - 160) ** 2 == pytest.approx(network.RADIUS**2)


@pytest.mark.django_db
def test_it_builds_the_network_from_referrals_contributions_and_meetings(
    partner, organization, other_organization
) -> None:
    from commonweal.directory.models import Organization, Service
    from commonweal.partnerships.models import Attendance, Contribution, Meeting, Partner
    from commonweal.programs.models import Programme
    from commonweal.referrals.models import Referral
    from commonweal.referrals.tests.people_fixtures import make_person

    clinic = Partner.objects.create(organization=other_organization, sector="health_care")
    school = Partner.objects.create(
        organization=Organization.objects.create(name="School"), sector="school"
    )
    lonely = Partner.objects.create(
        organization=Organization.objects.create(name="Lonely"), sector="faith"
    )
    sent = dt.datetime(2026, 2, 2, 12, tzinfo=dt.UTC)
    Referral.objects.create(
        person=make_person(organization),
        from_organization=organization,
        to_organization=other_organization,
        service=Service.objects.create(organization=other_organization, name="Care"),
        needs=["health"],
        status="requested",
        sent_at=sent,
        created_at=sent,
    )
    programme = Programme.objects.create(
        organization=school.organization,
        name="Classes",
        kind="other",
        starts_on=dt.date(2026, 1, 1),
    )
    Contribution.objects.create(
        partner=clinic,
        programme=programme,
        kind="space",
        description="Room",
        value=1,
        starts_on=dt.date(2026, 1, 1),
    )
    meeting = Meeting.objects.create(
        title="Steering", time_zone="UTC", place="Hall", starts_at=sent, ends_at=sent
    )
    Attendance.objects.create(meeting=meeting, partner=partner, present=True)
    Attendance.objects.create(meeting=meeting, partner=school, present=True)
    Attendance.objects.create(meeting=meeting, partner=lonely, present=False)
    g = network_data.build(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    kinds = {
        frozenset((g.nodes[a]["node"].name, g.nodes[b]["node"].name)): d["kinds"]
        for a, b, d in g.edges(data=True)
    }
    assert kinds == {
        frozenset(("Northside Food Bank", "Eastside Clinic")): {network.REFERRAL},
        frozenset(("Eastside Clinic", "School")): {network.CONTRIBUTION},
        frozenset(("Northside Food Bank", "School")): {network.MEETING},
    }
    assert [n.name for n in network.measure(g).isolated] == ["Lonely"]
    assert network_data.build(dt.date(2025, 1, 1), dt.date(2025, 3, 31)).number_of_edges() == 0


@pytest.mark.django_db
def test_the_network_page_compares_two_quarters(client, partner, other_organization, analyst):
    from django.urls import reverse

    from commonweal.partnerships.models import Attendance, Meeting, Partner

    clinic = Partner.objects.create(organization=other_organization, sector="health_care")
    held = dt.datetime(2026, 8, 4, 15, tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        title="Steering", time_zone="UTC", place="Hall", starts_at=held, ends_at=held
    )
    for p in (partner, clinic):
        Attendance.objects.create(meeting=meeting, partner=p, present=True)
    client.force_login(analyst)
    url = reverse("partnerships:network")
    html = client.get(url, {"after": "2026-Q3", "before": "2026-Q2"}).content.decode()
    assert "1 tie gained" in html and "a meeting together" in html and "<svg" in html
    refused = client.get(url, {"after": "2099-Q1"}).content.decode()
    assert "choose one of the completed quarters" in refused
