"""Community voice: residents' anonymous feedback, its review, and "you said, we did".

Nothing that identifies the writer is asked for or kept (no account, name, contact or
address; not the IP). Words that signal danger put crisis help first on the thanks page —
the rule of lib/crisis.py, the same as for searches. What the public page shows is the
coalition admins' own summary and response, published on purpose, never the words sent.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from commonweal.directory.search.types import CrisisLevel
from commonweal.lib import crisis
from commonweal.partnerships.models import Feedback

REVIEW_FIELDS = ("status", "you_said", "we_did", "published")


@transaction.atomic
def submit(*, topic: str, text: str, language: str) -> tuple[Feedback, bool]:
    """Store a resident's feedback; returns it and whether it signals danger now."""
    feedback = Feedback(topic=topic, text=text.strip(), language=language[:8])
    feedback.full_clean()
    feedback.save()
    return feedback, crisis.crisis_level(text) == CrisisLevel.EMERGENCY


@transaction.atomic
def review(feedback: Feedback, *, by: Any, **details: Any) -> Feedback:
    """Record the admins' review: status, the public summary and response, and whether to
    publish them."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    for name in REVIEW_FIELDS:
        if name in details:
            setattr(feedback, name, details[name])
    feedback.full_clean()
    feedback.save()
    return feedback


def published() -> Any:
    return Feedback.objects.filter(published=True).order_by("-created_at")
