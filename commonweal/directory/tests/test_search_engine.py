"""The search engine on a small hand-built Miami directory: needs in everyday English and
Spanish, stemming, misspellings, languages, distance, filters and bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import translation

from commonweal.directory.models import Attribute, Language, Service, ServiceAtLocation
from commonweal.directory.search import engine
from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.search.types import CrisisLevel, SearchRequest
from commonweal.directory.tests.search_directory import (
    DOWNTOWN,
    HIALEAH,
    add,
    build_search_directory,
    term,
)


@pytest.fixture
def directory(db):
    reset_dictionary()
    # English labels ("Spanish", "1.2 mi"), whatever language an earlier test left active.
    with translation.override("en"):
        yield build_search_directory()
    reset_dictionary()


def names(q: str = "", **kwargs) -> list[str]:
    return [hit.name for hit in engine.search(SearchRequest(q=q, **kwargs)).hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("can't pay my rent", "Rent Relief Program"),
        ("behind on rent this month", "Rent Relief Program"),
        ("ayuda para pagar el alquiler", "Rent Relief Program"),
        ("me van a desalojar", "Rent Relief Program"),
        ("electric bill shut off", "Keep the Lights On"),
        ("me cortaron la luz", "Keep the Lights On"),
        ("my son won't stop drinking", "Sunrise Recovery Center"),
        ("mi hijo está tomando mucho", "Sunrise Recovery Center"),
        ("toothache", "Downtown Smiles"),
        ("necesito un dentista", "Downtown Smiles"),
        ("abogado gratis", "Justice for All Society"),
        ("groceries", "Little Havana Food Pantry"),
    ],
)
def test_everyday_words_in_english_and_spanish_find_the_right_service_first(
    directory, query, expected
) -> None:
    found = names(query)
    assert found, query
    assert found[0] == expected


def test_a_need_is_read_as_its_category_and_explained(directory) -> None:
    response = engine.search(SearchRequest(q="can't pay rent"))
    assert [c.name for c in response.interpretation.categories] == ["Help Pay for Housing"]
    top = response.hits[0]
    assert top.name == "Rent Relief Program"
    assert "matches: Help Pay for Housing" in top.why


def test_a_narrower_category_ranks_below_the_named_one(directory) -> None:
    # Help Pay for Utilities is filed under Help Pay for Housing: found, but after rent help.
    found = names("rent")
    assert found.index("Rent Relief Program") < found.index("Keep the Lights On")


def test_stemming_matches_plural_and_other_forms(directory) -> None:
    assert "Little Havana Food Pantry" in names("pantries")
    # A word only in a description, in another form.
    assert names("cleaning") == ["Downtown Smiles"]
    assert "Sunrise Recovery Center" in names("supervising withdrawals")


def test_a_misspelled_word_is_corrected_to_the_nearest_known_word(directory) -> None:
    response = engine.search(SearchRequest(q="dentsit"))
    assert ("dentsit", "dentist") in response.interpretation.corrections
    assert [h.name for h in response.hits] == ["Downtown Smiles"]
    # A Spanish misspelling too.
    assert names("alquilerr")[0] == "Rent Relief Program"


def test_everyday_words_are_not_corrected(directory) -> None:
    response = engine.search(SearchRequest(q="my son won't stop drinking"))
    assert response.interpretation.corrections == ()


def test_a_language_named_in_the_query_is_a_preference_not_a_filter(directory) -> None:
    response = engine.search(SearchRequest(q="therapist who speaks Vietnamese"))
    assert response.interpretation.languages == ("vi",)
    found = [h.name for h in response.hits]
    # Both counsellors are listed; the one speaking Vietnamese first, though the other
    # is otherwise just as good a match.
    assert found[:2] == ["Family Wellness Center", "Mind Matters Practice"]
    assert "Vietnamese" in response.hits[0].why
    assert names("consejero que hable vietnamita")[0] == "Family Wellness Center"


def test_a_language_no_result_offers_is_said_with_what_to_do(directory) -> None:
    response = engine.search(SearchRequest(q="therapist who speaks Korean"))
    assert response.hits  # still the counsellors
    assert any("None of these services lists Korean" in m for m in response.interpretation.messages)
    spoken = engine.search(SearchRequest(q="therapist who speaks Vietnamese"))
    assert not any("None of these" in m for m in spoken.interpretation.messages)


@pytest.mark.parametrize("query", ["I want to kill myself", "quiero morir"])
def test_an_emergency_that_names_no_service_still_leads_with_help_for_it(directory, query) -> None:
    response = engine.search(SearchRequest(q=query))
    assert response.crisis == CrisisLevel.EMERGENCY
    # The two counsellors (Open Eligibility 1220), whatever else the words matched.
    assert {h.name for h in response.hits[:2]} == {
        "Mind Matters Practice",
        "Family Wellness Center",
    }


def test_an_explicit_language_is_a_filter(directory) -> None:
    assert names("counseling", languages=("vi",)) == ["Family Wellness Center"]


def test_inactive_and_defunct_services_are_never_listed(directory) -> None:
    directory.rent_relief.status = "inactive"
    directory.rent_relief.save()
    assert "Old Food Pantry" not in names("food pantry")
    assert "Rent Relief Program" not in names("rent")


def test_equally_good_matches_come_nearest_first(directory) -> None:
    near_havana = engine.search(SearchRequest(q="food pantry", near="33135"))
    assert [h.name for h in near_havana.hits] == [
        "Little Havana Food Pantry",
        "Hialeah Community Pantry",
    ]
    near_hialeah = engine.search(SearchRequest(q="food pantry", near="33010"))
    assert [h.name for h in near_hialeah.hits] == [
        "Hialeah Community Pantry",
        "Little Havana Food Pantry",
    ]
    first = near_havana.hits[0]
    assert first.distance_km is not None and first.distance_km < 1
    assert any(w.endswith(" mi") for w in first.why)


def test_a_place_in_the_query_is_used_and_the_radius_limits_results(directory) -> None:
    response = engine.search(SearchRequest(q="food pantry near 33135", radius_km=3))
    assert response.interpretation.place is not None
    assert response.interpretation.place.label == "33135"
    assert [h.name for h in response.hits] == ["Little Havana Food Pantry"]
    # Few results: a wider radius is suggested.
    wider = [s for s in response.suggestions if s.request.radius_km == 6]
    assert wider


def test_one_result_per_service_at_its_nearest_location(directory) -> None:
    from commonweal.directory.models import Location, ServiceAtLocation

    far = Location.objects.create(name="Hialeah branch", latitude=HIALEAH[0], longitude=HIALEAH[1])
    ServiceAtLocation.objects.create(service=directory.dental, location=far)
    response = engine.search(SearchRequest(q="dentist", near="33130"))
    assert [h.name for h in response.hits] == ["Downtown Smiles"]
    assert response.hits[0].distance_km < 1  # the downtown site, not the Hialeah one
    response = engine.search(SearchRequest(q="dentist", near="33010"))
    assert response.hits[0].distance_km < 1  # now the Hialeah one


def test_without_a_place_there_is_no_distance(directory) -> None:
    response = engine.search(SearchRequest(q="food pantry"))
    assert all(h.distance_km is None for h in response.hits)
    assert not any(w.endswith(" mi") for h in response.hits for w in h.why)


def test_why_says_open_state_language_and_cost(directory) -> None:
    response = engine.search(SearchRequest(q="food pantry", near="33135"))
    why = response.hits[0].why
    assert "Spanish" in why
    assert "free" in why
    assert response.hits[0].open_now is not None
    assert any(w.startswith(("Open", "Closed")) for w in why)
    # No schedule: nothing to say.
    assert response.hits[1].open_now is None


def test_open_at_keeps_only_services_open_then(directory) -> None:
    monday_noon = dt.datetime(2026, 11, 23, 12, 0)
    sunday_noon = dt.datetime(2026, 11, 22, 12, 0)
    assert names("food pantry", open_at=monday_noon) == ["Little Havana Food Pantry"]
    assert names("food pantry", open_at=sunday_noon) == []


def test_filters_from_the_request_apply(directory) -> None:
    assert names("food pantry", free=True) == ["Little Havana Food Pantry"]


def test_an_explicit_category_lists_its_services_without_words(directory) -> None:
    response = engine.search(SearchRequest(categories=("1102",)))
    assert sorted(h.name for h in response.hits) == [
        "Hialeah Community Pantry",
        "Little Havana Food Pantry",
    ]


def test_a_place_alone_lists_services_nearest_first(directory) -> None:
    response = engine.search(SearchRequest(near="33010", radius_km=5))
    assert [h.name for h in response.hits][:2] == [
        "Family Wellness Center",
        "Hialeah Community Pantry",
    ] or [h.name for h in response.hits][:2] == [
        "Hialeah Community Pantry",
        "Family Wellness Center",
    ]
    assert all(h.distance_km is not None and h.distance_km <= 5 for h in response.hits)


def test_empty_search_asks_for_a_need(directory) -> None:
    response = engine.search(SearchRequest(q="   "))
    assert response.total == 0
    assert response.interpretation.messages


def test_results_are_still_given_in_a_crisis(directory) -> None:
    response = engine.search(SearchRequest(q="I want to kill myself, need a therapist"))
    assert response.crisis == CrisisLevel.EMERGENCY
    assert response.hits


def test_paging(directory) -> None:
    everything = engine.search(SearchRequest(q="food pantry"))
    assert everything.total == 2
    second = engine.search(SearchRequest(q="food pantry", per_page=1, page=2))
    assert second.total == 2
    assert [h.name for h in second.hits] == [everything.hits[1].name]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '" * NEAR( OR -',
        "food* OR NOT",
        "NEAR(food pantry, 2)",
        "-rent",
        "'; DROP TABLE directory_service; --",
        "rent:food",
        "^food",
        "\x00food",
        "😀🍎",
        "x" * 10_000,
        "food " * 3000,
    ],
)
def test_search_syntax_and_odd_text_never_break_the_search(directory, query) -> None:
    response = engine.search(SearchRequest(q=query))
    assert response.total >= 0
    assert Service.objects.count() == 10


def test_a_long_query_is_cut_and_said(directory) -> None:
    response = engine.search(SearchRequest(q="rent " + "x" * 10_000))
    assert response.hits[0].name == "Rent Relief Program"
    assert response.interpretation.messages


@pytest.mark.parametrize(
    ("change", "message_expected"),
    [
        ({"near": "99999"}, True),  # not a ZIP code anyone lives in
        ({"radius_km": 0}, True),
        ({"radius_km": -5}, True),
        ({"lat": 200.0, "lon": -80.2}, True),
        ({"lat": float("nan"), "lon": float("nan")}, False),
        ({"page": 0, "per_page": 1000}, False),
    ],
)
def test_bad_request_values_get_a_message_or_a_sane_default(
    directory, change, message_expected
) -> None:
    request = dataclasses.replace(SearchRequest(q="food pantry"), **change)
    response = engine.search(request)
    assert response.total >= 1
    assert bool(response.interpretation.messages) == message_expected
    assert 1 <= response.request.per_page <= 100
    assert response.page >= 1


def test_unknown_category_says_so(directory) -> None:
    response = engine.search(SearchRequest(q="food", categories=("no-such-code",)))
    assert response.total == 0
    assert response.interpretation.messages


def test_suggestions_offer_related_categories_when_nothing_is_found(directory) -> None:
    response = engine.search(SearchRequest(q="diapers"))
    assert response.total == 0
    labels = [s.label for s in response.suggestions]
    assert any("Baby Supplies" in label or "Goods" in label for label in labels)


def test_category_names_in_the_index_find_services_without_the_words(directory) -> None:
    # Nothing in its name or description says "legal"; its category does.
    service = add(directory.organization, "Community Advocates", codes=("1375",))
    assert service.name in names("legal aid")


def test_languages_in_the_index_are_searchable(directory) -> None:
    Language.objects.create(service=directory.dental, name="Haitian Creole", code="ht")
    response = engine.search(SearchRequest(q="dentist creole speaking"))
    assert response.interpretation.languages == ("ht",)
    assert response.hits[0].name == "Downtown Smiles"
    assert "Haitian Creole" in response.hits[0].why


def test_more_needs_met_rank_higher(directory) -> None:
    both = add(
        directory.organization,
        "Veterans Dental Program",
        codes=("1184",),
        point=DOWNTOWN,
    )
    from commonweal.directory.tests.search_directory import term

    Attribute.objects.create(
        link_id=both.id, link_entity="service", taxonomy_term=term_situation("20010")
    )
    assert names("dentist for veterans")[0] == "Veterans Dental Program"
    assert term("1184")  # the helper finds service terms too


def term_situation(code: str):
    from commonweal.directory.models import TaxonomyTerm

    return TaxonomyTerm.objects.get(code=code, taxonomy__name="Open Eligibility Situations")


def test_a_need_listing_without_place_skips_inactive_services_and_reads_on(
    directory, monkeypatch
) -> None:
    # Food Pantry's services read by category first: the inactive ones among them are
    # skipped and more are read until the cap is filled with active ones.
    for n in range(5):
        add(directory.organization, f"Closed Pantry {n}", codes=("1130",), status="inactive")
    monkeypatch.setattr(engine, "CANDIDATE_LIMIT", 2)
    rows = ServiceAtLocation.objects.filter(service__status="active")
    tagged = Attribute.objects.filter(
        link_entity="service", taxonomy_term_id__in=[term("1130").pk]
    ).values("link_id")
    found = engine._tagged_first(rows, tagged, ("id", "service_id"))
    assert sorted(service_id for _sal, service_id in found) == sorted(
        [directory.havana_pantry.pk, directory.hialeah_pantry.pk]
    )
    # The same rows, in the same order, every time (every page of one search).
    assert engine._tagged_first(rows, tagged, ("id", "service_id")) == found
    # And through the search: both active pantries, none of the closed ones.
    assert {"Little Havana Food Pantry", "Hialeah Community Pantry"} <= set(names("food pantry"))
    assert not any(n.startswith("Closed Pantry") for n in names("food pantry"))
