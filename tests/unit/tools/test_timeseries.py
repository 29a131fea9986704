"""parse_dates, resample, trend, period_change and seasonality against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_parse_dates_text(run_tool):
    df = pd.DataFrame({"d": pd.array(["2024-01-05", "2024-02-10", "bad"], dtype="str")})
    res = run_tool("parse_dates", df, column="d")
    assert str(res.table["d"].dtype).startswith("datetime64")
    assert "1 value(s) could not be read" in res.summary


def test_parse_dates_with_format(run_tool):
    df = pd.DataFrame({"d": pd.array(["05/01/2024", "10/02/2024"], dtype="str")})
    res = run_tool("parse_dates", df, column="d", format="%d/%m/%Y")
    assert res.table["d"].dt.month.tolist() == [1, 2]


def test_resample_month_sum_fills_gaps(run_tool):
    df = pd.DataFrame(
        {"t": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-03-05"]), "v": [1.0, 2.0, 4.0]}
    )
    res = run_tool("resample", df, date_column="t", metric="v", agg="sum", grain="month")
    assert res.chart.x_values == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert res.chart.y_values == [3.0, 0.0, 4.0]


def test_resample_week_matches_pandas(run_tool, stocks):
    res = run_tool(
        "resample", stocks, date_column="date", metric="AAPL", agg="mean", grain="quarter"
    )
    expected = stocks.set_index("date")["AAPL"].resample("QS").mean()
    assert res.table["AAPL"].tolist() == pytest.approx(expected.tolist())


def test_trend_slope_and_rolling(run_tool):
    t = pd.date_range("2024-01-01", periods=30, freq="D")
    df = pd.DataFrame({"t": t, "v": 5.0 + 2.0 * np.arange(30)})
    res = run_tool("trend", df, date_column="t", metric="v", window=3)
    assert res.metrics["slope"] == pytest.approx(2.0) and res.metrics["r2"] == pytest.approx(1.0)
    assert res.table["rolling_mean"].iloc[5] == pytest.approx(df["v"].rolling(3).mean().iloc[5])
    assert "rises by about 2 per day" in res.findings[0]


def test_period_change_leaves_partial_weeks_out(run_tool, sales):
    # the month starts on a Saturday and ends on a Monday: both edge weeks are partial
    res = run_tool("period_change", sales, date_column="sale_date", metric="sales", grain="week")
    week = sales["sale_date"].dt.to_period("W").dt.start_time
    weekly = sales.groupby(week)["sales"].sum()
    partial = (sales.groupby(week)["sale_date"].nunique() < 7).tolist()
    assert partial[0] and partial[-1] and not any(partial[1:-1])  # the table's design
    assert res.table["partial"].tolist() == partial
    whole = weekly.iloc[1:-1]
    assert res.table["pct_change"].iloc[2:-1].tolist() == pytest.approx(
        (whole.pct_change() * 100).iloc[1:].tolist()
    )
    # a partial week is never compared: its change is in the table, flagged, and not said
    comparable = res.table["adjacent"] & res.table["whole"]
    expected = [False, False] + [True] * (len(weekly) - 3) + [False]
    assert comparable.tolist() == expected
    assert all(v is None for v, c in zip(res.chart.y_values, expected, strict=True) if not c)
    first, last_whole, last = (f"{weekly.index[i]:%Y-%m-%d}" for i in (0, -2, -1))
    assert res.findings[0].startswith(f"sum of sales per week: week of {last_whole} was")
    assert any(f"week of {first} is a partial week" in f for f in res.findings)
    assert not any(f"week of {last} was" in f for f in res.findings)


def test_seasonality_weekday_compares_like_with_like(run_tool, sales):
    # the month has five Saturdays, Sundays and Mondays and four of the other weekdays: sums
    # are averaged per day before comparing
    res = run_tool("seasonality", sales, date_column="sale_date", metric="sales", agg="sum")
    daily = sales.groupby("sale_date")["sales"].sum()
    assert daily.groupby(daily.index.day_of_week).size().nunique() > 1  # the table's design
    expected = daily.groupby(daily.index.day_of_week).mean()
    assert res.chart.x_values[0] == "Monday" and res.chart.x_values[-1] == "Sunday"
    assert res.chart.y_values == pytest.approx(expected.tolist())
    assert res.table["days"].tolist() == daily.groupby(daily.index.day_of_week).size().tolist()


def test_seasonality_month(run_tool, stocks):
    res = run_tool("seasonality", stocks, date_column="date", metric="GOOG", by="month")
    assert res.chart.x_values[:2] == ["January", "February"]


def test_empty_input(run_tool, sales):
    res = run_tool("trend", sales.head(0), date_column="sale_date", metric="sales")
    assert "no rows" in res.summary
