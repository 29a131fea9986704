"""The headline answers the question; the issue's two examples give findings an analyst would sign.

Every number asserted here is recomputed with pandas/scipy from the step's own output table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats as sps

from autoviz_core.config import load_settings
from autoviz_core.pipeline import AnalysisRun, result_document, run_analysis
from autoviz_core.report.findings import collect_findings
from tests.audit.tables import weather_table


def _run(data: str, question: str) -> AnalysisRun:
    settings = load_settings()
    planner = settings.planner.model_copy(
        update={"intent_mode": "cues", "request_mode": "cues", "adapt_mode": "off"}
    )
    return run_analysis(data, question, None, settings.model_copy(update={"planner": planner}))


def _table(run: AnalysisRun, tool: str) -> tuple[pd.DataFrame, list[str]]:
    rec = next(r for r in run.result.records if r.tool == tool and r.status == "ok")
    assert rec.result is not None and rec.result.table is not None
    return rec.result.table, rec.result.findings


def test_gapminder_average_life_expectancy_over_time() -> None:
    run = _run("plotly:gapminder", "How has average life expectancy changed over time?")
    for step in run.planned.plan.steps:
        if "agg" in step.params and not step.primary:
            assert step.params["agg"] == "mean", step.id
    table, findings = _table(run, "trend")
    assert table["year"].tolist() == list(range(1952, 2008, 5))  # every 5 years, no filled years
    fit = sps.linregress(table["t"], table["fitted"])
    assert f"by about {fit.slope:.3g} per year" in findings[0]
    assert f"R² = {fit.rvalue**2:.2f}" in findings[0]
    assert "from 49.06 in 1952 to 67.01 in 2007" in findings[0]
    headline = collect_findings(run.result, run.planned)[0]
    assert headline.headline and headline.tool == "trend" and headline.text == findings[0]
    text = " ".join(f.text for f in collect_findings(run.result, run.planned))
    assert "1952.0" not in text and "-01-01" not in text and "sum of lifeExp" not in text


@pytest.fixture(scope="module")
def weather_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("weather") / "weather.csv"
    weather_table().to_csv(path, index=False)
    return path


def test_weather_monthly_average_max_temperature(weather_csv: Path) -> None:
    run = _run(str(weather_csv), "What is the monthly average of temp_max?")
    trend, trend_findings = _table(run, "trend")
    assert len(trend) == 48 and set(trend["period"].str.len()) == {7}  # 2012-01 .. 2015-12
    monthly = pd.read_csv(weather_csv, parse_dates=["date"]).set_index("date")["temp_max"]
    assert trend["temp_max"].to_numpy() == pytest.approx(monthly.resample("MS").mean().to_numpy())
    assert trend_findings[0].startswith("No clear trend in mean of temp_max per month")
    assert "net of the seasonal cycle" in trend_findings[0]
    assert "follows a yearly cycle" in trend_findings[1]
    # unusual months were not asked about: no step looks for them
    assert not any(r.tool == "rolling_anomalies" for r in run.result.records)
    change, _ = _table(run, "period_change")
    compared = change.dropna(subset=["compared_with"])
    assert (compared["period"].str[5:] == compared["compared_with"].str[5:]).all()  # like with like
    last = compared.iloc[-1]
    assert last["change"] == pytest.approx(last["temp_max"] - last["previous"])
    headline = collect_findings(run.result, run.planned)[0].text
    assert "a change of" not in headline and "sum of" not in headline


def test_anomaly_headline_names_what_was_flagged() -> None:
    run = _run("plotly:gapminder", "Which countries had unusual gdp per capita?")
    first = collect_findings(run.result, run.planned)[0]
    table, _ = _table(run, first.tool)
    assert first.tool in ("iqr_outliers", "robust_zscore_outliers")
    assert f"{len(table):,} of 1,704 rows" in first.text and "Kuwait 1957" in first.text


def test_drivers_headline_lists_the_strongest_associations() -> None:
    run = _run("plotly:tips", "What drives the tip amount?")
    first = collect_findings(run.result, run.planned)[0]
    table, _ = _table(run, "driver_ranking")
    top = table.iloc[0]
    assert first.tool == "driver_ranking"
    assert f"{top['column']} ({top['measure']} {top['strength']:.2f}" in first.text


def test_ties_are_reported_as_ties(run_tool) -> None:
    df = pd.DataFrame({"g": ["a", "a", "b", "b", "c"], "v": [1.0, 3.0, 2.0, 2.0, 1.0]})
    res = run_tool("compare_groups", df, metric="v", group_by="g")
    assert res.findings[0].startswith("a and b tie for the highest mean v: 2")


def test_cli_json_carries_the_same_findings_as_the_report() -> None:
    run = _run("plotly:tips", "Which day has the highest average tip?")
    doc = result_document(run, "cues")
    listed = collect_findings(run.result, run.planned)
    assert [f["text"] for f in doc["findings"]] == [f.text for f in listed]
    assert doc["findings"][0]["headline"] and re.match(
        r"Sun has the highest", doc["findings"][0]["text"]
    )
