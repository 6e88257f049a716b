from __future__ import annotations

import pytest

from commonweal.directory import browse
from commonweal.directory.models import Attribute, Service, TaxonomyTerm
from commonweal.directory.tests.listing_builder import add_service, build_listings


@pytest.fixture
def listings(organization, other_organization):
    return build_listings(organization, other_organization)


@pytest.mark.django_db
def test_it_counts_a_service_once_per_top_category(listings, organization) -> None:
    grandchild = TaxonomyTerm.objects.create(
        taxonomy=listings.food.taxonomy, name="Soup", parent=listings.pantry
    )
    both = add_service(organization, "Pantry and soup", term=listings.pantry)
    Attribute.objects.create(link_id=both.id, link_entity="service", taxonomy_term=grandchild)
    counts = {c.term.name: c.service_count for c in browse.top_categories()}
    assert counts == {"Food": 2, "Health": 1}  # the defunct service is not counted
    assert [c.term.name for c in browse.top_categories(include_empty=True)] == [
        "Food",
        "Health",
        "Age Group",
    ]
    assert {c.term.name: c.service_count for c in browse.subcategories(listings.food)} == {
        "Food Pantry": 2
    }


@pytest.mark.django_db
def test_it_survives_a_cycle_in_the_taxonomy(listings) -> None:
    TaxonomyTerm.objects.filter(pk=listings.food.pk).update(parent=listings.pantry)
    listings.pantry.refresh_from_db()
    assert [t.name for t in browse.ancestors(listings.pantry)] == ["Food"]


@pytest.mark.django_db
def test_it_matches_every_word_of_a_query(listings) -> None:
    assert list(browse.keyword_match("weekend pantry")) == [listings.pantry_service]
    assert list(browse.keyword_match("weekend clinic")) == []


@pytest.mark.django_db
def test_it_summarises_results_without_a_query_per_service(
    listings, organization, django_assert_max_num_queries
) -> None:
    for i in range(10):
        add_service(organization, f"Extra {i}")
    with django_assert_max_num_queries(6):
        summaries = browse.summarise(browse.with_summary(Service.objects.all()))
    first = next(s for s in summaries if s.service == listings.pantry_service)
    assert first.phone.number == "(305) 555-0100"
    assert first.address.city == "Miami"


@pytest.mark.django_db
def test_it_flags_approximate_locations(listings) -> None:
    assert browse.approximate_location_ids([listings.location]) == {listings.location.id}


@pytest.mark.django_db
def test_the_category_counts_are_kept_until_the_directory_changes(
    listings, organization, django_assert_num_queries
) -> None:
    def food() -> int:
        return {c.term.name: c.service_count for c in browse.top_categories()}["Food"]

    assert food() == 1
    with django_assert_num_queries(1):  # the top terms only: the counts come from the cache
        assert food() == 1
    added = add_service(organization, "Second pantry", term=listings.pantry)
    assert food() == 2  # a saved listing and its category are counted at once
    added.status = "defunct"
    added.save()
    assert food() == 1


@pytest.mark.django_db
def test_an_import_forgets_the_category_counts_when_it_commits(
    listings, django_capture_on_commit_callbacks
) -> None:
    from commonweal.directory.hsds_reader import read_datapackage
    from commonweal.directory.importer import import_tabular
    from commonweal.directory.tests.hsds_fixtures import HSDS3_CSV

    browse.top_categories()
    generation = browse.cache.get(browse._GENERATION_KEY, 0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_tabular(read_datapackage(HSDS3_CSV), source="test")
    assert browse.directory_changed in callbacks
    assert browse.cache.get(browse._GENERATION_KEY, 0) > generation
