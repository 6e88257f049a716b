"""Plain language: what residents read is at or below a US grade-8 reading level.

Which strings: every string marked for translation, as `make messages` extracts it from
the code now, that is used in a resident-facing source below (a string shared with a staff
page counts too). Of those, the *texts*: four words or more once markup and placeholders
are gone; a label or button name ("Phone:", "Save") is not prose to grade.

How they are measured (docs/accessibility.md):
- the Flesch-Kincaid grade level (Kincaid, Fishburne, Rogers & Chissom 1975, "Derivation of
  new readability formulas ... for Navy enlisted personnel", Research Branch Report 8-75),
  computed by textstat, of each source file's texts taken together (the formula is meant
  for passages, not single lines; one file is what one page or message shows): at most 8;
- every sentence at most 25 words (plainlanguage.gov, Federal Plain Language Guidelines
  2011, "Write short sentences": average 15-20 words), so one long sentence cannot hide in
  an easy page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest

from commonweal.web.tests.test_translations import extract_with_makemessages, require_gettext

GRADE = 8.0
LONGEST_SENTENCE = 25
SHORTEST_TEXT = 4

# Resident-facing sources, relative to the commonweal package: prefixes of paths.
RESIDENT_SOURCES = (
    # every page's frame: crisis lines, navigation, footer, error pages
    "templates/",
    "web/templates/web/",
    # finding help: search, results and why they match, listings, the resident's list
    "directory/templates/directory/_category_list",
    "directory/templates/directory/_crisis",
    "directory/templates/directory/_filter",
    "directory/templates/directory/_form_errors",
    "directory/templates/directory/_hours",
    "directory/templates/directory/_list_button",
    "directory/templates/directory/_pagination",
    "directory/templates/directory/_results",
    "directory/templates/directory/_search_form",
    "directory/templates/directory/_service_",
    "directory/templates/directory/_suggestions",
    "directory/templates/directory/_why",
    "directory/templates/directory/category_",
    "directory/templates/directory/client_list_message",
    "directory/templates/directory/my_list",
    "directory/templates/directory/organization_detail",
    "directory/templates/directory/saved_services",
    "directory/templates/directory/search",
    "directory/templates/directory/service_detail",
    "directory/forms.py",
    "directory/client_list_forms.py",
    # self-screening: questions' frame, results and what they mean, crisis help
    "screening/templates/screening/_crisis_actions",
    "screening/templates/screening/_instrument_intro",
    "screening/templates/screening/_questionnaire",
    "screening/templates/screening/_results",
    "screening/templates/screening/instrument_list",
    "screening/templates/screening/own_",
    "screening/templates/screening/self_",
    "screening/presenting.py",
    # the person's own referral status page and the reminders they get
    "referrals/templates/referrals/referral/status",
    "referrals/status_page.py",
    "referrals/reminders.py",
    # the partnership's public pages: residents' feedback, "you said, we did", surveys
    "partnerships/templates/partnerships/feedback_form",
    "partnerships/templates/partnerships/feedback_thanks",
    "partnerships/templates/partnerships/you_said",
    "partnerships/templates/partnerships/survey_answer",
    "partnerships/templates/partnerships/survey_list",
    # events: the calendar, a programme's page, signing up and the sign-up's own page
    "programs/templates/programs/calendar",
    "programs/templates/programs/programme_detail",
    "programs/templates/programs/register",
    "programs/templates/programs/registration",
    "programs/templates/programs/_event_when",
    "programs/templates/programs/_programme_facts",
)

MARKUP = re.compile(r"<[^>]+>|&[a-z]+;")
PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|\{\{[^}]*\}\}|\{[^{}]*\}")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def as_text(msgid: str) -> str:
    """A msgid as a reader meets it: no markup, a placeholder read as one short word, and
    a full stop after a phrase, so that each string counts as a sentence of its own."""
    text = PLACEHOLDER.sub("it", MARKUP.sub(" ", msgid))
    text = " ".join(text.split())
    if text and text[-1] not in ".?!:":
        text += "."
    return text


def resident_source(occurrence: str) -> str | None:
    path = occurrence.removeprefix("./")
    return path if path.startswith(RESIDENT_SOURCES) else None


def resident_texts(catalogue: polib.POFile) -> dict[str, list[str]]:
    """Source file -> the resident texts first used there."""
    texts: dict[str, list[str]] = defaultdict(list)
    for entry in catalogue:
        sources = [s for f, _ in entry.occurrences if (s := resident_source(f))]
        text = as_text(entry.msgid)
        if sources and len(text.split()) >= SHORTEST_TEXT:
            texts[sources[0]].append(text)
    return texts


def grade(text: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


def too_hard(texts: dict[str, list[str]]) -> list[str]:
    problems = []
    for source, file_texts in sorted(texts.items()):
        level = grade(" ".join(file_texts))
        if level > GRADE:
            hardest = max(file_texts, key=grade)
            problems.append(f"{source}: grade {level:.1f}; hardest: {hardest!r}")
        for text in file_texts:
            for sentence in SENTENCE_END.split(text):
                if len(sentence.split()) > LONGEST_SENTENCE:
                    problems.append(f"{source}: {len(sentence.split())} words: {sentence!r}")
    return problems


@pytest.fixture(scope="module")
def current(tmp_path_factory) -> polib.POFile:
    require_gettext()
    return extract_with_makemessages(tmp_path_factory.mktemp("plain"))


def test_it_finds_the_resident_texts(current) -> None:
    texts = resident_texts(current)
    everything = [t for file_texts in texts.values() for t in file_texts]
    assert len(everything) > 150
    # The crisis banner, a result explanation and the status page are among them.
    assert any("988" in t for t in texts["templates/_crisis_banner.html"])
    assert any(t.startswith("Your answers show") for t in texts["screening/presenting.py"])
    assert "referrals/status_page.py" in texts


def test_resident_texts_are_at_or_below_grade_8(current) -> None:
    problems = too_hard(resident_texts(current))
    assert not problems, "Rewrite in plainer words:\n" + "\n".join(problems)


def test_it_would_catch_hard_text_and_a_long_sentence() -> None:
    hard = (
        "Notwithstanding the aforementioned considerations, eligibility determinations "
        "necessitate comprehensive documentation of household composition."
    )
    easy = "Call us. We can help. It is free."
    long_sentence = " ".join(["word"] * 30) + "."
    problems = too_hard({"a.html": [hard], "b.html": [easy], "c.html": [long_sentence]})
    assert [p.split(":")[0] for p in problems] == ["a.html", "c.html"]
    assert grade(easy) <= GRADE < grade(hard)


def test_markup_and_placeholders_are_not_words() -> None:
    assert as_text('<a href="tel:988">Call %(number)s</a> now') == "Call it now."
    assert as_text("Text {{ keyword }} to 741741") == "Text it to 741741."
    assert as_text("Open now?") == "Open now?"


def test_the_sources_named_exist() -> None:
    package = Path(__file__).resolve().parents[2]
    for prefix in RESIDENT_SOURCES:
        folder, _, stem = (package / prefix).as_posix().rpartition("/")
        assert list(Path(folder).glob(stem + "*")), f"{prefix} matches no file"
