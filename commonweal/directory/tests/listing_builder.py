"""A small, realistic directory for the page, permission and editing tests (built with the ORM)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from commonweal.directory.models import (
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


@dataclass
class Listings:
    food: TaxonomyTerm
    pantry: TaxonomyTerm
    health: TaxonomyTerm
    age_group: TaxonomyTerm
    airs_code: TaxonomyTerm
    pantry_service: Service
    clinic_service: Service
    closed_service: Service
    location: Location


def add_service(
    organization: Organization,
    name: str,
    *,
    term: TaxonomyTerm | None = None,
    status: str = "active",
    description: str = "",
) -> Service:
    service = Service.objects.create(
        organization=organization, name=name, status=status, description=description
    )
    if term is not None:
        Attribute.objects.create(
            link_id=service.id,
            link_entity="service",
            taxonomy_term=term,
            link_type="service_category",
        )
    return service


def build_listings(organization: Organization, other_organization: Organization) -> Listings:
    oe = Taxonomy.objects.create(name="Open Eligibility", version="2")
    food = TaxonomyTerm.objects.create(
        taxonomy=oe, code="1102", name="Food", description="Free meals and groceries."
    )
    pantry = TaxonomyTerm.objects.create(taxonomy=oe, code="1120", name="Food Pantry", parent=food)
    health = TaxonomyTerm.objects.create(taxonomy=oe, code="1106", name="Health")
    age_group = TaxonomyTerm.objects.create(taxonomy=oe, code="20002", name="Age Group")
    airs = Taxonomy.objects.create(name="Open211 Miami - AIRS")
    airs_code = TaxonomyTerm.objects.create(taxonomy=airs, code="BD-1800.2000", name="BD-1800.2000")
    internal = Taxonomy.objects.create(name="commonweal")
    approximate = TaxonomyTerm.objects.create(
        taxonomy=internal, code="approximate_location", name="approximate_location"
    )

    pantry_service = add_service(
        organization,
        "Weekend Food Pantry",
        term=pantry,
        description="Groceries every weekend.\n<script>alert('x')</script> Bring a bag.",
    )
    Attribute.objects.create(
        link_id=pantry_service.id,
        link_entity="service",
        taxonomy_term=airs_code,
        link_type="source_taxonomy",
    )
    pantry_service.url = "www.northside-food.example.org"
    pantry_service.email = "help@northside-food.example.org"
    pantry_service.fees_description = "Free of charge."
    pantry_service.eligibility_description = "Families living in Miami-Dade."
    pantry_service.minimum_age = Decimal("5")
    pantry_service.maximum_age = Decimal("17")
    pantry_service.application_process = "Walk in, or call first."
    pantry_service.save()
    Phone.objects.create(service=pantry_service, number="(305) 555-0100", extension="12")
    location = Location.objects.create(
        organization=organization, name="Northside Hall", latitude=25.8, longitude=-80.2
    )
    Address.objects.create(
        location=location,
        address_1="100 NW 1st Ave",
        city="Miami",
        state_province="FL",
        postal_code="33128",
        country="US",
    )
    ServiceAtLocation.objects.create(service=pantry_service, location=location)
    Attribute.objects.create(
        link_id=location.id,
        link_entity="location",
        taxonomy_term=approximate,
        value="zip-centroid:33128",
    )
    for byday in ("MO,TU,WE", "TH,FR"):
        Schedule.objects.create(
            service=pantry_service,
            freq="WEEKLY",
            byday=byday,
            opens_at=dt.time(9),
            closes_at=dt.time(17),
        )
    Schedule.objects.create(
        service=pantry_service,
        freq="WEEKLY",
        byday="SA",
        opens_at=dt.time(10),
        closes_at=dt.time(12, 30),
    )
    Language.objects.create(service=pantry_service, name="Spanish", code="es")
    Language.objects.create(service=pantry_service, name="English", code="en")
    CostOption.objects.create(
        service=pantry_service, option="Delivery", amount=Decimal("5.00"), currency="USD"
    )
    RequiredDocument.objects.create(service=pantry_service, document="Photo ID")

    clinic_service = add_service(
        other_organization, "Walk-in Clinic", term=health, description="Primary care."
    )
    closed_service = add_service(organization, "Old Soup Kitchen", term=pantry, status="defunct")
    return Listings(
        food=food,
        pantry=pantry,
        health=health,
        age_group=age_group,
        airs_code=airs_code,
        pantry_service=pantry_service,
        clinic_service=clinic_service,
        closed_service=closed_service,
        location=location,
    )
