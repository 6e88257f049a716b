"""The unmet-need page, its CSV downloads and its API: who may see them, bad input, shape."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from commonweal.insights import unmet
from commonweal.insights.tests.test_unmet import _searches
from commonweal.insights.unmet_api import UnmetOut
from commonweal.referrals.tests.referral_fixtures import bearer

URL = "/insights/unmet/"
API = "/api/v1/insights/unmet/"


@pytest.fixture
def december(monkeypatch) -> None:
    """Today is 7 December 2026: the completed quarters run from 2026-Q3 back to 2021-Q4."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))


@pytest.fixture
def searches(db) -> None:
    _searches(12, area="33135", categories=["1102"], results=0, day=dt.date(2026, 8, 3))
    _searches(4, area="33010", categories=["1102"], results=1, day=dt.date(2026, 8, 3))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "coalition_admin", "superuser"])
def test_it_shows_the_page_to_those_who_see_insights(client, who, request, december) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert "Searches by area" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["navigator", "partner_staff", "resident"])
def test_it_refuses_everyone_else(client, who, request) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "searches_by_area.csv").status_code == 403
    assert client.get(API, **bearer(request.getfixturevalue(who))).status_code == 403


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client) -> None:
    assert client.get(URL).status_code == 302
    assert client.get(API).status_code == 401


@pytest.mark.django_db
def test_an_analyst_sees_suppressed_figures_and_never_a_small_count(
    client, analyst, searches, december
) -> None:
    client.force_login(analyst)
    text = client.get(URL, {"quarter": "2026-Q3"}).content.decode()
    assert "fewer than 11" in text
    figures = re.findall(r'<td class="figure">(\d+)</td>', text)
    assert figures and not [f for f in figures if 0 < int(f) < 11]


@pytest.mark.django_db
@pytest.mark.parametrize("quarter", ["2027-Q1", "2026-Q4", "soon", "2026-Q5", "1999-Q1"])
def test_it_refuses_a_quarter_that_is_not_offered(client, analyst, quarter, december) -> None:
    client.force_login(analyst)
    response = client.get(URL, {"quarter": quarter})
    assert response.status_code == 400
    assert "Choose one of the completed quarters" in response.content.decode()
    assert client.get(URL + "searches_by_area.csv", {"quarter": quarter}).status_code == 400
    api = client.get(API, {"quarter": quarter}, **bearer(analyst))
    assert api.status_code == 400
    assert api.json()["detail"].startswith("quarter:")


@pytest.mark.django_db
def test_the_csv_holds_the_table_as_the_page_shows_it(client, analyst, searches, december) -> None:
    client.force_login(analyst)
    response = client.get(URL + "searches_by_area.csv", {"quarter": "2026-Q3"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Area", "Searches", "No results", "1 or 2 results", "3 or more results"]
    assert rows[-1][0] == "All"
    cells = [cell for row in rows[1:] for cell in row[1:]]
    assert "fewer than 11" in cells
    assert not [c for c in cells if c.isdigit() and 0 < int(c) < 11]


@pytest.mark.django_db
def test_an_unknown_csv_table_is_not_found(client, analyst) -> None:
    client.force_login(analyst)
    assert client.get(URL + "people.csv").status_code == 404


@pytest.mark.django_db
def test_the_api_answers_the_documented_shape_with_suppressed_cells_as_null(
    client, analyst, searches, december
) -> None:
    response = client.get(API, {"quarter": "2026-Q3"}, **bearer(analyst))
    assert response.status_code == 200
    body = response.json()
    UnmetOut.model_validate(body)
    by_area = next(t for t in body["tables"] if t["name"] == "searches_by_area")
    figures = [f for row in by_area["rows"] for f in row["figures"].values()]
    hidden = [f for f in figures if f["suppressed"]]
    assert hidden and all(f["value"] is None and f["reason"] for f in hidden)
    shown = [f["value"] for f in figures if not f["suppressed"]]
    assert not [v for v in shown if 0 < v < unmet.SMALL_CELL]
    assert body["quarter"] == "2026-Q3" and body["threshold"] == 11


@pytest.mark.django_db
def test_the_api_defaults_to_the_latest_completed_quarter(client, analyst, december) -> None:
    body = client.get(API, **bearer(analyst)).json()
    assert (body["quarter"], body["start"], body["end"]) == ("2026-Q3", "2026-07-01", "2026-09-30")


@pytest.mark.django_db
def test_the_chart_draws_only_rows_whose_counts_are_all_shown(client, analyst, december) -> None:
    day = dt.date(2026, 8, 3)
    _searches(12, area="33135", categories=["1102"], results=0, day=day)
    _searches(14, area="33135", categories=["1102"], results=9, day=day)
    _searches(11, area="33010", categories=["1102"], results=1, day=day)
    client.force_login(analyst)
    text = client.get(URL, {"quarter": "2026-Q3"}).content.decode()
    chart = text.split('aria-labelledby="searches_by_area-chart-title"')[1].split("</svg>")[0]
    # 12 of 26 searches in 33135 found nothing; all 11 in 33010 found only one result.
    assert ">33135</text>" in chart and ">46%</text>" in chart
    assert ">33010</text>" in chart and ">100%</text>" in chart


def test_the_chart_leaves_out_a_row_with_a_hidden_count() -> None:
    from commonweal.insights.deidentify import Suppressed
    from commonweal.insights.unmet_views import _chart

    table = unmet.Table(
        name="searches_by_area",
        kind="area",
        columns=("total", "none", "few", "enough"),
        lines=(
            unmet.Line(key="33135", values={"total": 40, "none": 10 + 10, "few": 0, "enough": 20}),
            unmet.Line(
                key="",
                values={"total": 30, "none": Suppressed.PRIMARY, "few": 0, "enough": 25},
                pooled=True,
            ),
        ),
    )
    chart = _chart(table, {("area", "33135"): "33135", ("area", ""): "Other areas (pooled)"})
    assert chart is not None
    assert [(bar["label"], bar["share"]) for bar in chart["bars"]] == [("33135", "50%")]
