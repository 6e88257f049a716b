"""People pages: the care team's list, create (with duplicate check), a person's record, edit.

Every page that shows person data checks `commonweal.policy` and writes the audit log; a
person outside the user's care team answers 404, the same as a person who does not
exist, so ids cannot be probed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from commonweal import policy
from commonweal.directory.language_names import display_name
from commonweal.referrals import people
from commonweal.referrals.forms import NewPersonForm, PersonForm, PersonSearchForm
from commonweal.referrals.models import Person
from commonweal.screening import panel

PAGE_SIZE = 25


def _person_or_404(request: HttpRequest, person_id: str) -> Person:
    person = get_object_or_404(Person, pk=person_id)
    if not policy.can_view_person(request.user, person):
        raise Http404
    return person


def _require_care_role(request: HttpRequest) -> None:
    if not policy.can_list_people(request.user):
        raise PermissionDenied


@never_cache
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    _require_care_role(request)
    form = PersonSearchForm(request.GET or None)
    found = policy.visible_people(request.user)
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            found = found.named(query)
    page = Paginator(found.order_by("family_name", "given_name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    people.record_list_read(people=list(page), by=request.user, request=request)
    return render(
        request,
        "referrals/person_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_create": policy.can_work_with_people(request.user),
        },
    )


@never_cache
@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    organizations = policy.care_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    duplicates = people.DuplicateCheck()
    if request.method == "POST":
        form = NewPersonForm(request.POST, organizations=organizations)
        if form.is_valid():
            data = form.cleaned_data
            duplicates = people.find_duplicates(
                user=request.user,
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
            )
            if duplicates.has_visible and not data.get("confirm_new"):
                # Offer the existing record; the same post with the box ticked creates anyway.
                form.offer_confirmation()
                for person in duplicates.visible:
                    people.record_read(
                        person=person, by=request.user, request=request, what="duplicate_check"
                    )
            else:
                person = people.create_person(
                    values=data,
                    organization=data["organization"],
                    by=request.user,
                    request=request,
                    hidden_duplicate_ids=duplicates.hidden_ids,
                )
                messages.success(request, _("The person's record was created."))
                return redirect(person)
    else:
        form = NewPersonForm(organizations=organizations)
    return render(
        request,
        "referrals/person_create.html",
        {"form": form, "duplicates": duplicates.visible},
    )


@never_cache
@login_required
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    person = _person_or_404(request, person_id)
    people.record_read(person=person, by=request.user, request=request)
    return render(
        request,
        "referrals/person_detail.html",
        {
            "person": person,
            "language_name": display_name(name="", code=person.preferred_language)
            if person.preferred_language
            else "",
            "care_team": person.care_team.select_related("organization").order_by("added_at"),
            "consents": person.consents.prefetch_related("organizations"),
            "can_record_consent": policy.acting_organization(request.user, person) is not None,
            "can_edit_person": policy.can_edit_person(request.user, person),
            "can_handle_data_requests": policy.can_handle_data_requests(request.user, person),
            "referrals": policy.visible_referrals(request.user, "sent")
            .filter(person=person)
            .select_related("service", "to_organization")[:50],
            # The screening app's part of the page; it audit-logs its own reads.
            **panel.for_person_page(person=person, by=request.user, request=request),
        },
    )


@never_cache
@login_required
def person_edit(request: HttpRequest, person_id: str) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    if not policy.can_edit_person(request.user, person):
        raise Http404
    if request.method == "POST":
        form = PersonForm(request.POST, instance=Person.objects.get(pk=person.pk))
        if form.is_valid():
            changed = people.update_person(
                person=person, values=form.cleaned_data, by=request.user, request=request
            )
            if changed:
                messages.success(request, _("Saved."))
            return redirect(person)
    else:
        people.record_read(person=person, by=request.user, request=request, what="edit_form")
        form = PersonForm(instance=person)
    return render(request, "referrals/person_edit.html", {"form": form, "person": person})
