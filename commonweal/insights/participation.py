"""Programme participation for one completed quarter: four de-identified tables.

Sign-ups for the meetings of a quarter (a meeting belongs to the quarter its local start
falls in) are counted by **programme**, **organisation**, **programme kind** and the
**language** the person signed up in. Each sign-up is in exactly one of four parts, so the
parts add up to the sign-ups:

- attended: holds a place and was checked in;
- no_show: holds a place and was not checked in;
- waitlisted: still on the waiting list;
- cancelled: the resident cancelled (their private link).

"Places" (attended + no-show), the attendance rate (attended / places) and the sign-ups are
worked out from the parts, and shown only when every part they rest on is shown, so they
publish nothing the parts hide. Meetings held (not cancelled by the partner) are counts of
meetings, not people, and are shown as they are. Distinct participants (people checked in at
one meeting or more, told apart by their contact) are shown on single-programme rows only:
a programme's participants are in no other figure, so nothing can be subtracted from them.

De-identification. The four tables publish sums of the same underlying counts (the sign-ups
of one programme in one language, the "atoms"), so a hidden cell of one table could be
worked out from another (an organisation's row minus its programmes' rows), and so could a
small count that is in no table at all (a pooled programme's share of its organisation).
Hence, part by part, every published figure is written as the sum of its atoms and
checked exactly against the span of the published figures (_Span, the same test as
deidentify._determined on the whole system): cells of 1 to 10 are hidden, then more
cells until no hidden cell, no atom of 1 to 10 and no programme total of 1 to 10 has only one
possible value. Rows with fewer than 11 sign-ups are first pooled into one "other" row per
table. Every figure goes through this for everyone who sees the insights area.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from commonweal.insights import deidentify, periods
from commonweal.insights.deidentify import Cell, Suppressed

SMALL_CELL = deidentify.THRESHOLD
PARTS = ("attended", "no_show", "waitlisted", "cancelled")
TABLES = ("programme", "organization", "kind", "language")
COLUMNS = (
    "meetings",
    "signups",
    "places",
    "waitlisted",
    "cancelled",
    "attended",
    "no_show",
    "attendance_rate",
    "participants",
)
PEOPLE = frozenset(COLUMNS) - {"meetings", "attendance_rate"}  # counts of people
NO_LANGUAGE = "-"

Atom = tuple[str, str]  # (programme id, language)
Figure = int | float | Suppressed | None


@dataclass(frozen=True)
class Programme:
    """What the tables need of a programme: never its people."""

    id: str
    organization: str  # organisation id
    kind: str
    meetings: int  # held in the quarter (not cancelled)
    participants: int = 0  # distinct people checked in during the quarter


@dataclass(frozen=True)
class Facts:
    quarter: periods.Quarter
    programmes: Mapping[str, Programme]
    # (programme id, language, part) → sign-ups: plain counts, no row about a person.
    signups: Mapping[tuple[str, str, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    """A published row: `key` is a programme or organisation id, a kind or a language code
    ("" for the pooled row), `values` its figures by column."""

    key: str
    values: dict[str, Figure]
    pooled: bool = False
    organization: str = ""  # of a programme row, for the organisation filter
    kind: str = ""  # of a programme row, for the kind filter


@dataclass(frozen=True)
class Table:
    name: str  # one of TABLES: what the rows are
    lines: tuple[Line, ...]
    total: Line


@dataclass(frozen=True)
class Report:
    quarter: periods.Quarter
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


# --- rows and pooling ----------------------------------------------------------------------


@dataclass
class _Row:
    key: str
    atoms: set[Atom]
    size: int  # sign-ups behind it
    pooled: bool = False


def _pooled(rows: list[_Row]) -> list[_Row]:
    """Rows with 1 to SMALL_CELL - 1 sign-ups pooled into one last row (grown with the next
    smallest until it has SMALL_CELL); the others by key. As unmet._pooled, except that a
    row with no sign-up stays (a programme that met and drew nobody describes no one)."""
    empty = [r for r in rows if r.size == 0]
    shown = sorted((r for r in rows if r.size), key=lambda r: (r.size, r.key))
    pool = _Row(key="", atoms=set(), size=0, pooled=True)
    taken = 0
    while shown and (shown[0].size < SMALL_CELL or (taken and pool.size < SMALL_CELL)):
        row = shown.pop(0)
        pool.atoms |= row.atoms
        pool.size += row.size
        taken += 1
    kept = sorted(shown + empty, key=lambda r: r.key)
    return [*kept, pool] if taken else kept


def _rows(facts: Facts, by: str, atoms: Sequence[Atom], sizes: Mapping[Atom, int]) -> list[_Row]:
    groups: dict[str, _Row] = {}
    for programme_id, language in atoms:
        programme = facts.programmes[programme_id]
        key = {
            "programme": programme.id,
            "organization": programme.organization,
            "kind": programme.kind,
            "language": language,
        }[by]
        row = groups.setdefault(key, _Row(key=key, atoms=set(), size=0))
        row.atoms.add((programme_id, language))
        row.size += sizes[(programme_id, language)]
    return _pooled(list(groups.values()))


# --- suppression ---------------------------------------------------------------------------


def protect(
    figures: Sequence[frozenset[Atom]],
    atoms: Mapping[Atom, int],
    groups: Sequence[frozenset[Atom]] = (),
    threshold: int = SMALL_CELL,
) -> dict[int, Suppressed]:
    """Which published figures (each the sum of its atoms) to hide, by index.

    Hidden: figures from 1 to threshold - 1, then, one at a time, the smallest published
    figure sharing an atom with something still pinned, until no hidden figure, no atom from
    1 to threshold - 1 and no `groups` sum (unpublished totals, e.g. of one programme) from 1
    to threshold - 1 has only one value the published figures allow.
    """
    values: dict[tuple, int] = {("a", a): n for a, n in atoms.items()}
    for tag, sums in (("f", figures), ("g", groups)):
        for i, members in enumerate(sums):
            values[(tag, i)] = sum(atoms[a] for a in members)
    hidden: dict[int, Suppressed] = {
        i: Suppressed.PRIMARY for i in range(len(figures)) if 0 < values[("f", i)] < threshold
    }
    secret = sorted(p for p, v in values.items() if p[0] in ("a", "g") and 0 < v < threshold)
    # Every quantity as a vector over the atoms (numbered), so a check is one reduction.
    column = {a: k for k, a in enumerate(sorted(atoms))}
    vectors: dict[tuple, frozenset[int]] = {
        ("f", i): _columns(m, column) for i, m in enumerate(figures)
    }
    vectors.update({("g", j): _columns(m, column) for j, m in enumerate(groups)})
    vectors.update({("a", a): frozenset({column[a]}) for a in atoms})
    while True:
        published = [("f", i) for i in range(len(figures)) if i not in hidden]
        span = _Span(vectors[p] for p in sorted(published, key=lambda p: (len(vectors[p]), p)))
        targets = sorted([*secret, *(("f", i) for i in hidden)])
        pinned = [p for p in targets if span.holds(vectors[p])]
        if not pinned:
            return hidden
        # Pinned hidden cells first, all of them in one round (each solve is the costly
        # step): mending them as deidentify would (a cell beside each) usually frees the
        # atoms behind them too. Then pinned atoms and programme totals, one at a time.
        cells = [p for p in pinned if p[0] == "f"] or [min(pinned)]
        chosen: set[int] = set()
        for target in cells:
            extra = _complement(target, figures, groups, values, set(hidden) | chosen)
            if extra is not None:
                chosen.add(extra)
        if not chosen:
            return hidden  # everything is hidden: what is pinned is a structural zero
        for extra in chosen:
            hidden[extra] = Suppressed.COMPLEMENTARY


def _columns(members: Collection[Atom], column: Mapping[Atom, int]) -> frozenset[int]:
    return frozenset(column[a] for a in members)


class _Span:
    """The row space of the published figures (0/1 vectors over the atoms), kept in echelon
    form with exact rational arithmetic: no rounding can hide a solution.

    A hidden quantity (a figure, an atom, a programme total) has only one value the published
    figures allow exactly when its vector lies in this space. This is the check
    deidentify._determined makes with the atoms and the hidden figures as unknowns, with the
    hidden figures' own equations eliminated (each hidden figure is in its equation alone),
    so the system is as small as the atoms; fed small rows first (programmes before their
    organisation, the total last), most rows reduce to nothing in a step or two."""

    def __init__(self, rows: Iterable[frozenset[int]]) -> None:
        # pivot column → (insertion order, row with 1 there and 0 at every earlier pivot).
        # Coefficients stay ints while pivots are ±1 (as they are for tables like these),
        # Fractions otherwise: exact either way, and ints are many times faster.
        self.rows: dict[int, tuple[int, dict[int, int | Fraction]]] = {}
        for row in rows:
            rest = self._reduce(row)
            if rest:
                pivot = min(rest)
                scale = rest[pivot]
                if scale == 1:
                    normal = rest
                elif scale == -1:
                    normal = {k: -c for k, c in rest.items()}
                else:
                    normal = {k: Fraction(c) / scale for k, c in rest.items()}
                self.rows[pivot] = (len(self.rows), normal)

    def _reduce(self, vector: frozenset[int]) -> dict[int, int | Fraction]:
        """What is left of `vector` after taking away the rows, earliest pivot first (a row
        has no entry at an earlier pivot, so none comes back)."""
        rest: dict[int, int | Fraction] = dict.fromkeys(vector, 1)
        queue = [(self.rows[k][0], k) for k in vector if k in self.rows]
        heapq.heapify(queue)
        while queue:
            _order, pivot = heapq.heappop(queue)
            factor = rest.get(pivot)
            if not factor:
                continue
            for k, c in self.rows[pivot][1].items():
                was = rest.get(k)
                updated = (was or 0) - factor * c
                if updated:
                    rest[k] = updated
                    if was is None and k in self.rows:
                        heapq.heappush(queue, (self.rows[k][0], k))
                else:
                    del rest[k]
        return rest

    def holds(self, vector: frozenset[int]) -> bool:
        return not self._reduce(vector)


def _complement(
    target: tuple,
    figures: Sequence[frozenset[Atom]],
    groups: Sequence[frozenset[Atom]],
    values: Mapping[tuple, int],
    hidden: Collection[int],
) -> int | None:
    """The published figure to hide next so that `target` is no longer pinned.

    For a pinned cell, as deidentify does in a table: a cell beside it within the tightest
    published sum that holds it (its organisation's other programme, say). For a pinned atom
    or programme total: the smallest published figure that holds it. Among equals the
    smallest non-zero figure, then the first (so the result is deterministic)."""
    tag, ref = target
    touched = {ref} if tag == "a" else figures[ref] if tag == "f" else groups[ref]
    published = [i for i in range(len(figures)) if i not in hidden]
    if not published:
        return None

    def cost(i: int) -> tuple[bool, int, int]:
        return (values[("f", i)] == 0, values[("f", i)], i)

    holding = [i for i in published if figures[i] & touched]
    if tag != "f" and holding:
        return min(holding, key=lambda i: (len(figures[i]), *cost(i)))
    lines = sorted(
        (len(figures[k]), k)
        for k in range(len(figures))
        if figures[k] & touched and not figures[k] <= touched
    )
    for _size, k in lines:
        beside = [i for i in published if figures[i] <= figures[k] and not figures[i] & touched]
        if beside:
            return min(beside, key=cost)
    return min(holding or published, key=cost)


# --- the report ----------------------------------------------------------------------------


def report(facts: Facts) -> Report:
    """The four tables of one quarter, de-identified together."""
    atoms = sorted({(p, lang) for p, lang, _part in facts.signups})
    # Programmes with meetings but no sign-up still have a (zero) row.
    atoms += sorted(
        (p, NO_LANGUAGE)
        for p, programme in facts.programmes.items()
        if programme.meetings and not any(a[0] == p for a in atoms)
    )
    parts: dict[str, dict[Atom, int]] = {
        part: {a: facts.signups.get((*a, part), 0) for a in atoms} for part in PARTS
    }
    sizes = {a: sum(parts[part][a] for part in PARTS) for a in atoms}
    by_table = {name: _rows(facts, name, atoms, sizes) for name in TABLES}
    # Every published figure as a set of atoms: the rows of each table, then the total.
    rows = [row for name in TABLES for row in by_table[name]]
    figures = [frozenset(row.atoms) for row in rows] + [frozenset(atoms)]
    programme_atoms: dict[str, set[Atom]] = {}
    for a in atoms:
        programme_atoms.setdefault(a[0], set()).add(a)
    groups = [frozenset(members) for members in programme_atoms.values()]
    cells: dict[str, list[Cell]] = {}
    for part in PARTS:
        counts = parts[part]
        hidden = protect(figures, counts, groups)
        cells[part] = [
            hidden.get(i, sum(counts[a] for a in members)) for i, members in enumerate(figures)
        ]

    def line(index: int, row: _Row | None, table: str) -> Line:
        part_cells = {part: cells[part][index] for part in PARTS}
        members = figures[index]
        programme_ids = {a[0] for a in members}
        values: dict[str, Figure] = {
            "meetings": (
                None
                if table == "language" and row is not None
                else sum(facts.programmes[p].meetings for p in programme_ids)
            ),
            "signups": _sum(part_cells.values()),
            "places": _sum([part_cells["attended"], part_cells["no_show"]]),
            "waitlisted": part_cells["waitlisted"],
            "cancelled": part_cells["cancelled"],
            "attended": part_cells["attended"],
            "no_show": part_cells["no_show"],
        }
        places = values["places"]
        rate = deidentify.rate(part_cells["attended"], places)  # type: ignore[arg-type]
        basis = places if isinstance(places, int) else 0
        values["attendance_rate"] = deidentify.statistic(rate, basis)
        single = (
            facts.programmes[row.key]
            if row is not None and table == "programme" and not row.pooled
            else None
        )
        values["participants"] = deidentify.shown(single.participants) if single else None
        return Line(
            key=row.key if row is not None else "",
            values=values,
            pooled=row.pooled if row is not None else False,
            organization=single.organization if single else "",
            kind=single.kind if single else "",
        )

    tables = []
    index = 0
    for name in TABLES:
        lines = []
        for row in by_table[name]:
            lines.append(line(index, row, name))
            index += 1
        tables.append(Table(name=name, lines=tuple(lines), total=line(len(rows), None, name)))
    return Report(quarter=facts.quarter, tables=tuple(tables))


def _sum(cells: Sequence[Cell] | object) -> Cell:
    """A sum of published cells, or DERIVED when any is hidden (it would publish it)."""
    values = list(cells)  # type: ignore[call-overload]
    if any(isinstance(c, Suppressed) for c in values):
        return Suppressed.DERIVED
    return sum(values)


def quarter_dates(quarter: periods.Quarter) -> tuple[str, str]:
    """The first and the day-after-last meeting key of a quarter: meetings are named by their
    local start ("2026-03-03T18:00:00"), which orders like the day it falls on."""
    return quarter.start.isoformat(), (quarter.end + dt.timedelta(days=1)).isoformat()
