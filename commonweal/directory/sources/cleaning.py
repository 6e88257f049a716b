"""Source values made fit for HSDS 3.0: free text, dates, ages, websites, phone extensions."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import quote

from commonweal.directory.schema_validation import is_uri

# Internal markers some exports leave in free text, e.g. Miami 211's "###MON###".
_MARKER_RE = re.compile(r"#{2,}\s*[A-Z]{2,6}\s*#+|(?<![\w#])[A-Z]{3}#{2,}")


def clean_text(value: str) -> str:
    """Free text as people should read it: literal "\\n" sequences become real line
    breaks, internal markers like "###MON###" go, runs of blank lines shrink to one."""
    if not value:
        return ""
    value = (
        value.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n").replace("\\t", " ")
    )
    value = _MARKER_RE.sub("", value)
    lines = [line.rstrip() for line in value.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%Y-%m-%dT%H:%M:%S",
)


def parse_date(text: str) -> date | None:
    text = text.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}T", text):
        text = text[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_AGE_PATTERNS = [
    # "5-17 years old", "ages 5 to 17", "between 18 and 24 years of age"
    (
        re.compile(r"\b(\d{1,3})\s*(?:-|–|to|through|and)\s*(\d{1,3})\s*(?:years?|yrs?)\b", re.I),
        "range",
    ),
    (re.compile(r"\bages?\s*(\d{1,3})\s*(?:-|–|to|through)\s*(\d{1,3})\b", re.I), "range"),
    # "55 and older", "age 60 or over", "18+"
    (
        re.compile(
            r"\b(\d{1,3})\s*(?:years?|yrs?)?(?:\s*old|\s*of age)?\s*(?:and|or)\s*(?:older|over|above|up)\b",
            re.I,
        ),
        "min",
    ),
    (
        re.compile(
            r"\bages?\s*(\d{1,3})\s*(?:\+|and\s*(?:older|over|above|up)|or\s*(?:older|over|above))",
            re.I,
        ),
        "min",
    ),
    (re.compile(r"\b(\d{1,3})\s*\+", re.I), "min"),
]
_AGE_WORDS = re.compile(
    r"\b\d{1,3}\s*(?:years?|yrs?|months?|mos?)\b|\bages?\s*\d|\b(?:over|under|older than|younger than)\s*\d",
    re.I,
)


def parse_ages(text: str) -> tuple[int | None, int | None]:
    """(minimum_age, maximum_age) when the text states exactly one age limit ("5-17
    years old", "55 and older"); (None, None) when it states none or several."""
    found: set[tuple[int | None, int | None]] = set()
    spans: list[tuple[int, int]] = []
    for pattern, kind in _AGE_PATTERNS:
        for match in pattern.finditer(text):
            if any(s <= match.start() < e for s, e in spans):
                continue
            spans.append(match.span())
            if kind == "range":
                low, high = int(match[1]), int(match[2])
                if low < high <= 120:
                    found.add((low, high))
                else:
                    return None, None
            else:
                found.add((int(match[1]), None))
    # Any other age wording ("over 18", "6 months", a second "years") makes it ambiguous.
    mentions = [
        m for m in _AGE_WORDS.finditer(text) if not any(s <= m.start() < e for s, e in spans)
    ]
    if len(found) != 1 or mentions:
        return None, None
    return next(iter(found))


_DOMAIN_RE = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?([/?#].*)?$")


def web_address(value: str) -> str:
    """A website as an absolute URI, as HSDS 3.0 requires (`format: uri`).

    "www.example.org" → "http://www.example.org"; Windows-style backslashes become slashes
    and characters a URI cannot hold ({, }, spaces) are %-encoded. A value that still is
    not a web address (e.g. a bare word such as "releasethesilence") is dropped: it would
    make the record fail the official schema and no browser could open it.
    """
    value = value.strip().replace("\\", "/")
    if not value:
        return ""
    if "://" not in value and not value.lower().startswith("mailto:"):
        if not _DOMAIN_RE.match(value):
            return ""
        value = "http://" + value
    value = quote(value, safe=_URI_SAFE)
    return value if is_uri(value) else ""


# RFC 3986 reserved and unreserved characters, plus "%" so existing escapes survive.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


_EXTENSION_RE = re.compile(r"^(?P<number>.*?\d)\s*(?:x|ext\.?|extension)\s*(?P<ext>\w+)$", re.I)


def split_extension(number: str) -> tuple[str, str]:
    """ "305-573-4200 x57471" → ("305-573-4200", "57471")."""
    match = _EXTENSION_RE.match(number.strip())
    if not match:
        return number.strip(), ""
    return match["number"].strip(), match["ext"]
