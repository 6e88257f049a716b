"""The search page against the engine's contract: responses are built by hand here, so these
tests check what the page does with an answer (the engine has its own tests)."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from django.urls import reverse

from commonweal.directory import client_list, views
from commonweal.directory.models import CostOption
from commonweal.directory.search.types import (
    CategoryMatch,
    CrisisLevel,
    Hit,
    Interpretation,
    Place,
    SearchRequest,
    SearchResponse,
    Suggestion,
)
from commonweal.directory.tests.listing_builder import Listings, add_service, build_listings


@pytest.fixture
def listings(organization, other_organization) -> Listings:
    return build_listings(organization, other_organization)


def hit(service, *, distance_km=None, open_now=None, why=("matches: food pantry",)) -> Hit:
    return Hit(
        service_id=service.id,
        service_at_location_id=None,
        name=service.name,
        organization_id=service.organization_id,
        organization_name=service.organization.name,
        distance_km=distance_km,
        open_now=open_now,
        why=why,
        score=1.0,
    )


class FakeEngine:
    """Answers every search with `answer` (its request replaced by the one asked)."""

    def __init__(self, answer: SearchResponse | None = None) -> None:
        self.answer = answer
        self.requests: list[SearchRequest] = []

    def __call__(self, request: SearchRequest) -> SearchResponse:
        self.requests.append(request)
        answer = self.answer or SearchResponse(
            request=request,
            crisis=CrisisLevel.NONE,
            interpretation=Interpretation(),
            total=0,
            page=1,
            hits=(),
        )
        return replace(answer, request=request, page=request.page)


@pytest.fixture
def engine(monkeypatch) -> FakeEngine:
    fake = FakeEngine()
    monkeypatch.setattr(views, "_run_search", fake)
    return fake


def response_with(listings: Listings, **kwargs) -> SearchResponse:
    defaults = dict(
        request=SearchRequest(),
        crisis=CrisisLevel.NONE,
        interpretation=Interpretation(
            terms=("food", "pantry"),
            place=Place(label="33128", lat=25.78, lon=-80.2, kind="zip"),
            radius_km=16.0,  # the default around a ZIP code: shown as 10 miles
            categories=(CategoryMatch(id=listings.pantry.id, code="1120", name="Food Pantry"),),
        ),
        total=2,
        page=1,
        hits=(
            hit(
                listings.pantry_service,
                distance_km=1.9,
                open_now=True,
                why=("matches: food pantry", "1.2 mi", "open until 5 pm", "Spanish"),
            ),
            hit(listings.clinic_service, open_now=False, why=("matches: clinic",)),
        ),
    )
    defaults.update(kwargs)
    return SearchResponse(**defaults)


def get(client, params: dict | str = "", **headers) -> str:
    url = reverse("directory:search")
    response = client.get(url, params) if isinstance(params, dict) else client.get(url + params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def main(page: str) -> str:
    return page.split('<main id="main"', 1)[1]


@pytest.mark.django_db
def test_the_empty_page_shows_the_form_and_asks_the_engine_nothing(client, engine) -> None:
    page = get(client)
    assert 'name="q"' in page and 'name="near"' in page
    assert "Type what you need" in page
    assert engine.requests == []
    assert "Please correct" not in page


@pytest.mark.django_db
def test_each_result_explains_itself_and_shows_what_a_person_needs(
    client, engine, listings
) -> None:
    CostOption.objects.create(service=listings.pantry_service, option="Free", amount=0)
    engine.answer = response_with(listings)
    page = main(get(client, {"q": "food pantry", "near": "33128"}))
    assert engine.requests == [SearchRequest(q="food pantry", near="33128")]
    assert "2 services found" in page
    assert "Showing results for “food pantry” near 33128" in page
    assert "(within 10 miles)" in page
    assert "Looking in: Food Pantry" in page
    assert "matches: food pantry · 1.2 mi · open until 5 pm · Spanish" in page
    assert 'href="tel:3055550100,12"' in page
    assert "1.2 mi" in page and "Open now" in page and "Closed now" in page
    assert "Languages:</span> English, Spanish" in page
    assert "Cost:</span> Free" in page
    assert "100 NW 1st Ave" in page
    # Results come in the engine's order.
    assert page.index("Weekend Food Pantry") < page.index("Walk-in Clinic")
    assert "Add to my list" in page


@pytest.mark.django_db
def test_every_filter_reaches_the_engine(client, engine, listings) -> None:
    get(
        client,
        "?q=clinic&category=1106&distance=25&open=now&language=es&free=on"
        "&eligibility=veterans&age=70&accessible=on&delivery=phone&accepting=on",
    )
    [request] = engine.requests
    assert request.categories == ("1106",) and request.radius_km == pytest.approx(40.2336)
    assert request.open_now and request.languages == ("es",) and request.free
    assert request.eligibility == ("veterans",) and request.age == 70
    assert request.accessible and request.accepting_new_clients
    assert [d.value for d in request.delivery] == ["phone"]


@pytest.mark.django_db
def test_filters_alone_are_a_search(client, engine, listings) -> None:
    get(client, {"free": "on"})
    assert engine.requests == [SearchRequest(free=True)]


@pytest.mark.django_db
def test_spelling_corrections_are_shown(client, engine, listings) -> None:
    engine.answer = response_with(
        listings,
        interpretation=Interpretation(terms=("rent",), corrections=(("rnet", "rent"),)),
    )
    page = get(client, {"q": "rnet"})
    assert "Showing results for “rent”" in page
    assert "(you typed “rnet”, we searched for “rent”)" in page


@pytest.mark.django_db
def test_an_unknown_place_shows_the_message_and_results_without_distance(
    client, engine, listings
) -> None:
    message = "We could not find the place “Atlantis”. Try a ZIP code."
    engine.answer = response_with(
        listings,
        interpretation=Interpretation(terms=("food",), messages=(message,)),
        hits=(hit(listings.pantry_service),),
        total=1,
    )
    page = main(get(client, {"q": "food", "near": "Atlantis"}))
    assert message in page
    assert "Weekend Food Pantry" in page and "Distance:</span>" not in page


@pytest.mark.django_db
def test_no_results_is_never_a_dead_end(client, engine, listings) -> None:
    wider = SearchRequest(q="dentist", near="33128", radius_km=32.0)
    engine.answer = response_with(
        listings,
        interpretation=Interpretation(terms=("dentist",)),
        total=0,
        hits=(),
        suggestions=(
            Suggestion(label="Search within 20 miles", request=wider),
            Suggestion(label="Health care", request=SearchRequest(categories=("1106",))),
        ),
    )
    page = main(get(client, {"q": "dentist", "near": "33128", "free": "on"}))
    assert "0 services found" in page and "No services matched" in page
    # The engine widens in kilometres; the link and its select say whole miles.
    assert 'href="/search/?q=dentist&amp;near=33128&amp;distance=20"' in page
    assert 'href="/search/?category=1106"' in page
    assert "Search again without filters" in page
    assert 'href="/search/?q=dentist&amp;near=33128"' in page
    assert 'href="tel:211"' in page
    assert 'class="crisis-topic"' in page and 'href="tel:988"' in page


@pytest.mark.django_db
def test_many_results_do_not_show_the_ways_out(client, engine, listings, organization) -> None:
    services = [add_service(organization, f"Tutoring {i:02d}") for i in range(5)]
    engine.answer = response_with(listings, total=45, hits=tuple(hit(s) for s in services))
    page = main(get(client, {"q": "tutoring", "page": "2"}))
    assert 'class="suggestions"' not in page
    assert "Page 2 of 3" in page
    assert 'href="/search/?q=tutoring" rel="prev"' in page
    assert 'href="/search/?q=tutoring&amp;page=3" rel="next"' in page


@pytest.mark.django_db
def test_an_emergency_puts_the_crisis_takeover_above_the_form_and_still_shows_results(
    client, engine, listings
) -> None:
    engine.answer = response_with(listings, crisis=CrisisLevel.EMERGENCY)
    page = main(get(client, {"q": "I want to kill myself"}))
    assert 'class="crisis-first"' in page
    assert page.index("crisis-first") < page.index('role="search"')
    for line in ('href="tel:988"', "741741", "press 1", "1-800-999-9999", 'href="tel:911"'):
        assert line in page.split('class="crisis-first"', 1)[1].split("</section>", 1)[0]
    assert "Weekend Food Pantry" in page
    assert 'class="crisis-topic"' not in page


@pytest.mark.django_db
def test_a_crisis_topic_shows_the_lines_compactly_above_the_results(
    client, engine, listings
) -> None:
    engine.answer = response_with(listings, crisis=CrisisLevel.TOPIC)
    page = main(get(client, {"q": "suicide prevention training volunteer"}))
    assert 'class="crisis-first"' not in page
    assert 'class="crisis-topic"' in page
    assert page.index("crisis-topic") < page.index("Weekend Food Pantry")


@pytest.mark.django_db
def test_a_form_with_errors_explains_them_and_still_puts_crisis_first(
    client, engine, listings
) -> None:
    page = main(get(client, {"q": "I want to kill myself " + "x" * 300, "age": "-1"}))
    assert engine.requests == []
    assert "Please correct the problems in the search form" in page
    assert 'href="#id_age"' in page and "Enter an age from 0 to 120." in page
    assert 'aria-invalid="true"' in page
    assert 'class="crisis-first"' in page


@pytest.mark.django_db
def test_htmx_gets_the_results_region_and_a_tidy_url_to_push(client, engine, listings) -> None:
    engine.answer = response_with(listings, crisis=CrisisLevel.EMERGENCY)
    response = client.get(
        reverse("directory:search") + "?q=food&near=&category=&free=on&page=",
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert "<html" not in fragment and 'role="search"' not in fragment
    assert "Weekend Food Pantry" in fragment
    assert response["HX-Push-Url"] == "/search/?q=food&free=on"
    assert "HX-Request" in response["Vary"]
    # The crisis region above the form and the screen-reader status are swapped too.
    assert 'id="crisis-region" hx-swap-oob="true"' in fragment and "crisis-first" in fragment
    # The live region's content changes (the element stays, so it is announced).
    status = fragment.split('<p id="results-status" hx-swap-oob="innerHTML">', 1)[1]
    assert status.startswith("2 services found</p>")
    # What the form says about the search follows it: the filters in use, the way to
    # clear them, and the window's title.
    assert '<span id="filter-count" hx-swap-oob="innerHTML">(1 chosen)</span>' in fragment
    clear = fragment.split('<span id="clear-filters" hx-swap-oob="innerHTML">', 1)[1]
    assert clear.startswith('<a href="/search/?q=food">Clear filters</a></span>')
    assert "<title>Results for “food” · " in fragment


@pytest.mark.django_db
def test_htmx_sends_crisis_help_again_only_when_its_level_changes(client, engine, listings) -> None:
    engine.answer = response_with(listings, crisis=CrisisLevel.EMERGENCY)

    def fragment(current_url: str) -> str:
        return client.get(
            reverse("directory:search") + "?q=I+want+to+kill+myself&free=on",
            headers={"HX-Request": "true", "HX-Current-URL": current_url},
        ).content.decode()

    # A filter changed under the same words: the alert already shown is not repeated…
    same = fragment("http://testserver/search/?q=I+want+to+kill+myself")
    assert 'id="crisis-region"' not in same and "Weekend Food Pantry" in same
    # …new words that signal danger bring it in, and an unknown page gets it anyway.
    assert "crisis-first" in fragment("http://testserver/search/?q=food")
    assert "crisis-first" in fragment("http://testserver/elsewhere/?q=I+want+to+kill+myself")
    engine.answer = response_with(listings, crisis=CrisisLevel.NONE)
    cleared = fragment("http://testserver/search/?q=I+want+to+kill+myself")
    assert '<div id="crisis-region" hx-swap-oob="true">' in cleared
    assert "crisis-first" not in cleared


@pytest.mark.django_db
def test_htmx_empties_the_filter_count_and_clear_link_when_no_filter_is_left(
    client, engine, listings
) -> None:
    engine.answer = response_with(listings)
    fragment = client.get(
        reverse("directory:search") + "?q=rent", headers={"HX-Request": "true"}
    ).content.decode()
    assert '<span id="filter-count" hx-swap-oob="innerHTML"></span>' in fragment
    assert '<span id="clear-filters" hx-swap-oob="innerHTML"></span>' in fragment


@pytest.mark.django_db
def test_a_history_restore_gets_the_whole_page(client, engine, listings) -> None:
    response = client.get(
        reverse("directory:search") + "?q=food",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


@pytest.mark.django_db
def test_the_page_works_without_javascript(client, engine, listings) -> None:
    page = get(client, {"q": "food"})
    head, body = page.split("<main", 1)
    # A real GET form with a submit button; the "near me" button waits for JavaScript.
    assert 'method="get" action="/search/"' in body
    assert '<button type="submit">Search</button>' in body
    assert "data-near-me hidden" in body
    assert "<script>" not in page and "onclick" not in page
    assert '<details class="filters"' in body


@pytest.mark.django_db
def test_the_filter_panel_says_how_many_filters_are_in_use(client, engine, listings) -> None:
    # Closed, so results come first on a phone (a script opens it on wide screens)…
    assert '<details class="filters">' in get(client, {"q": "food"})
    page = get(client, {"q": "food", "free": "on", "age": "30"})
    assert '<details class="filters">' in page and "(2 chosen)" in page
    assert 'name="free" id="id_free" checked' in page
    # …and open when one of its fields needs correcting.
    assert '<details class="filters" open>' in get(client, {"q": "food", "age": "200"})


@pytest.mark.django_db
def test_results_already_on_my_list_say_so(client, engine, listings) -> None:
    engine.answer = response_with(listings)
    client.post(reverse("directory:my_list_add", args=[listings.clinic_service.id]))
    page = main(get(client, {"q": "food"}))
    card = page.split(f'id="service-{listings.clinic_service.id}"', 1)[1].split("</form>", 1)[0]
    assert "On your list" in card
    assert "My list (1 service)" in page
    assert client_list.service_ids(client.session) == [str(listings.clinic_service.id)]


@pytest.mark.django_db
def test_a_hit_for_a_service_deleted_meanwhile_is_skipped(client, engine, listings) -> None:
    ghost = replace(hit(listings.pantry_service), service_id=uuid.uuid4(), name="Ghost")
    engine.answer = response_with(listings, hits=(ghost,), total=1)
    page = main(get(client, {"q": "food"}))
    assert "Ghost" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("radius_km", "label"),
    [(16.0, "(within 10 miles)"), (1.609344, "(within 1 mile)"), (0.8, "(within 0.5 miles)")],
)
def test_the_distance_searched_is_said_in_miles_with_the_right_plural(
    client, engine, listings, radius_km, label
) -> None:
    engine.answer = response_with(listings)
    engine.answer = replace(
        engine.answer, interpretation=replace(engine.answer.interpretation, radius_km=radius_km)
    )
    page = main(get(client, {"q": "food", "near": "33128"}))
    assert f"near 33128 {label}" in " ".join(page.split())


@pytest.mark.django_db
def test_no_distance_chosen_is_offered_as_the_usual_distance_not_any(
    client, engine, listings
) -> None:
    page = get(client, {"q": "food", "near": "33128"})
    assert '<option value="" selected>Nearby (the usual distance)</option>' in page
    assert "Any distance" not in page


# Odd input through the real engine: each gets the page (with a message), never a 500.
ODD_QUERIES = [
    "q=" + "x" * 10_000,
    "q=%22+*+NEAR(+OR+-&near=%22*",
    "q=%00&near=%00",
    "q=%E2%80%8B&near=+++",
    "q=food&q=rent&language=es&language=fr",
    "q=food&near=99999",
    "q=food&near=" + "9" * 500,
    "q=food&near=33130&distance=0",
    "q=food&near=33130&distance=-5",
    "q=food&near=33130&distance=nan",
    "q=food&near=33130&distance=inf",
    "q=food&near=33130&distance=1e308",
    "q=food&lat=200&lon=10",
    "q=food&lat=nan&lon=inf",
    "q=food&lat=25.7",
    "q=food&open=at&open_time=25:99",
    "q=food&open=maybe",
    "q=food&open=at&open_day=0001-01-01&open_time=00:00",
    "q=food&open=at&open_day=9999-12-31&open_time=23:59",
    "q=food&open=at&open_day=2026-02-30&open_time=10:00",
    "q=food&category=nope&language=zz&eligibility=wizards&delivery=teleport",
    "q=food&age=-1&page=-3",
    "q=food&age=99999999999999999999999&page=99999999999999999999999",
    "q=food&free=maybe&accessible=%00&accepting=0",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ODD_QUERIES)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_odd_input_in_any_parameter_never_breaks_the_page(client, listings, query, htmx) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(reverse("directory:search") + "?" + query, headers=headers)
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.django_db
def test_a_page_past_the_end_shows_the_last_page(client, engine, listings, organization) -> None:
    services = [add_service(organization, f"Tutoring {i:02d}") for i in range(5)]
    engine.answer = response_with(listings, total=45, hits=tuple(hit(s) for s in services))
    page = main(get(client, {"q": "tutoring", "page": "9"}))
    assert [r.page for r in engine.requests] == [9, 3]
    assert "Page 3 of 3" in page and "Tutoring 00" in page
    assert 'href="/search/?q=tutoring&amp;page=2" rel="prev"' in page
