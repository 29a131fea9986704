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
