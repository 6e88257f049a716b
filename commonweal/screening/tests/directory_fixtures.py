"""A small directory for the results pages: food pantries in Open Eligibility "Food"."""

from __future__ import annotations

import pytest

from commonweal.directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


def make_food_pantry(
    name: str = "Little River Food Pantry",
    *,
    latitude: float = 25.8500,
    longitude: float = -80.1850,
    postal_code: str = "33138",
) -> Service:
    """An active service in category 1102 (Food) at a location with coordinates."""
    taxonomy, _ = Taxonomy.objects.get_or_create(name="Open Eligibility")
    food, _ = TaxonomyTerm.objects.get_or_create(
        code="1102", taxonomy=taxonomy, defaults={"name": "Food"}
    )
    organization = Organization.objects.create(name=f"{name} Inc.")
    service = Service.objects.create(organization=organization, name=name, description="Groceries.")
    Attribute.objects.create(link_id=service.id, link_entity="service", taxonomy_term=food)
    location = Location.objects.create(
        organization=organization, name=f"{name} hall", latitude=latitude, longitude=longitude
    )
    Address.objects.create(
        location=location,
        address_1="1 Main St",
        city="Miami",
        state_province="FL",
        postal_code=postal_code,
        country="US",
        address_type="physical",
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return service


@pytest.fixture
def small_food_directory(db) -> Service:
    return make_food_pantry()
