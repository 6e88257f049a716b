"""Screening instruments as data: load, check and look up the questionnaire definitions.

Each instrument is one JSON file (`screening/instruments/<code>.json`, format checked by
`instruments/schema.json`). A partnership adds a local questionnaire without code by
dropping a JSON file into the folder named by the `COMMONWEAL_INSTRUMENTS_DIR` setting.
A malformed definition is refused at load with an `InstrumentDefinitionError` naming the
file and the JSON path of the problem, so a bad file never half-works in front of a person.
A refused local file is left out (the bundled instruments, crisis screening among them,
keep working) and reported by the system check and `commonweal check-instruments`.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.core import checks
from django.core.signals import setting_changed
from django.dispatch import receiver

BUNDLED_DIR = Path(__file__).resolve().parent / "instruments"
SCHEMA_PATH = BUNDLED_DIR / "schema.json"
OPEN_ELIGIBILITY_CSV = (
    Path(__file__).resolve().parent.parent / "directory" / "data" / "open_eligibility.csv"
)

# Instruments without a LOINC panel are named by this stable canonical base (the `.example`
# top-level domain is reserved, so it can never collide with a real publisher's URL).
CANONICAL_BASE = "https://commonweal.example/fhir/Questionnaire/"
LOINC_SYSTEM = "http://loinc.org"
LOINC_Q_BASE = "http://loinc.org/q/"
DEFAULT_LANGUAGE = "en"

logger = logging.getLogger(__name__)


class InstrumentDefinitionError(ValueError):
    """A definition file is malformed; the message names the file and the JSON path."""

    def __init__(self, source: str, path: str, message: str) -> None:
        self.source = source
        self.path = path
        self.message = message
        super().__init__(f"{source}: at {path}: {message}")


class UnknownInstrument(LookupError):
    """No instrument has that code or canonical URL."""


@dataclass(frozen=True)
class Option:
    code: str
    label: Mapping[str, str]
    score: int | None = None
    system: str | None = None
    exclusive: bool = False  # "none of the above" in a multi-choice item
    offered: bool = True  # False: accepted from other systems, never shown in forms

    def label_in(self, language: str) -> str:
        return localized(self.label, language)


@dataclass(frozen=True)
class Item:
    link_id: str
    type: str  # "choice", "multi-choice" or "text"
    text: Mapping[str, str]
    options: tuple[Option, ...] = ()
    code: str | None = None  # the item's LOINC code where LOINC has one
    required: bool = False
    group: str | None = None

    def text_in(self, language: str) -> str:
        return localized(self.text, language)

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)

    @property
    def offered_options(self) -> tuple[Option, ...]:
        return tuple(option for option in self.options if option.offered)

    @property
    def scored(self) -> bool:
        return any(option.score is not None for option in self.options)


@dataclass(frozen=True)
class Group:
    id: str
    title: Mapping[str, str]
    code: str | None = None

    def title_in(self, language: str) -> str:
        return localized(self.title, language)


@dataclass(frozen=True)
class Instrument:
    code: str
    name: Mapping[str, str]  # short name, e.g. "PHQ-9"
    title: Mapping[str, str]
    url: str  # the canonical used in FHIR output
    aliases: tuple[str, ...]
    loinc_panel: str | None
    audience: str  # "adult", "youth" or "any"
    languages: tuple[str, ...]
    items: tuple[Item, ...]
    groups: tuple[Group, ...]
    scores: tuple[Mapping[str, Any], ...]  # declarative rules, read by scoring.py
    safety: tuple[Mapping[str, Any], ...]
    sources: tuple[Mapping[str, Any], ...]
    copyright: str = ""
    description: Mapping[str, str] = field(default_factory=dict)
    version: str = ""
    origin: str = ""  # the file it was loaded from
    local: bool = False  # added by the partnership (COMMONWEAL_INSTRUMENTS_DIR)

    def name_in(self, language: str) -> str:
        return localized(self.name, language)

    def title_in(self, language: str) -> str:
        return localized(self.title, language)

    def description_in(self, language: str) -> str:
        return localized(self.description, language) if self.description else ""

    def item(self, link_id: str) -> Item:
        return self._items_by_link_id[link_id]

    @functools.cached_property
    def _items_by_link_id(self) -> dict[str, Item]:
        return {item.link_id: item for item in self.items}

    @property
    def canonicals(self) -> tuple[str, ...]:
        """Every URL a QuestionnaireResponse may use to name this instrument."""
        urls = [self.url, *self.aliases, CANONICAL_BASE + self.code]
        if self.loinc_panel:
            urls.append(LOINC_Q_BASE + self.loinc_panel)
        return tuple(dict.fromkeys(urls))

    def language_for(self, language: str) -> str:
        """The language to show: the requested one if the validated text exists, else English.

        Validated instruments are never machine-translated, so a Spanish page shows an
        English-only instrument in English (marked with lang="en").
        """
        base = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
        return base if base in self.languages else DEFAULT_LANGUAGE


def localized(texts: Mapping[str, str], language: str) -> str:
    base = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
    return texts.get(language) or texts.get(base) or texts[DEFAULT_LANGUAGE]


# --- public look-ups ------------------------------------------------------------------------


def get(code: str) -> Instrument:
    """The instrument with this code (e.g. "phq-9"); UnknownInstrument if none."""
    try:
        return _registry().by_code[code]
    except KeyError:
        raise UnknownInstrument(f"unknown instrument {code!r}") from None


def available(language: str | None = None, audience: str | None = None) -> list[Instrument]:
    """Every loaded instrument, bundled first then local ones, optionally filtered.

    `language`: only instruments with a validated text in that language.
    `audience`: "adult" or "youth" — instruments for that audience or for anyone.
    """
    instruments = list(_registry().by_code.values())
    if language:
        base = language.split("-")[0].lower()
        instruments = [i for i in instruments if base in i.languages]
    if audience:
        instruments = [i for i in instruments if i.audience in (audience, "any")]
    return instruments


def by_canonical(url: str) -> Instrument:
    """The instrument a FHIR canonical names (LOINC q/ URL, own URL or a known alias).

    A `|version` suffix is ignored; UnknownInstrument if none matches.
    """
    bare = (url or "").split("|", 1)[0].strip().rstrip("/")
    try:
        return _registry().by_url[bare]
    except KeyError:
        raise UnknownInstrument(f"no instrument has the canonical URL {bare!r}") from None


def clear_cache() -> None:
    """Forget loaded definitions (after COMMONWEAL_INSTRUMENTS_DIR or the files change)."""
    _registry.cache_clear()


@receiver(setting_changed)
def _on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting == "COMMONWEAL_INSTRUMENTS_DIR":
        clear_cache()


@checks.register("commonweal")
def check_definitions(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Django system check: every definition (bundled and local) loads, before anyone screens."""
    try:
        problems = _registry.__wrapped__().problems
    except InstrumentDefinitionError as error:
        problems = (error,)
    return [
        checks.Error(
            str(problem),
            hint="Fix the file, then run `commonweal check-instruments <file>`.",
            id="screening.E001",
        )
        for problem in problems
    ]


def problems() -> tuple[InstrumentDefinitionError, ...]:
    """The local definitions that were refused (and so are not offered), with the reason."""
    return _registry().problems


# --- loading and checking -------------------------------------------------------------------


@dataclass
class _Registry:
    by_code: dict[str, Instrument]
    by_url: dict[str, Instrument]
    problems: tuple[InstrumentDefinitionError, ...] = ()


def definition_paths() -> list[tuple[Path, bool]]:
    """(file, is_local) for every definition: the bundled ones, then the local folder's."""
    paths = [(path, False) for path in sorted(BUNDLED_DIR.glob("*.json")) if path != SCHEMA_PATH]
    local_dir = getattr(settings, "COMMONWEAL_INSTRUMENTS_DIR", None)
    if local_dir:
        folder = Path(local_dir)
        if not folder.is_dir():
            raise InstrumentDefinitionError(
                str(folder), "$", "COMMONWEAL_INSTRUMENTS_DIR is not a folder"
            )
        paths += [(path, True) for path in sorted(folder.glob("*.json"))]
    return paths


@functools.cache
def _registry() -> _Registry:
    by_code: dict[str, Instrument] = {}
    by_url: dict[str, Instrument] = {}
    problems: list[InstrumentDefinitionError] = []
    try:
        paths = definition_paths()
    except InstrumentDefinitionError as error:
        # A mistyped local folder must not take the bundled instruments (and with them
        # the crisis screens) down: they are loaded and the problem is reported.
        problems.append(error)
        paths = [
            (path, False) for path in sorted(BUNDLED_DIR.glob("*.json")) if path != SCHEMA_PATH
        ]
    for path, local in paths:
        try:
            instrument = _load_unique(path, local, by_code, by_url)
        except InstrumentDefinitionError as error:
            if not local:
                raise  # a bundled definition is the product's own: a bug, never skipped
            problems.append(error)
            # The file name and schema message only: a definition holds no person data.
            logger.error("local screening instrument left out: %s", error)
            continue
        by_code[instrument.code] = instrument
        for url in instrument.canonicals:
            by_url[url] = instrument
    return _Registry(by_code=by_code, by_url=by_url, problems=tuple(problems))


def _load_unique(
    path: Path, local: bool, by_code: Mapping[str, Instrument], by_url: Mapping[str, Instrument]
) -> Instrument:
    instrument = load_file(path, local=local)
    if instrument.code in by_code:
        raise InstrumentDefinitionError(
            str(path),
            "$.code",
            f"code {instrument.code!r} is already used by {by_code[instrument.code].origin}",
        )
    for url in instrument.canonicals:
        if url in by_url:
            raise InstrumentDefinitionError(
                str(path),
                "$.url",
                f"canonical URL {url!r} is already used by {by_url[url].origin}",
            )
    return instrument


def load_file(path: Path | str, *, local: bool = False) -> Instrument:
    """Read, check and build one definition file (what `check-instruments` runs)."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InstrumentDefinitionError(source, "$", f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise InstrumentDefinitionError(
            source, "$", f"cannot read the file: {error.strerror}"
        ) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InstrumentDefinitionError(
            source, "$", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    return build(data, source=source, local=local)


def build(data: Any, *, source: str = "<definition>", local: bool = False) -> Instrument:
    """Check a parsed definition against the schema and its own references; build it."""
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        error = _most_useful(errors[0])
        raise InstrumentDefinitionError(source, error.json_path, _schema_message(error))
    return _Checker(data, source, local).build()


def _most_useful(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    # oneOf/anyOf report "is not valid under any of the given schemas"; the deepest
    # sub-error usually says what is actually wrong.
    best = jsonschema.exceptions.best_match([error])
    return best or error


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return f"unexpected field: {error.message}"
    return error.message


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def open_eligibility_codes() -> frozenset[str]:
    with OPEN_ELIGIBILITY_CSV.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["id"] for row in csv.DictReader(handle))


class _Checker:
    """The checks a JSON Schema cannot express: references between parts of a definition."""

    def __init__(self, data: dict[str, Any], source: str, local: bool) -> None:
        self.data = data
        self.source = source
        self.local = local
        self.languages = tuple(data["languages"])
        self.source_ids = {s["id"] for s in data["sources"]}

    def fail(self, path: str, message: str) -> None:
        raise InstrumentDefinitionError(self.source, path, message)

    def build(self) -> Instrument:
        data = self.data
        self.texts("$.name", data["name"])
        self.texts("$.title", data["title"])
        if "description" in data:
            self.texts("$.description", data["description"])
        if len(self.source_ids) != len(data["sources"]):
            self.fail("$.sources", "two sources share an id")
        answer_sets = data.get("answer_sets", {})
        for set_id, options in answer_sets.items():
            self.options(f"$.answer_sets.{set_id}", options)
        groups = []
        for index, group in enumerate(data.get("groups", [])):
            self.texts(f"$.groups[{index}].title", group["title"])
            groups.append(Group(id=group["id"], title=group["title"], code=group.get("code")))
        group_ids = {g.id for g in groups}
        if len(group_ids) != len(groups):
            self.fail("$.groups", "two groups share an id")
        items: list[Item] = []
        for index, raw in enumerate(data["items"]):
            path = f"$.items[{index}]"
            self.texts(f"{path}.text", raw["text"])
            self.refs(f"{path}.sources", raw["sources"])
            if raw.get("group") is not None and raw["group"] not in group_ids:
                self.fail(f"{path}.group", f"no group has the id {raw['group']!r}")
            if any(item.link_id == raw["linkId"] for item in items):
                self.fail(f"{path}.linkId", f"linkId {raw['linkId']!r} is used twice")
            options: list[dict[str, Any]] = []
            answers = raw.get("answers")
            if isinstance(answers, str):
                if answers not in answer_sets:
                    self.fail(f"{path}.answers", f"no answer set has the id {answers!r}")
                options = answer_sets[answers]
            elif answers is not None:
                self.options(f"{path}.answers", answers)
                options = answers
            items.append(
                Item(
                    link_id=raw["linkId"],
                    type=raw["type"],
                    text=raw["text"],
                    options=tuple(
                        Option(
                            code=o["code"],
                            label=o["label"],
                            score=o.get("score"),
                            system=o.get("system"),
                            exclusive=o.get("exclusive", False),
                            offered=o.get("offered", True),
                        )
                        for o in options
                    ),
                    code=raw.get("code"),
                    required=raw.get("required", False),
                    group=raw.get("group"),
                )
            )
        by_id = {item.link_id: item for item in items}
        score_codes: set[str] = set()
        for index, rule in enumerate(data["scores"]):
            self.score_rule(f"$.scores[{index}]", rule, by_id)
            if rule["code"] in score_codes:
                self.fail(f"$.scores[{index}].code", f"score code {rule['code']!r} is used twice")
            if rule["code"] in by_id:
                self.fail(f"$.scores[{index}].code", "a score code must not also be an item linkId")
            score_codes.add(rule["code"])
        for index, rule in enumerate(data.get("safety", [])):
            self.refs(f"$.safety[{index}].sources", rule["sources"])
            self.condition(f"$.safety[{index}].when", rule["when"], by_id)
        return Instrument(
            code=data["code"],
            name=data["name"],
            title=data["title"],
            url=data["url"],
            aliases=tuple(data.get("aliases", ())),
            loinc_panel=data.get("loinc_panel"),
            audience=data["audience"],
            languages=self.languages,
            items=tuple(items),
            groups=tuple(groups),
            scores=tuple(data["scores"]),
            safety=tuple(data.get("safety", ())),
            sources=tuple(data["sources"]),
            copyright=data.get("copyright", ""),
            description=data.get("description", {}),
            version=data.get("version", ""),
            origin=self.source,
            local=self.local,
        )

    def texts(self, path: str, texts: Mapping[str, str]) -> None:
        for language in self.languages:
            if language not in texts:
                self.fail(path, f"no {language!r} text, but languages lists {language!r}")
        for language in texts:
            if language not in self.languages:
                self.fail(
                    f"{path}.{language}",
                    f"text in {language!r}, which languages does not list "
                    "(only a published validated translation may be added)",
                )

    def refs(self, path: str, refs: Iterable[str]) -> None:
        for ref in refs:
            if ref not in self.source_ids:
                self.fail(path, f"no source has the id {ref!r}")

    def options(self, path: str, options: list[dict[str, Any]]) -> None:
        codes = set()
        for index, option in enumerate(options):
            self.texts(f"{path}[{index}].label", option["label"])
            self.refs(f"{path}[{index}].sources", option.get("sources", ()))
            if option["code"] in codes:
                self.fail(f"{path}[{index}].code", f"answer code {option['code']!r} is used twice")
            codes.add(option["code"])
            if option.get("system") == LOINC_SYSTEM and "sources" not in option:
                self.fail(f"{path}[{index}].sources", "a LOINC answer code needs a source")

    def score_rule(self, path: str, rule: Mapping[str, Any], by_id: Mapping[str, Item]) -> None:
        self.refs(f"{path}.sources", rule["sources"])
        for index, link_id in enumerate(rule["items"]):
            item = by_id.get(link_id)
            if item is None:
                self.fail(f"{path}.items[{index}]", f"no item has the linkId {link_id!r}")
            if rule["method"] == "sum":
                if item.type != "choice":
                    self.fail(f"{path}.items[{index}]", f"item {link_id!r} is not a single choice")
                unscored = [o.code for o in item.options if o.score is None]
                if unscored:
                    self.fail(
                        f"{path}.items[{index}]",
                        f"item {link_id!r} has options without a score: {', '.join(unscored)}",
                    )
        if rule["method"] == "any":
            known = {o.code for link_id in rule["items"] for o in by_id[link_id].options}
            for index, code in enumerate(rule["answers"]):
                if code not in known:
                    self.fail(f"{path}.answers[{index}]", f"no item in this rule offers {code!r}")
        for index, code in enumerate(rule.get("need_categories", ())):
            if code not in open_eligibility_codes():
                self.fail(
                    f"{path}.need_categories[{index}]",
                    f"{code!r} is not an Open Eligibility code (directory/data/open_eligibility.csv)",
                )
        bands = sorted(rule.get("bands", ()), key=lambda band: band["min"])
        for index, band in enumerate(bands):
            if band["min"] > band["max"]:
                self.fail(f"{path}.bands", f"band {band['code']!r} has min above max")
            self.texts(f"{path}.bands[{index}].label", band["label"])
            if index and band["min"] <= bands[index - 1]["max"]:
                self.fail(
                    f"{path}.bands",
                    f"bands {bands[index - 1]['code']!r} and {band['code']!r} overlap",
                )

    def condition(self, path: str, condition: Mapping[str, Any], by_id: Mapping[str, Item]) -> None:
        if "all" in condition:
            for index, part in enumerate(condition["all"]):
                self.condition(f"{path}.all[{index}]", part, by_id)
            return
        for index, link_id in enumerate(condition["items"]):
            item = by_id.get(link_id)
            if item is None:
                self.fail(f"{path}.items[{index}]", f"no item has the linkId {link_id!r}")
            if "min_score" in condition and not item.scored:
                self.fail(f"{path}.items[{index}]", f"item {link_id!r} has no scores")
        if "answers" in condition:
            known = {o.code for link_id in condition["items"] for o in by_id[link_id].options}
            for index, code in enumerate(condition["answers"]):
                if code not in known:
                    self.fail(f"{path}.answers[{index}]", f"no item in this rule offers {code!r}")
