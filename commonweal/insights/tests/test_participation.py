"""Participation tables, the pure core: hand-counted worlds and an attack on the suppression."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from commonweal.insights import participation, periods
from commonweal.insights.deidentify import Suppressed
from commonweal.insights.participation import Facts, Programme

Q3 = periods.Quarter(2026, 3)


def _facts(signups: dict[tuple[str, str, str], int], **programmes: tuple[str, str, int]) -> Facts:
    """Programmes as (organisation, kind, meetings held), each with 12 participants."""
    return Facts(
        quarter=Q3,
        programmes={
            pid: Programme(pid, org, kind, meetings, participants=12)
            for pid, (org, kind, meetings) in programmes.items()
        },
        signups=signups,
    )


BIG = _facts(
    {
        ("p1", "en", "attended"): 30,
        ("p1", "en", "no_show"): 12,
        ("p1", "en", "waitlisted"): 0,
        ("p1", "en", "cancelled"): 11,
        ("p2", "es", "attended"): 25,
        ("p2", "es", "no_show"): 15,
        ("p2", "es", "cancelled"): 20,
        ("p2", "es", "waitlisted"): 14,
    },
    p1=("org-a", "support_group", 10),
    p2=("org-b", "cooking_class", 4),
)


def test_it_counts_every_column_of_a_programme_by_hand() -> None:
    table = participation.report(BIG).table("programme")
    p1 = next(line for line in table.lines if line.key == "p1")
    assert p1.values == {
        "meetings": 10,
        "signups": 53,
        "places": 42,
        "waitlisted": 0,
        "cancelled": 11,
        "attended": 30,
        "no_show": 12,
        "attendance_rate": 30 / 42,
        "participants": 12,
    }
    assert (p1.organization, p1.kind) == ("org-a", "support_group")
    assert table.total.values["signups"] == 127
    assert table.total.values["meetings"] == 14
    assert table.total.values["participants"] is None  # people in two programmes: not a sum


def test_language_rows_have_no_meetings_and_share_the_total() -> None:
    report = participation.report(BIG)
    language = report.table("language")
    assert [line.key for line in language.lines] == ["en", "es"]
    assert all(line.values["meetings"] is None for line in language.lines)
    assert language.total == report.table("programme").total


def test_a_small_cell_is_hidden_with_a_cell_that_would_give_it_away() -> None:
    small = dict(BIG.signups)
    small[("p1", "en", "no_show")] = 4
    report = participation.report(
        _facts(small, p1=("org-a", "support_group", 10), p2=("org-b", "cooking_class", 4))
    )
    for name in participation.TABLES:
        cells = [line.values["places"] for line in report.table(name).lines]
        # No-shows of p1 are hidden, so its places (and its rate) are not shown either.
        assert Suppressed.DERIVED in cells, name
    p1 = report.table("programme").lines[0]
    assert p1.values["attendance_rate"] is Suppressed.DERIVED
    assert p1.values["attended"] == 30  # another part, shown


def test_small_programmes_are_pooled() -> None:
    facts = _facts(
        {
            ("p1", "en", "attended"): 40,
            ("p2", "en", "attended"): 3,
            ("p3", "en", "attended"): 5,
            ("p4", "en", "attended"): 4,
        },
        p1=("org-a", "support_group", 3),
        p2=("org-a", "support_group", 3),
        p3=("org-b", "health_fair", 1),
        p4=("org-b", "health_fair", 1),
    )
    table = participation.report(facts).table("programme")
    assert [(line.key, line.pooled) for line in table.lines] == [("p1", False), ("", True)]
    assert table.lines[1].values["attended"] == 12  # 3 + 5 + 4
    assert table.lines[1].values["participants"] is None


def test_an_organisation_row_does_not_give_away_its_pooled_programme() -> None:
    # org-a: p1 (40, shown) and p2 (3, pooled with org-b's p3 and p4). Showing org-a (43)
    # and p1 (40) would tell that p2 had 3 sign-ups.
    facts = _facts(
        {
            ("p1", "en", "attended"): 40,
            ("p2", "en", "attended"): 3,
            ("p3", "en", "attended"): 15,
            ("p4", "en", "attended"): 20,
        },
        p1=("org-a", "support_group", 3),
        p2=("org-a", "support_group", 3),
        p3=("org-b", "health_fair", 1),
        p4=("org-b", "health_fair", 1),
    )
    report = participation.report(facts)
    p1 = next(line for line in report.table("programme").lines if line.key == "p1")
    org_a = next(line for line in report.table("organization").lines if line.key == "org-a")
    assert any(isinstance(v, Suppressed) for v in (p1.values["attended"], org_a.values["attended"]))


def _pinned(figures, values, hidden, secret_sums) -> list:
    """Independent of participation.protect: numpy's rank. Unknowns are the atoms and the
    hidden figures; a quantity is pinned when its coefficient vector (over the unknowns)
    lies in the row space of the published equations."""
    atoms = sorted({a for members in figures for a in members})
    unknowns = atoms + [("f", i) for i in sorted(hidden)]
    index = {u: k for k, u in enumerate(unknowns)}
    rows = []
    for i, members in enumerate(figures):
        row = np.zeros(len(unknowns))
        for a in members:
            row[index[a]] = 1
        if i in hidden:
            row[index[("f", i)]] = -1
        rows.append(row)
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    pinned = []
    targets = [(("f", i), {("f", i)}) for i in hidden]
    targets += [(("s", members), set(members)) for members in secret_sums]
    for name, members in targets:
        vector = np.zeros(len(unknowns))
        for m in members:
            vector[index[m]] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, vector])) == rank:
            pinned.append(name)
    return pinned


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_figure_nor_small_hidden_count_can_be_worked_out(seed: int) -> None:
    rng = random.Random(seed)
    programmes = {
        f"p{i}": (rng.choice(["org-a", "org-b", "org-c"]), rng.choice(["k1", "k2"]), 1)
        for i in range(rng.randint(2, 6))
    }
    signups = {
        (pid, language, part): rng.choice([0, 0, 1, 3, 8, 12, 20, 45])
        for pid in programmes
        for language in rng.sample(["en", "es", "vi"], rng.randint(1, 2))
        for part in participation.PARTS
    }
    facts = _facts(signups, **programmes)
    report = participation.report(facts)
    atoms = sorted({(p, lang) for p, lang, _part in signups})
    for part in participation.PARTS:
        # The published figures of this part, as sets of atoms, and their cells.
        figures, cells = [], []
        for name in participation.TABLES:
            table = report.table(name)
            for line in table.lines:
                figures.append(frozenset(_atoms_of(facts, name, line, atoms, table)))
                cells.append(line.values[part])
        figures.append(frozenset(atoms))
        cells.append(report.table("programme").total.values[part])
        values = [sum(signups[(*a, part)] for a in members) for members in figures]
        hidden = {i for i, c in enumerate(cells) if isinstance(c, Suppressed)}
        for i, cell in enumerate(cells):
            if i not in hidden:
                assert cell == values[i]
            assert not 0 < values[i] < 11 or i in hidden
        small_atoms = [frozenset({a}) for a in atoms if 0 < signups[(*a, part)] < 11]
        small_programmes = [
            frozenset(a for a in atoms if a[0] == pid)
            for pid in programmes
            if 0 < sum(signups.get((pid, lang, part), 0) for lang in ("en", "es", "vi")) < 11
        ]
        assert _pinned(figures, values, hidden, small_atoms + small_programmes) == [], part


def _atoms_of(facts, name, line, atoms, table) -> set:
    """The atoms behind a published row, worked out again from the row's key."""
    if line.pooled:
        shown = {other.key for other in table.lines if not other.pooled}
        return {a for a in atoms if _key(facts, name, a) not in shown}
    return {a for a in atoms if _key(facts, name, a) == line.key}


def _key(facts, name, atom) -> str:
    programme = facts.programmes[atom[0]]
    return {
        "programme": programme.id,
        "organization": programme.organization,
        "kind": programme.kind,
        "language": atom[1],
    }[name]


def test_protect_hides_the_cell_beside_a_small_one_rather_than_a_total() -> None:
    figures = [frozenset({"a"}), frozenset({"b"}), frozenset({"c"}), frozenset({"a", "b", "c"})]
    hidden = participation.protect(figures, {"a": 20, "b": 5, "c": 30})
    assert hidden == {1: Suppressed.PRIMARY, 0: Suppressed.COMPLEMENTARY}


def test_zero_is_shown_and_needs_no_protection() -> None:
    figures = [frozenset({"a"}), frozenset({"b"}), frozenset({"a", "b"})]
    assert participation.protect(figures, {"a": 0, "b": 30}) == {}


def test_every_part_adds_up_to_the_sign_ups_shown() -> None:
    report = participation.report(BIG)
    for table in report.tables:
        for line in (*table.lines, table.total):
            parts = [line.values[c] for c in ("places", "waitlisted", "cancelled")]
            if all(isinstance(v, int) for v in parts):
                assert sum(parts) == line.values["signups"]
    assert list(itertools.chain(participation.PARTS)) == [
        "attended",
        "no_show",
        "waitlisted",
        "cancelled",
    ]


@pytest.mark.parametrize("seed", range(40))
def test_the_span_check_agrees_with_the_full_exact_solve(seed: int) -> None:
    """participation._Span (published figures over the atoms) against deidentify's exact
    solve of the whole system (atoms, totals and hidden figures as unknowns), on random
    figures and hidden sets: the same quantities are pinned, so protect hides exactly
    what the full solve made it hide, no more and no fewer."""
    from commonweal.insights import deidentify

    rng = random.Random(seed)
    atoms = list(range(rng.randint(3, 14)))
    figures = [frozenset({a}) for a in atoms if rng.random() < 0.6]
    figures += [frozenset(rng.sample(atoms, rng.randint(2, len(atoms)))) for _ in range(8)]
    figures.append(frozenset(atoms))
    hidden = {i for i in range(len(figures)) if rng.random() < 0.4}
    groups = [frozenset(rng.sample(atoms, rng.randint(1, 3))) for _ in range(4)]
    equations = []
    for tag, sums in (("f", figures), ("g", groups)):
        for i, members in enumerate(sums):
            equations.append({**{("a", a): 1 for a in members}, (tag, i): -1})
    unknown = {("a", a) for a in atoms} | {("g", j) for j in range(len(groups))}
    unknown |= {("f", i) for i in hidden}
    expected = deidentify._determined(equations, unknown)
    span = participation._Span(figures[i] for i in range(len(figures)) if i not in hidden)
    vectors = {("a", a): frozenset({a}) for a in atoms}
    vectors |= {("g", j): g for j, g in enumerate(groups)}
    vectors |= {("f", i): figures[i] for i in hidden}
    assert sorted(p for p in unknown if span.holds(vectors[p])) == expected
