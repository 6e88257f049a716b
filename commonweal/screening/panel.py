"""What a person's page shows from screening: start a screening, open safety work, history."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language

from commonweal import policy
from commonweal.screening import history, instruments


def for_person_page(*, person: Any, by: Any, request: HttpRequest | None = None) -> dict[str, Any]:
    """Context for the person page's screening section (the caller checked access)."""
    language = get_language() or "en"
    return {
        "screening_history": history.for_person(person=person, by=by, request=request),
        "open_follow_ups": list(
            policy.visible_follow_ups(by).filter(person=person).still_open().order_by("due_at")
        ),
        "can_screen": policy.acting_organization(by, person) is not None,
        "instruments": [
            (instrument.code, instrument.name_in(language), instrument.title_in(language))
            for instrument in instruments.available()
        ],
    }
