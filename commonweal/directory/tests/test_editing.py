from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.directory import editing
from commonweal.directory.models import Language, Metadata, Phone, Schedule, Service
from commonweal.directory.tests.listing_builder import Listings, build_listings


@pytest.fixture
def listings(organization, other_organization) -> Listings:
    return build_listings(organization, other_organization)


def metadata_for(obj) -> dict[str, Metadata]:
    return {m.field_name: m for m in Metadata.objects.filter(resource_id=obj.pk)}


@pytest.mark.django_db
def test_it_records_one_metadata_row_per_changed_service_field(listings, partner_staff) -> None:
    service = listings.pantry_service
    before = service.last_modified
    changed = editing.update_service(
        service,
        by=partner_staff,
        changes={
            "name": "Saturday Food Pantry",
            "fees_description": "Free.",
            "email": service.email,
        },
    )
    assert sorted(changed) == ["fees_description", "name"]
    rows = metadata_for(service)
    assert set(rows) == {"name", "fees_description"}
    name = rows["name"]
    assert name.resource_type == "service"
    assert name.last_action_type == "update"
    assert name.previous_value == "Weekend Food Pantry"
    assert name.replacement_value == "Saturday Food Pantry"
    # Public HSDS metadata names the organisation's staff, never the staff member.
    assert name.updated_by == f"{service.organization.name} staff"
    assert "pat.partner" not in name.updated_by
    assert name.last_action_date == timezone.localdate()
    service.refresh_from_db()
    assert service.name == "Saturday Food Pantry"
    assert service.last_modified > before
    event = AuditEvent.objects.get(object_id=str(service.pk))
    assert event.action == "update" and event.actor == partner_staff
    assert sorted(event.detail["fields"]) == ["fees_description", "name"]


@pytest.mark.django_db
def test_it_writes_nothing_when_nothing_changed(listings, partner_staff) -> None:
    service = listings.pantry_service
    before = service.last_modified
    changed = editing.update_service(
        service, by=partner_staff, changes={"name": service.name, "minimum_age": Decimal("5.00")}
    )
    assert changed == []
    assert not Metadata.objects.exists()
    assert not AuditEvent.objects.exists()
    service.refresh_from_db()
    assert service.last_modified == before


@pytest.mark.django_db
def test_it_logs_ages_without_trailing_zeros(listings, partner_staff) -> None:
    editing.update_service(
        listings.pantry_service, by=partner_staff, changes={"minimum_age": Decimal("6")}
    )
    row = metadata_for(listings.pantry_service)["minimum_age"]
    assert (row.previous_value, row.replacement_value) == ("5", "6")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", editing.NAME_REQUIRED),
        ({"url": "javascript:alert(1)"}, "url", editing.BAD_URL),
        ({"email": "not-an-address"}, "email", editing.BAD_EMAIL),
        (
            {"minimum_age": Decimal("18"), "maximum_age": Decimal("4")},
            "maximum_age",
            editing.AGES_REVERSED,
        ),
        ({"maximum_age": Decimal("-1")}, "maximum_age", editing.NEGATIVE_AGE),
    ],
)
@pytest.mark.django_db
def test_it_rejects_invalid_service_edits_and_writes_nothing(
    listings, partner_staff, changes, field, message
) -> None:
    service = listings.pantry_service
    with pytest.raises(ValidationError) as caught:
        editing.update_service(service, by=partner_staff, changes=changes)
    assert caught.value.message_dict[field] == [str(message)]
    assert not Metadata.objects.exists()
    assert not AuditEvent.objects.exists()
    fresh = Service.objects.get(pk=service.pk)
    assert fresh.name == "Weekend Food Pantry" and fresh.url == service.url


@pytest.mark.django_db
def test_it_refuses_fields_partners_do_not_edit(listings, partner_staff) -> None:
    with pytest.raises(ValueError):
        editing.update_service(
            listings.pantry_service, by=partner_staff, changes={"organization_id": "x"}
        )


@pytest.mark.django_db
def test_it_refuses_an_editor_from_another_organization(listings, other_org_staff) -> None:
    with pytest.raises(PermissionDenied):
        editing.update_service(
            listings.pantry_service, by=other_org_staff, changes={"name": "Hijacked"}
        )
    with pytest.raises(PermissionDenied):
        editing.set_phones(listings.pantry_service, by=other_org_staff, phones=[])
    assert Service.objects.get(pk=listings.pantry_service.pk).name == "Weekend Food Pantry"
    assert Phone.objects.filter(service=listings.pantry_service).count() == 1
    assert not Metadata.objects.exists()


@pytest.mark.django_db
def test_it_updates_an_organization_with_its_change_log(organization, partner_staff) -> None:
    changed = editing.update_organization(
        organization,
        by=partner_staff,
        changes={"website": "https://northside.example.org", "name": organization.name},
    )
    assert changed == ["website"]
    row = metadata_for(organization)["website"]
    assert row.resource_type == "organization"
    assert (row.previous_value, row.replacement_value) == ("", "https://northside.example.org")
    assert AuditEvent.objects.get(object_id=str(organization.pk)).action == "update"


@pytest.mark.django_db
def test_it_creates_a_service_with_create_metadata(organization, partner_staff) -> None:
    service = editing.create_service(
        organization=organization,
        by=partner_staff,
        values={"name": "Diaper Bank", "description": "Diapers for babies.", "status": "active"},
    )
    assert service.organization == organization
    rows = metadata_for(service)
    assert {f for f, r in rows.items() if r.last_action_type == "create"} == {
        "name",
        "description",
        "status",
    }
    assert rows["name"].replacement_value == "Diaper Bank"
    assert AuditEvent.objects.get(object_id=str(service.pk)).action == "create"


@pytest.mark.django_db
def test_it_adds_updates_and_deletes_phones(listings, partner_staff) -> None:
    service = listings.pantry_service
    old = Phone.objects.get(service=service)
    assert editing.set_phones(
        service,
        by=partner_staff,
        phones=[
            editing.PhoneInput(id=old.id, number="(305) 555-0199", extension="12"),
            editing.PhoneInput(number="305-555-0123", type="text", description="Text us"),
        ],
    )
    phones = {p.number: p for p in Phone.objects.filter(service=service)}
    assert set(phones) == {"(305) 555-0199", "305-555-0123"}
    assert phones["(305) 555-0199"].id == old.id
    update = Metadata.objects.get(resource_id=old.id)
    assert (update.field_name, update.previous_value, update.replacement_value) == (
        "number",
        "(305) 555-0100",
        "(305) 555-0199",
    )
    created = metadata_for(phones["305-555-0123"])
    assert created["type"].last_action_type == "create"

    assert editing.set_phones(service, by=partner_staff, phones=[])
    assert not Phone.objects.filter(service=service).exists()
    deleted = Metadata.objects.filter(resource_id=old.id, last_action_type="delete")
    assert {m.field_name for m in deleted} == {"number", "extension"}


@pytest.mark.django_db
def test_it_rejects_a_phone_row_of_another_service(
    listings, partner_staff, coalition_admin
) -> None:
    foreign = Phone.objects.create(service=listings.clinic_service, number="305-555-0000")
    with pytest.raises(ValidationError):
        editing.set_phones(
            listings.pantry_service,
            by=coalition_admin,
            phones=[editing.PhoneInput(id=foreign.id, number="1234")],
        )
    assert Phone.objects.get(pk=foreign.pk).number == "305-555-0000"


@pytest.mark.django_db
def test_it_rejects_a_phone_without_digits(listings, partner_staff) -> None:
    with pytest.raises(ValidationError) as caught:
        editing.set_phones(
            listings.pantry_service, by=partner_staff, phones=[editing.PhoneInput(number="call us")]
        )
    assert caught.value.message_dict["number"] == [str(editing.BAD_PHONE)]
    assert Phone.objects.filter(service=listings.pantry_service).count() == 1


@pytest.mark.django_db
def test_it_replaces_weekly_hours_and_keeps_other_schedules(listings, partner_staff) -> None:
    service = listings.pantry_service
    holiday = Schedule.objects.create(
        service=service, valid_from=dt.date(2025, 12, 25), description="Closed"
    )
    tuesday_row = Schedule.objects.get(service=service, byday="TH,FR")
    changed = editing.set_weekly_hours(
        service,
        by=partner_staff,
        hours=[
            editing.WeeklyHours(
                days=("WE", "MO", "TU"), opens_at=dt.time(9), closes_at=dt.time(17)
            ),
            editing.WeeklyHours(days=("TH", "FR"), opens_at=dt.time(8), closes_at=dt.time(16)),
        ],
    )
    assert changed
    rows = {
        s.byday: s for s in Schedule.objects.filter(service=service) if editing.is_weekly_row(s)
    }
    assert set(rows) == {"MO,TU,WE", "TH,FR"}
    assert rows["TH,FR"].id == tuesday_row.id  # same days: updated in place
    assert rows["TH,FR"].opens_at == dt.time(8)
    opens = Metadata.objects.get(resource_id=tuesday_row.id, field_name="opens_at")
    assert (opens.previous_value, opens.replacement_value) == ("09:00", "08:00")
    assert (
        Metadata.objects.filter(
            resource_type="schedule", last_action_type="delete", field_name="byday"
        )
        .get()
        .previous_value
        == "SA"
    )
    assert Schedule.objects.filter(pk=holiday.pk).exists()
    # The same hours again change nothing.
    count = Metadata.objects.count()
    assert not editing.set_weekly_hours(
        service,
        by=partner_staff,
        hours=[
            editing.WeeklyHours(
                days=("MO", "TU", "WE"), opens_at=dt.time(9), closes_at=dt.time(17)
            ),
            editing.WeeklyHours(days=("TH", "FR"), opens_at=dt.time(8), closes_at=dt.time(16)),
        ],
    )
    assert Metadata.objects.count() == count


@pytest.mark.django_db
def test_it_creates_weekly_rows_as_hsds_schedules(organization, partner_staff) -> None:
    service = Service.objects.create(organization=organization, name="Night Shelter")
    editing.set_weekly_hours(
        service,
        by=partner_staff,
        hours=[editing.WeeklyHours(days=("SU", "SA"), opens_at=dt.time(19), closes_at=dt.time(7))],
    )
    row = Schedule.objects.get(service=service)
    assert (row.freq, row.byday, row.opens_at, row.closes_at) == (
        "WEEKLY",
        "SA,SU",
        dt.time(19),
        dt.time(7),
    )


@pytest.mark.django_db
def test_it_rejects_hours_without_days_or_with_equal_times(listings, partner_staff) -> None:
    with pytest.raises(ValidationError):
        editing.set_weekly_hours(
            listings.pantry_service,
            by=partner_staff,
            hours=[editing.WeeklyHours(days=(), opens_at=dt.time(9), closes_at=dt.time(17))],
        )
    with pytest.raises(ValidationError):
        editing.set_weekly_hours(
            listings.pantry_service,
            by=partner_staff,
            hours=[editing.WeeklyHours(days=("MO",), opens_at=dt.time(9), closes_at=dt.time(9))],
        )
    assert Schedule.objects.filter(service=listings.pantry_service).count() == 3


@pytest.mark.django_db
def test_it_sets_languages_by_code(listings, partner_staff) -> None:
    service = listings.pantry_service
    assert editing.set_languages(
        service,
        by=partner_staff,
        languages=[
            editing.LanguageInput(name="Spanish", code="ES"),
            editing.LanguageInput(name="Haitian Creole", code="ht"),
        ],
    )
    assert sorted(Language.objects.filter(service=service).values_list("code", flat=True)) == [
        "es",
        "ht",
    ]
    assert Metadata.objects.filter(
        resource_type="language", last_action_type="delete", previous_value="English"
    ).exists()
    assert not editing.set_languages(
        service,
        by=partner_staff,
        languages=[
            editing.LanguageInput(name="Spanish", code="es"),
            editing.LanguageInput(name="Creole", code="ht"),
        ],
    )


# The pages that call these functions -------------------------------------------------


@pytest.mark.django_db
def test_it_saves_the_service_form_and_shows_the_change(client, listings, partner_staff) -> None:
    service = listings.pantry_service
    client.force_login(partner_staff)
    url = reverse("directory:service_edit", args=[service.id])
    form = client.get(url)
    assert form.status_code == 200 and 'value="Weekend Food Pantry"' in form.content.decode()
    response = client.post(
        url,
        {
            "name": "Weekend Food Pantry",
            "status": "temporarily closed",
            "alert": "Closed for repairs until June.",
            "description": service.description,
            "application_process": service.application_process,
            "eligibility_description": service.eligibility_description,
            "minimum_age": "5",
            "maximum_age": "17",
            "fees_description": service.fees_description,
            "url": "http://www.northside-food.example.org",
            "email": service.email,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Closed for repairs until June." in page
    assert "temporarily closed" in page
    assert {m.field_name for m in Metadata.objects.filter(resource_id=service.id)} == {
        "status",
        "alert",
        "url",
    }


@pytest.mark.django_db
def test_it_shows_form_errors_next_to_the_field(client, listings, partner_staff) -> None:
    client.force_login(partner_staff)
    url = reverse("directory:service_edit", args=[listings.pantry_service.id])
    response = client.post(
        url, {"name": "", "status": "active", "minimum_age": "20", "maximum_age": "3"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert 'aria-invalid="true"' in page
    assert "The minimum age must not be above the maximum age." in page
    assert not Metadata.objects.exists()


@pytest.mark.django_db
def test_it_edits_phones_hours_and_languages_from_the_pages(
    client, listings, partner_staff
) -> None:
    service = listings.pantry_service
    phone = Phone.objects.get(service=service)
    client.force_login(partner_staff)
    assert (
        client.get(reverse("directory:service_edit_phones", args=[service.id])).status_code == 200
    )
    response = client.post(
        reverse("directory:service_edit_phones", args=[service.id]),
        {
            "phones-TOTAL_FORMS": "2",
            "phones-INITIAL_FORMS": "1",
            "phones-0-id": str(phone.id),
            "phones-0-number": "(305) 555-0100",
            "phones-0-extension": "",
            "phones-1-number": "305-555-0111",
            "phones-1-type": "text",
        },
    )
    assert response.status_code == 302
    assert sorted(Phone.objects.filter(service=service).values_list("number", "extension")) == [
        ("(305) 555-0100", ""),
        ("305-555-0111", ""),
    ]

    hours_url = reverse("directory:service_edit_hours", args=[service.id])
    assert "Opening period 1" in client.get(hours_url).content.decode()
    response = client.post(
        hours_url,
        {
            # As a browser sends it: the three current periods, then two blank rows.
            "hours-TOTAL_FORMS": "5",
            "hours-INITIAL_FORMS": "3",
            "hours-0-days": ["MO", "TU", "WE", "TH", "FR"],
            "hours-0-opens_at": "08:30",
            "hours-0-closes_at": "4:00 pm",
            "hours-1-days": ["TH", "FR"],
            "hours-1-opens_at": "09:00",
            "hours-1-closes_at": "17:00",
            "hours-1-DELETE": "on",
            "hours-2-days": ["SA"],
            "hours-2-opens_at": "10:00",
            "hours-2-closes_at": "12:30",
            "hours-2-DELETE": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Mon–Fri" in page and "8:30 am – 4:00 pm" in page and "Sat" not in page

    response = client.post(
        reverse("directory:service_edit_languages", args=[service.id]),
        {"languages": ["es"], "other": "Haitian Creole, Quechua"},
    )
    assert response.status_code == 302
    assert sorted(Language.objects.filter(service=service).values_list("name", "code")) == [
        ("Haitian Creole", "ht"),
        ("Quechua", ""),
        ("Spanish", "es"),
    ]


@pytest.mark.django_db
def test_it_adds_a_service_from_the_page(client, organization, partner_staff) -> None:
    client.force_login(partner_staff)
    url = reverse("directory:service_create", args=[organization.id])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Diaper Bank", "status": "active", "description": "Diapers."}
    )
    service = Service.objects.get(name="Diaper Bank")
    assert response.status_code == 302 and response["Location"] == reverse(
        "directory:service_edit", args=[service.id]
    )
    assert service.organization == organization


@pytest.mark.django_db
def test_it_lists_my_organizations_listings_with_edit_links(
    client, listings, partner_staff
) -> None:
    client.force_login(partner_staff)
    page = client.get(reverse("directory:my_organizations")).content.decode()
    assert "Northside Food Bank" in page
    assert reverse("directory:service_edit", args=[listings.pantry_service.id]) in page
    assert (
        reverse("directory:service_edit", args=[listings.closed_service.id]) in page
    )  # even unlisted ones
    assert "Walk-in Clinic" not in page


class FormValues(HTMLParser):
    """What a browser would submit for the page's edit form, as the page rendered it."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value") or "on"))
            else:
                self.values.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value") or ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def resubmit(client, url: str):
    parser = FormValues()
    parser.feed(
        client.get(url).content.decode().split('<main id="main"', 1)[1].split("</form>", 1)[0]
    )
    data: dict[str, list[str]] = {}
    for name, value in parser.values:
        # Browsers send a textarea's text without the newline that follows its start tag.
        data.setdefault(name, []).append(value[1:] if value.startswith("\n") else value)
    return client.post(url, data, follow=True)


@pytest.mark.django_db
def test_it_changes_nothing_when_the_forms_are_saved_unchanged(
    client, listings, partner_staff
) -> None:
    service = listings.pantry_service
    # Imported data in older styles must not block or be rewritten by an unchanged save.
    Service.objects.filter(pk=service.pk).update(
        email="info at northside", url="www.northside.example.org"
    )
    client.force_login(partner_staff)
    for name in (
        "service_edit",
        "service_edit_phones",
        "service_edit_hours",
        "service_edit_languages",
    ):
        response = resubmit(client, reverse(f"directory:{name}", args=[service.id]))
        assert "Nothing changed." in response.content.decode(), name
    response = resubmit(
        client,
        reverse("directory:organization_edit", args=[listings.pantry_service.organization_id]),
    )
    assert "Nothing changed." in response.content.decode()
    assert not Metadata.objects.exists()


@pytest.mark.django_db
def test_it_adds_https_to_a_newly_typed_bare_web_address(client, listings, partner_staff) -> None:
    client.force_login(partner_staff)
    organization = listings.pantry_service.organization
    response = client.post(
        reverse("directory:organization_edit", args=[organization.id]),
        {"name": organization.name, "website": "northside.example.org"},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.website == "https://northside.example.org"


@pytest.mark.django_db
def test_it_leaves_hours_of_one_location_to_that_location(listings, partner_staff) -> None:
    from commonweal.directory.models import Location

    service = listings.pantry_service
    branch = Location.objects.create(organization=service.organization, name="Branch")
    branch_hours = Schedule.objects.create(
        service=service,
        location=branch,
        freq="WEEKLY",
        byday="SA",
        opens_at=dt.time(10),
        closes_at=dt.time(12),
    )
    assert not editing.is_weekly_row(branch_hours)
    editing.set_weekly_hours(
        service,
        by=partner_staff,
        hours=[editing.WeeklyHours(days=("MO",), opens_at=dt.time(9), closes_at=dt.time(17))],
    )
    assert Schedule.objects.filter(pk=branch_hours.pk).exists()
