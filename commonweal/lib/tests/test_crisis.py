from __future__ import annotations

import json
from pathlib import Path

import pytest

from commonweal.directory.search.types import CrisisLevel
from commonweal.lib import crisis
from commonweal.lib.crisis import crisis_level, matched_terms, signals_self_harm

EMERGENCY, TOPIC, NONE = CrisisLevel.EMERGENCY, CrisisLevel.TOPIC, CrisisLevel.NONE


@pytest.mark.parametrize(
    "text",
    [
        # suicide and self-harm, English
        "I want to  kill myself",
        "i dont want to be alive",
        "I don't want to live anymore",
        "I DON’T WANT TO LIVE",
        "suicide",
        "SUICIDAL thoughts",
        "feeling suicidal",
        "sucide",
        "suicidal",
        "sucidal help",
        "suiside",
        "kms",
        "gonna kms tonight",
        "kys",
        "self-harm",
        "selfharm",
        "self harming again",
        "my daughter is cutting herself",
        "i keep cutting myself",
        "want to die",
        "wanna die",
        "better off dead",
        "i want to end it all",
        "no reason to live",
        "thinking about ending my life",
        "how to unalive myself",
        "my friend is suicidal what do i do",
        # the hard cases docs/search.md puts on the emergency side
        "my brother died by suicide last year",
        "mi papá se suicidó",
        "rape crisis center",
        "not suicidal, just need food",
        "suicide hotline",
        # suicide and self-harm, Spanish
        "quiero morir",
        "me quiero morir",
        "suicidio",
        "Quiero SUICIDARME",
        "me quiero matar",
        "me voy a matar",
        "quiero cortarme",
        "hacerme daño",
        "no quiero vivir más",
        "ya no quiero vivir",
        "quitarme la vida",
        "pensamientos suicidas",
        "suisidio",
        "mi hijo se quiere matar",
        # overdose and poisoning
        "overdose help",
        "my son overdosed",
        "he is overdosing",
        "she took too many pills",
        "my baby drank bleach",
        "he's not breathing",
        "sobredosis",
        "se tomó muchas pastillas",
        "mi hijo tomó cloro",
        # violence, to or from someone
        "he is going to kill me",
        "my husband said he's gonna kill me",
        "my boyfriend hits me",
        "he beats me",
        "I was raped",
        "domestic violence shelter",
        "abusive relationship",
        "I want to kill my husband",
        "afraid for my life",
        "quiero matarlo",
        "lo voy a matar",
        "mi esposo me pega",
        "me golpea",
        "me va a matar",
        "violencia doméstica",
        "me violaron",
    ],
)
def test_danger_in_english_and_spanish_is_an_emergency(text: str) -> None:
    assert crisis_level(text) == EMERGENCY
    assert signals_self_harm(text)


@pytest.mark.parametrize(
    "text",
    [
        "suicide prevention training volunteer",
        "volunteer for suicide prevention",
        "suicide awareness",
        "overdose prevention",
        "naloxone",
        "where to get narcan",
        "poison control",
        "domestic violence awareness workshop",
        "capacitación en prevención del suicidio",
        "voluntario prevencion de suicidio",
        "taller sobre violencia domestica",
        "naloxona gratis",
        "suicide rates in miami",
    ],
)
def test_the_subject_as_a_topic_shows_crisis_lines_without_an_emergency(text: str) -> None:
    assert crisis_level(text) == TOPIC
    assert signals_self_harm(text)  # crisis help still comes first on the page


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself, is there suicide prevention training",
        "overdose prevention class, my brother overdosed",
        "suicide prevention volunteer but i want to die",
    ],
)
def test_danger_outweighs_any_topic_word(text: str) -> None:
    assert crisis_level(text) == EMERGENCY


def test_a_topic_word_far_from_the_subject_does_not_make_it_a_topic() -> None:
    assert crisis_level("my son is suicidal and failing at school, he needs special education") == (
        EMERGENCY
    )
    assert crisis_level("suicidal teen needs education") == TOPIC  # within three words


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "food pantry",
        "rent help",
        "diabetes clinic",
        "comida",
        "clinic within 20 kms",
        "clinic 20kms away",
        "sms",
        "killer whale",
        "kill bed bugs",
        "pest control to kill roaches",
        "drug store",
        "drug store open now",
        "skills training",
        "job skills",
        "cut my hair",
        "free haircut",
        "cortarme el pelo",
        "me quiero cortar el pelo",
        "flu shot",
        "shot records for school",
        "vacunas y shots",
        "substance abuse treatment",
        "drug abuse counseling",
        "food poisoning",
        "lead poisoning testing",
        "se corta la luz",
        "ayuda con la luz",
        "my tooth hurts me",
        "hit me up",
        "dead battery jump start",
        "die cut printing",
        "dye my hair",
        "overdue bill",
        "suite for rent",
        "maltrato animal",
        "free grapes",
        "drapes and curtains",
        "knee scrape clinic",
        "find a therapist",
        "<script>alert(1)</script>",
        '" * NEAR( OR -',
    ],
)
def test_ordinary_needs_and_near_misses_stay_quiet(text: str) -> None:
    assert crisis_level(text) == NONE
    assert not signals_self_harm(text)
    assert matched_terms(text) == ()


def test_the_relevance_set_triggers_only_its_violence_queries() -> None:
    from commonweal.directory.search.evaluation import load_relevance_set

    triggered = {q.id for q in load_relevance_set() if crisis_level(q.q) != NONE}

    assert triggered == {"en-dv-1", "en-dv-2", "es-dv-1", "es-dv-2"}


def test_matched_terms_say_what_was_found_its_category_and_level() -> None:
    matches = matched_terms("Suicide prevention training — my ex said he's going to kill me")

    by_term = {m.term: m for m in matches}
    assert by_term["suicid*"].found == "suicide"
    assert by_term["suicid*"].category == "suicide_self_harm"
    assert by_term["suicid*"].level == TOPIC
    assert by_term["going to kill me"].category == "violence"
    assert by_term["going to kill me"].level == EMERGENCY
    assert crisis_level("Suicide prevention training — my ex said he's going to kill me") == (
        EMERGENCY
    )


def test_a_long_text_is_read_whole() -> None:
    text = "I need help with rent. " * 400 + "I want to die."
    assert crisis_level(text) == EMERGENCY
    assert crisis_level("x" * 10_000) == NONE


# ---------------------------------------------------------------- the lexicon file


def _lexicon(tmp_path: Path, change) -> Path:
    data = json.loads(crisis.LEXICON_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_bundled_lexicon_loads_and_covers_every_category_in_both_languages() -> None:
    lexicon = crisis.load_lexicon()
    covered = {(t.category, t.kind) for t in lexicon.terms}

    for category in crisis.CATEGORIES:
        assert (category, "danger") in covered
        assert (category, "subject") in covered
    data = json.loads(crisis.LEXICON_FILE.read_text(encoding="utf-8"))
    for category in crisis.CATEGORIES:
        for lang in ("en", "es"):
            assert data["terms"][category]["danger"][lang], (category, lang)


@pytest.mark.parametrize(
    ("text", "first_code"),
    [
        ("I want to kill myself", "1126"),  # psychiatric emergency services
        ("quiero morir", "1126"),
        ("my husband hits me", "1124"),  # help escape violence
        ("mi esposo me pega", "1124"),
        ("took too many pills", "1126"),
    ],
)
def test_an_emergency_names_the_help_to_look_in_first(text: str, first_code: str) -> None:
    codes = crisis.emergency_service_codes(text)
    assert codes[0] == first_code
    assert len(codes) == len(set(codes)) >= 2


@pytest.mark.parametrize(
    "text", ["suicide prevention training volunteer", "food pantry", "domestic violence research"]
)
def test_a_topic_or_an_ordinary_need_names_no_crisis_help(text: str) -> None:
    assert crisis.emergency_service_codes(text) == ()


def _set(path: list, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["version"], 2), '"version": 1'),
        (_set(["topic_markers", "window"], 0), "positive"),
        (_set(["topic_markers", "words"], ["Prevención"]), "plain lower-case word"),
        (_set(["terms", "weather"], {}), "exactly the categories"),
        (_set(["terms", "violence", "urgent"], {}), "levels must be among"),
        (_set(["terms", "violence", "danger", "fr"], ["tuer"]), "by language"),
        (_set(["terms", "violence", "danger", "en"], "hits me"), "list of phrases"),
        (_set(["terms", "violence", "topic", "en"], ["Kill Me"]), "lower-case words"),
        (_set(["terms", "violence", "topic", "en"], ["golpeó"]), "without accents"),
        (_set(["terms", "violence", "topic", "en"], ["ki*ll"]), "only at the end"),
        (_set(["terms", "violence", "topic", "en"], ["kms"]), "listed twice"),
        (_set(["unless", "not in the list"], ["x"]), "not in the lexicon"),
        (_set(["unless", "kms"], "20 kms"), "map a phrase to a list"),
        (_set(["services", "weather"], ["1305"]), '"services" must map'),
        (_set(["services", "violence"], "1124"), '"services" must map'),
    ],
)
def test_a_malformed_lexicon_is_refused_with_a_clear_message(
    tmp_path: Path, change, message: str
) -> None:
    with pytest.raises(crisis.LexiconError, match=message):
        crisis.load_lexicon(_lexicon(tmp_path, change))


def test_a_lexicon_that_is_not_json_or_missing_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1,', encoding="utf-8")

    with pytest.raises(crisis.LexiconError, match="not valid JSON"):
        crisis.load_lexicon(broken)
    with pytest.raises(crisis.LexiconError, match="cannot read"):
        crisis.load_lexicon(tmp_path / "missing.json")


def test_a_changed_lexicon_changes_what_is_matched(tmp_path: Path) -> None:
    path = _lexicon(
        tmp_path,
        lambda data: data["terms"]["violence"]["topic"]["en"].append("bear attack"),
    )

    lexicon = crisis.load_lexicon(path)

    assert [m.level for m in lexicon.matches("Bear  attack!")] == [TOPIC]
    assert lexicon.matches("bear attacks") == ()
