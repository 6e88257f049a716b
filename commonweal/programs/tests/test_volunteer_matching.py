"""Matching volunteers to a role: the order, the points of each part and the reasons given."""

from __future__ import annotations

import datetime as dt

from commonweal.programs.volunteer_matching import Evidence, Offer, RoleNeeds, rank

DRIVER = RoleNeeds(
    skills=("Driving licence", "Patience"),
    languages=("es",),
    slots=("sat-morning", "sun-morning"),
)


def test_it_puts_the_best_fit_first_and_says_why() -> None:
    offers = [
        Offer("no-match", skills=(), languages=("en",), availability=("mon-evening",), order=0),
        Offer(
            "all",
            skills=("driving licence", "patience"),  # case does not matter
            languages=("en", "es"),
            availability=("sat-morning", "sun-morning"),
            order=1,
        ),
        Offer(
            "half", skills=("Patience",), languages=("es",), availability=("sat-morning",), order=2
        ),
    ]
    found = rank(DRIVER, offers)
    assert [m.key for m in found] == ["all", "half", "no-match"]
    best, half, worst = found
    assert best.score == 100
    assert half.parts == {"skills": 15, "languages": 30, "availability": 10, "training": 20}
    assert half.score == 75
    assert worst.parts == {"skills": 0, "languages": 0, "availability": 0, "training": 20}
    assert half.reasons[0] == "Skills: has 1 of the 2 asked for (patience)."
    assert half.reasons[1] == "Languages: speaks es."
    assert half.reasons[2] == "Times: free for 1 of the role's 2 day-parts."
    assert worst.reasons[1] == "Languages: does not speak es."


def test_a_part_the_role_does_not_ask_for_gives_everyone_full_points() -> None:
    open_role = RoleNeeds()  # no skills, no language, flexible, no training
    found = rank(open_role, [Offer("a", order=1), Offer("b", order=0)])
    assert [m.score for m in found] == [100, 100]
    assert [m.key for m in found] == ["b", "a"]  # a tie keeps the order they signed up in
    assert "flexible" in found[0].reasons[2]


def test_training_counts_what_the_records_show_not_what_is_claimed() -> None:
    needs = RoleNeeds(training="mhfa")
    offers = [
        Offer("claims", evidence=Evidence(said_so=True), order=0),
        Offer("expired", evidence=Evidence("expired", dt.date(2025, 1, 1)), order=1),
        Offer("current", evidence=Evidence("current", dt.date(2027, 6, 1)), order=2),
        Offer("expiring", evidence=Evidence("expiring", dt.date(2026, 4, 1)), order=3),
        Offer("nothing", order=4),
    ]
    found = {m.key: m for m in rank(needs, offers)}
    assert [m.key for m in rank(needs, offers)] == [
        "current",
        "expiring",
        "claims",
        "expired",
        "nothing",
    ]
    assert found["current"].training_ok and found["current"].parts["training"] == 20
    assert found["expiring"].training_ok and found["expiring"].parts["training"] == 15
    assert not found["claims"].training_ok and found["claims"].parts["training"] == 5
    assert "Check the certificate" in found["claims"].reasons[3]
    assert not found["expired"].training_ok and "2025-01-01" in found["expired"].reasons[3]
    assert not found["nothing"].training_ok and found["nothing"].parts["training"] == 0


def test_an_interpreter_needs_two_languages_one_of_them_the_roles() -> None:
    needs = RoleNeeds(languages=("ht",), interpreter=True)
    found = {
        m.key: m
        for m in rank(
            needs,
            [
                Offer("one", languages=("ht",)),
                Offer("two", languages=("ht", "en")),
                Offer("other-two", languages=("es", "en")),
            ],
        )
    }
    assert found["two"].parts["languages"] == 30
    assert found["one"].parts["languages"] == 0
    assert found["other-two"].parts["languages"] == 0
