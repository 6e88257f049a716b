from __future__ import annotations

import pytest

from commonweal.lib.crisis import signals_self_harm


@pytest.mark.parametrize(
    "text",
    [
        "suicide",
        "SUICIDAL thoughts",
        "I want to  kill myself",
        "self-harm",
        "overdose help",
        "quiero morir",
        "suicidio",
        "hacerme daño",
        "me quiero matar",
        "me voy a matar",
        "quiero cortarme",
        "i dont want to be alive",
        "I don't want to live anymore",
        "kms",
        "gonna kms tonight",
    ],
)
def test_it_recognises_self_harm_in_english_and_spanish(text: str) -> None:
    assert signals_self_harm(text)


@pytest.mark.parametrize(
    "text",
    ["food pantry", "rent help", "", "diabetes clinic", "comida", "clinic within 20 kms", "sms"],
)
def test_it_stays_quiet_for_ordinary_needs(text: str) -> None:
    assert not signals_self_harm(text)
