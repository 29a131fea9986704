"""summary_stats, missing_report and value_counts against pandas."""

from __future__ import annotations

import pandas as pd
import pytest


def test_summary_stats_numeric_and_categorical(run_tool, tips):
    res = run_tool("summary_stats", tips)
    table = res.table.set_index("column")
    assert list(table.index) == list(tips.columns)
    assert table.loc["tip", "mean"] == pytest.approx(tips["tip"].mean())
    assert table.loc["tip", "p75"] == pytest.approx(tips["tip"].quantile(0.75))
    assert table.loc["total_bill", "std"] == pytest.approx(tips["total_bill"].std())
    assert table.loc["day", "top"] == tips["day"].value_counts().idxmax()
    assert table.loc["day", "unique"] == tips["day"].nunique()
    assert "244 rows and 7 columns" in res.findings[0]


def test_summary_stats_on_awkward_columns(run_tool, awkward):
    res = run_tool("summary_stats", awkward)
    table = res.table.set_index("column")
    assert table.loc["empty", "missing"] == 5 and pd.isna(table.loc["empty", "mean"])
    assert table.loc["count", "mean"] == pytest.approx(13 / 4)
    assert table.loc["when", "kind"] == "temporal" and table.loc["when", "min"] == "2024-01-01"
    assert table.loc["flag", "kind"] == "boolean"


def test_missing_report(run_tool, awkward):
    res = run_tool("missing_report", awkward)
    expected = awkward.isna().sum().sort_values(ascending=False)
    assert res.table["column"].iloc[0] == "empty"
    assert dict(zip(res.table["column"], res.table["missing"], strict=True)) == expected.to_dict()
    assert "Entirely empty: empty." in res.findings
    assert res.chart is not None and res.chart.x_values[0] == "empty"


def test_missing_report_none_missing(run_tool, iris):
    res = run_tool("missing_report", iris)
    assert res.findings == ["No missing values in any of the 6 columns."] and res.figure is None


def test_value_counts_top_n(run_tool, gapminder):
    res = run_tool("value_counts", gapminder, column="continent", top_n=3)
    expected = gapminder["continent"].value_counts().head(3)
    assert res.table["continent"].tolist() == list(expected.index)
    assert res.table["count"].tolist() == expected.tolist()
    assert res.chart.x_values == list(expected.index)


def test_value_counts_zero_rows(run_tool, tips):
    res = run_tool("value_counts", tips.head(0), column="day")
    assert "no rows" in res.summary


def test_summary_stats_ties_for_the_most_common_value_go_to_the_first_as_text(run_tool):
    df = pd.DataFrame({"kind": ["b", "c", "a", "c", "a", "b", None], "n": [1, 2, 3, 4, 5, 6, 7]})
    table = run_tool("summary_stats", df).table.set_index("column")
    assert table.loc["kind", "top"] == "a" and table.loc["kind", "top_count"] == 2
    assert table.loc["kind", "unique"] == 3 and table.loc["kind", "missing"] == 1
    assert table.loc["n", "median"] == pytest.approx(4.0)
    assert table.loc["n", "std"] == pytest.approx(pd.Series([1, 2, 3, 4, 5, 6, 7]).std())


@pytest.mark.parametrize("seed", range(4))
def test_sorted_quantile_is_numpys_to_the_last_bit(seed):
    import numpy as np

    from autoviz_core.tools.stats import sorted_quantile

    rng = np.random.default_rng(seed)
    for n in (1, 2, 3, 4, 7, 10, 101, 1000):
        values = np.sort(rng.normal(size=n) * 10.0 ** rng.integers(-5, 8))
        for q in (0.25, 0.5, 0.75):
            assert sorted_quantile(values, q) == float(np.quantile(values, q))


def test_summary_distinct_count_of_big_whole_numbers_is_exact(run_tool) -> None:
    """Two ids a float cannot tell apart (beyond 2**53) stay two: the summary's sort gives the
    distinct count only when the floats hold every value exactly."""
    ids = pd.DataFrame({"ticket": pd.array([2**60, 2**60 + 1, 2**60 + 1, 7], dtype="Int64")})
    table = run_tool("summary_stats", ids).table.set_index("column")
    assert table.loc["ticket", "unique"] == 3
