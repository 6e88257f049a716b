from __future__ import annotations

from decimal import Decimal

import pytest

from commonweal.directory.models import (
    Accessibility,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceIntake,
    Taxonomy,
    TaxonomyTerm,
)
from commonweal.directory.search import filters
from commonweal.directory.search.types import Delivery, SearchRequest
from commonweal.directory.sources.open_eligibility import SITUATIONS_TAXONOMY_NAME, TAXONOMY_NAME


class Directory:
    """A few services shaped like the Miami 211 and SAMHSA listings, each with one trait."""

    def __init__(self) -> None:
        self.org = Organization.objects.create(name="Citrus Health Network")
        oe = Taxonomy.objects.create(name=TAXONOMY_NAME, version="2.0")
        situations = Taxonomy.objects.create(name=SITUATIONS_TAXONOMY_NAME, version="2.0")
        self.food = TaxonomyTerm.objects.create(taxonomy=oe, code="1102", name="Food")
        self.pantry = TaxonomyTerm.objects.create(
            taxonomy=oe, code="1130", name="Food Pantry", parent=self.food
        )
        self.health = TaxonomyTerm.objects.create(taxonomy=oe, code="1106", name="Health")
        self.age_group = TaxonomyTerm.objects.create(
            taxonomy=situations, code="20002", name="Age Group"
        )
        self.seniors = TaxonomyTerm.objects.create(
            taxonomy=situations, code="20006", name="Seniors", parent=self.age_group
        )
        self.veterans = TaxonomyTerm.objects.create(
            taxonomy=situations, code="20010", name="Veterans"
        )
        # Another vocabulary reusing a code must not count as a situation.
        other = Taxonomy.objects.create(name="Open211 Miami - AIRS")
        self.airs_20010 = TaxonomyTerm.objects.create(taxonomy=other, code="20010", name="x")

        self.plain = self.add("Adult Day Care")
        self.creole = self.add("Haitian Community Pantry", term=self.pantry)
        Language.objects.create(service=self.creole.service, name="Haitian Creole", code="ht")
        self.free = self.add("Free Clinic Hours", term=self.health)
        CostOption.objects.create(service=self.free.service, option="Free", amount=Decimal("0"))
        self.sliding = self.add(
            "Family Medicine",
            term=self.health,
            description="Discounts are available on a sliding-fee scale for those in need.",
        )
        self.toll_free = self.add("Helpline", description="Call our toll-free line. Drug-free.")
        self.paid = self.add("Dental Care")
        CostOption.objects.create(service=self.paid.service, option="Visit", amount=Decimal("40"))
        self.senior = self.add("Meals for Seniors", term=self.food, situation=self.seniors)
        self.veteran = self.add("Veteran Services", situation=self.veterans)
        self.fake_veteran = self.add("AIRS coded", situation=self.airs_20010)
        self.teen = self.add("Teen Clinic")
        Service.objects.filter(pk=self.teen.service_id).update(
            minimum_age=Decimal("13"),
            maximum_age=Decimal("19"),
            eligibility_description="Homeless youth ages 13-19.",
        )
        self.ramp = self.add("Accessible Office")
        Accessibility.objects.create(location=self.ramp.location, description="Handicap accessible")
        self.no_ramp = self.add("Upstairs Office")
        Accessibility.objects.create(location=self.no_ramp.location, description="Not accessible")
        self.phone = self.add("Phone Counselling")
        Phone.objects.create(location=self.phone.location, number="305-555-0101")
        self.online = self.add("Online Support Group", location_type="virtual")
        self.telehealth = self.add("Counselling", description="Telehealth appointments available.")
        self.accepting = self.add("Open Practice")
        ServiceIntake.objects.create(service=self.accepting.service, accepting_new_clients="yes")
        self.full = self.add("Full Practice")
        ServiceIntake.objects.create(service=self.full.service, accepting_new_clients="no")

    def add(
        self,
        name: str,
        *,
        term: TaxonomyTerm | None = None,
        situation: TaxonomyTerm | None = None,
        description: str = "",
        location_type: str = "physical",
    ) -> ServiceAtLocation:
        service = Service.objects.create(organization=self.org, name=name, description=description)
        for t, link_type in ((term, "service_category"), (situation, "service_situation")):
            if t is not None:
                Attribute.objects.create(
                    link_id=service.id, link_entity="service", taxonomy_term=t, link_type=link_type
                )
        location = Location.objects.create(
            organization=self.org, name=f"{name} site", location_type=location_type
        )
        return ServiceAtLocation.objects.create(service=service, location=location)


@pytest.fixture
def directory(db) -> Directory:
    return Directory()


def names(request: SearchRequest) -> set[str]:
    rows = filters.apply(ServiceAtLocation.objects.all(), request)
    return set(rows.values_list("service__name", flat=True))


ALL = None


def test_no_filters_leave_the_queryset_alone(directory) -> None:
    qs = ServiceAtLocation.objects.all()
    assert filters.apply(qs, SearchRequest(q="food")) is qs


def test_language_on_the_service(directory) -> None:
    assert names(SearchRequest(languages=("ht",))) == {"Haitian Community Pantry"}
    assert names(SearchRequest(languages=("vi",))) == set()


def test_language_on_the_location_or_its_phone_or_by_name_only(directory) -> None:
    Language.objects.create(location=directory.ramp.location, name="Spanish", code="es")
    phone = Phone.objects.create(service=directory.phone.service, number="305-555-0199")
    Language.objects.create(phone=phone, name="Spanish", code="ES-US")
    Language.objects.create(service=directory.plain.service, name="spanish", code="")
    assert names(SearchRequest(languages=("es",))) == {
        "Accessible Office",
        "Phone Counselling",
        "Adult Day Care",
    }


def test_several_languages_widen_the_filter(directory) -> None:
    Language.objects.create(service=directory.plain.service, name="Spanish", code="es")
    assert names(SearchRequest(languages=("ht", "es"))) == {
        "Haitian Community Pantry",
        "Adult Day Care",
    }


def test_free_or_sliding_scale(directory) -> None:
    Service.objects.filter(pk=directory.plain.service_id).update(fees_description="No cost.")
    assert names(SearchRequest(free=True)) == {
        "Free Clinic Hours",  # cost option amount 0
        "Family Medicine",  # "sliding-fee scale" in its description
        "Adult Day Care",  # fee text
    }


def test_eligibility_by_open_eligibility_situation(directory) -> None:
    assert names(SearchRequest(eligibility=("seniors",))) == {"Meals for Seniors"}
    # "AIRS coded" carries code 20010 in another vocabulary: not a veterans service.
    assert names(SearchRequest(eligibility=("veterans",))) == {"Veteran Services"}
    assert names(SearchRequest(eligibility=("seniors", "veterans"))) == {
        "Meals for Seniors",
        "Veteran Services",
    }


def test_eligibility_by_eligibility_text(directory) -> None:
    assert names(SearchRequest(eligibility=("homeless",))) == {"Teen Clinic"}
    assert names(SearchRequest(eligibility=("youth",))) == {"Teen Clinic"}


def test_unknown_eligibility_keys_are_ignored(directory) -> None:
    assert len(names(SearchRequest(eligibility=("martians",)))) == ServiceAtLocation.objects.count()


def test_every_eligibility_key_names_real_situation_codes_and_has_a_label() -> None:
    import csv

    from commonweal.directory.sources.open_eligibility import BUNDLED_FILE

    with BUNDLED_FILE.open(encoding="utf-8", newline="") as handle:
        situations = {row["id"] for row in csv.DictReader(handle) if row["facet"] == "situation"}
    assert set(filters.ELIGIBILITY) == {
        "seniors",
        "veterans",
        "youth",
        "families",
        "lgbtq",
        "immigrants",
        "homeless",
        "disability",
    }
    for key, codes in filters.ELIGIBILITY.items():
        assert set(codes) <= situations, key
        assert str(filters.ELIGIBILITY_LABELS[key])
        assert filters.ELIGIBILITY_WORDS[key]


def test_age_within_the_service_limits(directory) -> None:
    everyone = ServiceAtLocation.objects.count()
    assert "Teen Clinic" in names(SearchRequest(age=15))
    assert "Teen Clinic" not in names(SearchRequest(age=40))
    assert "Teen Clinic" not in names(SearchRequest(age=12))
    assert "Teen Clinic" in names(SearchRequest(age=19))
    assert len(names(SearchRequest(age=40))) == everyone - 1  # no limits set: open to all ages


def test_accessible_location(directory) -> None:
    assert names(SearchRequest(accessible=True)) == {"Accessible Office"}


def test_delivery(directory) -> None:
    assert names(SearchRequest(delivery=(Delivery.PHONE,))) == {"Phone Counselling"}
    assert names(SearchRequest(delivery=(Delivery.ONLINE,))) == {
        "Online Support Group",
        "Counselling",
    }
    in_person = names(SearchRequest(delivery=(Delivery.IN_PERSON,)))
    assert "Online Support Group" not in in_person and "Phone Counselling" in in_person
    assert names(SearchRequest(delivery=(Delivery.PHONE, Delivery.ONLINE))) == {
        "Phone Counselling",
        "Online Support Group",
        "Counselling",
    }


def test_a_service_with_a_virtual_location_is_online_at_all_its_locations(directory) -> None:
    virtual = Location.objects.create(organization=directory.org, location_type="virtual")
    ServiceAtLocation.objects.create(service=directory.plain.service, location=virtual)
    assert "Adult Day Care" in names(SearchRequest(delivery=("online",)))


def test_a_phone_on_the_service_counts_as_phone_delivery(directory) -> None:
    Phone.objects.create(service=directory.plain.service, number="305-555-0102")
    assert "Adult Day Care" in names(SearchRequest(delivery=(Delivery.PHONE,)))


def test_accepting_new_clients_needs_a_yes(directory) -> None:
    assert names(SearchRequest(accepting_new_clients=True)) == {"Open Practice"}


def test_category_by_code_includes_its_descendants(directory) -> None:
    assert names(SearchRequest(categories=("1102",))) == {
        "Haitian Community Pantry",
        "Meals for Seniors",
    }
    assert names(SearchRequest(categories=("1130",))) == {"Haitian Community Pantry"}
    assert names(SearchRequest(categories=(str(directory.food.id),))) == {
        "Haitian Community Pantry",
        "Meals for Seniors",
    }
    assert names(SearchRequest(categories=("1130", "1106"))) == {
        "Haitian Community Pantry",
        "Free Clinic Hours",
        "Family Medicine",
    }


def test_an_unknown_category_matches_nothing_and_is_named(directory) -> None:
    assert names(SearchRequest(categories=("9999",))) == set()
    assert names(SearchRequest(categories=("00000000-0000-0000-0000-000000000000",))) == set()
    assert filters.unknown_categories(["1102", "9999", "nope"]) == ["9999", "nope"]


def test_filters_narrow_each_other(directory) -> None:
    Language.objects.create(service=directory.free.service, name="Haitian Creole", code="ht")
    assert names(SearchRequest(languages=("ht",), free=True)) == {"Free Clinic Hours"}
    assert names(SearchRequest(languages=("ht",), categories=("1106",))) == {"Free Clinic Hours"}
    assert names(SearchRequest(languages=("ht",), eligibility=("seniors",))) == set()


def test_filters_run_as_one_query(directory, django_assert_num_queries) -> None:
    request = SearchRequest(
        languages=("ht", "es"),
        free=True,
        age=30,
        accessible=True,
        delivery=(Delivery.PHONE, Delivery.ONLINE),
        accepting_new_clients=True,
    )
    qs = filters.apply(ServiceAtLocation.objects.all(), request)
    with django_assert_num_queries(1):
        list(qs)


def test_filters_combine_with_the_engine_queryset(directory) -> None:
    base = ServiceAtLocation.objects.filter(service__name__icontains="clinic")
    rows = filters.apply(base, SearchRequest(categories=("1106",)))
    assert set(rows.values_list("service__name", flat=True)) == {"Free Clinic Hours"}


def test_every_filter_has_a_label() -> None:
    filter_fields = {
        "categories",
        "radius_km",
        "open_now",
        "open_at",
        "languages",
        "free",
        "eligibility",
        "age",
        "accessible",
        "delivery",
        "accepting_new_clients",
    }
    assert set(filters.FILTER_LABELS) == filter_fields
    assert filter_fields <= set(SearchRequest.__dataclass_fields__)
    assert all(str(label) for label in filters.FILTER_LABELS.values())
    assert set(filters.DELIVERY_LABELS) == set(Delivery)


@pytest.mark.django_db
def test_eligibility_without_the_situations_taxonomy_uses_the_text(organization) -> None:
    service = Service.objects.create(
        organization=organization, name="Vet Center", eligibility_description="Veterans only."
    )
    location = Location.objects.create(organization=organization)
    ServiceAtLocation.objects.create(service=service, location=location)
    assert names(SearchRequest(eligibility=("veterans",))) == {"Vet Center"}
    assert names(SearchRequest(eligibility=("seniors",))) == set()


def test_unknown_filters_still_compile_to_sql(directory) -> None:
    # Callers may put the condition into raw SQL: it must never be an "empty" Q.
    qs = filters.apply(ServiceAtLocation.objects.all(), SearchRequest(categories=("9999",)))
    assert "WHERE" in str(qs.query)


def test_any_set_tells_whether_a_request_narrows_the_locations() -> None:
    assert not filters.any_set(SearchRequest(q="food"))
    assert not filters.any_set(SearchRequest(q="food", open_now=True))  # hours: in Python
    for narrowing in (
        {"languages": ("es",)},
        {"free": True},
        {"eligibility": ("veterans",)},
        {"age": 70},
        {"accessible": True},
        {"delivery": (Delivery.PHONE,)},
        {"accepting_new_clients": True},
        {"categories": ("1130",)},
    ):
        assert filters.any_set(SearchRequest(q="food", **narrowing)), narrowing
