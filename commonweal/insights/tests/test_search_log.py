"""The anonymous search log: what a search leaves behind, and what it never does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone, translation

from commonweal.directory.search import engine
from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.search.types import CrisisLevel, Interpretation, Place, SearchRequest
from commonweal.directory.tests.search_directory import build_search_directory
from commonweal.insights import search_log
from commonweal.insights.models import SearchEvent

SECRET_WORDS = "Maria Gonzalez at 1550 NW 10th Ave wants to kill herself"


@pytest.fixture
def directory(db):
    reset_dictionary()
    with translation.override("en"):
        yield build_search_directory()
    reset_dictionary()


def _stored_text(event: SearchEvent) -> str:
    """Everything the row holds, as one string to search."""
    return json.dumps({f.name: str(getattr(event, f.name)) for f in SearchEvent._meta.get_fields()})


def test_it_logs_a_page_search_with_its_area_categories_and_count(client, directory) -> None:
    client.get(reverse("directory:search"), {"q": "food pantry", "near": "33135"})
    event = SearchEvent.objects.get()
    assert event.channel == "page"
    assert (event.area_kind, event.area) == ("zip", "33135")
    assert event.categories  # read as a food category
    assert event.results >= 1
    assert event.crisis == "none"
    assert event.day == timezone.localdate()


def test_it_logs_an_api_search_with_the_filters_used_but_not_their_values(
    client, directory
) -> None:
    client.get("/api/v1/search", {"q": "dentist", "language": "vi", "free": "true"})
    event = SearchEvent.objects.get()
    assert event.channel == "api"
    assert sorted(event.filters) == ["free", "language"]
    assert "vi" not in _stored_text(event)


def test_it_stores_no_words_no_coordinates_and_no_user(client, directory, navigator) -> None:
    client.force_login(navigator)
    client.get(
        reverse("directory:search"),
        {"q": SECRET_WORDS, "lat": "25.766544", "lon": "-80.235095"},
    )
    event = SearchEvent.objects.get()
    stored = _stored_text(event)
    for secret in ("Maria", "Gonzalez", "1550", "kill", "25.766", "80.235", navigator.username):
        assert secret not in stored
    field_names = {f.name for f in SearchEvent._meta.get_fields()}
    assert not field_names & {"q", "query", "text", "user", "session", "ip", "lat", "lon"}
    # The point became its ZIP code, and the crisis words only a level.
    assert (event.area_kind, event.area) == ("zip", "33135")
    assert event.crisis == CrisisLevel.EMERGENCY.value


def test_it_logs_a_named_place_by_the_gazetteer_name_not_the_typed_text(directory) -> None:
    response = engine.search(SearchRequest(q="food", near="  hialeah "))
    assert search_log.area_of(response) == ("place", "Hialeah, FL")


def test_it_keeps_no_area_for_a_point_far_from_every_zip_code() -> None:
    assert search_log.nearest_zip(0.0, -30.0) == ""  # mid-Atlantic
    assert search_log.nearest_zip(25.766544, -80.235095) == "33135"


def test_it_keeps_only_category_codes_the_taxonomy_knows(directory) -> None:
    response = engine.search(SearchRequest(categories=("John Smith 555-1234",)))
    assert search_log.categories_of(response) == []


def test_it_counts_a_search_once_not_once_per_page(client, directory) -> None:
    for page in ("1", "2", "3"):
        client.get("/api/v1/search", {"q": "food", "per_page": "1", "page": page})
    assert SearchEvent.objects.count() == 1


def test_a_search_still_answers_when_the_log_cannot_be_written(
    client, directory, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(SearchEvent, "save", broken)
    page = client.get(reverse("directory:search"), {"q": "food pantry", "near": "33135"})
    api = client.get("/api/v1/search", {"q": "food pantry", "near": "33135"})
    assert page.status_code == 200 and b"Food" in page.content
    assert api.status_code == 200 and api.json()["total"] >= 1
    assert not SearchEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_insert_inside_a_transaction_leaves_the_transaction_usable(
    monkeypatch,
) -> None:
    from django.db import transaction

    response = dataclasses.replace(
        _response(),
        interpretation=Interpretation(place=Place("33130", 25.77, -80.2, "zip")),
    )
    monkeypatch.setattr(search_log, "filters_used", lambda request: [object()])  # not JSON
    with transaction.atomic():
        search_log.record(response, channel="page")
        SearchEvent.objects.count()  # the transaction still answers
    assert not SearchEvent.objects.exists()


def _response():
    from commonweal.directory.search.types import SearchResponse

    return SearchResponse(
        request=SearchRequest(q="x"),
        crisis=CrisisLevel.NONE,
        interpretation=Interpretation(),
        total=0,
        page=1,
        hits=(),
    )


@pytest.mark.django_db
def test_purge_removes_only_rows_past_the_keeping_period() -> None:
    today = timezone.localdate()
    for age in (0, search_log.KEEP_DAYS, search_log.KEEP_DAYS + 1):
        SearchEvent.objects.create(
            day=today - dt.timedelta(days=age), results=0, crisis="none", channel="page"
        )
    assert search_log.purge() == 1
    assert SearchEvent.objects.count() == 2


@pytest.mark.django_db
def test_it_gives_early_warning_weekly_crisis_searches_per_area() -> None:
    monday = dt.date(2026, 3, 2)
    for day, area, crisis in [
        (monday, "33135", "emergency"),
        (monday + dt.timedelta(days=6), "33135", "emergency"),  # Sunday: the same week
        (monday + dt.timedelta(days=7), "33135", "emergency"),
        (monday, "33010", "topic"),
        (monday, "33010", "none"),
    ]:
        SearchEvent.objects.create(day=day, area=area, results=1, crisis=crisis, channel="api")
    end = monday + dt.timedelta(days=13)
    assert search_log.weekly_crisis_searches(monday, end) == {
        (monday, "33135"): 2,
        (monday + dt.timedelta(days=7), "33135"): 1,
    }
    both = search_log.weekly_crisis_searches(monday, end, levels=("emergency", "topic"))
    assert both[(monday, "33010")] == 1


def test_it_does_not_count_the_steps_of_search_as_you_type(client, directory) -> None:
    url = reverse("directory:search")
    live = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/search/?q=fo"}
    client.get(url, {"q": "foo"}, **live)  # still typing: the page showed "fo"
    assert not SearchEvent.objects.exists()
    settled = {**live, "HTTP_HX_CURRENT_URL": "http://testserver/search/?q=food+pantry"}
    client.get(url, {"q": "food pantry"}, **settled)  # Enter, or the box lost focus
    client.get(url, {"q": "food pantry"}, **settled)  # Enter sends "change" and "submit"
    client.get(url, {"q": "food pantry", "free": "on"}, **settled)  # a filter changed
    client.get(url, {"q": "dentist"})  # without JavaScript: every search is a search
    assert SearchEvent.objects.count() == 3


def test_it_tells_a_typing_step_from_a_settled_search() -> None:
    def headers(current: str) -> dict[str, str]:
        return {"HX-Request": "true", "HX-Current-URL": current}

    assert search_log.is_typing(headers("https://x/search/?q=fo"), "foo")
    assert search_log.is_typing(headers("https://x/search/"), "f")
    assert not search_log.is_typing(headers("https://x/search/?q=Food++pantry"), "food pantry")
    assert not search_log.is_typing({}, "food")
    restore = {**headers("https://x/search/?q=fo"), "HX-History-Restore-Request": "true"}
    assert not search_log.is_typing(restore, "food")


def test_enter_pressed_before_the_page_caught_up_counts_once(client, directory) -> None:
    url = reverse("directory:search")
    # The page still shows "fo"; Enter sends "change" and "submit" with the new words.
    typed = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/search/?q=fo"}
    for _ in range(2):
        client.get(url, {"q": "shelter tonight"}, **typed)
    # The page then searches once more as the typing pause ends, now showing the words.
    caught_up = {**typed, "HTTP_HX_CURRENT_URL": "http://testserver/search/?q=shelter+tonight"}
    client.get(url, {"q": "shelter tonight"}, **caught_up)
    assert SearchEvent.objects.count() == 1


def test_a_malformed_htmx_header_never_breaks_the_search_page(client, directory) -> None:
    bad = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://[::1/search/?q=fo"}
    response = client.get(reverse("directory:search"), {"q": "food pantry"}, **bad)
    assert response.status_code == 200
