"""The education library: writing, the review rule, reading with language fallback, links
for other pages, and visits counted without anything about the reader."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commonweal import policy
from commonweal.programs import education
from commonweal.programs.campaign_models import EducationPage, PageStatus, PageVersion, PageVisit

pytestmark = pytest.mark.django_db

STARTER_SLUGS = {
    "what-is-a-support-group",
    "first-counselling-visit",
    "help-a-friend-who-is-struggling",
    "getting-food-help",
    "what-a-community-health-worker-does",
    "after-a-referral",
}


def _draft(by, organization, slug="sleep-well", **extra) -> EducationPage:
    fields = {
        "by": by,
        "organization": organization,
        "slug": slug,
        "topics": ["1220", "Depression"],
        "crisis_related": False,
        "language": "en",
        "title": "Sleeping well",
        "summary": "Tips for better sleep.",
        "body": "Go to bed at the same time.",
    }
    fields.update(extra)
    return education.create_page(**fields)


def test_it_loads_the_starter_pages_in_english_and_spanish_published() -> None:
    pages = EducationPage.objects.filter(slug__in=STARTER_SLUGS)
    assert {p.slug for p in pages} == STARTER_SLUGS
    for page in pages:
        assert page.status == PageStatus.PUBLISHED
        assert set(page.versions.values_list("language", flat=True)) >= {"en", "es"}
        assert page.reviewed_by and page.reviewed_on
    assert EducationPage.objects.get(slug="help-a-friend-who-is-struggling").crisis_related


def test_loading_the_starter_pages_again_changes_nothing() -> None:
    PageVersion.objects.filter(page__slug="getting-food-help", language="en").update(
        title="Edited by a partner"
    )
    assert education.load_starter_pages() == 0
    assert PageVersion.objects.get(page__slug="getting-food-help", language="en").title == (
        "Edited by a partner"
    )


def test_it_creates_a_draft_with_its_topics(partner_staff, organization) -> None:
    page = _draft(partner_staff, organization)
    assert page.status == PageStatus.DRAFT
    assert sorted(page.topic_links.values_list("code", flat=True)) == ["1220", "depression"]
    assert page.versions.get().title == "Sleeping well"


def test_it_refuses_a_page_without_title_summary_or_text_and_saves_nothing(
    partner_staff, organization
) -> None:
    with pytest.raises(ValidationError) as caught:
        _draft(partner_staff, organization, title=" ", summary="", body="")
    assert set(caught.value.message_dict) == {"title", "summary", "body"}
    assert caught.value.message_dict["title"] == [str(education.TITLE_NEEDED)]
    assert not EducationPage.objects.filter(slug="sleep-well").exists()


def test_it_refuses_a_taken_or_reserved_address(partner_staff, organization) -> None:
    with pytest.raises(ValidationError) as caught:
        _draft(partner_staff, organization, slug="getting-food-help")
    assert caught.value.message_dict["slug"] == [str(education.SLUG_TAKEN)]
    with pytest.raises(ValidationError):
        _draft(partner_staff, organization, slug="campaigns")


def test_it_refuses_a_language_the_site_does_not_have(partner_staff, organization) -> None:
    with pytest.raises(ValidationError) as caught:
        _draft(partner_staff, organization, language="xx")
    assert caught.value.message_dict["language"] == [str(education.UNKNOWN_LANGUAGE)]


# --- the review rule ----------------------------------------------------------------------


def test_partner_staff_may_not_publish_their_own_page(partner_staff, organization) -> None:
    page = _draft(partner_staff, organization)
    education.submit_for_review(page, by=partner_staff)
    with pytest.raises(PermissionDenied):
        education.publish(page, by=partner_staff, reviewed_by="Me", reviewed_on=dt.date(2026, 1, 1))
    page.refresh_from_db()
    assert page.status == PageStatus.IN_REVIEW


def test_a_coalition_admin_publishes_with_a_named_reviewer_and_date(
    partner_staff, coalition_admin, organization
) -> None:
    page = _draft(partner_staff, organization)
    today = timezone.localdate()
    education.publish(page, by=coalition_admin, reviewed_by="Dr. A. Ruiz", reviewed_on=today)
    page.refresh_from_db()
    assert (page.status, page.reviewed_by, page.reviewed_on) == (
        PageStatus.PUBLISHED,
        "Dr. A. Ruiz",
        today,
    )
    assert page.published_by == coalition_admin


def test_publishing_needs_a_reviewer_and_a_past_review_date(
    partner_staff, coalition_admin, organization
) -> None:
    page = _draft(partner_staff, organization)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        education.publish(page, by=coalition_admin, reviewed_by=" ", reviewed_on=tomorrow)
    assert caught.value.message_dict == {
        "reviewed_by": [str(education.REVIEWER_NEEDED)],
        "reviewed_on": [str(education.REVIEW_DATE_NEEDED)],
    }
    page.refresh_from_db()
    assert page.status == PageStatus.DRAFT


def test_publishing_needs_the_english_version(partner_staff, coalition_admin, organization) -> None:
    page = _draft(partner_staff, organization, language="es", title="Dormir bien")
    with pytest.raises(ValidationError) as caught:
        education.publish(
            page, by=coalition_admin, reviewed_by="Dr. A. Ruiz", reviewed_on=timezone.localdate()
        )
    assert caught.value.messages == [str(education.ENGLISH_NEEDED)]


def test_partner_staff_edit_their_draft_but_not_once_published(
    partner_staff, coalition_admin, organization
) -> None:
    page = _draft(partner_staff, organization)
    education.save_version(
        page, by=partner_staff, language="es", title="Dormir bien", summary="Ideas.", body="Sí."
    )
    education.publish(
        page, by=coalition_admin, reviewed_by="Dr. A. Ruiz", reviewed_on=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        education.save_version(
            page, by=partner_staff, language="en", title="Changed", summary="x", body="y"
        )
    assert page.versions.get(language="en").title == "Sleeping well"
    education.save_version(
        page, by=coalition_admin, language="en", title="Sleep", summary="x", body="y"
    )
    assert page.versions.get(language="en").title == "Sleep"


def test_staff_of_another_organisation_may_not_edit_a_draft(
    partner_staff, other_org_staff, navigator, organization
) -> None:
    page = _draft(partner_staff, organization)
    for outsider in (other_org_staff, navigator):
        assert not policy.can_edit_education_page(outsider, page)
        with pytest.raises(PermissionDenied):
            education.update_page(page, by=outsider, slug="taken", topics=[], crisis_related=True)
        with pytest.raises(PermissionDenied):
            education.submit_for_review(page, by=outsider)
    page.refresh_from_db()
    assert (page.slug, page.crisis_related, page.status) == ("sleep-well", False, "draft")


def test_only_publishers_unpublish(partner_staff, coalition_admin) -> None:
    page = EducationPage.objects.get(slug="getting-food-help")
    with pytest.raises(PermissionDenied):
        education.unpublish(page, by=partner_staff)
    education.unpublish(page, by=coalition_admin)
    page.refresh_from_db()
    assert page.status == PageStatus.DRAFT


# --- reading ------------------------------------------------------------------------------


def test_a_reader_gets_their_language() -> None:
    page = EducationPage.objects.with_versions().get(slug="getting-food-help")
    reading = education.read(page, "es")
    assert reading.version.language == "es" and not reading.fell_back
    assert [v.language for v in reading.others] == ["en"]


def test_a_reader_falls_back_to_english_with_a_note(partner_staff, organization) -> None:
    page = _draft(partner_staff, organization)
    reading = education.read(EducationPage.objects.with_versions().get(pk=page.pk), "es")
    assert reading.version.language == "en"
    assert reading.fell_back
    assert reading.others == ()


def test_a_regional_language_reads_as_its_site_language() -> None:
    assert education.reader_language("es-MX") == "es"
    assert education.reader_language("fr") == "en"


def test_links_for_topics_are_published_pages_crisis_first_in_the_readers_language(
    partner_staff, organization, django_assert_num_queries
) -> None:
    _draft(partner_staff, organization, topics=["depression"])  # a draft: never linked
    with django_assert_num_queries(1):
        found = education.links_for_topics(["depression", "suicide-risk"], "es")
    assert found[0].slug == "help-a-friend-who-is-struggling"
    assert found[0].crisis_related
    assert {link.language for link in found} == {"es"}
    assert "sleep-well" not in {link.slug for link in found}
    assert len(found) <= education.LINKS_SHOWN


def test_links_fall_back_to_english_titles(partner_staff, coalition_admin, organization) -> None:
    page = _draft(partner_staff, organization, topics=["sleep"])
    education.publish(page, by=coalition_admin, reviewed_by="R", reviewed_on=timezone.localdate())
    [link] = education.links_for_topics(["sleep"], "es")
    assert (link.title, link.language) == ("Sleeping well", "en")


def test_a_programme_lists_only_published_pages(programme, partner_staff, organization) -> None:
    draft = _draft(partner_staff, organization)
    food = EducationPage.objects.get(slug="getting-food-help")
    education.set_programme_pages(programme, by=partner_staff, pages=[draft, food])
    assert [link.slug for link in education.links_for_programme(programme, "en")] == [
        "getting-food-help"
    ]


# --- visits -------------------------------------------------------------------------------


def test_visits_are_counted_per_day_page_and_language() -> None:
    page = EducationPage.objects.get(slug="getting-food-help")
    day = dt.date(2026, 5, 4)
    for language in ("en", "en", "es", "es-MX"):
        education.count_visit(page, language=language, day=day)
    education.count_visit(page, language="en", day=day + dt.timedelta(days=1))
    rows = sorted(PageVisit.objects.filter(page=page).values_list("day", "language", "count"))
    assert rows == [(day, "en", 2), (day, "es", 2), (day + dt.timedelta(days=1), "en", 1)]


def test_a_visit_row_holds_nothing_about_the_reader() -> None:
    field_names = {f.name for f in PageVisit._meta.get_fields()}
    assert field_names == {"id", "page", "day", "language", "count"}


def test_counting_a_visit_never_breaks_the_page(monkeypatch) -> None:
    page = EducationPage.objects.get(slug="getting-food-help")

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(PageVisit.objects, "filter", broken)
    education.count_visit(page, language="en")  # no exception
