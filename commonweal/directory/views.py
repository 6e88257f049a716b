from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from commonweal.directory.models import Organization, Service


def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("organization"), id=service_id)
    return render(request, "directory/service_detail.html", {"service": service})


def organization_detail(request: HttpRequest, organization_id: str) -> HttpResponse:
    organization = get_object_or_404(Organization, id=organization_id)
    return render(request, "directory/organization_detail.html", {"organization": organization})
