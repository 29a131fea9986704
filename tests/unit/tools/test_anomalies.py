"""IQR, robust z-score and rolling anomalies: flags and reasons checked by hand."""

from __future__ import annotations

import pandas as pd

from tests.shop_sales import SPIKE


def test_iqr_outliers_match_pandas(run_tool, tips):
    res = run_tool("iqr_outliers", tips, column="total_bill")
    q1, q3 = tips["total_bill"].quantile([0.25, 0.75])
    hi = q3 + 1.5 * (q3 - q1)
    expected = tips[(tips["total_bill"] > hi) | (tips["total_bill"] < q1 - 1.5 * (q3 - q1))]
    assert sorted(res.table["row_index"]) == sorted(expected.index)
    assert res.table["total_bill"].iloc[0] == tips["total_bill"].max()
    assert (
        res.table["reason"].iloc[0]
        == f"total_bill {tips['total_bill'].max():.2f} > Q3+1.5·IQR = {hi:.1f}"
    )


def test_robust_zscore(run_tool):
    df = pd.DataFrame({"v": [10.0, 11, 9, 10, 12, 10, 9, 11, 100, float("nan")]})
    res = run_tool("robust_zscore_outliers", df, column="v")
    assert res.table["row_index"].tolist() == [8]
    assert "robust z" in res.table["reason"].iloc[0]


def test_robust_zscore_mad_zero_falls_back(run_tool):
    df = pd.DataFrame({"v": [5.0] * 20 + [50.0]})
    res = run_tool("robust_zscore_outliers", df, column="v")
    assert res.table["row_index"].tolist() == [20]


def test_rolling_anomalies_finds_planted_spike(run_tool):
    t = pd.date_range("2024-01-01", periods=60, freq="D")
    v = [100.0 + (i % 7) for i in range(60)]
    v[40] = 400.0
    df = pd.DataFrame({"t": t.repeat(2), "v": [x / 2 for x in v for _ in range(2)]})
    res = run_tool("rolling_anomalies", df, date_column="t", metric="v", agg="sum")
    flagged = res.table[res.table["flag"]]
    assert flagged["t_key"].tolist() == [pd.Timestamp("2024-02-10")]  # "t" is a column it adds
    assert flagged["reason"].iloc[0].startswith("2024-02-10: sum of v per day 400 > expected")
    assert len(res.table) == 60 and res.findings[0].startswith("1 of 60 days stands out")


def test_rolling_anomalies_by_group(run_tool, sales):
    res = run_tool(
        "rolling_anomalies", sales, date_column="sale_date", metric="sales", group_by="store"
    )
    assert "store" in res.table.columns
    assert res.chart.points_sent == sales["store"].nunique() * sales["sale_date"].nunique()
    flagged = res.table[res.table["flag"]]
    spike = (SPIKE["store"], SPIKE["sale_date"])  # the one day planted in the table
    assert spike in list(zip(flagged["store"], flagged["sale_date"], strict=True))


def test_all_missing_column(run_tool, awkward):
    assert "no numeric values" in run_tool("iqr_outliers", awkward, column="empty").summary
