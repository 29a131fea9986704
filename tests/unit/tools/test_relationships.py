"""correlation_matrix, scatter with OLS, driver_ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_correlation_matrix(run_tool, iris):
    res = run_tool(
        "correlation_matrix", iris, columns=["sepal_length", "petal_length", "petal_width"]
    )
    table = res.table.set_index("column")
    assert table.loc["sepal_length", "petal_length"] == pytest.approx(
        iris["sepal_length"].corr(iris["petal_length"])
    )
    assert "petal_length and petal_width" in res.findings[0]
    assert res.chart.points_sent == 9


def test_correlation_spearman_skips_constant(run_tool, tips):
    df = tips.assign(const=1)
    res = run_tool("correlation_matrix", df, method="spearman")
    assert "const" not in res.table.columns
    assert res.table.set_index("column").loc["tip", "total_bill"] == pytest.approx(
        tips["tip"].corr(tips["total_bill"], method="spearman")
    )


def test_scatter_ols_matches_polyfit(run_tool, tips):
    res = run_tool("scatter", tips, x="total_bill", y="tip", color="time")
    slope, intercept = np.polyfit(tips["total_bill"], tips["tip"], 1)
    assert res.metrics["slope"] == pytest.approx(slope) and res.metrics[
        "intercept"
    ] == pytest.approx(intercept)
    assert res.metrics["r"] == pytest.approx(tips["total_bill"].corr(tips["tip"]))
    assert res.chart.color_values is not None and len(res.chart.x_values) == len(tips)
    assert res.figure.data[-1].name == "OLS fit"


def test_driver_ranking_orders_by_strength(run_tool, tips):
    res = run_tool("driver_ranking", tips, target="tip")
    table = res.table.set_index("column")
    assert res.table["column"].iloc[0] == "total_bill"
    assert table.loc["total_bill", "strength"] == pytest.approx(
        abs(tips["total_bill"].corr(tips["tip"], method="spearman"))
    )
    groups = tips.groupby("day")["tip"]
    ss_b = (groups.size() * (groups.mean() - tips["tip"].mean()) ** 2).sum()
    eta = np.sqrt(ss_b / ((tips["tip"] - tips["tip"].mean()) ** 2).sum())
    assert (
        table.loc["day", "strength"] == pytest.approx(eta) and table.loc["day", "measure"] == "eta"
    )
    assert list(res.table["strength"]) == sorted(res.table["strength"], reverse=True)


def test_driver_ranking_skips_identifiers(run_tool, gapminder):
    res = run_tool("driver_ranking", gapminder, target="lifeExp")
    assert "country" in res.metrics["skipped"] and "iso_alpha" in res.metrics["skipped"]
    assert res.table["column"].iloc[0] in {"gdpPercap", "continent", "year", "iso_num"}


def test_driver_ranking_constant_target(run_tool):
    res = run_tool("driver_ranking", pd.DataFrame({"t": [1.0] * 5, "g": list("aabbc")}), target="t")
    assert "does not vary" in res.summary
