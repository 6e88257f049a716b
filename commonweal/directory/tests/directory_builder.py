"""Small directories with every HSDS 3.0 table filled, for the export and HSDA tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commonweal.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


def build_taxonomy() -> tuple[Taxonomy, TaxonomyTerm, TaxonomyTerm]:
    """Open Eligibility-like taxonomy with a parent term ("Food") and a child ("Food Pantry")."""
    taxonomy = Taxonomy.objects.create(
        name="Open Eligibility",
        description="Human services taxonomy.",
        uri="https://example.org/oe",
        version="2",
    )
    food = TaxonomyTerm.objects.create(
        code="1102", name="Food", description="Food help.", taxonomy=taxonomy
    )
    pantry = TaxonomyTerm.objects.create(
        code="1103",
        name="Food Pantry",
        description="Groceries to take home.",
        taxonomy=taxonomy,
        taxonomy_name="Open Eligibility",
        parent=food,
        language="en",
        term_uri="https://example.org/oe/1103",
    )
    return taxonomy, food, pantry


def build_full_service(
    *,
    name: str = "Weekend Food Pantry",
    organization: Organization | None = None,
    term: TaxonomyTerm | None = None,
    postal_code: str = "33101",
    latitude: float | None = 25.7751,
    longitude: float | None = -80.1947,
) -> Service:
    """A service with a row in every related HSDS table (and nothing left at defaults)."""
    org = organization or Organization.objects.create(
        name=f"{name} Inc.",
        alternate_name="WFP",
        description="Feeds families.",
        email="info@example.org",
        website="https://example.org",
        year_incorporated=1999,
        legal_status="nonprofit",
        tax_status="501(c)(3)",
        tax_id="12-3456789",
        logo="https://example.org/logo.png",
        uri="https://example.org/org",
    )
    OrganizationIdentifier.objects.create(
        organization=org,
        identifier_scheme="US-EIN",
        identifier_type="EIN",
        identifier=f"EIN-{name}",
    )
    Funding.objects.create(organization=org, source="County grant")
    program = Program.objects.create(
        organization=org, name=f"{name} programme", description="Hunger relief."
    )
    service = Service.objects.create(
        organization=org,
        program=program,
        name=name,
        alternate_name="Pantry",
        description="Free groceries every weekend.",
        url="https://example.org/pantry",
        email="pantry@example.org",
        status="active",
        interpretation_services="Spanish on site",
        application_process="Walk in.",
        fees_description="Free",
        wait_time="None",
        fees="None",
        accreditations="None",
        eligibility_description="Residents of Miami-Dade.",
        minimum_age=Decimal("18"),
        maximum_age=Decimal("99.5"),
        assured_date=dt.date(2024, 1, 31),
        assurer_email="qa@example.org",
        licenses="None",
        alert="Closed on holidays.",
        last_modified=dt.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=dt.UTC),
    )
    location = Location.objects.create(
        organization=org,
        name=f"{name} Hall",
        alternate_name="Hall",
        description="Church hall.",
        transportation="Bus 3",
        latitude=latitude,
        longitude=longitude,
        url="https://example.org/hall",
        external_identifier="miami-211:1",
        external_identifier_type="source id",
    )
    Address.objects.create(
        location=location,
        attention="Front desk",
        address_1="1 Main St",
        address_2="Suite 2",
        city="Miami",
        region="Miami-Dade",
        state_province="FL",
        postal_code=postal_code,
        country="US",
        address_type="physical",
    )
    Accessibility.objects.create(
        location=location, description="Ramp", details="At the side", url="https://example.org/a11y"
    )
    sal = ServiceAtLocation.objects.create(
        service=service, location=location, description="Weekends only."
    )
    contact = Contact.objects.create(
        service=service, name="Ana", title="Coordinator", department="Food", email="ana@example.org"
    )
    contact_phone = Phone.objects.create(
        contact=contact, number="305-555-0101", extension="12", type="voice"
    )
    Language.objects.create(phone=contact_phone, name="Spanish", code="es", note="Bilingual staff")
    Phone.objects.create(
        service=service, number="305-555-0100", type="voice", description="Main line"
    )
    Phone.objects.create(location=location, number="305-555-0102", extension="9", type="fax")
    Phone.objects.create(organization=org, number="305-555-0103")
    Phone.objects.create(service_at_location=sal, number="305-555-0104")
    Contact.objects.create(organization=org, name="Director")
    Contact.objects.create(location=location, name="Site lead")
    Contact.objects.create(service_at_location=sal, name="Weekend lead")
    Schedule.objects.create(
        service=service,
        freq="WEEKLY",
        byday="SA,SU",
        opens_at=dt.time(9, 0),
        closes_at=dt.time(13, 30),
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2024, 12, 31),
        dtstart=dt.date(2024, 1, 6),
        timezone=-5,
        until=dt.date(2024, 12, 31),
        count=10,
        wkst="MO",
        interval=1,
        description="Weekends",
        schedule_link="https://example.org/hours",
        attending_type="in person",
        notes="Arrive early",
    )
    Schedule.objects.create(
        location=location,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=dt.time(8, 0, 30),
        closes_at=dt.time(17, 0),
    )
    Schedule.objects.create(service_at_location=sal, freq="MONTHLY", bymonthday="1")
    ServiceArea.objects.create(
        service=service,
        name="33101",
        description="Downtown",
        extent="33101",
        extent_type="postcode",
        uri="https://example.org/area",
    )
    Language.objects.create(service=service, name="English", code="en")
    Language.objects.create(location=location, name="Haitian Creole", code="ht")
    CostOption.objects.create(
        service=service,
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2024, 12, 31),
        option="Everyone",
        currency="USD",
        amount=Decimal("0.50"),
        amount_description="Bag fee",
    )
    RequiredDocument.objects.create(
        service=service, document="Photo ID", uri="https://example.org/id"
    )
    Funding.objects.create(service=service, source="Donations")
    if term is None:
        _, _, term = build_taxonomy()
    Attribute.objects.create(
        link_id=service.id,
        link_entity="service",
        taxonomy_term=term,
        link_type="service_category",
        value="",
    )
    Attribute.objects.create(
        link_id=location.id,
        link_entity="location",
        taxonomy_term=term,
        link_type="note",
        value="zip-centroid:33101",
    )
    Metadata.objects.create(
        resource_id=service.id,
        resource_type="service",
        last_action_date=dt.date(2024, 5, 1),
        last_action_type="update",
        field_name="name",
        previous_value="Pantry",
        replacement_value=name,
        updated_by="import",
    )
    MetaTableDescription.objects.get_or_create(name="service", language="en", character_set="UTF-8")
    return service
