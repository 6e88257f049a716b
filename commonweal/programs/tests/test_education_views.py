"""The education library's pages: reading, previewing, writing and publishing through the
web, and the "Learn more" boxes other pages include."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from commonweal.programs import education
from commonweal.programs.campaign_models import EducationPage, PageStatus, PageVisit

pytestmark = pytest.mark.django_db

FOOD = "getting-food-help"


def _page_url(slug: str = FOOD) -> str:
    return reverse("learn:page", kwargs={"slug": slug})


def _draft(partner_staff, organization) -> EducationPage:
    return education.create_page(
        by=partner_staff,
        organization=organization,
        slug="draft-page",
        topics=["food"],
        crisis_related=False,
        language="en",
        title="Draftwords about food",
        summary="Not yet public.",
        body="Text.",
    )


def test_the_library_lists_the_pages_in_the_readers_language(client) -> None:
    response = client.get(reverse("learn:index"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "Cómo conseguir ayuda con la comida" in response.content.decode()


def test_a_page_is_shown_with_its_other_languages_and_counted(client) -> None:
    response = client.get(_page_url())
    html = response.content.decode()
    assert "<h1>How to get food help</h1>" in html
    assert f'href="{_page_url()}?language=es"' in html
    assert "Reviewed by" in html
    [visit] = PageVisit.objects.filter(page__slug=FOOD)
    assert (visit.language, visit.count, visit.day) == ("en", 1, timezone.localdate())


def test_a_page_shows_a_chosen_language(client) -> None:
    html = client.get(_page_url() + "?language=es").content.decode()
    assert '<article lang="es"' in html
    assert PageVisit.objects.get(page__slug=FOOD).language == "es"


def test_a_page_not_yet_in_the_readers_language_says_so(
    client, partner_staff, coalition_admin, organization
) -> None:
    page = _draft(partner_staff, organization)
    education.publish(page, by=coalition_admin, reviewed_by="R", reviewed_on=timezone.localdate())
    html = client.get(_page_url("draft-page"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<article lang="en"' in html
    assert "Draftwords about food" in html


def test_a_crisis_page_shows_the_crisis_lines_at_its_top(client) -> None:
    html = client.get(_page_url("help-a-friend-who-is-struggling")).content.decode()
    assert 'class="crisis-topic"' in html
    assert html.index("crisis-topic") < html.index("<article")
    assert 'href="tel:988"' in html


def test_a_draft_is_unknown_to_the_public_and_previewed_by_its_writers(
    client, partner_staff, other_org_staff, organization
) -> None:
    _draft(partner_staff, organization)
    assert client.get(_page_url("draft-page")).status_code == 404
    client.force_login(other_org_staff)
    assert client.get(_page_url("draft-page")).status_code == 404
    client.force_login(partner_staff)
    response = client.get(_page_url("draft-page"))
    assert response.status_code == 200
    assert "Preview: this page is not public yet." in response.content.decode()
    assert not PageVisit.objects.filter(page__slug="draft-page").exists()


def test_page_markup_is_escaped_on_the_page(
    client, partner_staff, coalition_admin, organization
) -> None:
    page = _draft(partner_staff, organization)
    education.save_version(
        page,
        by=coalition_admin,
        language="en",
        title="<script>alert(1)</script>",
        summary="<b>x</b>",
        body="<script>alert(2)</script>\n\n[x](javascript:alert)",
    )
    education.publish(page, by=coalition_admin, reviewed_by="R", reviewed_on=timezone.localdate())
    html = client.get(_page_url("draft-page")).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "javascript:" not in html


def test_partner_staff_write_a_draft_with_a_preview_first(
    client, partner_staff, organization
) -> None:
    client.force_login(partner_staff)
    form = {
        "organization": str(organization.pk),
        "language": "en",
        "title": "Cooling centers",
        "summary": "Where to stay cool.",
        "body": "## Where\n- Libraries",
        "topics": "1102, heat",
    }
    preview = client.post(reverse("programs:learn_create"), {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "<h2>Where</h2>" in preview.content.decode()
    assert not EducationPage.objects.filter(slug="cooling-centers").exists()
    saved = client.post(reverse("programs:learn_create"), form)
    page = EducationPage.objects.get(slug="cooling-centers")
    assert saved.status_code == 302
    assert page.status == PageStatus.DRAFT and page.organization == organization


def test_a_missing_title_is_named_and_nothing_is_saved(client, partner_staff, organization) -> None:
    client.force_login(partner_staff)
    response = client.post(
        reverse("programs:learn_create"),
        {"organization": str(organization.pk), "language": "en", "summary": "s", "body": "b"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert EducationPage.objects.count() == 6


def test_partner_staff_may_not_write_for_another_organisation(
    client, partner_staff, other_organization
) -> None:
    client.force_login(partner_staff)
    response = client.post(
        reverse("programs:learn_create"),
        {
            "organization": str(other_organization.pk),
            "language": "en",
            "title": "Planted",
            "summary": "s",
            "body": "b",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert not EducationPage.objects.filter(slug="planted").exists()


def test_residents_and_navigators_may_not_open_the_editor(client, resident, navigator) -> None:
    for user in (resident, navigator):
        client.force_login(user)
        assert client.get(reverse("programs:learn_manage_list")).status_code == 403
        assert client.get(reverse("programs:learn_create")).status_code == 403


def test_partner_staff_send_for_review_but_may_not_publish(
    client, partner_staff, organization
) -> None:
    page = _draft(partner_staff, organization)
    client.force_login(partner_staff)
    url = reverse("programs:learn_status", kwargs={"page_id": page.pk})
    client.post(url, {"action": "submit"})
    refused = client.post(
        url, {"action": "publish", "reviewed_by": "Me", "reviewed_on": "2026-01-01"}
    )
    page.refresh_from_db()
    assert refused.status_code == 403
    assert page.status == PageStatus.IN_REVIEW


def test_a_coalition_admin_publishes_and_a_missing_reviewer_is_named(
    client, partner_staff, coalition_admin, organization
) -> None:
    page = _draft(partner_staff, organization)
    client.force_login(coalition_admin)
    url = reverse("programs:learn_status", kwargs={"page_id": page.pk})
    response = client.post(
        url, {"action": "publish", "reviewed_by": "", "reviewed_on": ""}, follow=True
    )
    assert "Reviewed by:" in response.content.decode()
    page.refresh_from_db()
    assert page.status == PageStatus.DRAFT
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    client.post(url, {"action": "publish", "reviewed_by": "Dr. Ruiz", "reviewed_on": yesterday})
    page.refresh_from_db()
    assert page.status == PageStatus.PUBLISHED


def test_partner_staff_may_not_change_a_published_page(
    client, partner_staff, organization, coalition_admin
) -> None:
    page = _draft(partner_staff, organization)
    education.publish(page, by=coalition_admin, reviewed_by="R", reviewed_on=timezone.localdate())
    client.force_login(partner_staff)
    url = reverse("programs:learn_version", kwargs={"page_id": page.pk, "language": "en"})
    assert client.post(url, {"title": "Changed", "summary": "s", "body": "b"}).status_code == 403
    assert page.versions.get(language="en").title == "Draftwords about food"


def test_a_translation_is_added_from_the_editor(client, partner_staff, organization) -> None:
    page = _draft(partner_staff, organization)
    client.force_login(partner_staff)
    url = reverse("programs:learn_version", kwargs={"page_id": page.pk, "language": "es"})
    assert "Draftwords about food" in client.get(url).content.decode()  # the English to translate
    client.post(url, {"title": "Comida", "summary": "Resumen.", "body": "Texto."})
    assert page.versions.get(language="es").title == "Comida"


def test_programme_managers_choose_its_pages_and_others_may_not(
    client, programme, partner_staff, other_org_staff
) -> None:
    food = EducationPage.objects.get(slug=FOOD)
    url = reverse("programs:learn_programme_pages", kwargs={"programme_id": programme.pk})
    client.force_login(other_org_staff)
    assert client.post(url, {"pages": [str(food.pk)]}).status_code == 403
    assert not programme.education_pages.exists()
    client.force_login(partner_staff)
    client.post(url, {"pages": [str(food.pk)]})
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "How to get food help" in html
    assert url in html  # the managers' link to choose


# --- the "Learn more" boxes --------------------------------------------------------------


def _render(source: str, **context) -> str:
    return Template("{% load learn_tags %}" + source).render(Context(context))


def test_screening_results_link_pages_for_the_positive_domains(django_assert_num_queries) -> None:
    presented = SimpleNamespace(
        positive=(SimpleNamespace(domain="food"), SimpleNamespace(domain="loneliness"))
    )
    with django_assert_num_queries(1):
        html = _render("{% learn_for_screening presented %}", presented=presented)
    assert "How to get food help" in html and "What is a support group?" in html


def test_nothing_is_shown_when_no_domain_is_positive(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        html = _render(
            "{% learn_for_screening presented %}", presented=SimpleNamespace(positive=())
        )
    assert "Learn more" not in html


def test_search_results_link_pages_for_the_categories_searched(django_assert_num_queries) -> None:
    response = SimpleNamespace(
        interpretation=SimpleNamespace(categories=(SimpleNamespace(code="1102"),)),
        request=SimpleNamespace(categories=()),
    )
    with django_assert_num_queries(1):
        html = _render("{% learn_for_search results %}", results=SimpleNamespace(response=response))
    assert "Learn more" in html and "How to get food help" in html


def test_the_search_page_shows_the_learn_more_box(client) -> None:
    from commonweal.directory.tests.directory_builder import build_full_service, build_taxonomy

    _taxonomy, food, _pantry = build_taxonomy()
    build_full_service(term=food)
    html = client.get(reverse("directory:search"), {"q": "food"}).content.decode()
    assert 'class="notice learn-more"' in html
    assert "How to get food help" in html


def test_a_self_screening_positive_for_depression_links_the_counseling_page(client) -> None:
    from commonweal.screening.tests.answers import phq9

    response = client.post(
        reverse("screening:self_screen", args=["phq-9"]), phq9(first_eight=2, item9=0)
    )
    main = response.content.decode().split('<main id="main"', 1)[1]
    box = main.split('class="notice learn-more"', 1)[1]
    assert "What to expect at a first counseling visit" in box
    assert "How to get food help" not in box  # food was not screened
