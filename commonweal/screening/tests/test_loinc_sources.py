"""Every LOINC code a bundled instrument uses is cited, and where the shared, sourced
definitions (../shared/data/instruments/) hold that instrument, the code is found there."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commonweal.screening import instruments
from conftest import shared_data_path

LOINC = "http://loinc.org"
LOINC_CODE = re.compile(r"^(LA)?\d{1,6}-\d$")
# The instruments for which ../shared/data/instruments holds published FHIR files.
SHARED_FOLDERS = {
    "phq-9": ["phq9"],
    "gad-7": ["gad7", "phq4-phq2-gad2"],
    "phq-2": ["phq9", "phq4-phq2-gad2"],
    "gad-2": ["gad7", "phq4-phq2-gad2"],
    "ahc-hrsn": ["ahc-hrsn"],
}


def _definitions() -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(instruments.BUNDLED_DIR.glob("*.json"))
        if path != instruments.SCHEMA_PATH
    ]


def _loinc_uses(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(LOINC code, the JSON object that uses it) for panel, items, answers and scores."""
    if data.get("loinc_panel"):
        yield data["loinc_panel"], data
    for item in data["items"]:
        if item.get("code"):
            yield item["code"], item
    answer_lists = list(data.get("answer_sets", {}).values())
    answer_lists += [
        item["answers"] for item in data["items"] if isinstance(item.get("answers"), list)
    ]
    for options in answer_lists:
        for option in options:
            if option.get("system") == LOINC:
                yield option["code"], option
    for rule in data["scores"]:
        if rule.get("loinc"):
            yield rule["loinc"], rule


@pytest.mark.parametrize("data", _definitions(), ids=lambda d: d["code"])
def test_every_loinc_code_names_a_source_the_definition_lists(data: dict[str, Any]) -> None:
    listed = {source["id"] for source in data["sources"]}
    uses = list(_loinc_uses(data))
    if data["code"] in SHARED_FOLDERS:
        assert uses, "an instrument with published LOINC codes uses them"
    for code, used_in in uses:
        assert LOINC_CODE.match(code), code
        cited = set(used_in.get("sources", ())) if used_in is not data else listed
        assert cited, f"{data['code']}: LOINC {code} has no source"
        assert cited <= listed, f"{data['code']}: LOINC {code} cites unknown {cited - listed}"


@pytest.mark.shared_data
@pytest.mark.parametrize("code", sorted(SHARED_FOLDERS))
def test_every_loinc_code_is_in_the_shared_published_files(code: str) -> None:
    text = "".join(
        path.read_text(encoding="utf-8")
        for folder in SHARED_FOLDERS[code]
        for path in sorted(Path(shared_data_path("instruments", folder)).iterdir())
    )
    (data,) = [d for d in _definitions() if d["code"] == code]
    missing = sorted({c for c, _ in _loinc_uses(data) if c not in text})
    assert not missing, f"{code}: LOINC codes not found in the published files: {missing}"
