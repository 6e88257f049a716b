"""Form answers for the screening page tests, by the instruments' published codes."""

from __future__ import annotations

PHQ9_ITEMS = [
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
]
ITEM_9 = "44260-8"
# LOINC answers of the PHQ frequency scale, scored 0–3.
FREQUENCY = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
YES, NO, DECLINED = "LA33-6", "LA32-8", "asked-declined"


def phq9(first_eight: int = 0, item9: int | None = 0) -> dict[str, str]:
    """A PHQ-9 form post: every one of items 1–8 scored `first_eight`, item 9 as given."""
    data = {link_id: FREQUENCY[first_eight] for link_id in PHQ9_ITEMS}
    if item9 is not None:
        data[ITEM_9] = FREQUENCY[item9]
    return data


def asq(
    *, q1: str = NO, q2: str = NO, q3: str = NO, q4: str = NO, q5: str | None = None
) -> dict[str, str]:
    data = {"asq-1": q1, "asq-2": q2, "asq-3": q3, "asq-4": q4}
    if q5 is not None:
        data["asq-5"] = q5
    return data


AHC_ALL_CLEAR = {
    "71802-3": "LA31993-1",  # steady place to live
    "96778-6": "LA9-3",  # none of the above
    "88122-7": "LA28398-8",  # never true
    "88123-5": "LA28398-8",
    "93030-5": NO,
    "96779-4": NO,
    "95618-5": "LA6270-8",  # never
    "95617-7": "LA6270-8",
    "95616-9": "LA6270-8",
    "95615-1": "LA6270-8",
}
