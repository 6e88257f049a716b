from __future__ import annotations

from decimal import Decimal

from commonweal.partnerships import units


def test_it_accepts_values_that_fit_the_unit() -> None:
    assert units.problem("percent", Decimal("100")) is None
    assert units.problem("count", Decimal("12")) is None
    assert units.problem("score", Decimal("-3.5")) is None
    assert units.problem("days", None) is None


def test_it_names_what_is_wrong_with_a_value_of_the_wrong_unit() -> None:
    assert units.problem("percent", Decimal("120")) == "A percentage is at most 100."
    assert units.problem("count", Decimal("2.5")) == "A number of things is a whole number."
    assert "cannot be negative" in (units.problem("days", Decimal("-1")) or "")
    assert units.problem("dollars", Decimal("NaN")) == "Enter a number."


def test_it_formats_values_with_their_unit() -> None:
    assert units.format_value("percent", Decimal("37.50")) == "37.5%"
    assert units.format_value("count", Decimal("42.00")) == "42"
    assert units.format_value("days", 4.5) == "4.5 days"
    assert units.format_value("count", None) == "—"
