"""The starter pages (programs/data/education/): complete, safe, and in plain language.

How they are measured, as commonweal/web/tests/test_plain_language.py measures resident
strings: English by the Flesch-Kincaid grade (textstat), at most US grade 8; Spanish by
Fernández-Huerta (1959) and Szigriszt-Pazos (1993, the INFLESZ scale), both at "fairly
easy" (bastante fácil) or easier: at least 70 and 65. Every sentence has at most 25 words
(Federal Plain Language Guidelines, 2011). List items and headings count as sentences.
"""

from __future__ import annotations

import re

import pytest
import textstat

from commonweal.programs import education, education_markup

GRADE = 8.0
FERNANDEZ_HUERTA_FAIRLY_EASY = 70.0
SZIGRISZT_PAZOS_FAIRLY_EASY = 65.0
LONGEST_SENTENCE = 25
REQUIRED = {
    "what-is-a-support-group",
    "first-counselling-visit",
    "help-a-friend-who-is-struggling",
    "getting-food-help",
    "what-a-community-health-worker-does",
    "after-a-referral",
}
PAGES = education.read_starter_pages()
VERSIONS = [(page.slug, version) for page in PAGES for version in page.versions]


def _prose(version: education.StarterVersion) -> str:
    lines = [
        version.title,
        version.summary,
        *education_markup.plain_text(version.body).splitlines(),
    ]
    # A heading or list item is read as a sentence of its own.
    return "\n".join(
        line if line.rstrip().endswith((".", "?", "!", ":")) else f"{line}."
        for line in lines
        if line.strip()
    )


@pytest.fixture
def spanish():
    textstat.set_lang("es")
    yield
    textstat.set_lang("en")


def test_the_library_has_every_required_page_in_english_and_spanish() -> None:
    assert {page.slug for page in PAGES} >= REQUIRED
    for page in PAGES:
        assert {v.language for v in page.versions} >= {"en", "es"}, page.slug


@pytest.mark.parametrize(
    ("slug", "version"), VERSIONS, ids=[f"{s}-{v.language}" for s, v in VERSIONS]
)
def test_every_sentence_is_short(slug: str, version: education.StarterVersion) -> None:
    for sentence in re.split(r"(?<=[.!?:])\s+", _prose(version)):
        assert len(sentence.split()) <= LONGEST_SENTENCE, f"{slug} ({version.language}): {sentence}"


@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_the_english_text_is_at_grade_8_or_below(page: education.StarterPage) -> None:
    [english] = [v for v in page.versions if v.language == "en"]
    assert textstat.flesch_kincaid_grade(_prose(english)) <= GRADE


@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_the_spanish_text_is_fairly_easy_or_easier(page: education.StarterPage, spanish) -> None:
    [version] = [v for v in page.versions if v.language == "es"]
    text = _prose(version)
    assert textstat.fernandez_huerta(text) >= FERNANDEZ_HUERTA_FAIRLY_EASY
    assert textstat.szigriszt_pazos(text) >= SZIGRISZT_PAZOS_FAIRLY_EASY


def test_the_page_on_helping_a_friend_gives_988_and_asks_directly_about_suicide() -> None:
    [page] = [p for p in PAGES if p.slug == "help-a-friend-who-is-struggling"]
    assert page.crisis_related
    english = next(v for v in page.versions if v.language == "en").body
    spanish = next(v for v in page.versions if v.language == "es").body
    # The #BeThe1To action steps (988 Suicide & Crisis Lifeline), in their order.
    steps = ["Ask", "Be there", "Keep them safe", "Help them connect", "Follow up"]
    headings = [h.text for h in education_markup.headings(english) if h.text[0].isdigit()]
    assert headings == [f"{n}. {step}" for n, step in enumerate(steps, start=1)]
    assert "Are you thinking about suicide?" in english
    assert "¿Estás pensando en suicidarte?" in spanish
    for body in (english, spanish):
        assert "**988**" in body and "**911**" in body


def test_the_starter_pages_render_without_raw_html() -> None:
    for _slug, version in VERSIONS:
        html = education_markup.render(version.body)
        assert "<script" not in html and "&lt;" not in html  # no stray markup in the files


def test_every_link_in_the_starter_pages_is_safe() -> None:
    for slug, version in VERSIONS:
        for url in re.findall(r"\]\(([^)]+)\)", version.body):
            assert education_markup.safe_url(url), f"{slug}: {url}"
