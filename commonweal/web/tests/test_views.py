from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from commonweal.directory.tests.listing_builder import build_listings


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_it_offers_a_search_box_and_categories_with_counts_on_the_home_page(
    client, organization, other_organization
) -> None:
    listings = build_listings(organization, other_organization)
    html = page(client, reverse("web:home"))
    assert 'action="/search/"' in html and 'name="q"' in html and 'method="get"' in html
    assert reverse("directory:category_detail", args=[listings.food.id]) in html
    assert "1 service" in html


@pytest.mark.django_db
def test_it_shows_the_home_page_on_an_empty_directory(client) -> None:
    assert "no categories yet" in page(client, reverse("web:home"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["web:home", "web:about"])
def test_it_shows_the_crisis_lines_on_every_page(client, name: str) -> None:
    html = page(client, reverse(name))
    assert 'href="tel:988"' in html
    assert "741741" in html and "HOME" in html
    assert 'href="tel:911"' in html
    assert "988, then press 1" in html
    assert "1-800-999-9999" in html


@pytest.mark.django_db
def test_it_attributes_every_data_source_on_the_about_page(client) -> None:
    html = page(client, reverse("web:about"))
    for needle in (
        "211 Miami / Open Referral",
        "open211-miami-data-api",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "Open Eligibility",
        "Aunt Bertha",
        "https://creativecommons.org/licenses/by-sa/3.0/",
        "SAMHSA",
        "HRSA",
        "public domain",
        "https://doi.org/10.5281/zenodo.5842465",
        "Human Services Data Specification",
    ):
        assert needle in html, needle


@pytest.mark.django_db
def test_it_answers_the_health_check(client) -> None:
    assert client.get(reverse("web:healthz")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_shows_the_spanish_interface_when_asked(client) -> None:
    try:
        response = client.get(reverse("web:home"), headers={"Accept-Language": "es"})
        assert '<html lang="es">' in response.content.decode()
    finally:
        translation.activate("en")  # LocaleMiddleware leaves the request's language active
