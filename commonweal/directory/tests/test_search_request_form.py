from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl

import pytest
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.directory.search import filters
from commonweal.directory.search.request_form import (
    KM_PER_MILE,
    OPEN_DAY_RANGE,
    SearchForm,
    to_query,
    to_request,
    without_filters,
)
from commonweal.directory.search.types import Delivery, SearchRequest
from commonweal.directory.tests.listing_builder import Listings, build_listings


@pytest.fixture
def listings(organization, other_organization) -> Listings:
    return build_listings(organization, other_organization)


def form(query: str) -> SearchForm:
    return SearchForm(QueryDict(query))


@pytest.mark.django_db
def test_it_turns_every_field_into_the_engines_request(listings) -> None:
    f = form(
        "q=rent&near=33130&category=1120&distance=5&open=at&open_day=2026-03-14&open_time=09:30"
        "&language=es&free=on&eligibility=veterans&eligibility=seniors&age=67&accessible=on"
        "&delivery=phone&delivery=online&accepting=on&page=2"
    )
    assert f.is_valid(), f.errors
    assert f.to_request() == SearchRequest(
        q="rent",
        near="33130",
        radius_km=5 * KM_PER_MILE,
        categories=("1120",),
        open_at=dt.datetime(2026, 3, 14, 9, 30),
        languages=("es",),
        free=True,
        eligibility=("veterans", "seniors"),
        age=67,
        accessible=True,
        delivery=(Delivery.PHONE, Delivery.ONLINE),
        accepting_new_clients=True,
        page=2,
    )
    assert f.filters_used() == 10


@pytest.mark.django_db
def test_a_request_survives_the_round_trip_through_its_url(listings) -> None:
    request = SearchRequest(
        q="comida gratis",
        near="Hialeah",
        radius_km=25 * KM_PER_MILE,
        categories=("1102",),
        open_now=True,
        languages=("ht",),
        eligibility=("families",),
        age=0,
        delivery=(Delivery.IN_PERSON,),
        page=3,
    )
    f = form(to_query(request))
    assert f.is_valid(), f.errors
    assert f.to_request() == request


def test_the_url_holds_only_what_is_set() -> None:
    assert to_query(SearchRequest(q="food")) == "q=food"
    assert to_query(SearchRequest()) == ""
    # A browser position is rounded to about a kilometre in a shareable link.
    query = dict(parse_qsl(to_query(SearchRequest(lat=25.774812, lon=-80.19773))))
    assert query == {"lat": "25.77", "lon": "-80.20"}


@pytest.mark.django_db
def test_an_empty_form_searches_nothing_and_shows_no_error(listings) -> None:
    f = form("")
    assert f.is_valid() and not f.has_search()
    f = form("page=4")
    assert f.is_valid() and not f.has_search()
    f = form("free=on")
    assert f.is_valid() and f.has_search()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("q=" + "x" * 10_000, "q", "Please shorten your search to 200 characters"),
        ("age=-3", "age", "Enter an age from 0 to 120."),
        ("age=old", "age", "Enter an age as a number"),
        ("distance=0", "distance", "at least"),
        ("distance=-5", "distance", "at least"),
        ("distance=far", "distance", "Choose a distance from the list."),
        ("open=at&open_time=25:99", "open_time", "Enter a time like 09:30"),
        ("open=at&open_day=2026-02-30&open_time=10:00", "open_day", "Enter a date like"),
        ("open=at&open_day=0001-01-01&open_time=10:00", "open_day", "within a year of today"),
        ("open=at&open_day=9999-12-31&open_time=10:00", "open_day", "within a year of today"),
        ("lat=200&lon=10", "near", "Your location could not be read"),
        ("lat=25.7", "near", "Your location could not be read"),
        ("category=nope", "category", "That category is not in the directory any more."),
        ("language=xx", "language", "Choose a language from the list."),
        ("eligibility=wizards", "eligibility", "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_on_its_field(listings, query, field, message) -> None:
    f = form(query)
    assert not f.is_valid()
    assert message in " ".join(f.errors[field])


@pytest.mark.django_db
def test_a_nonsense_page_number_means_the_first_page(listings) -> None:
    for page in ("x", "-4", "0", ""):
        f = form(f"q=food&page={page}")
        assert f.is_valid() and f.to_request().page == 1
    f = form("q=food&page=999999")
    assert f.is_valid() and f.to_request().page == 500


@pytest.mark.django_db
def test_open_at_without_a_time_searches_any_time_and_says_so(listings) -> None:
    f = form("q=food&open=at&open_day=2026-03-14")
    assert f.is_valid()
    assert f.open_time_missing and f.to_request().open_at is None
    # A time without a date means today; a time filled in without the radio counts too.
    f = form("q=food&open_time=18:00")
    assert f.is_valid()
    assert f.to_request().open_at is not None
    assert f.to_request().open_at.time() == dt.time(18)


@pytest.mark.django_db
def test_categories_are_offered_as_a_tree_of_codes(listings) -> None:
    choices = list(SearchForm().fields["category"].choices)
    assert choices[0][0] == ""
    groups = {label: options for label, options in choices[1:]}
    assert set(groups) == {"Food", "Health", "Age Group"}
    food = dict(groups["Food"])
    assert food["1102"] == "All of Food"
    # Sub-categories sit in their top category's group (deeper ones are indented).
    assert food["1120"] == "Food Pantry"
    # The licensed source taxonomy is never offered.
    assert all("BD-1800" not in str(options) for options in groups.values())


def test_the_filter_choices_are_the_filters_modules_keys() -> None:
    f = SearchForm()
    assert {k for k, _ in f.fields["eligibility"].choices} == set(filters.ELIGIBILITY)
    assert {k for k, _ in f.fields["delivery"].choices} == {d.value for d in Delivery}


def test_clearing_filters_keeps_the_words_and_the_place() -> None:
    request = SearchRequest(q="rent", near="33130", free=True, age=30, page=4)
    assert without_filters(request) == SearchRequest(q="rent", near="33130")


def test_a_distance_from_a_shared_link_is_offered_in_the_select() -> None:
    f = SearchForm(QueryDict("distance=20"))
    values = [value for value, _label in f.fields["distance"].widget.choices]
    assert values == ["", "1", "5", "10", "25", "50", "20"]
    assert 'value="20" selected' in str(f["distance"])


def test_to_request_reads_a_date_without_a_form() -> None:
    request = to_request(
        {"open": "at", "open_time": dt.time(8)},
        now=dt.datetime(2026, 7, 4, 12, tzinfo=dt.UTC),
    )
    assert request.open_at == dt.datetime(2026, 7, 4, 8)


@pytest.mark.django_db
def test_open_at_reaches_a_year_either_side_of_today(listings) -> None:
    today = timezone.localdate()
    for day in (today - OPEN_DAY_RANGE, today, today + OPEN_DAY_RANGE):
        f = form(f"q=food&open=at&open_day={day.isoformat()}&open_time=10:00")
        assert f.is_valid(), f.errors
    too_far = today + OPEN_DAY_RANGE + dt.timedelta(days=1)
    f = form(f"q=food&open=at&open_day={too_far.isoformat()}&open_time=10:00")
    assert not f.is_valid() and "open_day" in f.errors
    # The date picker offers the same range.
    attrs = SearchForm().fields["open_day"].widget.attrs
    assert attrs["max"] == (today + OPEN_DAY_RANGE).isoformat()
    assert attrs["min"] == (today - OPEN_DAY_RANGE).isoformat()


@pytest.mark.parametrize(
    ("radius_km", "query"),
    [
        (32.0, "distance=20"),
        (16.0, "distance=10"),
        (5 * KM_PER_MILE, "distance=5"),
        (2.5 * KM_PER_MILE, "distance=2.5"),
        (1.0, "distance=0.6"),
    ],
)
def test_a_link_says_whole_miles_for_a_widened_radius(radius_km, query) -> None:
    assert to_query(SearchRequest(radius_km=radius_km)) == query


FIELDS = [name for name in SearchForm.base_fields]
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e400", "nan", "inf", "25:99", "0001-01-01", "on", "at"]),
)


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), st.lists(ODD_TEXT, max_size=3)))
def test_any_query_string_is_read_or_explained_and_its_link_is_stable(listings, data) -> None:
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, values)
    f = SearchForm(query)
    if not f.is_valid():
        assert f.errors  # every refusal says why
        return
    link = to_query(f.to_request())
    again = form(link)
    assert again.is_valid(), again.errors
    assert to_query(again.to_request()) == link
