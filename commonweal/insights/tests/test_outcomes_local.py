"""A local instrument's own reliable-change figures, from its JSON definition."""

from __future__ import annotations

import copy
import json
import math

import pytest

from commonweal.insights import outcomes, outcomes_report
from commonweal.screening import instruments


def _cohesion(reliable_change: dict | None) -> dict:
    """The bundled UCLA-3 definition relabelled as a local "cohesion" instrument."""
    data = copy.deepcopy(json.loads((instruments.BUNDLED_DIR / "ucla-3.json").read_text()))
    data["code"] = "cohesion"
    data["url"] = "https://partnership.example/instruments/cohesion"
    data.pop("aliases", None)
    data["loinc_panel"] = None
    rule = next(r for r in data["scores"] if r["method"] == "sum")
    rule["code"] = "cohesion/total"
    rule.pop("loinc", None)
    if reliable_change is not None:
        rule["reliable_change"] = reliable_change
    return data


def test_it_reads_a_local_instruments_published_figures() -> None:
    figures = {"sd": 1.5, "reliability": 0.8, "source": "Local survey 2024"}
    instrument = instruments.build(_cohesion(figures), local=True)
    measure = outcomes.measure_for(instrument.code, instrument.scores)
    assert measure is not None and measure.score_code == "cohesion/total"
    assert measure.higher_is_better is False  # positive at a minimum: higher is worse
    assert measure.reliable_change is not None
    assert measure.reliable_change.threshold == pytest.approx(
        1.96 * math.sqrt(2) * 1.5 * math.sqrt(0.2)
    )


def test_it_refuses_a_definition_with_an_impossible_reliability() -> None:
    bad = {"sd": 1.5, "reliability": 1.2, "source": "Typo"}
    with pytest.raises(instruments.InstrumentDefinitionError, match="reliab"):
        instruments.build(_cohesion(bad), local=True)


@pytest.mark.django_db
def test_it_offers_a_local_instrument_on_the_outcomes_page(settings, tmp_path) -> None:
    (tmp_path / "cohesion.json").write_text(json.dumps(_cohesion(None)))
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path)
    try:
        offered = {m.instrument: m for m in outcomes_report.measures()}
        assert {"phq-9", "gad-7", "who-5", "ucla-3", "cohesion"} <= set(offered)
        assert offered["cohesion"].reliable_change is None  # none declared: not available
    finally:
        instruments.clear_cache()
