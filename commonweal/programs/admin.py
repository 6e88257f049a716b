"""The admin (superusers only) for programmes and sessions. Registrations are left out: their
names and contacts are read on the check-in list, which the audit log records."""

from __future__ import annotations

from django.contrib import admin

from commonweal.programs.models import Cancellation, Programme, Session


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "starts_on", "start_time", "duration_minutes", "rule", "capacity"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "starts_on", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["name", "organization__name"]
    raw_id_fields = ["organization", "service"]
    inlines = [SessionInline]


@admin.register(Cancellation)
class CancellationAdmin(admin.ModelAdmin):
    list_display = ["session", "occurrence", "reason"]
    raw_id_fields = ["session"]
