"""compare_groups against pandas, with the rank test."""

from __future__ import annotations

import pytest
from scipy import stats


def test_compare_groups(run_tool, tips):
    res = run_tool("compare_groups", tips, metric="tip", group_by="day")
    expected = tips.groupby("day")["tip"].agg(["count", "mean", "median", "std", "min", "max"])
    expected = expected.sort_values("mean", ascending=False)
    assert res.table["day"].tolist() == list(expected.index)
    for col in expected.columns:
        assert res.table[col].tolist() == pytest.approx(expected[col].tolist())
    assert res.metrics["test"] == "Kruskal–Wallis"
    samples = [g.to_numpy() for _, g in tips.groupby("day")["tip"]]
    assert res.metrics["p_value"] == pytest.approx(stats.kruskal(*samples).pvalue)


def test_two_groups_use_mann_whitney(run_tool, tips):
    res = run_tool("compare_groups", tips, metric="tip", group_by="smoker", sort_by="count")
    assert res.metrics["test"] == "Mann–Whitney U"
    assert res.table["count"].tolist() == sorted(
        tips["smoker"].value_counts().tolist(), reverse=True
    )
    assert "could be chance" in res.findings[-1]
