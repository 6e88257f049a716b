"""The directory in the Django admin, for superusers only.

Partner staff edit their listings on the normal pages (views.py + editing.py), which
check permissions and keep the HSDS change log; the admin is the superusers' escape
hatch, so every model admin here refuses anyone else even if they have is_staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from commonweal import policy
from commonweal.directory import models as m


class SuperuserOnly:
    """Admin permissions for superusers only (is_staff alone is not enough)."""

    def _superuser(self, request: HttpRequest) -> bool:
        return policy.can_use_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)


class DirectoryAdmin(SuperuserOnly, admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) on large tables slows every page


class DirectoryInline(SuperuserOnly, admin.TabularInline):
    extra = 0
    show_change_link = True


class PhoneInline(DirectoryInline):
    model = m.Phone
    fields = ("number", "extension", "type", "description")
    fk_name = "service"


class ScheduleInline(DirectoryInline):
    model = m.Schedule
    fields = ("freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description")
    fk_name = "service"


class ServiceAtLocationInline(DirectoryInline):
    model = m.ServiceAtLocation
    fields = ("location", "description")
    raw_id_fields = ("location",)


class LanguageInline(DirectoryInline):
    model = m.Language
    fields = ("name", "code", "note")
    fk_name = "service"


class CostOptionInline(DirectoryInline):
    model = m.CostOption
    fields = ("option", "amount", "currency", "amount_description", "valid_from", "valid_to")


class RequiredDocumentInline(DirectoryInline):
    model = m.RequiredDocument
    fields = ("document", "uri")


class AddressInline(DirectoryInline):
    model = m.Address
    fields = (
        "address_type",
        "address_1",
        "address_2",
        "city",
        "state_province",
        "postal_code",
        "country",
    )


class ServiceIntakeInline(SuperuserOnly, admin.StackedInline):
    # Not HSDS: whether the service takes new clients and referrals, kept by its partner.
    model = m.ServiceIntake
    extra = 0
    raw_id_fields = ("updated_by",)


class OrganizationIdentifierInline(DirectoryInline):
    model = m.OrganizationIdentifier
    fields = ("identifier_scheme", "identifier_type", "identifier")


@admin.register(m.Organization)
class OrganizationAdmin(DirectoryAdmin):
    list_display = ("name", "email", "website", "legal_status")
    search_fields = ("name", "alternate_name", "description", "email")
    list_filter = ("legal_status",)
    raw_id_fields = ("parent_organization",)
    inlines = [OrganizationIdentifierInline]


@admin.register(m.Service)
class ServiceAdmin(DirectoryAdmin):
    list_display = ("name", "organization", "status", "last_modified")
    search_fields = ("name", "alternate_name", "description", "organization__name")
    list_filter = ("status",)
    list_select_related = ("organization",)
    raw_id_fields = ("organization", "program")
    date_hierarchy = "last_modified"
    inlines = [
        PhoneInline,
        ScheduleInline,
        ServiceAtLocationInline,
        LanguageInline,
        CostOptionInline,
        RequiredDocumentInline,
        ServiceIntakeInline,
    ]


@admin.register(m.Location)
class LocationAdmin(DirectoryAdmin):
    list_display = ("__str__", "organization", "location_type", "latitude", "longitude")
    search_fields = (
        "name",
        "description",
        "addresses__address_1",
        "addresses__city",
        "addresses__postal_code",
    )
    list_filter = ("location_type",)
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)
    inlines = [AddressInline]


@admin.register(m.Program)
class ProgramAdmin(DirectoryAdmin):
    list_display = ("name", "organization")
    search_fields = ("name", "organization__name")
    raw_id_fields = ("organization",)


@admin.register(m.Taxonomy)
class TaxonomyAdmin(DirectoryAdmin):
    list_display = ("name", "version", "uri")
    search_fields = ("name",)


@admin.register(m.TaxonomyTerm)
class TaxonomyTermAdmin(DirectoryAdmin):
    list_display = ("name", "code", "taxonomy", "parent")
    search_fields = ("name", "code")
    list_filter = ("taxonomy",)
    list_select_related = ("taxonomy", "parent")
    raw_id_fields = ("parent",)


@admin.register(m.Attribute)
class AttributeAdmin(DirectoryAdmin):
    list_display = ("link_entity", "link_id", "taxonomy_term", "link_type", "value")
    search_fields = ("=link_id", "taxonomy_term__name", "taxonomy_term__code", "value")
    list_filter = ("link_entity", "link_type")
    list_select_related = ("taxonomy_term",)
    raw_id_fields = ("taxonomy_term",)


@admin.register(m.Metadata)
class MetadataAdmin(DirectoryAdmin):
    """The HSDS change log: read-only, as a log should be."""

    list_display = (
        "last_action_date",
        "resource_type",
        "resource_id",
        "field_name",
        "last_action_type",
        "updated_by",
    )
    search_fields = ("=resource_id", "field_name", "updated_by")
    list_filter = ("resource_type", "last_action_type")
    date_hierarchy = "last_action_date"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _simple(
    model: type, list_display: tuple[str, ...], search: tuple[str, ...], raw: tuple[str, ...] = ()
) -> None:
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (DirectoryAdmin,),
            {
                "list_display": list_display,
                "search_fields": search,
                "raw_id_fields": raw,
            },
        ),
    )


_simple(
    m.ServiceAtLocation,
    ("service", "location"),
    ("service__name", "location__name"),
    ("service", "location"),
)
_simple(
    m.Address,
    ("address_1", "city", "postal_code", "address_type"),
    ("address_1", "city", "postal_code"),
    ("location",),
)
_simple(
    m.Phone,
    ("number", "type", "service", "organization"),
    ("number",),
    ("location", "service", "organization", "contact", "service_at_location"),
)
_simple(
    m.Contact,
    ("name", "title", "email"),
    ("name", "email"),
    ("organization", "service", "service_at_location", "location"),
)
_simple(
    m.Schedule,
    ("service", "freq", "byday", "opens_at", "closes_at"),
    ("service__name", "description"),
    ("service", "location", "service_at_location"),
)
_simple(m.ServiceArea, ("name", "service"), ("name", "service__name"), ("service",))
_simple(m.Language, ("name", "code", "service"), ("name", "code"), ("service", "location", "phone"))
_simple(m.Accessibility, ("description", "location"), ("description",), ("location",))
_simple(
    m.CostOption,
    ("option", "amount", "currency", "service"),
    ("option", "service__name"),
    ("service",),
)
_simple(m.RequiredDocument, ("document", "service"), ("document",), ("service",))
_simple(m.Funding, ("source", "organization", "service"), ("source",), ("organization", "service"))
_simple(m.Url, ("label", "url"), ("label", "url"), ("organization", "service"))
_simple(
    m.OrganizationIdentifier,
    ("identifier", "identifier_type", "organization"),
    ("identifier",),
    ("organization",),
)
_simple(m.MetaTableDescription, ("name", "language", "character_set"), ("name",))
