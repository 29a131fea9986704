"""aggregate, filter_rows, sort_rows and top_n against pandas."""

from __future__ import annotations

import pytest

from autoviz_core.tools.common import ToolInputError


def test_aggregate_sum_by_two_keys(run_tool, december):
    res = run_tool(
        "aggregate", december, group_by=["region", "product_category"], metric="revenue", agg="sum"
    )
    expected = december.groupby(["region", "product_category"])["revenue"].sum().reset_index()
    assert (
        res.table[["region", "product_category"]].values.tolist()
        == expected[["region", "product_category"]].values.tolist()
    )
    assert res.table["revenue"].tolist() == pytest.approx(expected["revenue"].tolist())


def test_aggregate_count_rows_and_findings(run_tool, december):
    res = run_tool("aggregate", december, group_by=["region"])
    assert res.table.columns.tolist() == ["region", "count"]
    assert res.table["count"].tolist() == december.groupby("region").size().tolist()
    sums = december.groupby("region")["revenue"].sum()
    res = run_tool("aggregate", december, group_by=["region"], metric="revenue", agg="sum")
    top, low = sums.idxmax(), sums.idxmin()
    assert res.findings[0].startswith(f"{top} has the highest sum of revenue: {sums.max():,.0f}")
    assert f"above the lowest, {low}" in res.findings[0]


def test_aggregate_time_grain(run_tool, december):
    res = run_tool(
        "aggregate", december, group_by=["date"], metric="units", agg="mean", time_grain="week"
    )
    expected = december.groupby(december["date"].dt.to_period("W").dt.start_time)["units"].mean()
    assert res.table["units"].tolist() == pytest.approx(expected.tolist())


def test_aggregate_needs_keys(run_tool, december):
    with pytest.raises(ToolInputError):
        run_tool("aggregate", december, group_by=[])


def test_filter_rows_reports_matching(run_tool, tips):
    res = run_tool(
        "filter_rows",
        tips,
        conditions=[
            {"column": "day", "op": "in", "value": ["sat", "sun"]},
            {"column": "tip", "op": "gt", "value": "5"},
        ],
    )
    expected = tips[tips["day"].isin(["Sat", "Sun"]) & (tips["tip"] > 5)]
    assert len(res.table) == len(expected)
    assert "case-insensitively" in res.summary and f"Kept {len(expected)} of 244" in res.summary


def test_filter_rows_to_nothing(run_tool, tips):
    res = run_tool("filter_rows", tips, conditions=[{"column": "tip", "op": "gt", "value": 1000}])
    assert len(res.table) == 0 and "No rows match" in res.findings[-1]


def test_sort_rows_stable(run_tool, tips):
    res = run_tool("sort_rows", tips, by=["size", "tip"], ascending=False)
    expected = tips.sort_values(["size", "tip"], ascending=False, kind="stable")
    assert res.table["tip"].tolist() == expected["tip"].tolist()


def test_top_n(run_tool, gapminder):
    res = run_tool("top_n", gapminder, column="gdpPercap", n=5)
    assert res.table["gdpPercap"].tolist() == gapminder["gdpPercap"].nlargest(5).tolist()
    res = run_tool("top_n", gapminder, column="lifeExp", n=3, largest=False)
    assert res.table["lifeExp"].tolist() == gapminder["lifeExp"].nsmallest(3).tolist()
