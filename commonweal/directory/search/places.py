"""Where a person is looking: ZIP codes, city and neighbourhood names, addresses and the
browser's position turned into a point, plus the distance arithmetic search needs.

Three sources of places, tried in this order:

1. ZIP codes (5 digits or ZIP+4) → the Census ZCTA internal point
   (`sources/geocode.zip_centroid`, public domain, bundled for the whole country).
2. The bundled gazetteer `data/places.csv` (name, state, lat, lon, kind, source): the
   municipalities and the neighbourhoods people name in Miami-Dade ("Little Havana",
   "Allapattah"), which no public file we could bundle covers. Each point is the mean of
   the Census ZCTA internal points of the ZIP codes listed in its `source` column; the
   name → ZIP association is ours (common usage), see data/README.md.
3. Cities derived from the directory itself: every (city, state) written in an address
   gets the median position of its locations (the ZIP point where a location has no
   coordinates). This works for any deployment's data without a national place file
   (the Census Gazetteer of Places could not be fetched on the build machines). It is
   computed once per process and recomputed when an address is saved or deleted
   (signals), when `clear_cache()` is called (after an import), or when a cheap
   fingerprint of the addresses changes (checked at most every 10 seconds).

"near me": `extract_place` returns `NEAR_ME` as the place text; `resolve(NEAR_ME, lat,
lon)` gives the browser's coordinates, and without them a message asking for the location
or a ZIP code, so the page can ask the browser.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db.models import Count, Max, Min
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from commonweal.directory.models import Address
from commonweal.directory.search.types import Place
from commonweal.directory.sources.geocode import normalize_zip, zip_centroid

PLACES_FILE = Path(__file__).resolve().parent.parent / "data" / "places.csv"

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
NEAR_ME = "me"
MAX_PLACE_TEXT = 200

# Radius when the request gives none: a ZIP or a point is "around here" (≈ 10 miles); a
# city is wider; a neighbourhood is part of a city.
DEFAULT_RADIUS_KM = {"zip": 16.0, "coordinates": 16.0, "address": 16.0, "city": 25.0}
NEIGHBORHOOD_RADIUS_KM = 10.0

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "PR": "Puerto Rico",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
_STATE_NAMES = {name.casefold(): code for code, name in US_STATES.items()} | {
    "florida": "FL",
    "fla": "FL",
}

# Words before a place in a query, longest first so "cerca de" wins over "de".
_PREPOSITIONS = (
    "close to",
    "cerca de",
    "cerca del",
    "around",
    "near",
    "in",
    "at",
    "by",
    "en",
    "por",
)
_PREPOSITION_RE = "|".join(re.escape(p) for p in _PREPOSITIONS)
_NEAR_ME_RE = re.compile(
    r"\b(?:near\s+me|nearby|near\s+by|close\s+to\s+me|close\s+by|around\s+me|"
    r"near\s+my\s+(?:location|house|home)|cerca\s+de\s+m[ií]|cerca\s+de\s+aqu[ií]|"
    r"cerca\s+de\s+mi\s+(?:casa|ubicaci[oó]n)|cerca)\s*$",
    re.IGNORECASE,
)
# What the "Where?" field may say instead of a place: use the browser's position.
_NEAR_ME_WORDS = {
    NEAR_ME,
    "near me",
    "nearby",
    "my location",
    "current location",
    "here",
    "cerca de mí",
    "cerca de mi",
    "mi ubicación",
    "mi ubicacion",
    "aquí",
    "aqui",
}
# Five digits that are an amount, not a ZIP code ("owe 10001 dollars", "$20000").
_MONEY_AFTER_RE = re.compile(r"^\s*(?:dollars?|usd|bucks|pesos|d[oó]lares)\b", re.IGNORECASE)
_ZIP_TOKEN_RE = re.compile(r"(?<![\w-])(\d{5})(?:-\d{4})?(?![\w-])")
_HOUSE_NUMBER_RE = re.compile(r"^\s*\d+[a-z]?\s+\S", re.IGNORECASE)
# A street address written before a city ("444 SW 2nd Ave", "1550 N.W. 10th Street"):
# the bundled gazetteer places the city, and the street is not part of the need.
_STREET_TYPES = (
    "st|street|ave|avenue|av|rd|road|blvd|boulevard|dr|drive|ct|court|ln|lane|way|pl|place|"
    "ter|terrace|hwy|highway|pkwy|parkway|cir|circle|trl|trail|calle|avenida"
)
_STREET_ADDRESS_RE = re.compile(
    rf"\b\d+[a-z]?\s+(?:\S+\s+){{0,4}}?(?:{_STREET_TYPES})\.?(?:\s+(?:apt|unit|#)\s*\S+)?\s*,?\s*$",
    re.IGNORECASE,
)

# Place names that are also everyday words: taken from a query only after a preposition
# ("in Homestead"), never bare ("homestead exemption").
_COMMON_WORD_PLACES = {
    "homestead",
    "sunrise",
    "medley",
    "naples",
    "princeton",
    "redland",
    "marathon",
    "plantation",
    "university",
    "opportunity",
    "liberty",
    "independence",
    "progress",
    "harmony",
    "freedom",
    "hope",
    "friendship",
    "unity",
}


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    state: str
    lat: float
    lon: float
    kind: str  # "city" | "neighborhood"
    source: str


def normalize_name(text: str) -> str:
    """A place name as a lookup key: no accents, case, punctuation, or "Ft."/"St." variants."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    words = text.split()
    aliases = {"ft": "fort", "st": "saint", "mt": "mount", "n": "north", "s": "south"}
    return " ".join(aliases.get(w, w) for w in words)


@cache
def bundled_places() -> tuple[GazetteerEntry, ...]:
    with PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            GazetteerEntry(
                name=row["name"],
                state=row["state"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                kind=row["kind"],
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        )


class _DirectoryCities:
    """The cities derived from the directory, with a lookup index, per process."""

    fingerprint: tuple[object, ...] | None = None
    checked_at: float = -math.inf
    index: dict[str, list[GazetteerEntry]] = {}


# The fingerprint query costs a few milliseconds at 100k addresses, too much for every
# search: it runs at most this often. Saves clear the cache at once (signals), and an
# import should call `clear_cache()`; the fingerprint is the safety net for bulk writes.
CHECK_EVERY_SECONDS = 10.0


def clear_cache(**_kwargs: object) -> None:
    """Forget the cities derived from the directory (after an import; on address saves)."""
    _DirectoryCities.fingerprint = None
    _DirectoryCities.checked_at = -math.inf
    _DirectoryCities.index = {}


# Single saves and deletes clear it at once; bulk imports change the fingerprint.
post_save.connect(clear_cache, sender=Address, dispatch_uid="places-address-saved")
post_delete.connect(clear_cache, sender=Address, dispatch_uid="places-address-deleted")


def _fingerprint() -> tuple[object, ...]:
    # Indexed columns only, so this stays a few milliseconds at 100k addresses.
    row = Address.objects.aggregate(
        n=Count("id"), first=Min("postal_code"), last=Max("postal_code")
    )
    return (row["n"], row["first"], row["last"])


def directory_places() -> tuple[GazetteerEntry, ...]:
    """(city, state) points from the directory's own addresses (median of positions)."""
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    rows = Address.objects.values_list(
        "city", "state_province", "postal_code", "location__latitude", "location__longitude"
    )
    for city, state, postal_code, lat, lon in rows.iterator(chunk_size=5000):
        key = (normalize_name(city or ""), (state or "").strip().upper())
        if not key[0]:
            continue
        if lat is None or lon is None:
            centre = zip_centroid(postal_code or "")
            if centre is None:
                continue
            lat, lon = centre
        points[key].append((lat, lon))
        names.setdefault(key, (city or "").strip())
    return tuple(
        GazetteerEntry(
            name=names[key],
            state=key[1],
            lat=statistics.median(p[0] for p in pts),
            lon=statistics.median(p[1] for p in pts),
            kind="city",
            source=f"directory:{len(pts)}",
        )
        for key, pts in points.items()
    )


def gazetteer_index() -> dict[str, list[GazetteerEntry]]:
    """Normalised name → entries, bundled ones first (the curated point wins)."""
    now = time.monotonic()
    if _DirectoryCities.fingerprint is not None and (
        now - _DirectoryCities.checked_at < CHECK_EVERY_SECONDS
    ):
        return _DirectoryCities.index
    fingerprint = _fingerprint()
    if _DirectoryCities.fingerprint != fingerprint:
        index: dict[str, list[GazetteerEntry]] = defaultdict(list)
        for entry in (*bundled_places(), *directory_places()):
            index[normalize_name(entry.name)].append(entry)
        _DirectoryCities.index = dict(index)
        _DirectoryCities.fingerprint = fingerprint
    _DirectoryCities.checked_at = now
    return _DirectoryCities.index


def _split_state(text: str) -> tuple[str, str | None]:
    """("Miami Beach", "FL") from "Miami Beach, FL" / "miami beach fl" / "Hialeah, Florida"."""
    cleaned = text.strip().strip(",").strip()
    parts = [p.strip() for p in cleaned.split(",") if p.strip()]
    if len(parts) >= 2:
        last = parts[-1]
        state = _state_code(last)
        if state:
            return ", ".join(parts[:-1]), state
    words = cleaned.replace(",", " ").split()
    for n in (2, 1):
        if len(words) > n:
            state = _state_code(" ".join(words[-n:]))
            if state:
                return " ".join(words[:-n]), state
    return cleaned, None


def _state_code(text: str) -> str | None:
    text = text.strip().rstrip(".")
    if text.upper() in US_STATES and (len(text) == 2):
        return text.upper()
    return _STATE_NAMES.get(text.casefold())


def lookup_name(
    text: str, *, fuzzy: bool = True, index: dict[str, list[GazetteerEntry]] | None = None
) -> GazetteerEntry | None:
    """The gazetteer entry for a place name (with or without its state), or None."""
    name, state = _split_state(text)
    key = normalize_name(name)
    if not key:
        return None
    index = gazetteer_index() if index is None else index
    candidates = index.get(key, [])
    if not candidates and fuzzy and len(key) >= 5:
        # Spelling slips ("Hialea", "Alapatah"): the nearest known name, if close.
        match = process.extractOne(key, list(index), scorer=fuzz.ratio, score_cutoff=85)
        if match is not None:
            candidates = index[match[0]]
    if state:
        candidates = [c for c in candidates if c.state == state]
    return candidates[0] if candidates else None


def _label(entry: GazetteerEntry) -> str:
    return f"{entry.name}, {entry.state}" if entry.state else entry.name


def not_found_message(text: str) -> str:
    return _("We could not find the place “%(place)s”. Try a ZIP code.") % {"place": text}


def _valid_coordinates(lat: float | None, lon: float | None) -> bool:
    return (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


def resolve(near: str, lat: float | None, lon: float | None) -> tuple[Place | None, str | None]:
    """The place a search is about, or None and a message saying why not (translated).

    Typed text wins over the browser's position when it names a place; otherwise a valid
    lat/lon is used ("your location"). `NEAR_ME` (or empty text) with no position asks
    for one. An address resolves to its ZIP code's point, else its city's: the label
    says which ("33136", "Miami, FL"), so nobody thinks we placed the street.
    """
    text = " ".join((near or "").split())[:MAX_PLACE_TEXT]
    has_point = lat is not None or lon is not None
    if has_point and not _valid_coordinates(lat, lon):
        return None, _("Your location could not be read. Type a ZIP code or a city instead.")
    point = (
        Place(label=_("your location"), lat=float(lat), lon=float(lon), kind="coordinates")  # type: ignore[arg-type]
        if has_point
        else None
    )
    if not text or text.casefold() in _NEAR_ME_WORDS:
        if point is not None:
            return point, None
        if text:
            return None, _(
                "To search near you, let your browser share your location, or type a ZIP code."
            )
        return None, None
    place = _resolve_text(text)
    if place is not None:
        return place, None
    if point is not None:
        return point, None
    return None, not_found_message(text)


def _zip_place(code: str) -> Place | None:
    zcta = normalize_zip(code)
    centre = zip_centroid(code) if zcta else None
    if centre is None:
        return None
    return Place(label=zcta, lat=centre[0], lon=centre[1], kind="zip")  # type: ignore[arg-type]


def _resolve_text(text: str) -> Place | None:
    if normalize_zip(text) is not None:
        return _zip_place(text)
    # An address or "City, ST 33136": the last ZIP written in it.
    zips = _ZIP_TOKEN_RE.findall(text)
    if zips:
        place = _zip_place(zips[-1])
        if place is not None:
            return place
    index = gazetteer_index()
    entry = lookup_name(text, fuzzy=not _HOUSE_NUMBER_RE.match(text), index=index)
    if entry is None and "," in text:
        # "1550 NW 10th Ave, Miami, FL": try the trailing parts as a city.
        parts = [p.strip() for p in text.split(",") if p.strip()]
        for start in range(1, len(parts)):
            entry = lookup_name(", ".join(parts[start:]), index=index)
            if entry is not None:
                break
    if entry is None and _HOUSE_NUMBER_RE.match(text):
        # "444 SW 2nd Ave Miami FL": the longest trailing run of words that names a city.
        words = text.split()
        for size in range(min(4, len(words) - 1), 0, -1):
            entry = lookup_name(" ".join(words[-size:]), index=index)
            if entry is not None:
                break
    if entry is None:
        return None
    kind = "city" if entry.kind == "city" else "neighborhood"
    return Place(label=_label(entry), lat=entry.lat, lon=entry.lon, kind=kind)


def extract_place(q: str) -> tuple[str, str]:
    """Split a query into (need words, place text); (q, "") when it names no place.

    "food pantry near 33125" → ("food pantry", "33125"); "dentista en Hialeah" →
    ("dentista", "Hialeah"); "detox 33130" → ("detox", "33130"); "food near me" →
    ("food", NEAR_ME): the caller then uses the browser's position. A ZIP is taken
    anywhere in the query when it is a real ZIP; a name only at the end, and a name that
    is also an everyday word ("homestead") only after "in"/"near"/"en".
    """
    text = " ".join((q or "").split())
    if not text:
        return "", ""
    near_me = _NEAR_ME_RE.search(text)
    if near_me:
        return text[: near_me.start()].strip(" ,"), NEAR_ME
    for match in _ZIP_TOKEN_RE.finditer(text):
        if zip_centroid(match.group(1)) is None:
            continue
        if text[: match.start()].endswith("$") or _MONEY_AFTER_RE.match(text[match.end() :]):
            continue
        before = text[: match.start()]
        before = re.sub(rf"(?:\b(?:{_PREPOSITION_RE})\s*)$", "", before, flags=re.IGNORECASE)
        need = f"{before.strip(' ,')} {text[match.end() :].strip(' ,')}".strip()
        return need, match.group(0)
    words = text.split()
    index = gazetteer_index()
    # Longest trailing run of words that names a known place, with an optional state.
    for size in range(min(6, len(words)), 0, -1):
        tail = " ".join(words[-size:])
        head_words = words[:-size]
        preposition = ""
        for n in (2, 1):
            candidate = " ".join(head_words[-n:]).casefold() if len(head_words) >= n else ""
            if candidate in _PREPOSITIONS:
                preposition = candidate
                head_words = head_words[:-n]
                break
        name, _state = _split_state(tail)
        key = normalize_name(name)
        if not key or (not preposition and key in _COMMON_WORD_PLACES):
            continue
        entry = lookup_name(tail, fuzzy=bool(preposition), index=index)
        if entry is None:
            continue
        head = " ".join(head_words).strip(" ,")
        street = _STREET_ADDRESS_RE.search(head)
        if street:
            # "food near 444 SW 2nd Ave Miami": the street goes with the place.
            tail = f"{head[street.start() :].strip(' ,')}, {tail.strip(' ,')}"
            head = re.sub(
                rf"(?:\b(?:{_PREPOSITION_RE})\s*)$", "", head[: street.start()], flags=re.IGNORECASE
            ).strip(" ,")
        return head, tail.strip(" ,")
    return text, ""


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle, for an indexed prefilter.

    Exact for the sphere `distance_km` uses (J. Matuschek, "Finding Points Within a
    Distance of a Latitude/Longitude Using Bounding Coordinates"): the longitude extent is
    asin(sin r / cos lat), widest away from the centre's latitude. When the circle holds a
    pole the box spans every longitude. A box crossing the antimeridian is clamped at
    ±180 (no US service area crosses it).
    """
    angular = max(0.0, radius_km) / EARTH_RADIUS_KM
    lat_r = math.radians(lat)
    min_lat, max_lat = lat_r - angular, lat_r + angular
    if min_lat <= -math.pi / 2 or max_lat >= math.pi / 2:
        return max(-90.0, math.degrees(min_lat)), min(90.0, math.degrees(max_lat)), -180.0, 180.0
    d_lon = math.asin(min(1.0, math.sin(angular) / math.cos(lat_r)))
    return (
        math.degrees(min_lat),
        math.degrees(max_lat),
        max(-180.0, lon - math.degrees(d_lon)),
        min(180.0, lon + math.degrees(d_lon)),
    )


def default_radius_km(place: Place | None) -> float:
    """How far to look when the request sets no radius."""
    if place is None:
        return DEFAULT_RADIUS_KM["zip"]
    if place.kind == "neighborhood":
        return NEIGHBORHOOD_RADIUS_KM
    return DEFAULT_RADIUS_KM.get(place.kind, DEFAULT_RADIUS_KM["zip"])
