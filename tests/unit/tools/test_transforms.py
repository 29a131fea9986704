"""aggregate, filter_rows, sort_rows and top_n against pandas."""

from __future__ import annotations

import pytest

from autoviz_core.tools.common import ToolInputError


def test_aggregate_sum_by_two_keys(run_tool, sales):
    res = run_tool("aggregate", sales, group_by=["store", "aisle"], metric="sales", agg="sum")
    expected = sales.groupby(["store", "aisle"])["sales"].sum().reset_index()
    assert (
        res.table[["store", "aisle"]].values.tolist()
        == expected[["store", "aisle"]].values.tolist()
    )
    assert res.table["sales"].tolist() == pytest.approx(expected["sales"].tolist())


def test_aggregate_count_rows_and_findings(run_tool, sales):
    res = run_tool("aggregate", sales, group_by=["store"])
    assert res.table.columns.tolist() == ["store", "count"]
    assert res.table["count"].tolist() == sales.groupby("store").size().tolist()
    sums = sales.groupby("store")["sales"].sum()
    res = run_tool("aggregate", sales, group_by=["store"], metric="sales", agg="sum")
    top, low = sums.idxmax(), sums.idxmin()
    assert res.findings[0].startswith(f"{top} has the highest sum of sales: {sums.max():,.0f}")
    assert f"above the lowest, {low}" in res.findings[0]


def test_aggregate_time_grain(run_tool, sales):
    res = run_tool(
        "aggregate", sales, group_by=["sale_date"], metric="items", agg="mean", time_grain="week"
    )
    week = sales["sale_date"].dt.to_period("W").dt.start_time
    expected = sales.groupby(week)["items"].mean()
    assert res.table["items"].tolist() == pytest.approx(expected.tolist())


def test_aggregate_needs_keys(run_tool, sales):
    with pytest.raises(ToolInputError):
        run_tool("aggregate", sales, group_by=[])


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
