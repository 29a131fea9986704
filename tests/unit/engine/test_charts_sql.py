"""The chart tool's SQL implementation against its pandas function, on the same table: every
filter operator, aggregation, time grain, sort, limit, colour, measure list and chart kind must
give the same plotted values and the same sentences (real DuckDB over a Parquet file)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from autoviz_core.engine.source import EngineTable
from autoviz_core.tools import ToolContext, ToolResult, get_tool
from autoviz_core.tools.common import ToolInputError
from tests.engine_tables import assert_same_chart

CASES: list[dict[str, Any]] = [
    {"kind": "bar", "x": "region", "y": "revenue", "agg": "mean"},
    {"kind": "bar", "x": "region", "y": "revenue", "agg": "sum", "sort_by": "y", "limit": 3},
    {"kind": "bar", "x": "region", "y": "revenue", "agg": "median", "sort_by": "y", "sort_dir": "asc"},
    {"kind": "bar", "x": "product", "y": "units", "agg": "max", "color": "region"},
    {"kind": "bar", "x": "region", "y": "units", "agg": "min"},
    {"kind": "bar", "x": "region", "agg": "count"},
    {"kind": "bar", "x": "region", "y": "revenue", "agg": "count"},
    {"kind": "bar", "x": "returned", "y": "revenue", "agg": "sum"},
    {"kind": "pie", "x": "product", "y": "revenue", "agg": "sum"},
    {"kind": "bar", "color": "region", "y": "units", "agg": "sum"},
    {"kind": "bar", "y": "units", "agg": "sum"},
    {"kind": "line", "x": "order_date", "y": "revenue", "agg": "sum", "time_grain": "month"},
    {"kind": "line", "x": "order_date", "y": "units", "agg": "mean", "time_grain": "week"},
    {"kind": "line", "x": "order_date", "y": "units", "agg": "sum", "time_grain": "quarter", "color": "region"},
    {"kind": "bar", "x": "order_date", "y": "units", "agg": "sum", "time_grain": "year"},
    {"kind": "bar", "x": "order_date", "y": "revenue", "agg": "mean", "time_grain": "weekday"},
    {"kind": "bar", "x": "order_date", "agg": "count", "time_grain": "hour"},
    {"kind": "line", "x": "order_date", "agg": "count", "time_grain": "day"},
    {"kind": "bar", "x": "region", "y": "units", "agg": "sum", "time_grain": "month"},
    {"kind": "bar", "x": "region", "y": "revenue", "measures": ["units", "discount"], "agg": "mean"},
    {"kind": "bar", "y": "revenue", "measures": ["units"], "agg": "sum"},
    {"kind": "line", "x": "order_date", "y": "units", "measures": ["discount"], "agg": "sum", "time_grain": "month"},
    {"kind": "heatmap", "x": "region", "color": "product", "y": "revenue"},
    {"kind": "heatmap", "x": "order_date", "color": "region", "time_grain": "weekday"},
    {"kind": "scatter", "x": "discount", "y": "revenue"},
    {"kind": "histogram", "x": "revenue"},
    {"kind": "box", "x": "region", "y": "revenue"},
    {"kind": "bar", "x": "order_id", "y": "revenue", "sort_by": "y", "limit": 5},
]  # fmt: skip

FILTERS: list[list[dict[str, Any]]] = [
    [{"column": "region", "op": "eq", "value": "North"}],
    [{"column": "region", "op": "eq", "value": "north"}],  # case-insensitive fallback, noted
    [{"column": "region", "op": "ne", "value": "North"}],
    [{"column": "region", "op": "in", "value": ["East", "Far Island"]}],
    [{"column": "product", "op": "contains", "value": "cake"}],
    [{"column": "product", "op": "startswith", "value": "b"}],
    [{"column": "region", "op": "between", "value": ["East", "South"]}],
    [{"column": "units", "op": "gt", "value": 10}, {"column": "units", "op": "le", "value": 15}],
    [{"column": "units", "op": "in", "value": [1, 2, 3]}],
    [{"column": "revenue", "op": "between", "value": [50, 150]}],
    [{"column": "revenue", "op": "outside", "value": [50, 150]}],
    [{"column": "order_date", "op": "outside", "value": ["2022-03-01", "2023-03-31"]}],
    [{"column": "region", "op": "outside", "value": ["East", "South"]}],
    [{"column": "order_date", "op": "eq", "value": "2023"}],
    [{"column": "order_date", "op": "ge", "value": "2023-06"}],
    [{"column": "order_date", "op": "in", "value": ["2022-03", "2023-03"]}],
    [{"column": "order_date", "op": "between", "value": ["2022-02-01", "2022-02-28"]}],
    [{"column": "order_date", "op": "ne", "value": "2022"}],
    [{"column": "returned", "op": "eq", "value": "yes"}],
    [{"column": "region", "op": "eq", "value": "Atlantis"}],  # nothing matches
]


def _both(
    df: pd.DataFrame, source: EngineTable, params: dict[str, Any]
) -> tuple[ToolResult, ToolResult]:
    spec = get_tool("chart")
    assert spec is not None and spec.sql_fn is not None
    p = spec.params_model.model_validate(params)
    ctx = ToolContext(max_chart_points=5000, seed=42)
    return spec.fn(df, p, ctx), spec.sql_fn(source, p, ctx)


@pytest.mark.parametrize("params", CASES, ids=lambda p: "-".join(str(v) for v in p.values()))
def test_sql_chart_equals_pandas_chart(
    sales: pd.DataFrame, sales_source: EngineTable, params: dict[str, Any]
) -> None:
    assert_same_chart(*_both(sales, sales_source, params))


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "-".join(c["op"] for c in f))
@pytest.mark.parametrize(
    "params",
    [
        {"kind": "bar", "x": "region", "y": "revenue", "agg": "sum"},
        {"kind": "line", "x": "order_date", "agg": "count", "time_grain": "month"},
    ],
    ids=["bar", "line"],
)
def test_sql_filters_equal_pandas_filters(
    sales: pd.DataFrame,
    sales_source: EngineTable,
    params: dict[str, Any],
    filters: list[dict[str, Any]],
) -> None:
    assert_same_chart(*_both(sales, sales_source, {**params, "filters": filters}))


def test_case_insensitive_match_is_reported(sales: pd.DataFrame, sales_source: EngineTable) -> None:
    params = {
        "x": "product",
        "agg": "count",
        "filters": [{"column": "region", "op": "eq", "value": "NORTH"}],
    }
    _, result = _both(sales, sales_source, params)
    assert "matched case-insensitively" in result.summary
    assert result.chart is not None and sum(result.chart.y_values) == int(
        (sales["region"] == "North").sum()
    )


def test_a_filter_value_that_is_not_a_number_is_one_clear_error(
    sales: pd.DataFrame, sales_source: EngineTable
) -> None:
    spec = get_tool("chart")
    assert spec is not None and spec.sql_fn is not None
    p = spec.params_model.model_validate(
        {
            "x": "region",
            "agg": "count",
            "filters": [{"column": "units", "op": "gt", "value": "many"}],
        }
    )
    with pytest.raises(ToolInputError, match="needs a number"):
        spec.sql_fn(sales_source, p, ToolContext())


def test_raw_values_beyond_the_sample_size_are_sampled_and_say_so(
    sales: pd.DataFrame, sales_source: EngineTable
) -> None:
    spec = get_tool("chart")
    assert spec is not None and spec.sql_fn is not None
    small = EngineTable(**{**sales_source.__dict__, "sample_rows": 1000, "canceller": None})
    p = spec.params_model.model_validate({"kind": "histogram", "x": "revenue"})
    result = spec.sql_fn(small, p, ToolContext(seed=3))
    again = spec.sql_fn(small, p, ToolContext(seed=3))
    assert (
        "seeded random sample of" in result.summary and f"of {len(sales):,} rows" in result.summary
    )
    assert result.chart is not None and again.chart is not None
    assert result.chart.y_values == again.chart.y_values  # same seed, same sample
    assert 0 < sum(result.chart.y_values) <= 1000
