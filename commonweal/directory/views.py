"""Directory pages: results, categories, service and organization detail, partner editing.

Views parse the request, call one read (browse) or write (editing) function and render.
Every page is complete server-rendered HTML; an htmx request for results gets the
results partial only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from commonweal import policy
from commonweal.directory import browse, client_list, editing, hours, intake, language_names, saved
from commonweal.directory.forms import (
    HoursFormSet,
    LanguagesForm,
    OrganizationForm,
    PhoneFormSet,
    SearchForm,
    ServiceForm,
)
from commonweal.directory.intake_form import IntakeForm
from commonweal.directory.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceIntake,
)
from commonweal.directory.search import results_page
from commonweal.directory.search.types import CrisisLevel, SearchRequest, SearchResponse
from commonweal.insights import search_log

PAGE_SIZE = 20


def _page(
    request: HttpRequest, items: QuerySet[Service]
) -> tuple[Page, list[browse.ServiceSummary]]:
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, browse.summarise(page.object_list)


def _run_search(search_request: SearchRequest) -> SearchResponse:
    # Imported when first used: the engine loads its vocabulary and index helpers.
    from commonweal.directory.search import engine

    return engine.search(search_request)


def _crisis_of(text: str) -> CrisisLevel:
    """The crisis level of words the engine did not read (a form with errors)."""
    from commonweal.directory.search import engine

    return engine.crisis_level(text)


def _crisis_shown(request: HttpRequest) -> CrisisLevel | None:
    """The crisis level the search page being updated by htmx shows now (None: unknown).

    htmx sends the page's address; its words give the level shown above the form."""
    try:
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
    except ValueError:  # a malformed header ("http://[" is no URL): nothing known shown
        return None
    if current.path != reverse("directory:search"):
        return None
    return _crisis_of(QueryDict(current.query).get("q", ""))


@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    crisis = CrisisLevel.NONE
    if form.is_bound:
        if form.is_valid():
            if form.has_search():
                search_request = form.to_request()
                response = _run_search(search_request)
                last = results_page.last_page(response)
                if response.page > last:
                    # An old link past the end (results changed): show the last page
                    # rather than a count with nothing under it.
                    response = _run_search(results_page.at_page(search_request, last))
                results = results_page.build(response)
                crisis = response.crisis
                search_log.record(response, channel="page", headers=request.headers)
        else:
            crisis = _crisis_of(request.GET.get("q", ""))
    htmx = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )
    query = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    context: dict[str, Any] = {
        "form": form,
        "query": query,
        # One title for the page and for htmx, which swaps it in as results change.
        "page_title": _("Results for “%(query)s”") % {"query": query} if query else _("Search"),
        "results": results,
        "crisis": crisis,
        "htmx": htmx,
        # Swapping crisis help in again as filters change would make a screen reader
        # repeat it (it is an alert): only a change of level is sent.
        "crisis_changed": not htmx or _crisis_shown(request) != crisis,
        "list_ids": set(client_list.service_ids(request.session)),
        "list_next": request.get_full_path(),
        "clear_filters_url": results.clear_filters_url if results else "",
    }
    response = render(
        request, "directory/_results.html" if htmx else "directory/search.html", context
    )
    if htmx and results is not None:
        # The address bar shows the tidy, shareable form of the search.
        response["HX-Push-Url"] = results.share_url
    return response


def category_detail(request: HttpRequest, term_id: str) -> HttpResponse:
    term = get_object_or_404(browse.category_terms().select_related("parent"), id=term_id)
    page, results = _page(request, browse.with_summary(browse.services_in_category(term)))
    return render(
        request,
        "directory/category_detail.html",
        {
            "term": term,
            "ancestors": browse.ancestors(term),
            "subcategories": browse.subcategories(term),
            "page": page,
            "results": results,
        },
    )


def _dedupe_phones(phones: list[Any]) -> list[Any]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for phone in phones:
        key = ("".join(ch for ch in phone.number if ch.isdigit()), phone.extension)
        if key not in seen:
            seen.add(key)
            unique.append(phone)
    return unique


def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.select_related("organization", "program").prefetch_related(
            "phones",
            "languages",
            "schedules",
            "cost_options",
            "required_documents",
            "service_areas",
            "contacts__phones",
            "additional_urls",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "phones",
                    "schedules",
                    "location__addresses",
                    "location__phones",
                    "location__schedules",
                    "location__languages",
                    "location__accessibility",
                ),
            ),
        ),
        id=service_id,
    )
    sals = list(service.service_at_locations.all())
    approximate = browse.approximate_location_ids([sal.location for sal in sals])
    places = [
        {
            "location": sal.location,
            "addresses": sorted(
                sal.location.addresses.all(), key=lambda a: a.address_type != "physical"
            ),
            "approximate": sal.location.id in approximate,
            "hours": hours.describe(
                {
                    s.id: s
                    for s in [*sal.schedules.all(), *sal.location.schedules.all()]
                    if s.service_id in (None, service.id)
                }.values()
            ),
        }
        for sal in sals
    ]
    phones = list(service.phones.all())
    for sal in sals:
        phones.extend(sal.phones.all())
        phones.extend(sal.location.phones.all())
    service_languages = {
        language_names.display_name(name=lang.name, code=lang.code)
        for lang in service.languages.all()
        if lang.name or lang.code
    } - {""}
    # A schedule row tied to a location is shown with that location, not twice.
    own_schedules = [
        s
        for s in service.schedules.all()
        if s.location_id is None and s.service_at_location_id is None
    ]
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "places": places,
            "phones": _dedupe_phones(phones),
            "hours": hours.describe(own_schedules),
            "languages": sorted(service_languages),
            "categories": browse.categories_of(service),
            "can_edit": policy.can_edit_service(request.user, service),
            "is_listed": service.status not in browse.HIDDEN_STATUSES,
            "is_saved": saved.is_saved(user=request.user, service=service),
            "intake": ServiceIntake.objects.filter(service=service).first(),
        },
    )


@login_required
@require_POST
def service_save(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_object_or_404(Service, id=service_id)
    if saved.save(user=request.user, service=service):
        messages.success(request, _("Saved. You can find it under “Saved services”."))
    return redirect(service)


@login_required
@require_POST
def service_unsave(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_object_or_404(Service, id=service_id)
    if saved.unsave(user=request.user, service=service):
        messages.success(request, _("Removed from your saved services."))
    if request.POST.get("from") == "saved":
        return redirect("directory:saved_services")
    return redirect(service)


@never_cache
@login_required
def saved_services(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/saved_services.html",
        {"saved": saved.saved_services(request.user)},
    )


def organization_detail(request: HttpRequest, organization_id: str) -> HttpResponse:
    organization = get_object_or_404(
        Organization.objects.prefetch_related("phones", "contacts__phones", "additional_urls"),
        id=organization_id,
    )
    can_edit = policy.can_edit_organization(request.user, organization)
    services = (
        Service.objects.filter(organization=organization) if can_edit else browse.listed_services()
    )
    services = browse.with_summary(
        services.filter(organization=organization).order_by("name", "id")
    )
    locations = Location.objects.filter(organization=organization).prefetch_related("addresses")
    return render(
        request,
        "directory/organization_detail.html",
        {
            "organization": organization,
            "services": browse.summarise(services),
            "locations": locations,
            "can_edit": can_edit,
        },
    )


# Partner editing ---------------------------------------------------------------


def _editable_service(request: HttpRequest, service_id: str) -> Service:
    service = get_object_or_404(Service.objects.select_related("organization"), id=service_id)
    if not policy.can_edit_service(request.user, service):
        raise PermissionDenied(editing.NOT_ALLOWED)
    return service


def _editable_organization(request: HttpRequest, organization_id: str) -> Organization:
    organization = get_object_or_404(Organization, id=organization_id)
    if not policy.can_edit_organization(request.user, organization):
        raise PermissionDenied(editing.NOT_ALLOWED)
    return organization


def _add_errors(form: Form, error: ValidationError) -> None:
    """Show a domain validation error on the form field it names (or the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _saved(request: HttpRequest, changed: bool) -> None:
    if changed:
        messages.success(request, _("Your changes are saved and shown to the public now."))
    else:
        messages.info(request, _("Nothing changed."))


@login_required
def my_organizations(request: HttpRequest) -> HttpResponse:
    if not policy.can_edit_some_listing(request.user):
        raise PermissionDenied(_("Only partner staff and coalition admins edit listings."))
    organizations = [
        {
            "organization": organization,
            # Branches of one service often share its name; the address tells them apart.
            "services": browse.summarise(
                browse.with_summary(
                    Service.objects.filter(organization=organization).order_by("name", "id")
                )
            ),
        }
        for organization in policy.own_organizations(request.user).order_by("name")
    ]
    return render(
        request,
        "directory/my_organizations.html",
        {"organizations": organizations, "edits_any": policy.can_edit_any_listing(request.user)},
    )


@login_required
def organization_edit(request: HttpRequest, organization_id: str) -> HttpResponse:
    organization = _editable_organization(request, organization_id)
    if request.method == "POST":
        form = OrganizationForm.for_organization(organization, request.POST)
        if form.is_valid():
            try:
                changed = editing.update_organization(
                    organization, by=request.user, changes=form.cleaned_data, request=request
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                _saved(request, bool(changed))
                return redirect(organization)
    else:
        form = OrganizationForm.for_organization(organization)
    return render(
        request, "directory/organization_edit.html", {"organization": organization, "form": form}
    )


@login_required
def service_create(request: HttpRequest, organization_id: str) -> HttpResponse:
    organization = _editable_organization(request, organization_id)
    if request.method == "POST":
        form = ServiceForm(request.POST)
        if form.is_valid():
            try:
                service = editing.create_service(
                    organization=organization,
                    by=request.user,
                    values=form.cleaned_data,
                    request=request,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("The service is added. Now add its phones, hours and languages.")
                )
                return redirect("directory:service_edit", service_id=service.id)
    else:
        form = ServiceForm(initial={"status": "active"})
    return render(
        request, "directory/service_create.html", {"organization": organization, "form": form}
    )


@login_required
def service_edit(request: HttpRequest, service_id: str) -> HttpResponse:
    service = _editable_service(request, service_id)
    if request.method == "POST":
        form = ServiceForm.for_service(service, request.POST)
        if form.is_valid():
            try:
                changed = editing.update_service(
                    service, by=request.user, changes=form.cleaned_data, request=request
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                _saved(request, bool(changed))
                return redirect(service)
    else:
        form = ServiceForm.for_service(service)
    return render(
        request,
        "directory/service_edit.html",
        {"service": service, "form": form, "section": "details"},
    )


def _formset_error(formset: Any, error: ValidationError) -> None:
    formset._non_form_errors = formset.error_class(error.messages, renderer=formset.renderer)


@login_required
def service_edit_phones(request: HttpRequest, service_id: str) -> HttpResponse:
    service = _editable_service(request, service_id)
    initial = [
        {
            "id": p.id,
            "number": p.number,
            "extension": p.extension,
            "type": p.type,
            "description": p.description,
        }
        for p in service.phones.order_by("number", "id")
    ]
    if request.method == "POST":
        formset = PhoneFormSet(request.POST, prefix="phones")
        if formset.is_valid():
            phones = [
                f.as_input()
                for f in formset.forms
                if f.cleaned_data
                and not f.cleaned_data.get("DELETE")
                and f.cleaned_data.get("number")
            ]
            try:
                changed = editing.set_phones(
                    service, by=request.user, phones=phones, request=request
                )
            except ValidationError as error:
                _formset_error(formset, error)
            else:
                _saved(request, changed)
                return redirect(service)
    else:
        formset = PhoneFormSet(initial=initial, prefix="phones")
    return render(
        request,
        "directory/service_edit_phones.html",
        {"service": service, "formset": formset, "section": "phones"},
    )


@login_required
def service_edit_hours(request: HttpRequest, service_id: str) -> HttpResponse:
    service = _editable_service(request, service_id)
    current = editing.weekly_hours(service)
    initial = [
        {"days": list(p.days), "opens_at": p.opens_at, "closes_at": p.closes_at} for p in current
    ]
    other_schedules = [s for s in service.schedules.all() if not editing.is_weekly_row(s)]
    if request.method == "POST":
        formset = HoursFormSet(request.POST, prefix="hours")
        if formset.is_valid():
            periods = [
                f.as_input()
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                changed = editing.set_weekly_hours(
                    service, by=request.user, hours=periods, request=request
                )
            except ValidationError as error:
                _formset_error(formset, error)
            else:
                _saved(request, changed)
                return redirect(service)
    else:
        formset = HoursFormSet(initial=initial, prefix="hours")
    return render(
        request,
        "directory/service_edit_hours.html",
        {
            "service": service,
            "formset": formset,
            "other_hours": hours.describe(other_schedules),
            "section": "hours",
        },
    )


@login_required
def service_edit_languages(request: HttpRequest, service_id: str) -> HttpResponse:
    service = _editable_service(request, service_id)
    current = [
        editing.LanguageInput(name=lang.name, code=lang.code) for lang in service.languages.all()
    ]
    if request.method == "POST":
        form = LanguagesForm(request.POST, current=current)
        if form.is_valid():
            try:
                changed = editing.set_languages(
                    service, by=request.user, languages=form.as_inputs(), request=request
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                _saved(request, changed)
                return redirect(service)
    else:
        form = LanguagesForm(current=current)
    return render(
        request,
        "directory/service_edit_languages.html",
        {"service": service, "form": form, "section": "languages"},
    )


def category_index(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/category_index.html", {"categories": browse.top_categories()})


@login_required
def service_edit_intake(request: HttpRequest, service_id: str) -> HttpResponse:
    """Partner staff say whether the service takes new clients and referrals, and the wait."""
    service = _editable_service(request, service_id)
    if request.method == "POST":
        form = IntakeForm.for_values(intake.current(service), request.POST)
        if form.is_valid():
            try:
                changed = intake.set_intake(
                    service, by=request.user, values=form.as_input(), request=request
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                _saved(request, changed)
                return redirect(service)
    else:
        form = IntakeForm.for_values(intake.current(service))
    return render(
        request,
        "directory/service_edit_intake.html",
        {"service": service, "form": form, "section": "intake"},
    )
