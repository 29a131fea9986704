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


@pytest.mark.parametrize("kind", ["int", "str", "category"])
def test_correlation_ratio_matches_the_textbook_formula(kind: str) -> None:
    """Eta by bincount equals sqrt(sum n_g (mean_g - mean)^2 / sum (v - mean)^2) by groupby;
    missing groups and values are left out."""
    from autoviz_core.tools.relationships import correlation_ratio

    rng = np.random.default_rng(3)
    v = rng.gamma(2.0, 10.0, 500)
    g = pd.Series(rng.integers(0, 7, 500)).astype(kind)
    v[::50] = np.nan
    g = g.where(np.arange(500) % 37 != 0)
    frame = pd.DataFrame({"g": g, "v": v}).dropna()
    mean = frame["v"].mean()
    by = frame.groupby("g", observed=True)["v"].agg(["mean", "size"])
    expected = np.sqrt(
        (by["size"] * (by["mean"] - mean) ** 2).sum() / ((frame["v"] - mean) ** 2).sum()
    )
    assert correlation_ratio(v, g) == pytest.approx(expected, rel=1e-12)
    assert correlation_ratio(np.ones(5), pd.Series(list("aabbc"))) != correlation_ratio(
        np.ones(5), pd.Series(list("aabbc"))
    )  # no spread: undefined (nan)
