from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from commonweal.directory.models import (
    Address,
    Attribute,
    Language,
    Location,
    Schedule,
    ServiceAtLocation,
    ServiceIntake,
    TaxonomyTerm,
)
from commonweal.directory.tests.listing_builder import Listings, add_service, build_listings

CRISIS_LINES = (
    'href="tel:988"',
    "741741",
    'href="tel:911"',
    "Veterans Crisis Line",
    "1-800-999-9999",
)


@pytest.fixture
def listings(organization, other_organization) -> Listings:
    return build_listings(organization, other_organization)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_crisis_banner(page: str) -> None:
    banner = page.split('class="crisis-banner"', 1)[1].split("</aside>", 1)[0]
    for needle in CRISIS_LINES:
        assert needle in banner, needle


@pytest.mark.django_db
def test_it_searches_names_and_descriptions_case_insensitively(client, listings) -> None:
    page = html(client.get(reverse("directory:search"), {"q": "PANTRY"}))
    assert "Weekend Food Pantry" in page
    assert "Walk-in Clinic" not in page
    page = html(client.get(reverse("directory:search"), {"q": "primary care"}))
    assert "Walk-in Clinic" in page


@pytest.mark.django_db
def test_it_matches_the_organization_name_too(client, listings) -> None:
    page = html(client.get(reverse("directory:search"), {"q": "northside"}))
    assert "Weekend Food Pantry" in page


@pytest.mark.django_db
def test_it_shows_phone_and_address_in_each_result(client, listings) -> None:
    page = html(client.get(reverse("directory:search"), {"q": "pantry"}))
    assert 'href="tel:3055550100,12"' in page
    assert "100 NW 1st Ave" in page and "Miami" in page
    assert "Northside Food Bank" in page
    assert "Groceries every weekend." in page


@pytest.mark.django_db
def test_it_hides_services_no_longer_offered_from_results(client, listings) -> None:
    page = html(client.get(reverse("directory:search"), {"q": "soup"}))
    assert "Old Soup Kitchen" not in page
    assert "0 services found" in page


@pytest.mark.django_db
def test_it_paginates_results(client, organization) -> None:
    for i in range(25):
        add_service(organization, f"Tutoring {i:02d}")
    first = html(client.get(reverse("directory:search"), {"q": "tutoring"}))
    assert "25 services found" in first
    assert "Tutoring 00" in first and "Tutoring 19" in first and "Tutoring 20" not in first
    assert "?q=tutoring&amp;page=2" in first
    second = html(client.get(reverse("directory:search"), {"q": "tutoring", "page": "2"}))
    assert "Tutoring 20" in second and "Tutoring 24" in second and "Tutoring 00" not in second
    # A nonsense page number falls back to a real page instead of failing.
    assert html(client.get(reverse("directory:search"), {"q": "tutoring", "page": "x"}))


@pytest.mark.django_db
def test_it_answers_an_htmx_search_with_the_results_partial(client, listings) -> None:
    response = client.get(
        reverse("directory:search"), {"q": "pantry"}, headers={"HX-Request": "true"}
    )
    page = html(response)
    assert "Weekend Food Pantry" in page
    assert "<html" not in page


@pytest.mark.django_db
def test_it_puts_crisis_help_first_when_a_search_signals_self_harm(client, listings) -> None:
    page = html(client.get(reverse("directory:search"), {"q": "I want to kill myself"}))
    main = page.split('<main id="main"', 1)[1]
    assert 'class="crisis-first"' in main
    assert main.index("crisis-first") < main.index("services found")
    calm = html(client.get(reverse("directory:search"), {"q": "pantry"}))
    assert 'class="crisis-first"' not in calm


@pytest.mark.django_db
def test_it_refuses_an_overlong_query_without_an_error(client, listings) -> None:
    page = html(client.get(reverse("directory:search"), {"q": "x" * 5000}))
    assert "services found" not in page


@pytest.mark.django_db
def test_an_overlong_query_still_puts_crisis_help_first(client, listings) -> None:
    long_story = "we lost the apartment and " * 150 + "I want to kill myself"  # ~3,900 characters
    page = html(client.get(reverse("directory:search"), {"q": long_story}))
    assert 'class="crisis-first"' in page.split('<main id="main"', 1)[1]


@pytest.mark.django_db
def test_it_lists_top_categories_with_counts_on_the_category_index(client, listings) -> None:
    page = html(client.get(reverse("directory:category_index")))
    assert "Food" in page and "1 service" in page
    assert "Health" in page
    # Categories without services, and the licensed source taxonomy, are not offered.
    assert "Age Group" not in page
    assert "BD-1800" not in page


@pytest.mark.django_db
def test_it_lists_subcategories_and_services_of_descendants_on_a_category_page(
    client, listings
) -> None:
    page = html(client.get(reverse("directory:category_detail", args=[listings.food.id])))
    assert "Free meals and groceries." in page
    assert reverse("directory:category_detail", args=[listings.pantry.id]) in page
    assert "Weekend Food Pantry" in page  # tagged with the child term only
    assert "Old Soup Kitchen" not in page
    assert "Walk-in Clinic" not in page
    child = html(client.get(reverse("directory:category_detail", args=[listings.pantry.id])))
    assert 'aria-current="page">Food Pantry' in child
    assert reverse("directory:category_detail", args=[listings.food.id]) in child  # breadcrumb


@pytest.mark.django_db
def test_it_404s_for_unknown_or_non_category_terms(client, listings) -> None:
    assert client.get(reverse("directory:category_detail", args=[uuid.uuid4()])).status_code == 404
    assert (
        client.get(reverse("directory:category_detail", args=[listings.airs_code.id])).status_code
        == 404
    )
    assert client.get("/categories/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_it_shows_every_part_of_a_service(client, listings) -> None:
    service = listings.pantry_service
    page = html(client.get(service.get_absolute_url()))
    assert "<h1>Weekend Food Pantry</h1>" in page
    assert f'href="{service.organization.get_absolute_url()}"' in page
    assert 'href="tel:3055550100,12"' in page
    assert "https://www.openstreetmap.org/?mlat=25.800000&amp;mlon=-80.200000" in page
    assert "approximate" in page
    assert "100 NW 1st Ave" in page and "33128" in page
    assert "Mon–Fri" in page and "9:00 am – 5:00 pm" in page
    assert "Sat" in page and "10:00 am – 12:30 pm" in page
    assert "English, Spanish" in page
    assert "Free of charge." in page and "Delivery" in page
    assert "Families living in Miami-Dade." in page and "Ages 5 to 17" in page
    assert "Walk in, or call first." in page
    assert "Photo ID" in page
    assert f'href="{reverse("directory:category_detail", args=[listings.pantry.id])}"' in page
    assert 'href="http://www.northside-food.example.org"' in page
    assert 'href="mailto:help@northside-food.example.org"' in page
    assert "Last updated" in page
    assert "BD-1800" not in page  # licensed source codes are not shown as categories


@pytest.mark.django_db
def test_it_shows_whether_a_service_takes_new_clients_once_its_partner_has_said(
    client, listings
) -> None:
    service = listings.pantry_service
    assert "Taking new clients" not in html(client.get(service.get_absolute_url()))
    ServiceIntake.objects.create(
        service=service,
        accepting_new_clients=ServiceIntake.NO,
        waitlist="About three weeks",
        typical_response_days=2,
    )
    page = html(client.get(service.get_absolute_url()))
    assert "Not accepting new clients right now" in page
    assert "About three weeks" in page
    assert "Usually replies within 2 days" in page
    assert "referrals" not in page.split("Taking new clients")[1].split("</section>")[0]


@pytest.mark.django_db
def test_it_shows_descriptions_as_text_with_line_breaks_never_as_html(client, listings) -> None:
    page = html(client.get(listings.pantry_service.get_absolute_url()))
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert re.search(r"Groceries every weekend\.<br>", page)


@pytest.mark.django_db
def test_it_says_when_a_service_is_no_longer_offered(client, listings) -> None:
    page = html(client.get(listings.closed_service.get_absolute_url()))
    assert "no longer offered" in page


@pytest.mark.django_db
def test_it_never_links_unsafe_web_addresses(client, listings) -> None:
    service = listings.clinic_service
    service.url = "javascript:alert(1)"
    service.save()
    page = html(client.get(service.get_absolute_url()))
    assert "javascript:" not in page


@pytest.mark.django_db
def test_it_404s_for_unknown_services_and_organizations(client, listings) -> None:
    assert client.get(reverse("directory:service_detail", args=[uuid.uuid4()])).status_code == 404
    assert (
        client.get(reverse("directory:organization_detail", args=[uuid.uuid4()])).status_code == 404
    )
    assert client.get("/services/123/").status_code == 404
    assert_crisis_banner(client.get("/services/123/").content.decode())


@pytest.mark.django_db
def test_it_shows_an_organization_with_its_services_and_locations(
    client, listings, organization
) -> None:
    page = html(client.get(organization.get_absolute_url()))
    assert "Groceries for families." in page
    assert "Weekend Food Pantry" in page
    assert "Old Soup Kitchen" not in page  # not listed for the public
    assert "Northside Hall" in page and "100 NW 1st Ave" in page


@pytest.mark.django_db
def test_it_offers_the_edit_link_only_to_editors(
    client, listings, partner_staff, other_org_staff
) -> None:
    url = listings.pantry_service.get_absolute_url()
    edit = reverse("directory:service_edit", args=[listings.pantry_service.id])
    assert edit not in html(client.get(url))
    client.force_login(other_org_staff)
    assert edit not in html(client.get(url))
    client.force_login(partner_staff)
    assert edit in html(client.get(url))


@pytest.mark.django_db
def test_it_renders_resident_pages_server_side_with_the_crisis_banner(
    client, listings, organization
) -> None:
    urls = [
        reverse("web:home"),
        reverse("web:about"),
        reverse("directory:search") + "?q=food",
        reverse("directory:category_index"),
        reverse("directory:category_detail", args=[listings.food.id]),
        listings.pantry_service.get_absolute_url(),
        organization.get_absolute_url(),
    ]
    for url in urls:
        page = html(client.get(url))
        assert_crisis_banner(page)
        assert 'class="skip-link" href="#main"' in page
        # The content is in the HTML itself: nothing waits for JavaScript to fetch it.
        assert "<h1" in page and "hx-get" not in page.split("<main", 1)[0]


@pytest.mark.django_db
def test_it_gives_the_directory_admin_to_superusers_only(
    client, listings, superuser, partner_staff
) -> None:
    url = reverse("admin:directory_service_change", args=[listings.pantry_service.id])
    client.force_login(superuser)
    page = html(client.get(url))
    assert "phones-TOTAL_FORMS" in page and "schedules-TOTAL_FORMS" in page
    assert html(client.get(reverse("admin:directory_service_changelist"), {"q": "pantry"}))
    partner_staff.is_staff = True  # even a staff flag must not open the admin
    partner_staff.save()
    client.force_login(partner_staff)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_it_links_my_organization_only_for_listing_editors(
    client, partner_staff, navigator
) -> None:
    link = f'href="{reverse("directory:my_organizations")}"'
    client.force_login(navigator)
    assert link not in html(client.get(reverse("web:home")))
    client.force_login(partner_staff)
    assert link in html(client.get(reverse("web:home")))


@pytest.mark.django_db
def test_it_tells_same_named_branches_apart_by_address_on_my_organization(
    client, listings, partner_staff, organization
) -> None:
    branch = add_service(organization, "Weekend Food Pantry")
    other_place = Location.objects.create(organization=organization, name="South Hall")
    Address.objects.create(location=other_place, address_1="9 SW 8th St", city="Homestead")
    ServiceAtLocation.objects.create(service=branch, location=other_place)
    client.force_login(partner_staff)
    page = html(client.get(reverse("directory:my_organizations")))
    assert page.count(">Weekend Food Pantry</a>") == 2
    assert "100 NW 1st Ave, Miami" in page and "9 SW 8th St, Homestead" in page
    # The table scrolls inside its own labelled region on a narrow screen, not the page.
    region = page.index('class="table-scroll" role="region" tabindex="0"')
    assert f'aria-labelledby="services-{organization.id}"' in page[region : region + 200]


@pytest.mark.django_db
def test_it_shows_each_category_name_once_on_a_service_page(client, listings) -> None:
    # Open Eligibility files one category under two parents as two terms.
    twin = TaxonomyTerm.objects.create(
        taxonomy=listings.pantry.taxonomy, code="1128", name="Food Pantry", parent=listings.health
    )
    Attribute.objects.create(
        link_id=listings.pantry_service.id, link_entity="service", taxonomy_term=twin
    )
    page = html(client.get(listings.pantry_service.get_absolute_url()))
    categories = page.split('id="categories-title"', 1)[1].split("</section>", 1)[0]
    assert categories.count(">Food Pantry</a>") == 1
    assert reverse("directory:category_detail", args=[listings.pantry.id]) in categories


@pytest.mark.django_db
def test_it_hides_source_hours_text_that_only_repeats_the_parsed_hours(client, listings) -> None:
    Schedule.objects.filter(service=listings.pantry_service).update(
        description="9-5 weekdays, Sat 10-12:30"
    )
    page = html(client.get(listings.pantry_service.get_absolute_url()))
    assert "9-5 weekdays" not in page
    assert "9:00 am – 5:00 pm" in page
    # Text on some rows only adds something, so it stays.
    Schedule.objects.filter(service=listings.pantry_service, byday="SA").update(description="")
    page = html(client.get(listings.pantry_service.get_absolute_url()))
    assert "9-5 weekdays" in page


@pytest.mark.django_db
def test_it_names_languages_in_the_page_language(client, listings) -> None:
    Language.objects.create(service=listings.pantry_service, name="Haitian Creole", code="ht")
    Language.objects.create(service=listings.pantry_service, name="Mandarin", code="zh")
    Language.objects.create(service=listings.pantry_service, name="Kreyol", code="")
    url = listings.pantry_service.get_absolute_url()
    english = html(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "English, Haitian Creole, Kreyol, Mandarin, Spanish" in english
    spanish = html(client.get(url, HTTP_ACCEPT_LANGUAGE="es"))
    languages = spanish.split('id="languages-title"', 1)[1].split("</section>", 1)[0]
    assert "Criollo haitiano" in languages and "Inglés" in languages
    # A stored name that is not the code's plain name keeps its detail.
    assert "Mandarin" in languages and "Kreyol" in languages
    assert "English" not in languages and "Spanish" not in languages
