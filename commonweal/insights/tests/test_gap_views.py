"""The gap analysis page and its downloads: who may use them, bad input, the SVG map, and
downloads equal to gaps.compute for the same inputs."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import numpy as np
import pytest
from django.test import Client

from commonweal.directory.models import TaxonomyTerm
from commonweal.insights import gap_export, gap_report, gaps
from commonweal.insights.supply import supply_for_category
from commonweal.insights.tests.test_gaps_command import _service

URL = "/insights/gaps/"


@pytest.fixture
def counselling(db) -> TaxonomyTerm:
    term = TaxonomyTerm.objects.create(code="MH", name="Mental health")
    _service(term, at=(25.7743, -80.1937))  # downtown Miami
    _service(term, at=(25.9420, -80.2456))  # Miami Gardens
    _service(term, at=(25.4687, -80.4776))  # Homestead
    TaxonomyTerm.objects.create(code="SHELTER", name="Shelter")
    return term


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["coalition_admin", "analyst", "superuser"])
def test_it_shows_the_least_served_areas_to_insights_users(who, counselling, request) -> None:
    response = _client(request.getfixturevalue(who)).get(URL, {"category": "MH"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Least-served areas: Mental health" in body
    assert body.count("<tr><td>") == 25  # the top 25, and a link to all
    assert "Show all" in body and "all=1" in body
    assert 'href="/insights/gaps/gaps.csv?category=MH' in body


@pytest.mark.parametrize("who", ["navigator", "partner_staff", "resident"])
def test_it_refuses_everyone_else(who, counselling, request) -> None:
    client = _client(request.getfixturevalue(who))
    for url in (URL, URL + "gaps.csv", URL + "gaps.geojson"):
        assert client.get(url, {"category": "MH"}).status_code == 403


def test_it_sends_the_signed_out_to_sign_in(counselling) -> None:
    response = Client().get(URL, {"category": "MH"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_offers_the_form_without_a_category(analyst, counselling) -> None:
    response = _client(analyst).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="MH">Mental health (MH)</option>' in body
    assert "SHELTER" not in body  # no services: not offered
    assert "near-empty tracts" in body


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"category": "NOPE"}, "no category has the code"),
        ({"category": "MH", "radius_km": "-3"}, "Catchment distance must be more than 0"),
        ({"category": "MH", "method": "kriging"}, "Method: “kriging” is not one of"),
        ({"category": "MH", "steps": "ten"}, "Distance bands"),
    ],
)
def test_it_names_what_is_wrong_with_bad_input(analyst, counselling, query, said) -> None:
    client = _client(analyst)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert said in response.content.decode()
    download = client.get(URL + "gaps.csv", query)
    assert download.status_code == 400 and said in download.content.decode()


def test_htmx_gets_the_results_alone_with_errors_it_can_swap_in(analyst, counselling) -> None:
    client = _client(analyst)
    partial = client.get(URL, {"category": "MH"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b"<form" not in partial.content and b"<svg" in partial.content
    refused = client.get(URL, {"category": "MH", "radius_km": "0"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and b'role="alert"' in refused.content


def test_a_category_without_services_says_so(analyst, counselling) -> None:
    client = _client(analyst)
    body = client.get(URL, {"category": "SHELTER"}).content.decode()
    assert "nothing to measure" in body and "<svg data-gap-svg" not in body
    download = client.get(URL + "gaps.csv", {"category": "SHELTER"})
    assert b"".join(download.streaming_content).decode().strip() == ",".join(gap_export.CSV_FIELDS)
    geo = json.loads(client.get(URL + "gaps.geojson", {"category": "SHELTER"}).content)
    assert geo["features"] == [] and geo["message"] == gaps.NO_SERVICES


def _expected(min_population: float, **options) -> gaps.GapResult:
    result = gaps.compute(gap_report.bundled_areas(), supply_for_category("MH").sites, **options)
    return gap_report.subset(result, result.areas.population >= min_population)


def test_the_csv_is_gaps_compute_for_the_same_inputs(analyst, counselling, tmp_path) -> None:
    query = {"category": "MH", "method": "gravity", "beta": "1.5", "min_cost_km": "2",
             "radius_km": "40", "min_population": "500"}  # fmt: skip
    response = _client(analyst).get(URL + "gaps.csv", query)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    got = b"".join(response.streaming_content).decode()
    expected = _expected(500, method="gravity", beta=1.5, min_cost=2, max_cost=40)
    gap_export.write_csv(expected, tmp_path / "expected.csv")
    assert got == (tmp_path / "expected.csv").read_bytes().decode()
    rows = list(csv.DictReader(io.StringIO(got)))
    assert len(rows) == int((gap_report.bundled_areas().population >= 500).sum())


def test_the_geojson_is_gaps_compute_for_the_same_inputs(analyst, counselling) -> None:
    query = {"category": "MH", "method": "e2sfca-gaussian", "sigma_km": "8", "scale": "normalized"}
    response = _client(analyst).get(URL + "gaps.geojson", query)
    assert response["Content-Type"] == "application/geo+json"
    expected = _expected(100, method="e2sfca", sigma=8.0, max_cost=30, normalize=True)
    assert json.loads(response.content) == json.loads(json.dumps(gap_export.geojson(expected)))


def test_a_county_roll_up_downloads_one_row_per_county(analyst, counselling) -> None:
    response = _client(analyst).get(URL + "gaps.csv", {"category": "MH", "by": "county"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["name"] for r in rows][0] == "Monroe County"
    assert {r["id"] for r in rows} == {"12086", "12011", "12087"}


def test_the_svg_map_has_a_dot_per_listed_area_a_mark_per_site_and_a_legend(
    analyst, counselling
) -> None:
    body = _client(analyst).get(URL, {"category": "MH"}).content.decode()
    svg = re.search(r"<svg data-gap-svg.*?</svg>", body, re.S)
    assert svg is not None
    listed = int((gap_report.bundled_areas().population >= 100).sum())
    assert svg.group(0).count("<circle ") == listed
    assert svg.group(0).count('<use href="#gap-site"') == 3
    assert 'role="img"' in svg.group(0) and '<title id="gap-map-title">' in svg.group(0)
    assert '<desc id="gap-map-desc">' in svg.group(0)
    assert "Least served:" in body and "Best served:" in body
    # Coordinates are never written with a decimal comma, whatever the language.
    spanish = _client(analyst).get(URL, {"category": "MH"}, HTTP_ACCEPT_LANGUAGE="es")
    spanish_svg = re.search(r"<svg data-gap-svg.*?</svg>", spanish.content.decode(), re.S)
    assert spanish_svg is not None and not re.search(r'c[xy]="\d+,\d', spanish_svg.group(0))


def test_leaflet_comes_only_with_a_tile_url_and_its_host_in_the_policy(
    analyst, counselling, settings
) -> None:
    client = _client(analyst)
    plain = client.get(URL, {"category": "MH"})
    assert b"leaflet" not in plain.content
    assert "tiles.example.org" not in plain["Content-Security-Policy"]
    settings.COMMONWEAL_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.COMMONWEAL_MAP_TILE_ATTRIBUTION = "© Example"
    tiled = client.get(URL, {"category": "MH"})
    body = tiled.content.decode()
    assert "vendor/leaflet/leaflet.js" in body and "js/gap_map.js" in body
    assert "data-gap-leaflet" in body
    policy = tiled["Content-Security-Policy"]
    img_src = next(d for d in policy.split(";") if d.strip().startswith("img-src"))
    assert "https://*.tiles.example.org" in img_src
    attribute = re.search(r'data-points="([^"]*)"', body)
    assert attribute is not None
    points = json.loads(html.unescape(attribute.group(1)))
    assert len(points["sites"]) == 3
    assert len(points["areas"]) == int((gap_report.bundled_areas().population >= 100).sum())
    assert np.isclose(points["areas"][0][0], 25, atol=2)


def test_it_says_whether_demand_was_weighted_by_need(analyst, counselling) -> None:
    body = _client(analyst).get(URL, {"category": "MH", "need": "1"}).content.decode()
    # No screenings at all: nothing reaches 11 in a ZIP area, so the scores are unweighted.
    assert "Demand is not weighted by need" in body
    assert 'name="need" value="1" checked' in body
