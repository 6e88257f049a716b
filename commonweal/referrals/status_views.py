"""The person's status page: a private link or a short code, no account, rate-limited."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from commonweal.referrals import status_page
from commonweal.referrals.referral_forms import StatusCodeForm


def _page(request: HttpRequest, form: StatusCodeForm, code: str) -> HttpResponse:
    context: dict = {"form": form}
    status = 200
    if code:
        if status_page.over_limit(request):
            context["limited"] = True
            status = 429
        else:
            referral = status_page.find(code)
            if referral is None:
                context["not_found"] = True
                status = 404
            else:
                status_page.record_read(referral, request)
                context["shown"] = status_page.person_view(referral)
    response = render(request, "referrals/referral/status.html", context, status=status)
    # The link holds the code: keep it out of other sites' logs and of search engines. Not
    # "no-referrer": Chrome then sends "Origin: null" with the form post and CSRF refuses it.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def status_lookup(request: HttpRequest) -> HttpResponse:
    """Type the code (POST, so it stays out of the address bar and history)."""
    if request.method == "POST":
        form = StatusCodeForm(request.POST)
        code = form.cleaned_data["code"] if form.is_valid() else ""
        return _page(request, form, code)
    return _page(request, StatusCodeForm(), "")


@never_cache
def status_link(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, StatusCodeForm(), code[:40])
