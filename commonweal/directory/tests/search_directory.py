"""A small Miami directory for the search engine tests: the real Open Eligibility taxonomy
(loaded through the importer, as in production) and a dozen hand-made services whose
right answers are obvious to a person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from commonweal.directory.importer import import_tabular
from commonweal.directory.models import (
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from commonweal.directory.sources import open_eligibility

# The bundled Census ZCTA points of these Miami-Dade ZIP codes.
LITTLE_HAVANA = (25.766544, -80.235095)  # 33135
HIALEAH = (25.833202, -80.27872)  # 33010
DOWNTOWN = (25.768524, -80.203359)  # 33130
HOMESTEAD = (25.485147, -80.510882)  # 33030


@dataclass
class SearchDirectory:
    havana_pantry: Service
    hialeah_pantry: Service
    rent_relief: Service
    detox: Service
    vietnamese_counseling: Service
    counseling: Service
    dental: Service
    utilities: Service
    legal: Service
    defunct_pantry: Service
    organization: Organization


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(code=code, taxonomy__name=open_eligibility.TAXONOMY_NAME)


def add(
    organization: Organization,
    name: str,
    *,
    codes: tuple[str, ...] = (),
    description: str = "",
    point: tuple[float, float] | None = DOWNTOWN,
    status: str = "active",
    languages: tuple[tuple[str, str], ...] = (),
    weekdays: bool = False,
    free: bool = False,
    postal_code: str = "33130",
) -> Service:
    service = Service.objects.create(
        organization=organization, name=name, description=description, status=status
    )
    for code in codes:
        Attribute.objects.create(
            link_id=service.id,
            link_entity="service",
            taxonomy_term=term(code),
            link_type="service_category",
        )
    if point is not None:
        location = Location.objects.create(
            organization=organization, name=f"{name} site", latitude=point[0], longitude=point[1]
        )
        Address.objects.create(
            location=location,
            address_1="1 Main St",
            city="Miami",
            state_province="FL",
            postal_code=postal_code,
            country="US",
        )
        ServiceAtLocation.objects.create(service=service, location=location)
    for language_name, code in languages:
        Language.objects.create(service=service, name=language_name, code=code)
    if weekdays:
        Schedule.objects.create(
            service=service,
            freq="WEEKLY",
            byday="MO,TU,WE,TH,FR",
            opens_at=dt.time(9),
            closes_at=dt.time(17),
        )
    if free:
        CostOption.objects.create(service=service, option="Free", amount=Decimal("0"))
    return service


def build_search_directory() -> SearchDirectory:
    import_tabular(open_eligibility.read(), source="open-eligibility")
    charities = Organization.objects.create(name="Catholic Charities of Miami")
    clinic = Organization.objects.create(name="Borinquen Health")
    return SearchDirectory(
        organization=charities,
        havana_pantry=add(
            charities,
            "Little Havana Food Pantry",
            codes=("1130",),
            description="Groceries for families every week.",
            point=LITTLE_HAVANA,
            languages=(("Spanish", "es"), ("English", "en")),
            weekdays=True,
            free=True,
            postal_code="33135",
        ),
        hialeah_pantry=add(
            charities,
            "Hialeah Community Pantry",
            codes=("1130",),
            description="Canned goods and fresh produce.",
            point=HIALEAH,
            postal_code="33010",
        ),
        rent_relief=add(
            charities,
            "Rent Relief Program",
            codes=("1137",),
            description="One-time payments for tenants behind on their lease.",
        ),
        detox=add(
            clinic,
            "Sunrise Recovery Center",
            codes=("1180",),
            description="Medically supervised withdrawal management.",
            point=HOMESTEAD,
            postal_code="33030",
        ),
        vietnamese_counseling=add(
            clinic,
            "Family Wellness Center",
            codes=("1220",),
            description="Individual and family sessions.",
            point=HIALEAH,
            languages=(("Vietnamese", "vi"), ("English", "en")),
            postal_code="33010",
        ),
        counseling=add(
            clinic,
            "Mind Matters Practice",
            codes=("1220",),
            description="Individual sessions for adults.",
            point=DOWNTOWN,
            languages=(("English", "en"),),
        ),
        dental=add(
            clinic,
            "Downtown Smiles",
            codes=("1184",),
            description="Cleanings, fillings and extractions.",
        ),
        utilities=add(
            charities,
            "Keep the Lights On",
            codes=("1138",),
            description="Pays overdue power and water bills once a year.",
        ),
        legal=add(
            charities,
            "Justice for All Society",
            codes=("1375",),
            description="Free representation in civil cases.",
        ),
        defunct_pantry=add(
            charities,
            "Old Food Pantry",
            codes=("1130",),
            description="Food pantry groceries.",
            status="defunct",
        ),
    )
