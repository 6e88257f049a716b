"""Consent pages on a person's record: record a consent, revoke one. Care team only.

The rules live in consent.py; a person outside the user's care answers 404 (as on the
person pages), and every page read is audit-logged through people.record_read.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from commonweal import policy
from commonweal.directory.models import Organization
from commonweal.referrals import consent as consents
from commonweal.referrals import people
from commonweal.referrals.errors import NotAllowed, ReferralError
from commonweal.referrals.models import Consent, Person
from commonweal.referrals.referral_forms import ConsentForm, RevokeConsentForm


def _person_or_404(request: HttpRequest, person_id: str) -> Person:
    person = get_object_or_404(Person, pk=person_id)
    # Recording consent is care work: a superuser reads records but speaks for no one.
    if not policy.can_edit_person(request.user, person) or not (
        policy.acting_organization(request.user, person)
    ):
        raise Http404
    return person


def parse_uuid(raw: str | None) -> uuid.UUID | None:
    """An id from a query string, or None when it is missing or malformed (never a 500)."""
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def _initial_organizations(request: HttpRequest) -> list[Organization]:
    wanted = parse_uuid(request.GET.get("organization"))
    return list(Organization.objects.filter(pk=wanted)) if wanted else []


@never_cache
@login_required
def consent_create(request: HttpRequest, person_id: str) -> HttpResponse:
    person = _person_or_404(request, person_id)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not next_url.startswith("/referrals/new/"):
        next_url = ""  # only back to the refer page; anything else could be an open redirect
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                consents.record_consent(
                    person=person,
                    organizations=data["organizations"],
                    categories=data["categories"],
                    purpose=data["purpose"],
                    method=data["method"],
                    expires_at=ConsentForm.expires_at(data["expires_on"]),
                    by=request.user,
                    request=request,
                )
            except NotAllowed as error:
                raise Http404 from error
            except ReferralError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The consent was recorded."))
                return redirect(next_url or person.get_absolute_url() + "#consents-title")
    else:
        form = ConsentForm(initial={"organizations": _initial_organizations(request)})
    people.record_read(person=person, by=request.user, request=request, what="consent_form")
    return render(
        request,
        "referrals/consent_form.html",
        {"form": form, "person": person, "next": next_url},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def consent_revoke(request: HttpRequest, person_id: str, consent_id: str) -> HttpResponse:
    person = _person_or_404(request, person_id)
    consent = get_object_or_404(
        Consent.objects.prefetch_related("organizations"), pk=consent_id, person=person
    )
    if request.method == "POST":
        form = RevokeConsentForm(request.POST)
        if form.is_valid():
            try:
                consents.revoke_consent(
                    consent=consent,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except NotAllowed as error:
                raise Http404 from error
            except ReferralError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("The consent was revoked. Nothing more will be shared under it.")
                )
                return redirect(person.get_absolute_url() + "#consents-title")
    else:
        form = RevokeConsentForm()
    people.record_read(person=person, by=request.user, request=request, what="consent_revoke")
    return render(
        request,
        "referrals/consent_revoke.html",
        {"form": form, "person": person, "consent": consent},
        status=400 if form.errors else 200,
    )
