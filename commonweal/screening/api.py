"""/api/v1/screenings/ routes of the screening app.

Scoring and the instrument list are open to anonymous callers (self-screening on a phone
needs them) and store nothing. Stored-screening endpoints are appended at the end of this
file by the pages/records side of the app.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from commonweal.screening import fhir, instruments, scoring
from commonweal.screening.types import ScoreResult

router = Router(tags=["screening"])


# --- schemas --------------------------------------------------------------------------------


class ScreeningMessage(Schema):
    detail: str
    errors: list[str] = []


class ScoreOut(Schema):
    code: str
    name: str
    value: int | float | None
    band: str | None
    positive: bool


class NotScorableOut(Schema):
    code: str
    reason: str


class SafetyOut(Schema):
    triggered: bool
    acute: bool
    reasons: list[str]


class ScoreResultOut(Schema):
    instrument: str
    scores: list[ScoreOut]
    positive_domains: list[str]
    not_scorable: list[NotScorableOut]
    safety: SafetyOut


class InstrumentOut(Schema):
    code: str
    name: str
    title: str
    url: str
    canonicals: list[str]
    loinc_panel: str | None
    audience: str
    languages: list[str]
    local: bool


def score_result_json(result: ScoreResult) -> dict[str, Any]:
    """The API's JSON shape of a ScoreResult (also for stored-screening endpoints)."""
    return {
        "instrument": result.instrument,
        "scores": [
            {
                "code": s.code,
                "name": s.name,
                "value": s.value,
                "band": s.band,
                "positive": s.positive,
            }
            for s in result.scores
        ],
        "positive_domains": list(result.positive_domains),
        "not_scorable": [{"code": n.code, "reason": n.reason} for n in result.not_scorable],
        "safety": {
            "triggered": result.safety.triggered,
            "acute": result.safety.acute,
            "reasons": list(result.safety.reasons),
        },
    }


_QR_BODY = {
    "requestBody": {
        "required": True,
        "description": "A FHIR R4 QuestionnaireResponse. `questionnaire` names the instrument "
        "(`http://loinc.org/q/<panel>`, the instrument's canonical, or a US Core canonical); "
        "item linkIds are LOINC item codes; answers are LOINC `valueCoding`s or the option's "
        "`valueInteger` score.",
        "content": {
            "application/fhir+json": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


# --- endpoints ------------------------------------------------------------------------------


@router.post(
    "/score",
    response={200: ScoreResultOut, 400: ScreeningMessage, 404: ScreeningMessage},
    summary="Score a QuestionnaireResponse without storing anything",
    openapi_extra=_QR_BODY,
)
def score(request: HttpRequest):
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return Status(400, {"detail": f"the body is not valid JSON: {error}", "errors": []})
    try:
        instrument, answers = fhir.parse_questionnaire_response(data)
        result = scoring.score(instrument, answers)
    except instruments.UnknownInstrument as error:
        return Status(404, {"detail": str(error.args[0]), "errors": []})
    except (fhir.InvalidResponse, scoring.InvalidAnswers) as error:
        return Status(
            400,
            {"detail": "the QuestionnaireResponse cannot be scored", "errors": list(error.errors)},
        )
    return Status(200, score_result_json(result))


@router.get("/instruments", response=list[InstrumentOut], summary="The screening instruments")
def instrument_list(request: HttpRequest):
    return [
        {
            "code": i.code,
            "name": i.name_in("en"),
            "title": i.title_in("en"),
            "url": i.url,
            "canonicals": list(i.canonicals),
            "loinc_panel": i.loinc_panel,
            "audience": i.audience,
            "languages": list(i.languages),
            "local": i.local,
        }
        for i in instruments.available()
    ]


@router.get(
    "/instruments/{code}",
    response={200: dict[str, Any], 404: ScreeningMessage},
    summary="One instrument as a FHIR R4 Questionnaire",
)
def instrument_detail(request: HttpRequest, code: str, language: str = "en"):
    try:
        instrument = instruments.get(code)
    except instruments.UnknownInstrument as error:
        return Status(404, {"detail": str(error.args[0]), "errors": []})
    return Status(200, fhir.questionnaire(instrument, language))


# --- stored screenings (appended below) -------------------------------------------------------

# Stored screenings: a person's screenings for their care team (token or session), each read
# and write permission-checked and audit-logged. A person outside the caller's care team
# answers 404 — the same as one that does not exist — so ids cannot be probed.

import re  # noqa: E402
import uuid  # noqa: E402

from commonweal import policy  # noqa: E402
from commonweal.accounts.api_auth import api_auth  # noqa: E402
from commonweal.referrals.models import Person  # noqa: E402
from commonweal.screening import recording, results  # noqa: E402
from commonweal.screening.models import SafetyFollowUp, Screening  # noqa: E402

IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"


class SafetyFollowUpOut(Schema):
    id: str
    acute: bool
    status: str
    due_at: str
    url: str


class StoredScreeningOut(Schema):
    id: str
    person_id: str
    instrument: str
    language: str
    created_at: str
    organization_id: str | None
    result: ScoreResultOut
    safety_follow_up: SafetyFollowUpOut | None = None


_STORED_BODY = {
    "requestBody": {
        "required": True,
        "description": "Either a FHIR R4 QuestionnaireResponse (as for `/score`), or "
        '`{"instrument": "phq-9", "language": "en", "answers": {"<linkId>": "<answer code>" | '
        '<score> | [codes] | "text"}}`. Send an `Idempotency-Key` header so a retry '
        "returns the screening already stored instead of storing it twice.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/fhir+json": {"schema": {"type": "object"}},
        },
    }
}


def _person_for(request: HttpRequest, person_id: uuid.UUID) -> Person | None:
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not policy.can_view_person(request.auth, person):
        return None
    return person


def _follow_up_json(request: HttpRequest, follow_up: SafetyFollowUp | None) -> dict | None:
    if follow_up is None:
        return None
    return {
        "id": str(follow_up.pk),
        "acute": follow_up.acute,
        "status": follow_up.status,
        "due_at": follow_up.due_at.isoformat(),
        "url": request.build_absolute_uri(follow_up.get_absolute_url()),
    }


def stored_json(request: HttpRequest, screening: Screening) -> dict[str, Any]:
    return {
        "id": str(screening.pk),
        "person_id": str(screening.person_id),
        "instrument": screening.instrument,
        "language": screening.language,
        "created_at": screening.created_at.isoformat(),
        "organization_id": str(screening.organization_id) if screening.organization_id else None,
        "result": score_result_json(results.from_json(screening.result)),
        "safety_follow_up": _follow_up_json(
            request, SafetyFollowUp.objects.filter(screening=screening).first()
        ),
    }


def _not_found() -> Status:
    return Status(404, {"detail": "no such person in your care", "errors": []})


@router.get(
    "/people/{person_id}/screenings",
    response={200: list[StoredScreeningOut], 404: ScreeningMessage},
    auth=api_auth,
    summary="A person's stored screenings (their care team only)",
)
def person_screenings(request: HttpRequest, person_id: uuid.UUID):
    person = _person_for(request, person_id)
    if person is None:
        return _not_found()
    screenings = list(Screening.objects.for_person(person))
    for screening in screenings:
        recording.record_read(screening=screening, by=request.auth, request=request, what="api")
    return Status(200, [stored_json(request, s) for s in screenings])


# A BCP 47 tag as FHIR's `language` carries it ("en", "es-US"); anything else is refused
# rather than stored (and NUL would not even fit a PostgreSQL column).
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
LANGUAGE_ERROR = 'language: a language code such as "en" or "es-US"'


def _language_ok(language: Any) -> bool:
    return isinstance(language, str) and len(language) <= 16 and bool(LANGUAGE_RE.match(language))


def _parse_stored(data: Any) -> tuple[instruments.Instrument, dict[str, Any], str]:
    """(instrument, answers, language) from a FHIR QuestionnaireResponse or the plain shape."""
    if isinstance(data, dict) and "resourceType" in data:
        language = data.get("language") or "en"
        if not _language_ok(language):
            raise fhir.InvalidResponse([LANGUAGE_ERROR])
        instrument, answers = fhir.parse_questionnaire_response(data)
        return instrument, answers, language
    if not isinstance(data, dict):
        raise fhir.InvalidResponse(["the body must be a JSON object"])
    code = data.get("instrument")
    answers = data.get("answers")
    language = data.get("language") or "en"
    errors = []
    if not isinstance(code, str) or not code:
        errors.append('instrument: the instrument\'s code is required, e.g. "phq-9"')
    if not isinstance(answers, dict):
        errors.append("answers: an object mapping each item's linkId to its answer is required")
    if not _language_ok(language):
        errors.append(LANGUAGE_ERROR)
    unknown = set(data) - {"instrument", "answers", "language"}
    if unknown:
        errors.append(f"unexpected fields: {', '.join(sorted(unknown))}")
    if errors:
        raise fhir.InvalidResponse(errors)
    instrument = instruments.get(code)
    return instrument, answers, language


@router.post(
    "/people/{person_id}/screenings",
    response={
        200: StoredScreeningOut,
        201: StoredScreeningOut,
        400: ScreeningMessage,
        403: ScreeningMessage,
        404: ScreeningMessage,
        409: ScreeningMessage,
    },
    auth=api_auth,
    summary="Score and store a screening of a person (starts the safety protocol if due)",
    openapi_extra=_STORED_BODY,
)
def submit_screening(request: HttpRequest, person_id: uuid.UUID):
    person = _person_for(request, person_id)
    if person is None:
        return _not_found()
    if policy.acting_organization(request.auth, person) is None:
        return Status(403, {"detail": "only the person's care team can screen them", "errors": []})
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return Status(400, {"detail": f"the body is not valid JSON: {error}", "errors": []})
    key = request.META.get(IDEMPOTENCY_HEADER) or None
    if key is not None and not (0 < len(key) <= recording.MAX_KEY_LENGTH and key.isprintable()):
        return Status(
            400,
            {
                "detail": f"Idempotency-Key must have 1 to {recording.MAX_KEY_LENGTH} "
                "printable characters",
                "errors": [],
            },
        )
    try:
        instrument, answers, language = _parse_stored(data)
        recorded = recording.record_for_person(
            person=person,
            instrument=instrument,
            answers=answers,
            language=language,
            by=request.auth,
            idempotency_key=f"api:{key}" if key else None,
            request=request,
        )
    except instruments.UnknownInstrument as error:
        return Status(404, {"detail": str(error.args[0]), "errors": []})
    except (fhir.InvalidResponse, scoring.InvalidAnswers) as error:
        return Status(
            400, {"detail": "the screening cannot be scored", "errors": list(error.errors)}
        )
    except recording.KeyReused:
        return Status(
            409,
            {"detail": "this Idempotency-Key was already used for another screening", "errors": []},
        )
    return Status(201 if recorded.created else 200, stored_json(request, recorded.screening))


def _screening_for(request: HttpRequest, screening_id: uuid.UUID) -> Screening | None:
    screening = (
        Screening.objects.filter(pk=screening_id, person__isnull=False)
        .select_related("person")
        .first()
    )
    if screening is None or not policy.can_view_screening(request.auth, screening):
        return None
    return screening


@router.get(
    "/stored/{screening_id}",
    response={200: StoredScreeningOut, 404: ScreeningMessage},
    auth=api_auth,
    summary="One stored screening (the person's care team only)",
)
def stored_screening(request: HttpRequest, screening_id: uuid.UUID):
    screening = _screening_for(request, screening_id)
    if screening is None:
        return Status(404, {"detail": "no such screening in your care", "errors": []})
    recording.record_read(screening=screening, by=request.auth, request=request, what="api")
    return Status(200, stored_json(request, screening))


@router.get(
    "/stored/{screening_id}/fhir",
    response={200: dict[str, Any], 404: ScreeningMessage},
    auth=api_auth,
    summary="One stored screening as a FHIR R4 Bundle: QuestionnaireResponse + Observations",
)
def stored_screening_fhir(request: HttpRequest, screening_id: uuid.UUID):
    screening = _screening_for(request, screening_id)
    if screening is None:
        return Status(404, {"detail": "no such screening in your care", "errors": []})
    try:
        instrument = instruments.get(screening.instrument)
    except instruments.UnknownInstrument:
        return Status(
            404, {"detail": "this screening's instrument is no longer installed", "errors": []}
        )
    recording.record_read(screening=screening, by=request.auth, request=request, what="fhir")
    subject = f"Patient/{screening.person_id}"
    response_id = str(screening.pk)
    response = fhir.questionnaire_response(
        instrument,
        screening.answers,
        authored=screening.created_at,
        subject=subject,
        resource_id=response_id,
        language=screening.language,
    )
    found = fhir.observations(
        instrument,
        results.from_json(screening.result),
        effective=screening.created_at,
        subject=subject,
        derived_from=f"QuestionnaireResponse/{response_id}",
    )
    entries = [{"fullUrl": f"urn:uuid:{response_id}", "resource": response}]
    for index, observation in enumerate(found):
        observation["id"] = f"{response_id[:8]}-obs-{index + 1}"
        entries.append({"resource": observation})
    return Status(
        200,
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": screening.created_at.isoformat(),
            "entry": entries,
        },
    )
