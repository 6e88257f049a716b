"""The workspace's tables in the Django admin (superusers only, see commonweal/urls.py)."""

from __future__ import annotations

from django.contrib import admin

from commonweal.partnerships.models import Partner, PartnerContact


class ContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["organization", "sector", "active", "agreement_status", "agreement_expires_on"]
    list_filter = ["sector", "active", "agreement_status", "data_sharing_status"]
    search_fields = ["organization__name"]
    inlines = [ContactInline]
