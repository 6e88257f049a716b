"""Plain language of what residents read on the events pages and in sign-up messages: at or
below grade 8, by the project's own rule (commonweal/web/tests/test_plain_language.py)."""

from __future__ import annotations

from collections import defaultdict

import polib
import pytest

from commonweal.web.tests.test_plain_language import SHORTEST_TEXT, as_text, too_hard
from commonweal.web.tests.test_translations import extract_with_makemessages, require_gettext

RESIDENT_SOURCES = (
    "programs/templates/programs/calendar",
    "programs/templates/programs/programme_detail",
    "programs/templates/programs/_event_when",
    "programs/templates/programs/_programme_facts",
    "programs/templates/programs/register",
    "programs/templates/programs/registration",
    "programs/templates/programs/messages/",
    "programs/registration.py",
    "programs/forms.py",
    "programs/templatetags/",
    # mobile services: the routes, a route's stops, the next stop near you
    "programs/templates/programs/route_list",
    "programs/templates/programs/route_detail",
    "programs/templates/programs/_next_",
    # the health education library, its "Learn more" boxes and a campaign's public page
    "programs/templates/programs/learn_index",
    "programs/templates/programs/learn_page",
    "programs/templates/programs/_learn_links",
    "programs/templates/programs/campaign_public",
    # a resident's own reminders: setting one, confirming, managing, stopping
    "programs/templates/programs/reminder_facts",
    "programs/templates/programs/reminder_manage",
    "programs/templates/programs/reminder_new",
    "programs/templates/programs/reminder_sent",
    "programs/templates/programs/reminder_stop",
    "programs/reminder_forms.py",
    # offering to volunteer
    "programs/templates/programs/volunteer_list",
    "programs/templates/programs/volunteer_role.html",
    "programs/templates/programs/volunteer_signup",
    "programs/templates/programs/_volunteer_role_facts",
    "programs/volunteer_forms.py",
)


def _texts(catalogue: polib.POFile) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = defaultdict(list)
    for entry in catalogue:
        sources = [
            path
            for found, _line in entry.occurrences
            if (path := found.removeprefix("./")).startswith(RESIDENT_SOURCES)
        ]
        text = as_text(entry.msgid)
        if sources and len(text.split()) >= SHORTEST_TEXT:
            texts[sources[0]].append(text)
    return texts


def test_the_events_pages_and_messages_read_at_grade_8(tmp_path) -> None:
    require_gettext()
    texts = _texts(extract_with_makemessages(tmp_path))
    assert "programs/templates/programs/register.html" in texts
    assert "programs/templates/programs/messages/registration.txt" in texts
    problems = too_hard(texts)
    assert not problems, "Rewrite in plainer words:\n" + "\n".join(problems)


@pytest.mark.parametrize("source", RESIDENT_SOURCES)
def test_the_sources_named_exist(source: str) -> None:
    from pathlib import Path

    package = Path(__file__).resolve().parents[2]
    folder, _, stem = (package / source).as_posix().rpartition("/")
    assert list(Path(folder).glob(stem + "*")), f"{source} matches no file"
