"""histogram bins and box/violin plots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from autoviz_core.tools import ToolContext
from autoviz_core.tools.distributions import histogram_edges


def test_histogram_counts_match_numpy(run_tool, gapminder):
    res = run_tool("histogram", gapminder, column="lifeExp")
    edges = np.append(res.table["bin_start"].to_numpy(), res.table["bin_end"].iloc[-1])
    expected, _ = np.histogram(gapminder["lifeExp"], edges)
    assert res.table["count"].tolist() == expected.tolist()
    assert sum(res.chart.y_values) == len(gapminder)


def test_bins_capped_and_integer_bins():
    heavy = np.concatenate([np.zeros(100_000), [1e9]])
    assert len(histogram_edges(heavy + np.random.default_rng(0).normal(size=100_001))) - 1 <= 50
    assert len(histogram_edges(np.array([1, 2, 2, 3, 6], dtype=float))) - 1 == 6
    assert len(histogram_edges(np.array([4.0, 4.0]))) == 2


def test_histogram_all_missing(run_tool, awkward):
    res = run_tool("histogram", awkward, column="empty")
    assert "no numeric values" in res.summary


def test_box_by_group(run_tool, iris):
    res = run_tool("box_by_group", iris, column="petal_length", group_by="species")
    expected = iris.groupby("species")["petal_length"].median()
    assert dict(zip(res.chart.x_values, res.chart.y_values, strict=True)) == pytest.approx(
        expected.to_dict()
    )
    assert res.findings[0].startswith(expected.idxmax())


def test_box_summarised_above_cap_and_violin(run_tool):
    df = pd.DataFrame({"g": ["a", "b"] * 5000, "v": np.arange(10000, dtype=float)})
    res = run_tool("box_by_group", df, ToolContext(max_chart_points=1000), column="v", group_by="g")
    assert res.chart.points_sent == 10 and "precomputed" in res.summary
    res = run_tool(
        "box_by_group",
        df,
        ToolContext(max_chart_points=1000),
        column="v",
        group_by="g",
        style="violin",
    )
    assert res.chart.points_sent == 1000 and res.figure.data[0].type == "violin"
