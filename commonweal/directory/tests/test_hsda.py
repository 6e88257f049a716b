from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonweal.directory import hsda
from commonweal.directory.models import (
    Attribute,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from commonweal.directory.schema_validation import validate_record, validate_service
from commonweal.directory.tests.directory_builder import build_full_service, build_taxonomy

API = "/api/hsda"


@pytest.fixture
def directory(db) -> dict[str, object]:
    """Three services: two near downtown Miami (postcodes 00101 and 00102, made up so no
    real ZIP centroid applies), one 8 km north; a taxonomy with a parent and a child term."""
    taxonomy, food, pantry = build_taxonomy()
    downtown = build_full_service(name="Downtown Pantry", term=pantry, postal_code="00101")
    brickell = build_full_service(
        name="Brickell Meals", term=food, postal_code="00102", latitude=25.7617, longitude=-80.1918
    )
    north = build_full_service(
        name="Northside Clinic", term=food, postal_code="00150", latitude=25.85, longitude=-80.2
    )
    Service.objects.filter(pk=north.pk).update(
        description="Primary CARE for families",
        last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    return {
        "taxonomy": taxonomy,
        "food": food,
        "pantry": pantry,
        "downtown": downtown,
        "brickell": brickell,
        "north": north,
    }


def _get(client, path: str, **params: str):
    return client.get(f"{API}{path}", params)


def _names(response) -> list[str]:
    return [record["name"] for record in response.json()["contents"]]


def test_it_describes_itself_at_the_root(client, db) -> None:
    body = _get(client, "/").json()

    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/api/hsda/openapi.json"
    document = client.get(body["openapi_url"]).json()
    assert set(document["paths"]) == set(json.loads(hsda.OPENAPI_PATH.read_text())["paths"])
    assert document["info"]["version"] == "3.0" and "REQUIRED" not in document["info"]["title"]


def test_it_pages_services_with_the_hsda_paging_fields(client, directory) -> None:
    first = _get(client, "/services", per_page="2").json()
    second = _get(client, "/services", per_page="2", page="2").json()
    beyond = _get(client, "/services", per_page="2", page="9").json()

    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    assert [c["name"] for c in first["contents"] + second["contents"]] == [
        "Brickell Meals",
        "Downtown Pantry",
        "Northside Clinic",
    ]
    assert (beyond["size"], beyond["contents"], beyond["empty"]) == (0, [], False)


def test_it_says_when_a_listing_is_empty(client, directory) -> None:
    body = _get(client, "/services", search="no such thing").json()

    assert (body["total_items"], body["total_pages"], body["empty"], body["contents"]) == (
        0,
        0,
        True,
        [],
    )


def test_it_lists_services_as_one_to_one_records_that_conform(client, directory) -> None:
    (record, *_) = _get(client, "/services").json()["contents"]

    assert validate_record("service_list", record) == []
    assert record["organization"]["name"] == "Brickell Meals Inc."
    assert "phones" not in record and "service_at_locations" not in record


def test_it_lists_full_and_minimal_services(client, directory) -> None:
    full = _get(client, "/services", full="true").json()["contents"]
    minimal = _get(client, "/services", minimal="true").json()

    assert all(validate_service(r) == [] for r in full)
    assert full[0]["phones"][0]["number"] == "305-555-0100"
    assert minimal["size"] == 3
    assert set(minimal["contents"][0]) == {"id", "name", "status", "last_modified"}


def test_it_searches_names_and_descriptions_ignoring_case(client, directory) -> None:
    assert _names(_get(client, "/services", search="DOWNTOWN")) == ["Downtown Pantry"]
    assert _names(_get(client, "/services", search="primary care")) == ["Northside Clinic"]


def test_it_filters_services_by_term_taxonomy_organization_and_modification(
    client, directory
) -> None:
    food, pantry, taxonomy = directory["food"], directory["pantry"], directory["taxonomy"]

    assert _names(_get(client, "/services", taxonomy_term_id=str(pantry.id))) == ["Downtown Pantry"]
    assert _names(_get(client, "/services", taxonomy_term_id=str(food.id))) == [
        "Brickell Meals",
        "Northside Clinic",
    ]
    assert len(_names(_get(client, "/services", taxonomy_id=str(taxonomy.id)))) == 3
    assert _names(_get(client, "/services", taxonomy_id=str(uuid.uuid4()))) == []
    org = directory["north"].organization_id
    assert _names(_get(client, "/services", organization_id=str(org))) == ["Northside Clinic"]
    assert _names(_get(client, "/services", modified_after="2021-01-01")) == [
        "Brickell Meals",
        "Downtown Pantry",
    ]
    # 18:00 at UTC-5 is 23:00 UTC, an hour before Northside's last change; 23:00 is after it.
    everyone = ["Brickell Meals", "Downtown Pantry", "Northside Clinic"]
    assert _names(_get(client, "/services", modified_after="2019-12-31T18:00:00-05:00")) == everyone
    assert (
        _names(_get(client, "/services", modified_after="2019-12-31T23:00:00-05:00"))
        == everyone[:2]
    )
    # An offset PostgreSQL refuses (found by the schemathesis fuzz test) is the same moment
    # in UTC: 21:00 at UTC+21:30 is 23:30 UTC the day before, half an hour before
    # Northside's last change.
    assert _names(_get(client, "/services", modified_after="2020-01-01T21:00:00+21:30")) == (
        everyone
    )
    assert _names(_get(client, "/services", modified_after="0048-01-27T03:37:45-21:30")) == (
        everyone
    )


def test_a_modified_after_that_leaves_the_calendar_in_utc_is_a_clear_400(client) -> None:
    response = client.get("/api/hsda/services", {"modified_after": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "modified_after"


def test_it_only_counts_attributes_of_services_for_service_filters(client, directory) -> None:
    # The location of "Downtown Pantry" also carries the pantry term (see directory_builder);
    # a location's attribute must not make other services match.
    Attribute.objects.filter(link_entity="service", link_id=directory["downtown"].id).delete()

    assert _names(_get(client, "/services", taxonomy_term_id=str(directory["pantry"].id))) == []


def test_it_streams_every_record_as_ndjson_without_paging(client, directory) -> None:
    response = _get(client, "/services", format="ndjson", per_page="1", full="true")

    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["name"] for r in records] == ["Brickell Meals", "Downtown Pantry", "Northside Clinic"]
    assert all(validate_service(r) == [] for r in records)


def test_it_serves_a_full_service_by_id(client, directory) -> None:
    service = directory["downtown"]

    body = _get(client, f"/services/{service.id}").json()

    assert validate_service(body) == []
    assert body["attributes"][0]["taxonomy_term"]["code"] == "1103"
    assert body["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "00101"


@pytest.mark.parametrize(
    "path", ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"]
)
def test_it_answers_404_for_an_unknown_or_malformed_id(client, db, path) -> None:
    for record_id in (str(uuid.uuid4()), "not-a-uuid", "1"):
        response = _get(client, f"/{path}/{record_id}")
        assert response.status_code == 404
        assert response.json() == {"detail": "No record with that id."}


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/services", {"page": "0"}, "page"),
        ("/services", {"page": "-1"}, "page"),
        ("/services", {"per_page": "lots"}, "per_page"),
        ("/services", {"page": "99999999999999999999"}, "page"),
        ("/services", {"full": "maybe"}, "full"),
        ("/services", {"minimal": ""}, "minimal"),
        ("/services", {"taxonomy_term_id": "food"}, "taxonomy_term_id"),
        ("/services", {"organization_id": "42"}, "organization_id"),
        ("/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/services", {"format": "xml"}, "format"),
        ("/services", {"page": ["1", "2"]}, "page"),
        ("/services", {"search": "food\x00"}, "search"),
        ("/organizations", {"full_service": "sometimes"}, "full_service"),
        ("/service_at_locations", {"proximity": "5000"}, "proximity"),
        ("/service_at_locations", {"postcode": "00101", "proximity": "five km"}, "proximity"),
        ("/service_at_locations", {"postcode": "<script>"}, "postcode"),
        ("/taxonomy_terms", {"top_only": "yes please"}, "top_only"),
        ("/taxonomy_terms", {"parent_id": "root"}, "parent_id"),
    ],
)
def test_it_answers_400_naming_a_bad_parameter(client, db, path, params, parameter) -> None:
    response = _get(client, path, **params)

    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter
    assert body["detail"]


def test_it_is_read_only(client, directory) -> None:
    service = directory["downtown"]

    assert client.post(f"{API}/services", {}, content_type="application/json").status_code == 405
    assert client.delete(f"{API}/services/{service.id}").status_code == 405
    assert (
        client.put(f"{API}/services/{service.id}", {}, content_type="application/json").status_code
        == 405
    )
    assert Service.objects.filter(pk=service.pk).exists()


def test_it_is_public_without_signing_in(client, directory, partner_staff) -> None:
    assert _get(client, "/services").status_code == 200
    client.force_login(partner_staff)
    assert _get(client, "/services").status_code == 200


def test_it_lists_organizations_plain_full_and_with_full_services(client, directory) -> None:
    plain = _get(client, "/organizations").json()["contents"]
    full = _get(client, "/organizations", full="true").json()["contents"]
    with_services = _get(client, "/organizations", full_service="true", search="northside").json()[
        "contents"
    ]

    assert all(validate_record("organization_list", r) == [] for r in plain)
    assert "locations" not in plain[0]
    assert all(validate_record("organization", r) == [] for r in full)
    assert full[0]["locations"][0]["addresses"]
    (org,) = with_services
    assert org["services"][0]["phones"][0]["number"] == "305-555-0100"


def test_it_serves_an_organization_with_list_or_full_services(client, directory) -> None:
    org = directory["downtown"].organization

    plain = _get(client, f"/organizations/{org.id}").json()
    full = _get(client, f"/organizations/{org.id}", full_service="true").json()

    assert (
        validate_record("organization", plain) == [] and validate_record("organization", full) == []
    )
    assert "phones" not in plain["services"][0]
    assert "phones" in full["services"][0]


def test_it_lists_and_serves_service_at_locations(client, directory) -> None:
    listing = _get(client, "/service_at_locations").json()
    full = _get(client, "/service_at_locations", full="true").json()["contents"]
    one = ServiceAtLocation.objects.get(service=directory["north"])
    single = _get(client, f"/service_at_locations/{one.id}").json()

    assert listing["total_items"] == 3
    assert all(validate_record("service_at_location_list", r) == [] for r in listing["contents"])
    assert listing["contents"][0]["location"]["latitude"] == 25.7617
    assert all(validate_record("service_at_location", r) == [] for r in full)
    assert validate_record("service_at_location", single) == []
    assert single["service"]["name"] == "Northside Clinic"


def test_it_finds_service_at_locations_by_postcode_of_address_or_service_area(
    client, directory
) -> None:
    assert [
        r["service"]["name"]
        for r in _get(client, "/service_at_locations", postcode="00101").json()["contents"]
    ] == ["Downtown Pantry"]
    ServiceArea.objects.create(
        service=directory["north"], name="Downtown", extent="00099, 00101", extent_type="postcodes"
    )
    ServiceArea.objects.create(
        service=directory["brickell"], extent="001011", extent_type="postcodes"
    )

    names = [
        r["service"]["name"]
        for r in _get(client, "/service_at_locations", postcode="00101").json()["contents"]
    ]

    assert names == ["Downtown Pantry", "Northside Clinic"]


def test_it_finds_service_at_locations_within_metres_of_a_postcode_nearest_first(
    client, directory
) -> None:
    def names(**params: str) -> list[str]:
        return [
            r["service"]["name"]
            for r in _get(client, "/service_at_locations", **params).json()["contents"]
        ]

    # Centroid of 00101 = its one location (25.7751, -80.1947); Brickell is 1.6 km away,
    # Northside 8.3 km.
    assert names(postcode="00101", proximity="1000") == ["Downtown Pantry"]
    assert names(postcode="00101", proximity="2000") == ["Downtown Pantry", "Brickell Meals"]
    assert names(postcode="00101", proximity="10000") == [
        "Downtown Pantry",
        "Brickell Meals",
        "Northside Clinic",
    ]
    assert names(postcode="00101", proximity="10000", search="clinic") == ["Northside Clinic"]
    assert names(postcode="00999", proximity="10000") == []


def test_it_measures_distances_on_the_sphere() -> None:
    # Miami to Orlando is about 330 km as the crow flies.
    assert 320_000 < hsda.distance_m(25.7617, -80.1918, 28.5384, -81.3789) < 340_000
    assert hsda.distance_m(10, 10, 10, 10) == 0


def test_it_lists_and_serves_taxonomies_and_terms(client, directory) -> None:
    taxonomy, food, pantry = directory["taxonomy"], directory["food"], directory["pantry"]
    other = TaxonomyTerm.objects.create(name="Unfiled", description="")

    taxonomies = _get(client, "/taxonomies").json()["contents"]
    top = _get(client, "/taxonomy_terms", top_only="true").json()["contents"]
    children = _get(client, "/taxonomy_terms", parent_id=str(food.id)).json()["contents"]
    in_taxonomy = _get(client, "/taxonomy_terms", taxonomy_id=str(taxonomy.id)).json()["contents"]
    searched = _get(client, "/taxonomy_terms", search="PANTRY").json()["contents"]

    assert [t["name"] for t in taxonomies] == ["Open Eligibility"]
    assert {t["id"] for t in top} == {str(food.id), str(other.id)}
    assert [t["id"] for t in children] == [str(pantry.id)]
    assert {t["id"] for t in in_taxonomy} == {str(food.id), str(pantry.id)}
    assert [t["code"] for t in searched] == ["1103"]
    assert all(validate_record("taxonomy_term", t) == [] for t in top + children)
    assert _get(client, f"/taxonomies/{taxonomy.id}").json()["name"] == "Open Eligibility"
    term = _get(client, f"/taxonomy_terms/{pantry.id}").json()
    assert (term["parent_id"], term["taxonomy_detail"]["id"]) == (str(food.id), str(taxonomy.id))


def test_it_serves_a_page_of_full_services_with_a_fixed_number_of_queries(
    client, directory
) -> None:
    with CaptureQueriesContext(connection) as one:
        _get(client, "/services", full="true", per_page="1")
    with CaptureQueriesContext(connection) as three:
        _get(client, "/services", full="true", per_page="3")

    assert len(three.captured_queries) == len(one.captured_queries)


def test_it_lists_an_organization_without_services(client, db) -> None:
    Organization.objects.create(name="Quiet Org", description="")

    (record,) = _get(client, "/organizations", full="true").json()["contents"]

    assert record["services"] == [] and validate_record("organization", record) == []


@pytest.mark.django_db
def test_it_throttles_anonymous_callers_per_address(client, settings) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.HSDA_ANON_RATE = "3/min"
    statuses = [client.get("/api/hsda/taxonomies").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    cache.clear()


@pytest.mark.django_db
def test_it_caps_page_size_and_proximity(client) -> None:
    from commonweal.directory.models import Organization, Service

    organization = Organization.objects.create(name="Many Services")
    Service.objects.bulk_create(
        Service(organization=organization, name=f"Service {i:03}") for i in range(101)
    )
    body = client.get("/api/hsda/services", {"per_page": 5000}).json()
    assert (body["total_items"], body["size"], body["total_pages"]) == (101, 100, 2)
    response = client.get(
        "/api/hsda/service_at_locations", {"postcode": "33101", "proximity": 5_000_000}
    )
    assert response.status_code == 400
    assert "proximity" in response.content.decode()
