from __future__ import annotations

from commonweal.directory.issue_summary import (
    counts,
    describe_places,
    ordered_issues,
    summary_lines,
)
from commonweal.directory.tabular import ImportIssue, SourceRef

ROOT = SourceRef("locations.csv", 7)


def follow_on(file: str, line: int, root: SourceRef = ROOT) -> ImportIssue:
    return ImportIssue(file, line, "location_id", "points at location x, which was rejected", root)


def test_it_puts_the_root_problem_first_and_collapses_what_followed() -> None:
    issues = [
        follow_on("addresses.csv", 3),
        follow_on("phones.csv", 2),
        follow_on("phones.csv", 3),
        follow_on("phones.csv", 4),
        follow_on("phones.csv", 9),
        ImportIssue("locations.csv", 7, "latitude", "'north' is not a number"),
    ]

    assert summary_lines(issues) == [
        "locations.csv, line 7, column latitude: 'north' is not a number",
        "  and 5 rows that depend on it were rejected too "
        "(addresses.csv line 3, phones.csv lines 2–4, 9)",
    ]
    assert ordered_issues(issues)[0].file == "locations.csv"
    assert counts(issues) == (1, 5)


def test_it_lists_problems_with_values_before_ids_found_nowhere() -> None:
    missing = "no service has id 1, in this import or in the directory"
    issues = [
        ImportIssue("attributes.csv", 2, "link_id", missing),
        ImportIssue("phones.csv", 2, "service_id", missing),
        ImportIssue("services.csv", 2, "id", "'zz' is not a UUID"),
    ]

    lines = summary_lines(issues)

    assert lines == [
        "services.csv, line 2, column id: 'zz' is not a UUID",
        f"attributes.csv, line 2, column link_id: {missing}",
        "  and the same on 1 more row (phones.csv line 2)",
    ]
    assert counts(issues) == (3, 0)


def test_a_row_with_its_own_problem_is_not_counted_as_a_dependent() -> None:
    issues = [
        ImportIssue("locations.csv", 7, "latitude", "'north' is not a number"),
        ImportIssue("phones.csv", 2, "number", "is required but empty"),
        follow_on("phones.csv", 2),
    ]

    assert counts(issues) == (2, 0)
    assert len(summary_lines(issues)) == 2


def test_it_shortens_long_lists_of_places() -> None:
    places = [(f"t{n}.csv", 2) for n in range(10)]

    assert describe_places(places).endswith("t7.csv line 2, 2 more files")
    assert describe_places([("a.csv", n) for n in (2, 4, 6, 8, 10, 12)]) == (
        "a.csv lines 2, 4, 6, 8, …"
    )
