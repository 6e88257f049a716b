"""Putting the real problem first: import issues grouped by the row that caused them.

One bad value can reject a dozen rows in other files (each points at a rejected row);
listed by file name, the cause came last. Here each root problem comes first, with the
same problem on other rows and the rows rejected because of it collapsed under it:

    locations.csv, line 2, column latitude: 'north' is not a number
      and 7 rows that depend on it were rejected too (addresses.csv line 2, phones.csv lines 2–5)

Problems with values come before references to ids found nowhere, which are often
the echo of a bad id elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonweal.directory.tabular import ImportIssue, SourceRef
from commonweal.directory.validation import is_missing_reference

Place = tuple[str, int | None]

# How much of a long list of places one summary line shows.
MAX_FILES = 8
MAX_RANGES = 4


@dataclass
class IssueGroup:
    """A root problem, the same problem on other rows, and the issues that follow from them."""

    first: ImportIssue
    same: list[ImportIssue] = field(default_factory=list)
    follow_ons: list[ImportIssue] = field(default_factory=list)
    # Rows rejected only because of this group's rows (rows with problems of their own
    # are counted where those problems are listed).
    dependent_rows: list[Place] = field(default_factory=list)

    @property
    def issues(self) -> list[ImportIssue]:
        return [self.first, *self.same, *self.follow_ons]


def _place(issue: ImportIssue) -> Place:
    return (issue.file, issue.line)


def _ref_place(ref: SourceRef) -> Place:
    return (ref.file, ref.line)


def _by_place(issue: ImportIssue) -> tuple[str, int]:
    return (issue.file, issue.line or 0)


def group_issues(issues: Iterable[ImportIssue]) -> list[IssueGroup]:
    """Root problems first (values, then missing references), each with what followed."""
    issues = list(issues)
    roots = sorted(
        (i for i in issues if i.caused_by is None),
        key=lambda i: (is_missing_reference(i), *_by_place(i)),
    )
    groups: list[IssueGroup] = []
    by_problem: dict[tuple[str | None, str], IssueGroup] = {}
    group_of_place: dict[Place, IssueGroup] = {}
    for issue in roots:
        # A missing id is one problem whichever column (table) points at it.
        key = (None if is_missing_reference(issue) else issue.column, issue.message)
        group = by_problem.get(key)
        if group is None:
            group = by_problem[key] = IssueGroup(issue)
            groups.append(group)
        else:
            group.same.append(issue)
        group_of_place.setdefault(_place(issue), group)

    orphans: list[ImportIssue] = []
    for issue in sorted((i for i in issues if i.caused_by is not None), key=_by_place):
        assert issue.caused_by is not None
        group = group_of_place.get(_ref_place(issue.caused_by))
        if group is None:
            orphans.append(issue)  # its root was not reported (should not happen): list it
            continue
        group.follow_ons.append(issue)
        place = _place(issue)
        if place not in group_of_place and place not in group.dependent_rows:
            group.dependent_rows.append(place)
    groups.extend(IssueGroup(issue) for issue in orphans)
    return groups


def ordered_issues(issues: Iterable[ImportIssue]) -> list[ImportIssue]:
    """Every issue, each root problem followed by the issues it caused (for reports)."""
    return [issue for group in group_issues(issues) for issue in group.issues]


def summary_lines(issues: Iterable[ImportIssue]) -> list[str]:
    """One line per distinct root problem, with indented lines for what it also covers."""
    lines: list[str] = []
    for group in group_issues(issues):
        lines.append(str(group.first))
        if group.same:
            count = len(group.same)
            lines.append(
                "  "
                + ngettext(
                    "and the same on {count} more row ({places})",
                    "and the same on {count} more rows ({places})",
                    count,
                ).format(count=count, places=describe_places(_place(i) for i in group.same))
            )
        if group.dependent_rows:
            count = len(group.dependent_rows)
            if group.same:
                text = ngettext(
                    "and {count} row that depends on them was rejected too ({places})",
                    "and {count} rows that depend on them were rejected too ({places})",
                    count,
                )
            else:
                text = ngettext(
                    "and {count} row that depends on it was rejected too ({places})",
                    "and {count} rows that depend on it were rejected too ({places})",
                    count,
                )
            lines.append(
                "  " + text.format(count=count, places=describe_places(group.dependent_rows))
            )
    return lines


def counts(issues: Iterable[ImportIssue]) -> tuple[int, int]:
    """(root problems, rows rejected only because of them)."""
    groups = group_issues(issues)
    problems = sum(1 + len(g.same) for g in groups)
    return problems, sum(len(g.dependent_rows) for g in groups)


def describe_places(places: Iterable[Place]) -> str:
    """ "phones.csv lines 2–5, 9, contacts.csv line 2" (long lists are shortened)."""
    lines_by_file: dict[str, list[int]] = {}
    whole_files: list[str] = []
    for file, line in places:
        if line is None:
            if file not in whole_files:
                whole_files.append(file)
            continue
        lines_by_file.setdefault(file, []).append(line)
    parts = list(whole_files)
    for file, numbers in lines_by_file.items():
        ranges = _ranges(sorted(set(numbers)))
        shown = ", ".join(ranges[:MAX_RANGES]) + (", …" if len(ranges) > MAX_RANGES else "")
        single = len(ranges) == 1 and "–" not in ranges[0]
        word = _("line") if single else _("lines")
        parts.append(f"{file} {word} {shown}")
    if len(parts) > MAX_FILES:
        hidden = len(parts) - MAX_FILES
        more = ngettext("{count} more file", "{count} more files", hidden).format(count=hidden)
        parts = [*parts[:MAX_FILES], more]
    return ", ".join(parts)


def _ranges(numbers: list[int]) -> list[str]:
    ranges: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if (
            start is not None
            and number is not None
            and previous is not None
            and number == previous + 1
        ):
            previous = number
            continue
        if start is not None:
            ranges.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = number
    return ranges
