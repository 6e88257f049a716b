"""The funnel's suppression: nested counts whose differences are counts of people too."""

from __future__ import annotations

import pytest

from commonweal.insights import outcomes_funnel
from commonweal.insights.deidentify import Suppressed

P, C = Suppressed.PRIMARY, Suppressed.COMPLEMENTARY


def _small_derivable(cells: list) -> list[int]:
    """Differences of 1 to 10 between shown stages of a row: what must never be published."""
    shown = [v for v in cells if isinstance(v, int)]
    return [a - b for a, b in zip(shown, shown[1:], strict=False) if 0 < a - b < 11]


def test_it_shows_a_funnel_with_no_small_counts_or_differences() -> None:
    cells, total = outcomes_funnel.suppress([[100, 60, 40, 20, 0], [50, 30, 30, 15, 0]])
    assert cells == [[100, 60, 40, 20, 0], [50, 30, 30, 15, 0]]
    assert total == [150, 90, 70, 35, 0]


def test_it_hides_a_stage_whose_drop_from_the_one_before_is_small() -> None:
    cells, _ = outcomes_funnel.suppress([[100, 95, 40, 20, 0]], additive=False)
    assert cells == [[100, C, 40, 20, 0]]
    assert not _small_derivable(cells[0])


def test_it_hides_small_stages_and_protects_them_in_the_column() -> None:
    cells, total = outcomes_funnel.suppress([[100, 60, 40, 20, 0], [30, 25, 12, 5, 0]])
    assert cells[1][3] == P
    # Alone hidden in its column, 5 would be 25 − 20: another cell there is hidden too.
    assert cells[0][3] == C or total[3] == C
    for row in [*cells, total]:
        assert not _small_derivable(row)


def test_it_never_leaves_one_hidden_cell_in_a_column_with_a_shown_total() -> None:
    rows = [[40, 30, 20, 12, 11], [35, 33, 20, 15, 3], [60, 44, 30, 20, 18]]
    cells, total = outcomes_funnel.suppress(rows)
    for k in range(5):
        hidden = [i for i, line in enumerate(cells) if isinstance(line[k], Suppressed)]
        if not isinstance(total[k], Suppressed) and hidden:
            assert len(hidden) > 1
            assert not 0 < sum(rows[i][k] for i in hidden) < 11
    for row in [*cells, total]:
        assert not _small_derivable(row)


def test_it_refuses_a_funnel_that_grows() -> None:
    with pytest.raises(ValueError, match="later stage"):
        outcomes_funnel.suppress([[10, 12, 0, 0, 0]])


def test_it_handles_no_rows() -> None:
    assert outcomes_funnel.suppress([]) == ([], [])


def test_it_hides_a_programme_count_close_to_the_overall_one() -> None:
    # Overall 40 referred and 24 accepted; the programme 36 and 24: 40 − 36 would count the
    # 4 people referred elsewhere only; 24 − 24 = 0 gives nobody away.
    cells, total = outcomes_funnel.suppress([[36, 24, 12]], additive=False, against=[40, 24, 30])
    assert total is None
    assert cells == [[C, 24, 12]]


def test_it_refuses_an_overall_row_for_rows_that_add_up() -> None:
    with pytest.raises(ValueError, match="own overall"):
        outcomes_funnel.suppress([[20, 12, 0, 0, 0]], against=[20, 12, 0, 0, 0])
