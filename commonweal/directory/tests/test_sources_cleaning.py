"""Source text and values tidied for HSDS 3.0: free text, ages, websites, phone extensions."""

from __future__ import annotations

import pytest

from commonweal.directory.sources import cleaning


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("Children 5-17 years old", (5, 17)),
        ("Youth ages 12 to 18", (12, 18)),
        ("Age 55 or over, county resident", (55, None)),
        ("Seniors 60 years and older", (60, None)),
        ("18+", (18, None)),
        ("adult", (None, None)),
        # Two limits, or one plus other age wording: ambiguous, so nothing.
        ("All girls, 5-17 years old. Adult members over 18 years old", (None, None)),
        ("Age 55 or over for most programs, age 60 or over for lunch", (None, None)),
        ("Children 6 months to 5 years", (None, None)),
    ],
)
def test_it_parses_ages_only_when_unambiguous(
    text: str, ages: tuple[int | None, int | None]
) -> None:
    assert cleaning.parse_ages(text) == ages


def test_it_turns_literal_newlines_into_line_breaks_and_drops_markers() -> None:
    assert (
        cleaning.clean_text("First.\\n\\n\\n\\nSecond.\\n\\n###MON###\\n###COL###")
        == "First.\n\nSecond."
    )
    assert cleaning.clean_text("   ") == ""


def test_it_gives_websites_a_scheme_and_splits_phone_extensions() -> None:
    assert cleaning.web_address("www.girlscoutsfl.org") == "http://www.girlscoutsfl.org"
    assert cleaning.web_address("https://example.org/x") == "https://example.org/x"
    # Not a web address at all: dropped rather than exported as an invalid URI.
    assert cleaning.web_address("Call for details") == ""
    assert cleaning.web_address("releasethesilence") == ""
    assert (
        cleaning.web_address("pediatrics.med.miami.edu\\adolescents-medicine\\")
        == "http://pediatrics.med.miami.edu/adolescents-medicine/"
    )
    assert cleaning.web_address("http://example.org/{id}") == "http://example.org/%7Bid%7D"
    assert cleaning.split_extension("305-573-4200 x57471") == ("305-573-4200", "57471")
    assert cleaning.split_extension("305-253-4841") == ("305-253-4841", "")
