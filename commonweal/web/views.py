"""The site's own pages: the "Find help" home page, About, and the health check."""

from __future__ import annotations

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


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
