"""HL7 FHIR R4 for screening: read a QuestionnaireResponse; write Questionnaire,
QuestionnaireResponse and Observation resources.

Input follows what LOINC-based systems send: `questionnaire` is `http://loinc.org/q/<panel>`,
the instrument's own canonical or a US Core canonical of the same instrument; item linkIds
are LOINC item codes (bare or `/44250-9` path style, possibly nested in groups), answered
with LOINC answer codings (`valueCoding`) or the option's score (`valueInteger`).
Resources are plain dicts shaped for `fhir.resources` R4B models (the tests validate them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pydantic

from commonweal.screening import instruments as registry
from commonweal.screening.instruments import CANONICAL_BASE, LOINC_SYSTEM, Instrument, Item
from commonweal.screening.types import Score, ScoreResult

SCORE_SYSTEM = "https://commonweal.example/fhir/CodeSystem/scores"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"


class InvalidResponse(ValueError):
    """The QuestionnaireResponse is malformed; `errors` lists what is wrong (400, not 500)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(self.errors))


# --- reading ----------------------------------------------------------------------------------


def parse_questionnaire_response(data: Any) -> tuple[Instrument, dict[str, Any]]:
    """The instrument a QuestionnaireResponse names, and its answers as `scoring.score` takes them.

    Raises InvalidResponse for a malformed resource and instruments.UnknownInstrument when
    `questionnaire` names no known instrument.
    """
    if not isinstance(data, dict):
        raise InvalidResponse(["the body must be a JSON object (a FHIR QuestionnaireResponse)"])
    if data.get("resourceType") != "QuestionnaireResponse":
        raise InvalidResponse(["resourceType must be 'QuestionnaireResponse'"])
    _validate_with_fhir_models(data)
    canonical = data.get("questionnaire")
    if not canonical:
        raise InvalidResponse(["questionnaire is required: it names the instrument"])
    instrument = registry.by_canonical(canonical)
    answers: dict[str, Any] = {}
    errors: list[str] = []
    _read_items(instrument, data.get("item") or [], answers, errors, path="item")
    if errors:
        raise InvalidResponse(errors)
    return instrument, answers


def _validate_with_fhir_models(data: dict[str, Any]) -> None:
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    try:
        QuestionnaireResponse.model_validate(data)
    except pydantic.ValidationError as error:
        raise InvalidResponse(
            [
                f"{'.'.join(str(part) for part in problem['loc']) or 'resource'}: {problem['msg']}"
                for problem in error.errors()
            ]
        ) from None


def _item_for(instrument: Instrument, link_id: str) -> Item | None:
    # "/44250-9", "44250-9" and "/group/44250-9" all name LOINC item 44250-9.
    last = link_id.rstrip("/").rsplit("/", 1)[-1]
    for item in instrument.items:
        if last in (item.link_id, item.code):
            return item
    return None


def _read_items(
    instrument: Instrument,
    items: list[dict[str, Any]],
    answers: dict[str, Any],
    errors: list[str],
    path: str,
) -> None:
    score_codes = {rule["code"] for rule in instrument.scores} | {
        rule.get("loinc") for rule in instrument.scores
    }
    group_ids = {group.id for group in instrument.groups} | {
        group.code for group in instrument.groups if group.code
    }
    for index, raw in enumerate(items):
        here = f"{path}[{index}]"
        link_id = str(raw.get("linkId", ""))
        item = _item_for(instrument, link_id)
        last = link_id.rstrip("/").rsplit("/", 1)[-1]
        if item is None:
            if last in score_codes:
                continue  # a total the sender calculated: we calculate our own
            if raw.get("item") and not raw.get("answer"):
                _read_items(instrument, raw["item"], answers, errors, f"{here}.item")
                continue
            if last in group_ids and not raw.get("answer"):
                continue
            errors.append(f"{here}: {instrument.name_in('en')} has no item {link_id!r}")
            continue
        if item.link_id in answers:
            errors.append(f"{here}: item {link_id!r} is answered twice")
            continue
        values = []
        for answer_index, answer in enumerate(raw.get("answer") or []):
            value = _answer_value(item, answer, f"{here}.answer[{answer_index}]", errors)
            if value is not None:
                values.append(value)
            if answer.get("item"):
                _read_items(
                    instrument,
                    answer["item"],
                    answers,
                    errors,
                    f"{here}.answer[{answer_index}].item",
                )
        if raw.get("item"):
            _read_items(instrument, raw["item"], answers, errors, f"{here}.item")
        if not values:
            continue
        if item.type == "multi-choice":
            answers[item.link_id] = values
        elif len(values) > 1:
            errors.append(f"{here}: item {link_id!r} takes one answer, got {len(values)}")
        else:
            answers[item.link_id] = values[0]


def _answer_value(item: Item, answer: Mapping[str, Any], path: str, errors: list[str]) -> Any:
    if "valueCoding" in answer:
        coding = answer["valueCoding"]
        code = coding.get("code")
        option = item.option(code) if code else None
        if option is None:
            errors.append(f"{path}: {code!r} is not one of the answers to item {item.link_id}")
            return None
        system = coding.get("system")
        if system and option.system and system != option.system:
            errors.append(
                f"{path}: answer {code!r} to item {item.link_id} must use the system {option.system}"
            )
            return None
        return code
    if "valueInteger" in answer:
        return answer["valueInteger"]  # checked against the option scores by scoring
    if "valueString" in answer:
        if item.type != "text":
            errors.append(f"{path}: item {item.link_id} is answered with a code, not text")
            return None
        return answer["valueString"]
    kinds = ", ".join(key for key in answer if key.startswith("value")) or "no value"
    errors.append(f"{path}: item {item.link_id} cannot take {kinds}")
    return None


# --- writing: Questionnaire -----------------------------------------------------------------------


def questionnaire(instrument: Instrument, language: str = "en") -> dict[str, Any]:
    """The instrument as a FHIR R4 Questionnaire (texts in `language` where validated)."""
    language = instrument.language_for(language)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.code,
        "url": instrument.url,
        "name": _computable_name(instrument.code),
        "title": instrument.title_in(language),
        "status": "active",
        "language": language,
        "subjectType": ["Patient"],
    }
    if instrument.version:
        resource["version"] = instrument.version
    identifiers = [alias for alias in instrument.canonicals if alias != instrument.url]
    if identifiers:
        resource["identifier"] = [
            {"system": "urn:ietf:rfc:3986", "value": alias} for alias in identifiers
        ]
    if instrument.description:
        resource["description"] = instrument.description_in(language)
    if instrument.copyright:
        resource["copyright"] = instrument.copyright
    if instrument.loinc_panel:
        resource["code"] = [
            {
                "system": LOINC_SYSTEM,
                "code": instrument.loinc_panel,
                "display": instrument.name_in("en"),
            }
        ]
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in instrument.items:
        out = _questionnaire_item(item, language)
        if item.group:
            if item.group not in groups:
                group = next(g for g in instrument.groups if g.id == item.group)
                groups[item.group] = {
                    "linkId": group.id,
                    "text": group.title_in(language),
                    "type": "group",
                    "item": [],
                }
                if group.code:
                    groups[item.group]["code"] = [{"system": LOINC_SYSTEM, "code": group.code}]
                items.append(groups[item.group])
            groups[item.group]["item"].append(out)
        else:
            items.append(out)
    resource["item"] = items
    return resource


def _computable_name(code: str) -> str:
    # FHIR's name pattern is [A-Z][A-Za-z0-9_]*: "phq-9" -> "Phq9", "211-needs" -> "Q211Needs".
    name = "".join(part.capitalize() for part in code.split("-"))
    return name if name[0].isalpha() else "Q" + name


def _questionnaire_item(item: Item, language: str) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "text": item.text_in(language)}
    if item.code:
        out["code"] = [{"system": LOINC_SYSTEM, "code": item.code}]
    if item.type == "text":
        out["type"] = "text"
    else:
        out["type"] = "choice"
        if item.type == "multi-choice":
            out["repeats"] = True
        out["answerOption"] = []
        for option in item.offered_options:
            coding = {"code": option.code, "display": option.label_in(language)}
            if option.system:
                coding = {"system": option.system, **coding}
            answer: dict[str, Any] = {"valueCoding": coding}
            if option.score is not None:
                answer["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": option.score}]
            out["answerOption"].append(answer)
    out["required"] = item.required
    return out


# --- writing: QuestionnaireResponse and Observations --------------------------------------------------


def questionnaire_response(
    instrument: Instrument,
    answers: Mapping[str, Any],
    *,
    authored: datetime | None = None,
    subject: str | None = None,
    resource_id: str | None = None,
    language: str = "en",
) -> dict[str, Any]:
    """A completed QuestionnaireResponse for answers already checked by `scoring.score`.

    `subject` is a FHIR reference such as "Patient/123"; pass None for an anonymous screening.
    """
    language = instrument.language_for(language)
    resource: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if resource_id:
        resource["id"] = resource_id
    resource["questionnaire"] = instrument.url
    resource["status"] = "completed"
    if subject:
        resource["subject"] = {"reference": subject}
    if authored:
        resource["authored"] = authored.isoformat()
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in instrument.items:
        value = answers.get(item.link_id)
        if value is None or value == "" or value == []:
            continue
        out = {
            "linkId": item.link_id,
            "text": item.text_in(language),
            "answer": _answers_out(item, value, language),
        }
        if item.group:
            if item.group not in groups:
                groups[item.group] = {"linkId": item.group, "item": []}
                items.append(groups[item.group])
            groups[item.group]["item"].append(out)
        else:
            items.append(out)
    if items:
        resource["item"] = items
    return resource


def _answers_out(item: Item, value: Any, language: str) -> list[dict[str, Any]]:
    if item.type == "text":
        return [{"valueString": str(value)}]
    out = []
    for one in value if isinstance(value, list | tuple) else [value]:
        option = (
            next(o for o in item.options if o.score == one)
            if isinstance(one, int)
            else item.option(one)
        )
        coding = {"code": option.code, "display": option.label_in(language)}
        if option.system:
            coding = {"system": option.system, **coding}
        out.append({"valueCoding": coding})
    return out


def observations(
    instrument: Instrument,
    result: ScoreResult,
    *,
    effective: datetime | None = None,
    subject: str | None = None,
    derived_from: str | None = None,
) -> list[dict[str, Any]]:
    """One Observation per scored result, LOINC-coded where LOINC has a code, interpreted.

    `derived_from` is a reference to the QuestionnaireResponse (e.g. "QuestionnaireResponse/7").
    """
    return [
        _observation(
            instrument, score, effective=effective, subject=subject, derived_from=derived_from
        )
        for score in result.scores
    ]


def _observation(
    instrument: Instrument,
    score: Score,
    *,
    effective: datetime | None,
    subject: str | None,
    derived_from: str | None,
) -> dict[str, Any]:
    rule = next(rule for rule in instrument.scores if rule["code"] == score.code)
    if rule.get("loinc"):
        coding = {"system": LOINC_SYSTEM, "code": rule["loinc"], "display": score.name}
    else:
        coding = {"system": SCORE_SYSTEM, "code": score.code, "display": score.name}
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}
        ],
        "code": {"coding": [coding], "text": score.name},
    }
    if subject:
        resource["subject"] = {"reference": subject}
    if effective:
        resource["effectiveDateTime"] = effective.isoformat()
    if score.value is None:
        resource["valueBoolean"] = score.positive
    elif rule.get("multiplier") and rule["code"].endswith("percentage"):
        resource["valueQuantity"] = {
            "value": score.value,
            "unit": "%",
            "system": "http://unitsofmeasure.org",
            "code": "%",
        }
    else:
        resource["valueInteger"] = int(score.value)
    interpretation: dict[str, Any] = {
        "coding": [
            {
                "system": INTERPRETATION_SYSTEM,
                "code": "POS" if score.positive else "NEG",
                "display": "Positive" if score.positive else "Negative",
            }
        ]
    }
    if score.band:
        for band in rule.get("bands", ()):
            if band["code"] == score.band:
                interpretation["text"] = registry.localized(band["label"], "en")
    resource["interpretation"] = [interpretation]
    if derived_from:
        resource["derivedFrom"] = [{"reference": derived_from}]
    resource["note"] = [
        {"text": f"Screening result ({instrument.name_in('en')}), not a diagnosis."}
    ]
    return resource


def canonical_url(code: str) -> str:
    """The stable canonical of an instrument without a LOINC panel."""
    return CANONICAL_BASE + code
