"""The search page's form: query string → `SearchRequest`, and `SearchRequest` → query string.

The whole search lives in the URL (a GET form), so a result page can be bookmarked, shared
or sent, and works without JavaScript. Parameter names follow `/api/v1/search` where the
two mean the same (`q`, `near`, `lat`, `lon`, `category`, `language`, `free`, `page`);
the page adds what a form needs: a distance in miles, "open now / open at" as a choice plus
a date and a time, and tick boxes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from commonweal.directory.browse import MAX_QUERY_LENGTH, category_terms
from commonweal.directory.search import filters
from commonweal.directory.search.types import DEFAULT_PER_PAGE, Delivery, SearchRequest

KM_PER_MILE = 1.609344
DISTANCE_MILES = (1, 5, 10, 25, 50)
MAX_DISTANCE_MILES = 500
MAX_PLACE_LENGTH = 200
MAX_PAGE = 500
# Browser positions are rounded before they reach a URL: about a kilometre is plenty to
# rank by distance, and a shared link then does not give away where someone lives.
COORDINATE_DECIMALS = 2
# Category levels offered in the select; deeper terms are still found by words.
CATEGORY_DEPTH = 3
# "Open at" looks at most this far from today: enough to plan a visit, and far from the
# ends of the calendar, where date arithmetic on schedules overflows.
OPEN_DAY_RANGE = dt.timedelta(days=366)
# Kilometres turned into miles land near, not on, a whole number (32 km = 19.88 mi).
LINK_MILES_TOLERANCE = 0.15

# Who a service is for, and how it is given: the filters module's keys and labels.
ELIGIBILITY_CHOICES = tuple(filters.ELIGIBILITY_LABELS.items())
DELIVERY_CHOICES = tuple((way.value, label) for way, label in filters.DELIVERY_LABELS.items())
OPEN_ANY, OPEN_NOW, OPEN_AT = "", "now", "at"
OPEN_CHOICES = (
    (OPEN_ANY, _("Any time")),
    (OPEN_NOW, _("Open now")),
    (OPEN_AT, _("Open at a date and time")),
)
# The fields that narrow results down (the "Clear filters" link drops them).
FILTER_FIELDS = (
    "category",
    "distance",
    "open",
    "open_day",
    "open_time",
    "language",
    "free",
    "eligibility",
    "age",
    "accessible",
    "delivery",
    "accepting",
)
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"]


def _miles_label(miles: float) -> str:
    count = 1 if miles == 1 else 2  # plural form by whether it is exactly one
    return ngettext("Within %(miles)s mile", "Within %(miles)s miles", count) % {
        "miles": _number(miles)
    }


def _is_set(value: Any) -> bool:
    # Age 0 is a real answer; only "nothing chosen" values count as unset.
    return value is not None and value is not False and value != "" and value != []


def _link_miles(miles: float) -> float:
    # The engine widens in kilometres (16 → 32 km): a link says "20 miles", not "19.9",
    # as the results page does. A distance someone chose (2.5) is kept.
    whole = float(round(miles))
    return whole if miles >= 2 and abs(miles - whole) < LINK_MILES_TOLERANCE else miles


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def category_choices() -> list[tuple[str, Any]]:
    """Open Eligibility service categories, grouped by top-level term, children indented.

    Values are term codes (stable across imports, readable in a URL). Read when the select
    is rendered or checked, never for the home page's short form."""
    terms = list(category_terms().values_list("code", "name", "id", "parent_id"))
    children: dict[Any, list[tuple[str, str, Any]]] = {}
    for code, name, term_id, parent_id in terms:
        if code:
            children.setdefault(parent_id, []).append((code, name, term_id))
    for siblings in children.values():
        siblings.sort(key=lambda t: t[1].casefold())

    def descend(parent_id: Any, depth: int) -> Iterator[tuple[str, str]]:
        if depth > CATEGORY_DEPTH:
            return
        for code, name, term_id in children.get(parent_id, []):
            # Non-breaking spaces indent a sub-category in every browser's list.
            yield code, "\u00a0\u00a0" * (depth - 2) + name
            yield from descend(term_id, depth + 1)

    choices: list[tuple[str, Any]] = [("", gettext("All categories"))]
    for code, name, term_id in sorted(children.get(None, []), key=lambda t: t[0]):
        group = [(code, gettext("All of %(category)s") % {"category": name})]
        group.extend(descend(term_id, 2))
        choices.append((name, group))
    return choices


def _language_choices() -> list[tuple[str, str]]:
    # Imported here: directory.forms re-exports SearchForm from this module.
    from commonweal.directory.forms import COMMON_LANGUAGES

    return [("", gettext("Any language"))] + [
        (code, gettext(name)) for code, name in COMMON_LANGUAGES if len(code) == 2
    ]


class SearchForm(forms.Form):
    """Every field optional: an empty form is the empty search page, not an error."""

    q = forms.CharField(
        label=_("What do you need?"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Please shorten your search to %(limit_value)d characters or fewer.")
        },
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("For example: food, rent, counseling"),
            }
        ),
    )
    near = forms.CharField(
        label=_("Where?"),
        help_text=_("A ZIP code, town or street address."),
        max_length=MAX_PLACE_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Please shorten the place to %(limit_value)d characters or fewer.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=filters.FILTER_LABELS["categories"],
        required=False,
        choices=category_choices,
        error_messages={"invalid_choice": _("That category is not in the directory any more.")},
    )
    distance = forms.FloatField(
        label=filters.FILTER_LABELS["radius_km"],
        required=False,
        min_value=0.1,
        max_value=MAX_DISTANCE_MILES,
        error_messages={
            "min_value": _("Choose a distance of at least %(limit_value)s miles."),
            "max_value": _("Choose a distance of at most %(limit_value)s miles."),
            "invalid": _("Choose a distance from the list."),
        },
        widget=forms.Select,
    )
    open = forms.ChoiceField(
        label=_("Opening hours"),
        required=False,
        choices=OPEN_CHOICES,
        widget=forms.RadioSelect,
    )
    open_day = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2026-03-14.")},
    )
    open_time = forms.TimeField(
        label=_("Time"),
        required=False,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time like 09:30 or 2:00 pm.")},
    )
    language = forms.ChoiceField(
        label=filters.FILTER_LABELS["languages"],
        required=False,
        choices=_language_choices,
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    free = forms.BooleanField(label=filters.FILTER_LABELS["free"], required=False)
    eligibility = forms.MultipleChoiceField(
        label=filters.FILTER_LABELS["eligibility"],
        required=False,
        choices=ELIGIBILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    age = forms.IntegerField(
        label=_("Age of the person who needs help"),
        required=False,
        min_value=0,
        max_value=120,
        error_messages={
            "min_value": _("Enter an age from 0 to 120."),
            "max_value": _("Enter an age from 0 to 120."),
            "invalid": _("Enter an age as a number, like 34."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    accessible = forms.BooleanField(label=filters.FILTER_LABELS["accessible"], required=False)
    delivery = forms.MultipleChoiceField(
        label=filters.FILTER_LABELS["delivery"],
        required=False,
        choices=DELIVERY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    accepting = forms.BooleanField(
        label=filters.FILTER_LABELS["accepting_new_clients"], required=False
    )
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    # Set by clean(): "open at" was chosen without a time (shown as a hint, not an error).
    open_time_missing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        distance = self.fields["distance"]
        # No distance chosen is not "any distance": with a place, the engine looks within
        # the usual distance for that kind of place (and offers to widen it).
        choices = [("", gettext("Nearby (the usual distance)"))]
        choices += [(str(m), _miles_label(m)) for m in DISTANCE_MILES]
        # A shared link (or a "search wider" suggestion) may carry another distance:
        # offer it too, so the select shows what the results use.
        current = self.data.get("distance") if self.is_bound else None
        try:
            miles = float(current) if current else None
        except (TypeError, ValueError):
            miles = None
        if miles is not None and 0 < miles <= MAX_DISTANCE_MILES:
            value = _number(miles)
            if value not in {c for c, _label in choices}:
                choices.append((value, _miles_label(miles)))
        distance.widget.choices = choices
        today = timezone.localdate()
        self.fields["open_day"].widget.attrs.update(
            min=(today - OPEN_DAY_RANGE).isoformat(), max=(today + OPEN_DAY_RANGE).isoformat()
        )

    def clean_open_day(self) -> dt.date | None:
        day = self.cleaned_data.get("open_day")
        if day is not None and abs(day - timezone.localdate()) > OPEN_DAY_RANGE:
            raise forms.ValidationError(
                _("Choose a date within a year of today."), code="out_of_range"
            )
        return day

    def clean_page(self) -> int:
        # A page number is never worth an error message: a nonsense one means page 1.
        try:
            page = int(self.cleaned_data.get("page") or 1)
        except ValueError:
            page = 1
        return min(max(page, 1), MAX_PAGE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and "lat" not in self.errors and "lon" not in self.errors:
            self.add_error(
                "near", _("Your location could not be read. Type a ZIP code or a city instead.")
            )
        for name in ("lat", "lon"):
            if name in self.errors:
                # Hidden fields have no place to show an error: say it by the place box.
                self.errors.pop(name)
                data.pop(name, None)
                if not self.has_error("near"):
                    self.add_error(
                        "near",
                        _("Your location could not be read. Type a ZIP code or a city instead."),
                    )
        day, time = data.get("open_day"), data.get("open_time")
        # Without JavaScript people fill in a date or time and forget the radio button.
        if data.get("open") == OPEN_ANY and (day or time):
            data["open"] = OPEN_AT
        # "Open at" without a time yet is a search half chosen (results update as the
        # filters change): search at any time and say what is missing, without an error.
        self.open_time_missing = data.get("open") == OPEN_AT and time is None
        if self.open_time_missing and not self.has_error("open_time"):
            data["open"] = OPEN_ANY
        return data

    def has_search(self) -> bool:
        """Is there anything to search for (words, a place or a filter)?"""
        data = self.cleaned_data
        return bool(data.get("q") or data.get("near") or data.get("lat") is not None) or bool(
            self.filters_used()
        )

    def filters_used(self) -> int:
        """How many filters narrow the results (shown on the closed filter panel)."""
        data = getattr(self, "cleaned_data", None) or {}
        return sum(
            1
            for name in FILTER_FIELDS
            if name not in ("open_day", "open_time") and _is_set(data.get(name))
        )

    def to_request(self) -> SearchRequest:
        """The engine's request from a valid form."""
        return to_request(self.cleaned_data)


def to_request(data: Mapping[str, Any], *, now: dt.datetime | None = None) -> SearchRequest:
    open_choice = data.get("open") or OPEN_ANY
    open_at = None
    if open_choice == OPEN_AT and data.get("open_time") is not None:
        day = data.get("open_day") or timezone.localdate(now)
        open_at = dt.datetime.combine(day, data["open_time"])
    miles = data.get("distance")
    category = data.get("category")
    language = data.get("language")
    lat, lon = data.get("lat"), data.get("lon")
    if lat is None or lon is None:
        lat = lon = None
    return SearchRequest(
        q=data.get("q") or "",
        near=data.get("near") or "",
        lat=round(lat, COORDINATE_DECIMALS) if lat is not None else None,
        lon=round(lon, COORDINATE_DECIMALS) if lon is not None else None,
        radius_km=miles * KM_PER_MILE if miles else None,
        categories=(category,) if category else (),
        open_now=open_choice == OPEN_NOW,
        open_at=open_at,
        languages=(language,) if language else (),
        free=bool(data.get("free")),
        eligibility=tuple(data.get("eligibility") or ()),
        age=data.get("age"),
        accessible=bool(data.get("accessible")),
        delivery=tuple(Delivery(d) for d in data.get("delivery") or ()),
        accepting_new_clients=bool(data.get("accepting")),
        page=data.get("page") or 1,
        per_page=DEFAULT_PER_PAGE,
    )


def to_params(request: SearchRequest) -> list[tuple[str, str]]:
    """The page's query parameters for a request: only what is set, in a stable order."""
    params: list[tuple[str, str]] = []

    def add(name: str, value: Any) -> None:
        params.append((name, str(value)))

    if request.q:
        add("q", request.q)
    if request.near:
        add("near", request.near)
    if request.lat is not None and request.lon is not None:
        add("lat", f"{request.lat:.{COORDINATE_DECIMALS}f}")
        add("lon", f"{request.lon:.{COORDINATE_DECIMALS}f}")
    for category in request.categories[:1]:
        add("category", category)
    if request.radius_km:
        add("distance", _number(_link_miles(request.radius_km / KM_PER_MILE)))
    if request.open_at is not None:
        add("open", OPEN_AT)
        add("open_day", request.open_at.date().isoformat())
        add("open_time", request.open_at.strftime("%H:%M"))
    elif request.open_now:
        add("open", OPEN_NOW)
    for language in request.languages[:1]:
        add("language", language)
    if request.free:
        add("free", "on")
    for key in request.eligibility:
        add("eligibility", key)
    if request.age is not None:
        add("age", request.age)
    if request.accessible:
        add("accessible", "on")
    for way in request.delivery:
        add("delivery", Delivery(way).value)
    if request.accepting_new_clients:
        add("accepting", "on")
    if request.page > 1:
        add("page", request.page)
    return params


def to_query(request: SearchRequest) -> str:
    """`q=rent&near=33130&distance=5` — a shareable URL's query for the request."""
    return urlencode(to_params(request))


def without_filters(request: SearchRequest) -> SearchRequest:
    """The same words and place with every filter off (the "Clear filters" link)."""
    return SearchRequest(q=request.q, near=request.near, lat=request.lat, lon=request.lon)


def at_page(request: SearchRequest, page: int) -> SearchRequest:
    return replace(request, page=page)
