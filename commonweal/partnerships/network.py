"""The partnership network: partners as nodes, ties from working together, and the
networkx measures coalitions use to see whether they are growing together.

A tie joins two partners in a period when, in it, one sent the other a referral, both
contributed to the same programme, one contributed to a programme the other runs, or both
were present at the same meeting. The measures, on the undirected graph of ties:

- **density**: ties present / ties possible, n(n-1)/2 (networkx `density`);
- **degree centralisation** (Freeman 1979, *Social Networks* 1:215): how far ties gather
  on one partner: sum over partners of (highest degree - degree) / ((n-1)(n-2)); 1 for a
  star, 0 when every partner has as many ties;
- **betweenness**: the share of shortest paths between other partners that pass through a
  partner (networkx `betweenness_centrality`, normalised) — the brokers;
- **isolated partners**: those with no tie;
- **who bridges sectors**: partners tied to partners of other sectors, by how many other
  sectors they reach.

Only whether a tie exists, and of which kinds, is shown — never how many referrals passed
along it — so no count of people is published.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

REFERRAL = "referral"
SHARED_PROGRAMME = "shared_programme"
CONTRIBUTION = "contribution"
MEETING = "meeting"
TIE_KINDS = (REFERRAL, SHARED_PROGRAMME, CONTRIBUTION, MEETING)


@dataclass(frozen=True)
class Node:
    key: str
    name: str
    sector: str


@dataclass
class PartnerMeasures:
    node: Node
    degree: int
    betweenness: float
    sectors_reached: int  # other sectors among its ties


@dataclass
class Measures:
    partners: int
    ties: int
    density: float
    centralisation: float
    isolated: list[Node]
    by_partner: list[PartnerMeasures]
    bridges: list[PartnerMeasures]
    tie_kinds: dict[tuple[str, str], set[str]] = field(default_factory=dict)


def graph(nodes: Iterable[Node], ties: Iterable[tuple[str, str, str]]) -> nx.Graph:
    """The undirected graph; `ties` are (key, key, kind), a partner's tie to itself ignored."""
    g = nx.Graph()
    for node in nodes:
        g.add_node(node.key, node=node)
    for a, b, kind in ties:
        if a == b or a not in g or b not in g:
            continue
        if g.has_edge(a, b):
            g.edges[a, b]["kinds"].add(kind)
        else:
            g.add_edge(a, b, kinds={kind})
    return g


def centralisation(g: nx.Graph) -> float:
    """Freeman's degree centralisation of an undirected graph (0 with fewer than 3 nodes)."""
    n = g.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in g.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def measure(g: nx.Graph) -> Measures:
    betweenness = nx.betweenness_centrality(g, normalized=True) if len(g) else {}
    rows = []
    for key, data in g.nodes(data=True):
        node: Node = data["node"]
        sectors = {g.nodes[other]["node"].sector for other in g.neighbors(key)} - {node.sector}
        rows.append(PartnerMeasures(node, g.degree(key), betweenness.get(key, 0.0), len(sectors)))
    rows.sort(key=lambda r: (-r.degree, -r.betweenness, r.node.name))
    bridges = sorted(
        (r for r in rows if r.sectors_reached),
        key=lambda r: (-r.sectors_reached, -r.betweenness, r.node.name),
    )
    return Measures(
        partners=g.number_of_nodes(),
        ties=g.number_of_edges(),
        density=nx.density(g) if len(g) > 1 else 0.0,
        centralisation=centralisation(g),
        isolated=sorted((g.nodes[k]["node"] for k in nx.isolates(g)), key=lambda n: n.name),
        by_partner=rows,
        bridges=bridges,
        tie_kinds={(a, b): set(d["kinds"]) for a, b, d in g.edges(data=True)},
    )


@dataclass(frozen=True)
class Change:
    """Two periods compared: ties gained and lost, and each measure before and after."""

    gained: list[tuple[Node, Node]]
    lost: list[tuple[Node, Node]]


def compare(before: nx.Graph, after: nx.Graph) -> Change:
    def pairs(g: nx.Graph) -> set[frozenset[str]]:
        return {frozenset(e) for e in g.edges()}

    def named(g: nx.Graph, pair: frozenset[str]) -> tuple[Node, Node]:
        a, b = sorted((g.nodes[k]["node"] for k in pair), key=lambda n: n.name)
        return a, b

    old, new = pairs(before), pairs(after)
    return Change(
        gained=sorted((named(after, p) for p in new - old), key=lambda t: (t[0].name, t[1].name)),
        lost=sorted((named(before, p) for p in old - new), key=lambda t: (t[0].name, t[1].name)),
    )


# --- drawing ------------------------------------------------------------------------------------

SIZE = 320
RADIUS = 120


@dataclass(frozen=True)
class Drawing:
    points: list[tuple[int, Node, float, float]]  # (number, node, x, y)
    lines: list[tuple[float, float, float, float]]
    size: int = SIZE


def draw(g: nx.Graph) -> Drawing:
    """Partners on a circle, grouped by sector then name, numbered for the legend table."""
    nodes = sorted((d["node"] for _, d in g.nodes(data=True)), key=lambda n: (n.sector, n.name))
    places: dict[str, tuple[float, float]] = {}
    points = []
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(len(nodes), 1) - math.pi / 2
        x, y = SIZE / 2 + RADIUS * math.cos(angle), SIZE / 2 + RADIUS * math.sin(angle)
        places[node.key] = (x, y)
        points.append((i + 1, node, x, y))
    lines = [(*places[a], *places[b]) for a, b in g.edges()]
    return Drawing(points=points, lines=lines)
