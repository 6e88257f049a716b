"""The site's own pages: the "Find help" home page, About, Accessibility, and the health check."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from commonweal.directory import browse
from commonweal.directory.forms import SearchForm


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {"form": SearchForm(), "categories": browse.top_categories()},
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


# The axe-core release the browser tests run (package.json pins it; a test keeps them equal).
AXE_CORE_VERSION = "4.14.1"


def accessibility(request: HttpRequest) -> HttpResponse:
    contact = settings.COMMONWEAL_ACCESSIBILITY_CONTACT.strip()
    return render(
        request,
        "web/accessibility.html",
        {
            "contact": contact,
            # An address without a scheme is an email address; anything else is a link.
            "contact_href": contact if "://" in contact else f"mailto:{contact}",
            "axe_core_version": AXE_CORE_VERSION,
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
