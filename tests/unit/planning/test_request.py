"""Cue-based requests on realistic tables, and repair of impossible requests."""

from __future__ import annotations

import pandas as pd

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data import profile_table
from autoviz_core.planning.cues import extract_cues
from autoviz_core.planning.request import merge_requests, repair_request, request_from_cues


def req_for(
    question: str, df: pd.DataFrame, intent: str = "comparative_analysis"
) -> AnalysisRequest:
    prof = profile_table(df)
    cue = request_from_cues(extract_cues(question, prof, df), prof, intent)
    return repair_request(cue.request, prof)[0]


def test_superlative_group_question(realistic_tables: dict[str, pd.DataFrame]) -> None:
    r = req_for("Which region had the highest revenue?", realistic_tables["december"])
    assert (r.chart, r.x, r.y, r.agg, r.sort_by, r.sort_dir) == (
        "bar",
        "region",
        "revenue",
        "sum",
        "y",
        "desc",
    )


def test_average_per_group(realistic_tables: dict[str, pd.DataFrame]) -> None:
    r = req_for("What is the average tip for each day of the week?", realistic_tables["tips"])
    assert (r.x, r.y, r.agg) == ("day", "tip", "mean")


def test_count_per_group(realistic_tables: dict[str, pd.DataFrame]) -> None:
    r = req_for("How many parties came at lunch versus dinner?", realistic_tables["tips"])
    assert (r.x, r.y, r.agg) == ("time", None, "count")


def test_time_series_with_series(realistic_tables: dict[str, pd.DataFrame]) -> None:
    r = req_for(
        "Show daily units sold per product category over time",
        realistic_tables["december"],
        "time_series_investigation",
    )
    assert (r.chart, r.x, r.y, r.color, r.time_grain) == (
        "line",
        "date",
        "units",
        "product_category",
        "day",
    )


def test_distribution_and_relationship(realistic_tables: dict[str, pd.DataFrame]) -> None:
    assert (
        req_for("Show the distribution of tips", realistic_tables["tips"], "general_eda").chart
        == "histogram"
    )
    r = req_for("How are sepal length and petal length correlated?", realistic_tables["iris"])
    assert (r.chart, r.x, r.y) == ("scatter", "sepal_length", "petal_length")


def test_raw_rows_when_two_columns_are_listed() -> None:
    df = pd.DataFrame({"Name": ["a", "b", "c"], "Capacity": [3, 1, 2]})
    r = req_for(
        "Show the name and capacity of each cinema in a bar chart, sort by capacity descending", df
    )
    assert (r.x, r.y, r.agg, r.sort_by, r.sort_dir) == ("Name", "Capacity", "none", "y", "desc")


def test_repair_drops_unknown_columns_and_impossible_aggregations(profiles: dict) -> None:  # type: ignore[type-arg]
    prof = profiles["tips"]
    r, notes = repair_request(AnalysisRequest(chart="bar", x="nope", y="sex", agg="sum"), prof)
    assert r.x is not None and r.x in prof.names()
    assert (r.y, r.agg) == (None, "count")
    assert any("nope" in n for n in notes)


def test_hybrid_merge_keeps_what_cues_decided(realistic_tables: dict[str, pd.DataFrame]) -> None:
    df = realistic_tables["december"]
    prof = profile_table(df)
    cue = request_from_cues(
        extract_cues("Which region had the highest revenue?", prof, df),
        prof,
        "comparative_analysis",
    )
    model = AnalysisRequest(chart="pie", x="product_category", y="units", agg="mean")
    merged = merge_requests(cue, model)
    assert (merged.x, merged.y, merged.agg, merged.chart) == ("region", "revenue", "sum", "bar")
