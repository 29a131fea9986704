"""The primary `chart` tool: values checked against pandas computed here, order, bounds, edges."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from autoviz_core.tools import ToolContext
from autoviz_core.tools.common import ToolInputError


def pairs(chart) -> list[tuple]:
    return list(zip(chart.x_values, chart.y_values, strict=True))


def rounded(values) -> list:
    return [None if v is None else round(float(v), 6) for v in values]


@pytest.mark.parametrize("agg", ["sum", "mean", "median", "min", "max"])
def test_bar_aggregate_matches_pandas_groupby(run_tool, tips, agg):
    res = run_tool("chart", tips, kind="bar", x="day", y="tip", agg=agg)
    expected = tips.groupby("day")["tip"].agg(agg).sort_index()
    assert res.chart.x_values == list(expected.index)
    assert rounded(res.chart.y_values) == rounded(expected.to_numpy())
    assert res.chart.kind == "bar" and res.chart.agg == agg and res.chart.points_sent == 4


def test_count_without_y_is_row_count_and_with_y_counts_non_null(run_tool, awkward, tips):
    res = run_tool("chart", tips, kind="bar", x="time", agg="count")
    assert dict(pairs(res.chart)) == tips.groupby("time").size().to_dict()
    res = run_tool("chart", awkward, kind="bar", x="city", y="count", agg="count")
    assert dict(pairs(res.chart)) == awkward.groupby("city")["count"].count().to_dict()


def test_sort_by_y_desc_and_limit(run_tool, gapminder):
    res = run_tool(
        "chart",
        gapminder,
        kind="bar",
        x="continent",
        y="pop",
        agg="sum",
        sort_by="y",
        sort_dir="desc",
        limit=3,
        filters=[{"column": "year", "op": "eq", "value": "2007"}],
    )
    expected = gapminder[gapminder["year"] == 2007].groupby("continent")["pop"].sum()
    expected = expected.sort_values(ascending=False).head(3)
    assert pairs(res.chart) == list(zip(expected.index, expected.tolist(), strict=True))
    assert all(isinstance(v, int) for v in res.chart.y_values)
    layout = res.figure.layout
    assert layout.xaxis.title.text == "continent" and layout.yaxis.title.text == "sum of pop"
    assert list(layout.xaxis.categoryarray) == list(expected.index)


def test_sort_by_x_asc(run_tool, tips):
    res = run_tool("chart", tips, kind="bar", x="size", agg="count", sort_by="x", sort_dir="desc")
    assert res.chart.x_values == sorted(tips["size"].unique().tolist(), reverse=True)


def test_raw_rows_when_agg_none(run_tool, iris):
    res = run_tool("chart", iris.head(7), kind="bar", x="species_id", y="sepal_length", agg="none")
    assert res.chart.x_values == iris["species_id"].head(7).tolist()
    assert res.chart.y_values == iris["sepal_length"].head(7).tolist()


def test_line_over_month_grain_is_sorted_and_json_dates(run_tool, sales):
    shuffled = sales.sample(frac=1.0, random_state=1)
    res = run_tool(
        "chart", shuffled, kind="line", x="sale_date", y="sales", agg="sum", time_grain="week"
    )
    expected = sales.groupby(sales["sale_date"].dt.to_period("W").dt.start_time)["sales"].sum()
    assert res.chart.x_values == [d.strftime("%Y-%m-%d") for d in expected.index]
    assert rounded(res.chart.y_values) == rounded(expected.to_numpy())
    json.dumps(res.chart.model_dump())


def test_line_always_ascending_x_even_if_sort_by_y(run_tool, stocks):
    res = run_tool("chart", stocks, kind="line", x="date", y="GOOG", sort_by="y", sort_dir="desc")
    assert res.chart.x_values == sorted(res.chart.x_values)
    assert len(res.chart.x_values) == len(stocks)


def test_weekday_grain_in_calendar_order(run_tool, sales):
    res = run_tool(
        "chart", sales, kind="bar", x="sale_date", y="sales", agg="mean", time_grain="weekday"
    )
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert res.chart.x_values == days
    expected = sales.groupby(sales["sale_date"].dt.day_name())["sales"].mean()
    assert rounded(res.chart.y_values) == rounded(expected.reindex(days).to_numpy())


def test_colour_series_with_color_values(run_tool, tips):
    res = run_tool("chart", tips, kind="bar", x="day", y="tip", agg="sum", color="sex")
    expected = tips.groupby(["day", "sex"])["tip"].sum()
    got = {
        (x, c): y
        for x, y, c in zip(
            res.chart.x_values, res.chart.y_values, res.chart.color_values, strict=True
        )
    }
    assert got == pytest.approx(expected.to_dict())
    assert len(res.figure.data) == 2


def test_pie_names_and_values(run_tool, tips):
    res = run_tool("chart", tips, kind="pie", x="smoker", y="total_bill", agg="sum")
    pie = res.figure.data[0]
    assert list(pie.labels) == res.chart.x_values and list(pie.values) == res.chart.y_values


def test_histogram_counts_all_values(run_tool, tips):
    res = run_tool("chart", tips, kind="histogram", x="total_bill")
    assert sum(res.chart.y_values) == len(tips)
    assert 5 <= len(res.chart.x_values) <= 50


def test_box_medians(run_tool, tips):
    res = run_tool("chart", tips, kind="box", x="day", y="tip")
    expected = tips.groupby("day")["tip"].median()
    assert dict(pairs(res.chart)) == pytest.approx(expected.to_dict())


def test_heatmap_cells(run_tool, tips):
    res = run_tool("chart", tips, kind="heatmap", x="day", color="time", y="tip", agg="mean")
    expected = tips.groupby(["day", "time"])["tip"].mean().to_dict()
    got = {
        (x, c): y
        for x, y, c in zip(
            res.chart.x_values, res.chart.y_values, res.chart.color_values, strict=True
        )
    }
    assert got == pytest.approx(expected)


def test_scatter_sampled_deterministically_above_cap(run_tool):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=3000), "b": rng.normal(size=3000)})
    small = ToolContext(max_chart_points=500, seed=7)
    one = run_tool("chart", df, small, kind="scatter", x="a", y="b")
    two = run_tool("chart", df, small, kind="scatter", x="a", y="b")
    assert one.chart.points_sent == 500 and one.chart.x_values == two.chart.x_values
    assert set(one.chart.x_values) <= set(df["a"].tolist())
    big = run_tool("chart", df, kind="scatter", x="a", y="b")
    assert big.figure.data[0].type == "scattergl"


def test_bars_bounded_to_top_categories(run_tool):
    df = pd.DataFrame({"k": [f"id{i:04d}" for i in range(2000)], "v": np.arange(2000, dtype=float)})
    res = run_tool(
        "chart", df, ToolContext(max_chart_points=100), kind="bar", x="k", y="v", agg="sum"
    )
    assert res.chart.points_sent == 100 and len(res.chart.x_values) == 100
    assert min(res.chart.y_values) == 1900.0
    assert "top 100" in res.summary


def test_line_thinned_to_cap(run_tool):
    df = pd.DataFrame(
        {
            "t": pd.date_range("2020-01-01", periods=20000, freq="h"),
            "v": np.sin(np.arange(20000) / 50),
        }
    )
    df.loc[12345, "v"] = 99.0
    res = run_tool("chart", df, ToolContext(max_chart_points=1000), kind="line", x="t", y="v")
    assert res.chart.points_sent <= 1000
    assert 99.0 in res.chart.y_values  # spikes survive thinning
    assert res.chart.x_values == sorted(res.chart.x_values)
    assert "2020-01-01 01:00:00" in res.chart.x_values or res.chart.x_values[0] == "2020-01-01"


def test_filter_to_nothing_gives_clear_summary(run_tool, tips):
    res = run_tool(
        "chart",
        tips,
        kind="bar",
        x="day",
        y="tip",
        agg="sum",
        filters=[{"column": "day", "op": "eq", "value": "Funday"}],
    )
    assert "no rows match" in res.summary and res.chart.points_sent == 0


def test_case_insensitive_filter_is_reported(run_tool, tips):
    res = run_tool(
        "chart",
        tips,
        kind="bar",
        x="day",
        agg="count",
        filters=[{"column": "sex", "op": "eq", "value": "female"}],
    )
    assert sum(res.chart.y_values) == (tips["sex"] == "Female").sum()
    assert "case-insensitively" in res.summary


def test_unknown_column_is_readable_error(run_tool, tips):
    with pytest.raises(ToolInputError, match="not in the table: nope"):
        run_tool("chart", tips, kind="bar", x="nope", agg="count")


def test_sum_of_text_column_is_readable_error(run_tool, tips):
    with pytest.raises(ToolInputError, match="not numeric"):
        run_tool("chart", tips, kind="bar", x="day", y="sex", agg="sum")


def test_nullable_and_missing_values_become_none(run_tool, awkward):
    res = run_tool("chart", awkward, kind="bar", x="city", y="empty", agg="mean")
    assert res.chart.y_values == [None, None, None]
    res = run_tool("chart", awkward, kind="line", x="when", y="count")
    assert None in res.chart.y_values or len(res.chart.y_values) == 5
    json.dumps(res.chart.model_dump())


def test_findings_name_the_top_group(run_tool, sales):
    res = run_tool("chart", sales, kind="bar", x="store", y="sales", agg="sum")
    totals = sales.groupby("store")["sales"].sum()
    assert res.findings[0].startswith(f"{totals.idxmax()} has the highest sum of sales")
    assert f"{totals.max():,.0f}" in res.findings[0]


def test_line_with_repeated_x_says_so(run_tool, sales):
    res = run_tool("chart", sales, kind="line", x="sale_date", y="sales")
    assert "x repeats within a series" in res.summary
    assert res.chart.x_values == sorted(res.chart.x_values)


# ---------------------------------------------------------------- several measures
def test_several_measures_without_x_compare_their_totals(run_tool) -> None:
    df = pd.DataFrame({"a": [1, 2, 3], "b": [10, 20, 30], "c": [5, 5, 5]})
    res = run_tool("chart", df, kind="bar", y="a", measures=["b", "c"], agg="sum")
    assert res.chart is not None
    assert res.chart.x_values == ["a", "b", "c"]
    assert res.chart.y_values == [df["a"].sum(), df["b"].sum(), df["c"].sum()]
    assert res.chart.title == "sum of a, b and c"


def test_several_measures_over_time_are_one_series_each(run_tool) -> None:
    df = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-01", "2024-02-20"]),
            "wins": [1, 2, 3, 4],
            "losses": [4, 3, 2, 1],
        }
    )
    res = run_tool(
        "chart",
        df,
        kind="line",
        x="day",
        y="wins",
        measures=["losses"],
        agg="sum",
        time_grain="month",
    )
    assert res.chart is not None and res.chart.color == "measure"
    got = {
        (str(x)[:7], c): y
        for x, c, y in zip(
            res.chart.x_values, res.chart.color_values or [], res.chart.y_values, strict=True
        )
    }
    assert got == {
        ("2024-01", "wins"): 3,
        ("2024-02", "wins"): 7,
        ("2024-01", "losses"): 7,
        ("2024-02", "losses"): 3,
    }


@pytest.mark.parametrize(
    ("tool", "params"),
    [
        ("chart", {"kind": "bar", "x": "day", "y": "tip", "agg": "mean"}),
        ("histogram", {"column": "tip"}),
        ("value_counts", {"column": "day"}),
        ("box_by_group", {"column": "tip", "group_by": "day"}),
    ],
)
def test_every_figure_has_the_white_template(run_tool, tips, tool, params):
    """The look is set once as plotly's default; each figure must still carry it whole."""
    fig = run_tool(tool, tips, **params).figure
    assert fig.layout.template.layout.plot_bgcolor == "white"
    assert json.loads(fig.to_json())["layout"]["template"]["layout"]["paper_bgcolor"] == "white"


def test_figures_stay_white_after_streamlit_changes_plotlys_default(run_tool, tips):
    """streamlit's import sets plotly's default template to placeholders only its frontend
    fills in; a tool's figure (and so a downloaded report) must still be plotly_white."""
    import plotly.io as pio
    import streamlit  # noqa: F401  (registers its "streamlit" template)

    before = pio.templates.default
    try:
        pio.templates.default = "streamlit"  # what the import does when it comes first
        fig = run_tool("histogram", tips, column="tip").figure
        assert fig.layout.template.layout.plot_bgcolor == "white"
        assert pio.templates.default == "plotly_white"
    finally:
        pio.templates.default = before


def test_a_pie_of_averages_says_its_slices_are_no_shares(run_tool, tips):
    res = run_tool("chart", tips, kind="pie", x="day", y="tip", agg="mean")
    assert any("not parts of a whole" in f for f in res.findings)
    summed = run_tool("chart", tips, kind="pie", x="day", y="tip", agg="sum")
    assert not any("not parts of a whole" in f for f in summed.findings)
