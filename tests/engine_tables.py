"""A generated table the engine tests share (DuckDB unit tests, PostgreSQL integration)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from autoviz_core.tools import ToolResult


def sales_table(rows: int = 3000, seed: int = 7) -> pd.DataFrame:
    """Regions (one rare), products, dates over two years, money with gaps, a yes/no column."""
    rng = np.random.default_rng(seed)
    regions = rng.choice(["North", "South", "East", "West"], size=rows, p=[0.4, 0.3, 0.2, 0.1])
    regions = regions.astype(object)
    regions[17] = "Far Island"  # a value a random sample of a big table would likely miss
    revenue = rng.gamma(2.0, 50.0, size=rows).round(2)
    revenue[rng.random(rows) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "order_id": np.arange(1, rows + 1),
            "order_date": pd.Timestamp("2022-01-03")
            + pd.to_timedelta(rng.integers(0, 730 * 24, size=rows), unit="h"),
            "region": regions,
            "product": rng.choice(["apple pie", "Banana", "cherry", "Date cake"], size=rows),
            "revenue": revenue,
            "units": rng.integers(0, 20, size=rows),
            "discount": rng.random(rows).round(3),
            "returned": rng.random(rows) < 0.1,
        }
    )


def answers_table(rows: int = 2000, seed: int = 11) -> pd.DataFrame:
    """sales_table's kinds of columns and what the answer tools read besides: a year and a
    quarter column, dates written as text, numbers written as text, a constant column, a
    column whose two values are equally common, and a measure whose highest value repeats."""
    rng = np.random.default_rng(seed)
    base = sales_table(rows, seed)
    dates = base["order_date"]
    price = rng.lognormal(3.0, 0.6, size=rows).round(2)
    price[rng.random(rows) < 0.03] = np.nan
    return base.assign(
        year=dates.dt.year,
        quarter=dates.dt.quarter,
        day_text=dates.dt.strftime("%Y-%m-%d"),
        price=price,
        price_text=[f"{v:,.2f}" if v == v else None for v in price * 100],
        flat=5.0,
        pair=np.where(np.arange(rows) % 2 == 0, "even", "odd"),
        score=rng.integers(0, 40, size=rows) * 0.5,
    )


def _same(a: list[Any], b: list[Any]) -> bool:
    if len(a) != len(b):
        return False
    for u, v in zip(a, b, strict=True):
        if isinstance(u, float) and isinstance(v, (int, float)):
            if not math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif isinstance(v, float) and isinstance(u, int):
            if not math.isclose(u, v, rel_tol=1e-9):
                return False
        elif u != v:
            return False
    return True


def assert_same_chart(pandas_result: ToolResult, sql_result: ToolResult) -> None:
    a, b = pandas_result.chart, sql_result.chart
    assert a is not None and b is not None
    assert (a.kind, a.x, a.y, a.color, a.agg, a.title) == (
        b.kind,
        b.x,
        b.y,
        b.color,
        b.agg,
        b.title,
    )
    assert _same(a.x_values, b.x_values), (a.x_values[:8], b.x_values[:8])
    assert _same(a.y_values, b.y_values), (a.y_values[:8], b.y_values[:8])
    assert _same(a.color_values or [], b.color_values or [])
    assert pandas_result.findings == sql_result.findings
    assert pandas_result.summary == sql_result.summary


def close_values(a: Any, b: Any) -> bool:
    """Equal values, numbers within float tolerance (same type: an int stays an int)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close_values(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close_values(u, v) for u, v in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return type(a) is type(b) and a == b


def assert_same_answer(pandas_result: ToolResult, sql_result: ToolResult) -> None:
    """The same sentences and the same answer object (numbers within float tolerance)."""
    assert sql_result.findings == pandas_result.findings
    assert sql_result.summary == pandas_result.summary
    a, b = pandas_result.metrics["answer"], sql_result.metrics["answer"]
    assert close_values(a, b), (a, b)
    assert sql_result.metrics["rows"] == pandas_result.metrics["rows"]
    if pandas_result.table is None:
        assert sql_result.table is None
    else:
        assert sql_result.table is not None
        assert list(sql_result.table.columns) == list(pandas_result.table.columns)


# Every answer the answer tools give, as (tool, parameters) over answers_table(): each must
# come out of the engine as it comes out of pandas (tests/unit/engine, tests/database).
_NORTH = [{"column": "region", "op": "eq", "value": "North"}]
_RARE = [{"column": "region", "op": "eq", "value": "Far Island"}]
ANSWER_CASES: list[tuple[str, dict[str, Any]]] = [
    ("answer_statistic", {"stat": "count"}),
    ("answer_statistic", {"stat": "count", "filters": _NORTH}),
    ("answer_statistic", {"stat": "count", "counted": [{"column": "units", "op": "ge", "value": 15}]}),
    ("answer_statistic", {"stat": "count", "filters": _NORTH,
                          "counted": [{"column": "product", "op": "eq", "value": "banana"}]}),
    ("answer_statistic", {"stat": "share", "counted": [{"column": "returned", "op": "eq", "value": "yes"}]}),
    ("answer_statistic", {"stat": "share", "column": "revenue", "counted": _NORTH}),
    ("answer_statistic", {"stat": "share", "column": "revenue", "filters": _RARE,
                          "counted": [{"column": "units", "op": "gt", "value": 100}]}),
    ("answer_statistic", {"stat": "share", "column": "region", "counted": _NORTH}),
    ("answer_statistic", {"stat": "share", "filters": [{"column": "units", "op": "gt", "value": 100}],
                          "counted": _NORTH}),
    ("answer_statistic", {"stat": "count_distinct", "column": "region"}),
    ("answer_statistic", {"stat": "count_distinct", "column": "revenue", "filters": _NORTH}),
    ("answer_statistic", {"stat": "missing", "column": "revenue"}),
    ("answer_statistic", {"stat": "missing", "column": "price", "filters": _NORTH}),
    ("answer_statistic", {"stat": "mode", "column": "region"}),
    ("answer_statistic", {"stat": "mode", "column": "pair"}),
    ("answer_statistic", {"stat": "mode", "column": "units", "filters": _NORTH}),
    ("answer_statistic", {"stat": "mode", "column": "revenue", "filters": [
        {"column": "units", "op": "gt", "value": 100}]}),
    ("answer_statistic", {"stat": "mean", "column": "revenue"}),
    ("answer_statistic", {"stat": "mean", "column": "units", "filters": _NORTH}),
    ("answer_statistic", {"stat": "mean", "column": "score", "filters": _RARE}),
    ("answer_statistic", {"stat": "median", "column": "revenue"}),
    ("answer_statistic", {"stat": "sum", "column": "units"}),
    ("answer_statistic", {"stat": "sum", "column": "revenue", "filters": [
        {"column": "order_date", "op": "eq", "value": "2023"}]}),
    ("answer_statistic", {"stat": "min", "column": "price"}),
    ("answer_statistic", {"stat": "max", "column": "revenue", "filters": _NORTH}),
    ("answer_statistic", {"stat": "std", "column": "revenue"}),
    ("answer_statistic", {"stat": "std", "column": "revenue", "filters": _RARE}),
    ("answer_statistic", {"stat": "var", "column": "price"}),
    ("answer_statistic", {"stat": "quantile", "column": "revenue", "quantile": 90}),
    ("answer_statistic", {"stat": "quantile", "column": "units", "quantile": 33}),
    ("answer_statistic", {"stat": "iqr", "column": "price"}),
    ("answer_statistic", {"stat": "range", "column": "revenue"}),
    ("answer_statistic", {"stat": "skewness", "column": "revenue"}),
    ("answer_statistic", {"stat": "skewness", "column": "discount", "filters": _NORTH}),
    ("answer_statistic", {"stat": "skewness", "column": "flat"}),
    ("answer_statistic", {"stat": "kurtosis", "column": "price"}),
    ("answer_statistic", {"stat": "kurtosis", "column": "units", "filters": _RARE}),
    ("answer_relation", {"x": "revenue", "y": "discount"}),
    ("answer_relation", {"x": "price", "y": "revenue", "filters": _NORTH}),
    ("answer_relation", {"x": "units", "y": "score", "method": "spearman"}),
    ("answer_relation", {"x": "discount", "y": "price", "method": "kendall"}),
    ("answer_relation", {"x": "revenue", "y": "flat"}),
    ("answer_relation", {"x": "revenue", "y": "units", "filters": _RARE}),
    ("answer_distribution", {"column": "revenue"}),
    ("answer_distribution", {"column": "price", "filters": _NORTH}),
    ("answer_distribution", {"column": "discount", "method": "dagostino"}),
    ("answer_distribution", {"column": "flat"}),
    ("answer_group_difference", {"measure": "revenue", "group_by": "returned"}),
    ("answer_group_difference", {"measure": "price", "group_by": "region"}),
    ("answer_group_difference", {"measure": "units", "group_by": "region",
                                 "groups": ["North", "South"], "method": "mannwhitney"}),
    ("answer_group_difference", {"measure": "revenue", "group_by": "product", "method": "kruskal"}),
    ("answer_group_difference", {"measure": "region", "group_by": "product"}),
    ("answer_extreme", {"measure": "revenue", "by": "region", "agg": "sum"}),
    ("answer_extreme", {"measure": "revenue", "by": "region", "agg": "mean", "direction": "min"}),
    ("answer_extreme", {"by": "product", "agg": "count"}),
    ("answer_extreme", {"measure": "price", "by": "product", "agg": "count", "filters": _NORTH}),
    ("answer_extreme", {"measure": "units", "by": "order_date", "agg": "sum", "time_grain": "month"}),
    ("answer_extreme", {"measure": "revenue", "by": "order_date", "agg": "median",
                        "time_grain": "quarter", "direction": "min"}),
    ("answer_extreme", {"measure": "revenue", "by": "order_date", "agg": "mean", "time_grain": "weekday"}),
    ("answer_extreme", {"by": "order_date", "agg": "count", "time_grain": "hour"}),
    ("answer_extreme", {"measure": "price", "by": "order_date", "agg": "max", "time_grain": "week"}),
    ("answer_extreme", {"measure": "units", "by": "order_date", "agg": "min", "time_grain": "month_of_year"}),
    ("answer_extreme", {"measure": "revenue", "by": "year", "agg": "sum"}),
    ("answer_extreme", {"measure": "revenue", "by": "year", "agg": "sum", "time_grain": "year"}),
    ("answer_extreme", {"measure": "units", "by": "day_text", "agg": "sum", "time_grain": "month"}),
    ("answer_extreme", {"measure": "units", "by": "pair", "agg": "count"}),
    ("answer_extreme", {"measure": "revenue", "by": "region", "filters": [
        {"column": "units", "op": "gt", "value": 100}]}),
    ("answer_extreme", {"measure": "revenue"}),
    ("answer_extreme", {"measure": "price_text", "labels": ["region"]}),
    ("answer_extreme", {"measure": "price", "direction": "min", "labels": ["region", "order_date"]}),
    ("answer_extreme", {"measure": "score", "filters": _NORTH}),
    ("answer_extreme", {"measure": "units", "labels": ["order_id", "product"], "filters": _NORTH}),
    ("answer_change", {"measure": "revenue", "period": "order_date", "time_grain": "year",
                       "start": "2022", "end": "2023"}),
    ("answer_change", {"measure": "units", "period": "order_date", "time_grain": "year",
                       "start": "2022", "end": "2023", "agg": "sum", "filters": _NORTH}),
    ("answer_change", {"measure": "price", "period": "order_date", "time_grain": "month_of_year",
                       "start": "January", "end": "jun", "agg": "median"}),
    ("answer_change", {"measure": "revenue", "period": "order_date", "time_grain": "quarter",
                       "start": "2022-Q1", "end": "2023-Q4", "agg": "max"}),
    ("answer_change", {"measure": "revenue", "period": "year", "quarter": "quarter",
                       "start": "2022-Q2", "end": "2023-Q2"}),
    ("answer_change", {"measure": "units", "period": "year", "start": "2022", "end": "2023",
                       "agg": "min"}),
    ("answer_change", {"measure": "revenue", "period": "day_text", "time_grain": "year",
                       "start": "2022", "end": "2023"}),
    ("answer_change", {"measure": "revenue", "period": "day_text", "start": "2022-03-01",
                       "end": "2023-03-01"}),
    ("answer_change", {"measure": "revenue", "period": "order_date", "time_grain": "year",
                       "start": "2022", "end": "2031"}),
    ("answer_change", {"measure": "revenue", "period": "region", "start": "north", "end": "South",
                       "agg": "mean"}),
]  # fmt: skip
