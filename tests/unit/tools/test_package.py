"""Importing the package registers every tool; every tool survives every table shape the loader makes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from autoviz_core.tools import all_tools, get_tool
from autoviz_core.tools.common import ToolInputError

# Parameters for each tool on the `awkward` fixture table.
PARAMS: dict[str, dict] = {
    "summary_stats": {},
    "missing_report": {},
    "value_counts": {"column": "city"},
    "aggregate": {"group_by": ["city"], "metric": "amount", "agg": "sum"},
    "filter_rows": {"conditions": [{"column": "city", "op": "eq", "value": "oslo"}]},
    "sort_rows": {"by": ["amount"]},
    "top_n": {"column": "count"},
    "parse_dates": {"column": "when"},
    "resample": {"date_column": "when", "metric": "amount", "grain": "week"},
    "trend": {"date_column": "when", "metric": "count"},
    "period_change": {"date_column": "when", "metric": "amount", "grain": "month"},
    "seasonality": {"date_column": "when", "metric": "amount"},
    "histogram": {"column": "count"},
    "box_by_group": {"column": "amount", "group_by": "city"},
    "correlation_matrix": {},
    "scatter": {"x": "count", "y": "amount", "color": "city"},
    "driver_ranking": {"target": "amount"},
    "iqr_outliers": {"column": "count"},
    "robust_zscore_outliers": {"column": "amount"},
    "rolling_anomalies": {"date_column": "when", "metric": "amount", "window": 3},
    "compare_groups": {"metric": "amount", "group_by": "city"},
    "chart": {"kind": "line", "x": "when", "y": "count", "agg": "sum", "time_grain": "week"},
    "answer_statistic": {"stat": "skewness", "column": "amount"},
    "answer_relation": {"x": "count", "y": "amount"},
    "answer_distribution": {"column": "amount"},
    "answer_group_difference": {"measure": "amount", "group_by": "city"},
    "answer_extreme": {"measure": "amount", "by": "city", "agg": "mean"},
    "answer_change": {
        "measure": "amount",
        "period": "when",
        "time_grain": "year",
        "start": "2023",
        "end": "2024",
    },
}

SHAPES = {
    "full": lambda df: df,
    "one_row": lambda df: df.head(1),
    "zero_rows": lambda df: df.head(0),
    "all_missing_row": lambda df: df.iloc[[2]],
}


def test_every_tool_registered_with_column_roles():
    # other test modules may register test-only tools (family "test") in the same process
    names = {t.name for t in all_tools() if t.family != "test"}
    assert names == set(PARAMS)
    for spec in all_tools():
        assert spec.description and spec.family and spec.produces in ("table", "chart", "stats")
        json.dumps(spec.param_schema())
    assert get_tool("chart").column_params() == {
        "x": ("any", False),
        "y": ("any", False),
        "measures": ("numeric", True),
        "color": ("groupable", False),
    }
    assert get_tool("nope") is None


def test_unknown_params_are_rejected():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        get_tool("histogram").params_model.model_validate({"column": "a", "colour": "b"})


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("name", sorted(PARAMS))
def test_tool_on_awkward_shapes(run_tool, awkward, name, shape):
    df = SHAPES[shape](awkward)
    try:
        res = run_tool(name, df, **PARAMS[name])
    except ToolInputError as exc:
        # Only a table with no usable values may be refused, and then in words.
        assert shape in ("one_row", "all_missing_row"), f"{name} refused {shape}: {exc}"
        assert str(exc)
        return
    assert res.summary.strip()
    assert all(isinstance(f, str) and f for f in res.findings)
    if res.chart is not None:
        json.dumps(res.chart.model_dump())
        assert res.chart.points_sent <= 5000
    if res.table is not None:
        assert isinstance(res.table, pd.DataFrame)
    if shape == "zero_rows":
        assert (
            res.table is None
            or len(res.table) == 0
            or name in ("summary_stats", "missing_report", "correlation_matrix")
        )
    if name.startswith("answer_"):  # an answer is said in words whatever the table holds
        answer = res.metrics["answer"]
        assert answer["text"] == res.findings[0] and "nan" not in answer["text"].lower()
        json.dumps(answer, allow_nan=False)
