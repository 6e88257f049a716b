"""The insights area's front page: what each part answers, and a link to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commonweal import policy


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not policy.can_see_insights(request.user):
        raise PermissionDenied
    return render(request, "insights/index.html")
