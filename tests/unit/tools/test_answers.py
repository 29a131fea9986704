"""Every answer tool recomputed with pandas / scipy: filters, groups, missing values, ties,
too few values and constant columns (a sentence that says so, never a NaN)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from autoviz_core.tools import get_tool
from autoviz_core.tools.registry import ToolContext, ToolResult


@pytest.fixture(scope="module")
def clinic() -> pd.DataFrame:
    """Visits to three clinics: a wait time with gaps, a cost, a year and a month."""
    rng = np.random.default_rng(7)
    n = 240
    clinic = rng.choice(["Ash", "Birch", "Cedar"], n)
    wait = np.round(rng.gamma(3, 6, n) + (clinic == "Cedar") * 8, 1)
    wait[rng.choice(n, 12, replace=False)] = np.nan
    cost = np.round(40 + wait * 2.5 + rng.normal(0, 9, n), 2)
    return pd.DataFrame(
        {
            "clinic": clinic,
            "wait_min": wait,
            "cost": cost,
            "year": rng.choice([2021, 2022, 2023], n),
            "visit_date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "urgent": rng.choice(["yes", "no"], n, p=[0.3, 0.7]),
            "flat": 5.0,
        }
    )


def run(name: str, df: pd.DataFrame, **params: object) -> ToolResult:
    spec = get_tool(name)
    assert spec is not None
    return spec.fn(df, spec.params_model.model_validate(params), ToolContext())


def answer(res: ToolResult) -> dict:
    a = res.metrics["answer"]
    json.dumps(a, allow_nan=False)  # strict JSON: no NaN anywhere
    assert a["text"] == res.findings[0]
    return a


# ---------------------------------------------------------------- statistics
@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        ("mean", lambda s: s.mean()),
        ("median", lambda s: s.median()),
        ("sum", lambda s: s.sum()),
        ("min", lambda s: s.min()),
        ("max", lambda s: s.max()),
        ("std", lambda s: s.std()),
        ("var", lambda s: s.var()),
        ("iqr", lambda s: s.quantile(0.75) - s.quantile(0.25)),
        ("range", lambda s: s.max() - s.min()),
        ("skewness", lambda s: s.skew()),
        ("kurtosis", lambda s: s.kurt()),
    ],
)
def test_a_statistic_equals_pandas_and_counts_what_it_left_out(clinic, stat, expected) -> None:
    a = answer(run("answer_statistic", clinic, stat=stat, column="wait_min"))
    values = clinic["wait_min"].dropna()
    assert a["value"] == pytest.approx(float(expected(values)))
    assert a["n"] == len(values) == 228
    assert "12 missing values left out" in a["text"]


def test_a_quantile_is_pandas_linear_quantile_with_its_ordinal(clinic) -> None:
    a = answer(run("answer_statistic", clinic, stat="quantile", column="cost", quantile=90))
    assert a["value"] == pytest.approx(clinic["cost"].quantile(0.9))
    assert a["text"].startswith("The 90th percentile of cost is")


def test_a_filter_restricts_the_rows_and_is_named(clinic) -> None:
    a = answer(
        run(
            "answer_statistic",
            clinic,
            stat="mean",
            column="cost",
            filters=[{"column": "clinic", "op": "eq", "value": "Birch"}],
        )
    )
    assert a["value"] == pytest.approx(clinic.loc[clinic["clinic"] == "Birch", "cost"].mean())
    assert "where clinic = Birch" in a["text"] and a["filters"][0]["value"] == "Birch"


def test_count_and_share_of_rows_meeting_a_condition(clinic) -> None:
    cond = [{"column": "wait_min", "op": "gt", "value": 20}]
    count = answer(run("answer_statistic", clinic, stat="count", counted=cond))
    share = answer(run("answer_statistic", clinic, stat="share", counted=cond))
    kept = int((clinic["wait_min"] > 20).sum())
    assert count["value"] == kept and count["n"] == len(clinic)
    assert share["value"] == pytest.approx(kept / len(clinic) * 100)
    assert f"({kept:,} of {len(clinic):,})" in share["text"]


def test_a_share_of_a_measure_is_a_share_of_its_total(clinic) -> None:
    cond = [{"column": "clinic", "op": "eq", "value": "Ash"}]
    a = answer(run("answer_statistic", clinic, stat="share", column="cost", counted=cond))
    part = clinic.loc[clinic["clinic"] == "Ash", "cost"].sum()
    assert a["value"] == pytest.approx(part / clinic["cost"].sum() * 100)


def test_distinct_missing_and_mode(clinic) -> None:
    assert (
        answer(run("answer_statistic", clinic, stat="count_distinct", column="clinic"))["value"]
        == 3
    )
    assert answer(run("answer_statistic", clinic, stat="missing", column="wait_min"))["value"] == 12
    mode = answer(run("answer_statistic", clinic, stat="mode", column="urgent"))
    assert mode["value"] == clinic["urgent"].mode().iloc[0]


def test_a_tied_mode_names_every_tied_value_and_states_no_single_one() -> None:
    df = pd.DataFrame({"colour": ["red", "blue", "red", "blue", "green"]})
    a = answer(run("answer_statistic", df, stat="mode", column="colour"))
    assert a["value"] is None and "No single colour" in a["text"]
    assert "blue" in a["text"] and "red" in a["text"]


def test_too_few_values_and_a_constant_column_are_said_in_words(clinic) -> None:
    two = clinic.head(2)
    short = answer(run("answer_statistic", two, stat="skewness", column="cost"))
    assert short["value"] is None and "needs at least 3 values" in short["text"]
    flat = answer(run("answer_statistic", clinic, stat="skewness", column="flat"))
    assert flat["value"] is None and "undefined" in flat["text"] and "nan" not in flat["text"]
    std = answer(run("answer_statistic", clinic, stat="std", column="flat"))
    assert std["value"] == 0


def test_a_statistic_of_text_is_refused_in_words(clinic) -> None:
    from autoviz_core.tools.common import ToolInputError

    with pytest.raises(ToolInputError, match="not a number column"):
        run("answer_statistic", clinic, stat="mean", column="clinic")


# ---------------------------------------------------------------- relations
@pytest.mark.parametrize(
    ("method", "fn"),
    [("pearson", stats.pearsonr), ("spearman", stats.spearmanr), ("kendall", stats.kendalltau)],
)
def test_a_correlation_equals_scipy_on_rows_with_both_values(clinic, method, fn) -> None:
    a = answer(run("answer_relation", clinic, x="wait_min", y="cost", method=method))
    both = clinic[["wait_min", "cost"]].dropna()
    r = fn(both["wait_min"], both["cost"])
    assert a["value"] == pytest.approx(r.statistic) and a["p_value"] == pytest.approx(r.pvalue)
    assert a["n"] == len(both) and a["values"]["direction"] == "positive"
    assert a["verdict"] == "significant" and "strong positive" in a["text"]


def test_no_relation_is_stated_with_its_r_and_p() -> None:
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    a = answer(run("answer_relation", df, x="a", y="b"))
    assert a["verdict"] == "not significant" and "no clear" in a["text"]
    assert f"p={a['p_value']:.2f}" in a["text"]


def test_a_constant_or_tiny_relation_is_said_in_words(clinic) -> None:
    flat = answer(run("answer_relation", clinic, x="cost", y="flat"))
    assert flat["value"] is None and "one value only" in flat["text"]
    tiny = answer(run("answer_relation", clinic.head(2), x="cost", y="wait_min"))
    assert tiny["value"] is None and "at least 3 rows" in tiny["text"]


# ---------------------------------------------------------------- normality
def test_normality_is_shapiro_with_its_verdict_and_p(clinic) -> None:
    a = answer(run("answer_distribution", clinic, column="cost"))
    r = stats.shapiro(clinic["cost"].dropna())
    assert a["p_value"] == pytest.approx(r.pvalue) and a["values"]["statistic"] == pytest.approx(
        r.statistic
    )
    assert a["verdict"] == ("normal" if r.pvalue >= 0.05 else "not normal")
    assert "Shapiro–Wilk" in a["method"]


def test_dagostino_when_named_or_when_there_are_many_values() -> None:
    rng = np.random.default_rng(3)
    big = pd.DataFrame({"x": rng.exponential(size=6000)})
    a = answer(run("answer_distribution", big, column="x"))
    assert "D'Agostino" in a["method"] and a["p_value"] == pytest.approx(
        stats.normaltest(big["x"]).pvalue
    )
    assert a["verdict"] == "not normal" and "right-skewed" in a["text"]


def test_normality_of_a_constant_or_short_column_is_said_in_words(clinic) -> None:
    assert answer(run("answer_distribution", clinic, column="flat"))["verdict"] == "not normal"
    short = answer(run("answer_distribution", clinic.head(2), column="cost"))
    assert short["verdict"] is None and "at least 3 values" in short["text"]


# ---------------------------------------------------------------- group differences
def _groups(df: pd.DataFrame, measure: str, by: str) -> list[np.ndarray]:
    frame = df[[by, measure]].dropna()
    return [g[measure].to_numpy() for _, g in frame.groupby(by, sort=True)]


def test_two_groups_default_to_welch_and_equal_scipy(clinic) -> None:
    a = answer(run("answer_group_difference", clinic, measure="cost", group_by="urgent"))
    x, y = _groups(clinic, "cost", "urgent")
    r = stats.ttest_ind(x, y, equal_var=False)
    assert a["p_value"] == pytest.approx(r.pvalue) and "Welch" in a["method"]
    assert a["verdict"] == ("significant" if r.pvalue < 0.05 else "not significant")


def test_more_groups_default_to_anova_and_a_named_rank_test_is_used(clinic) -> None:
    anova = answer(run("answer_group_difference", clinic, measure="wait_min", group_by="clinic"))
    assert anova["p_value"] == pytest.approx(
        stats.f_oneway(*_groups(clinic, "wait_min", "clinic")).pvalue
    )
    kw = answer(
        run(
            "answer_group_difference",
            clinic,
            measure="wait_min",
            group_by="clinic",
            method="kruskal",
        )
    )
    assert kw["p_value"] == pytest.approx(
        stats.kruskal(*_groups(clinic, "wait_min", "clinic")).pvalue
    )
    assert kw["verdict"] == "significant" and "epsilon squared" in kw["values"]


def test_two_named_groups_are_compared_alone(clinic) -> None:
    a = answer(
        run(
            "answer_group_difference",
            clinic,
            measure="cost",
            group_by="clinic",
            groups=["Ash", "Cedar"],
            method="mannwhitney",
        )
    )
    sub = clinic[clinic["clinic"].isin(["Ash", "Cedar"])]
    x, y = _groups(sub, "cost", "clinic")
    assert a["p_value"] == pytest.approx(stats.mannwhitneyu(x, y, alternative="two-sided").pvalue)
    assert "Birch" not in a["text"]


def test_two_categorical_columns_are_a_chi_square_test(clinic) -> None:
    a = answer(run("answer_group_difference", clinic, measure="urgent", group_by="clinic"))
    r = stats.chi2_contingency(pd.crosstab(clinic["clinic"], clinic["urgent"]).to_numpy())
    assert a["p_value"] == pytest.approx(r.pvalue) and "chi-square" in a["method"]


def test_a_group_with_one_value_cannot_be_tested(clinic) -> None:
    df = pd.DataFrame({"g": ["a", "a", "b"], "v": [1.0, 2.0, 3.0]})
    a = answer(run("answer_group_difference", df, measure="v", group_by="g"))
    assert a["verdict"] is None and "fewer than 2 values" in a["text"]


# ---------------------------------------------------------------- extremes
@pytest.mark.parametrize(("agg", "direction"), [("sum", "max"), ("mean", "min"), ("median", "max")])
def test_the_extreme_group_is_taken_over_every_group(clinic, agg, direction) -> None:
    a = answer(
        run("answer_extreme", clinic, measure="cost", by="clinic", agg=agg, direction=direction)
    )
    per = clinic.groupby("clinic")["cost"].agg(agg)
    best = per.idxmax() if direction == "max" else per.idxmin()
    assert a["value"] == best and a["values"]["clinic"] == best
    assert float(next(v for k, v in a["values"].items() if k != "clinic")) == pytest.approx(
        per[best]
    )
    assert "of 3 clinic groups" in a["text"]


def test_a_tie_at_the_top_is_said_as_a_tie() -> None:
    df = pd.DataFrame({"team": ["x", "y", "z"], "points": [5, 5, 1]})
    a = answer(run("answer_extreme", df, measure="points", by="team", agg="sum"))
    assert a["value"] is None and "x and y tie for the highest" in a["text"]


def test_the_extreme_row_names_its_label_columns(clinic) -> None:
    a = answer(run("answer_extreme", clinic, measure="cost", labels=["clinic", "year"]))
    row = clinic.loc[clinic["cost"].idxmax()]
    assert a["value"] == pytest.approx(row["cost"])
    assert a["values"]["clinic"] == row["clinic"] and a["values"]["year"] == row["year"]


def test_the_extreme_period_of_a_date_column(clinic) -> None:
    a = answer(
        run(
            "answer_extreme",
            clinic,
            measure="cost",
            by="visit_date",
            agg="sum",
            time_grain="month_of_year",
        )
    )
    per = clinic.groupby(clinic["visit_date"].dt.month_name())["cost"].sum()
    assert a["value"] == per.idxmax()


# ---------------------------------------------------------------- changes
def test_a_change_between_two_periods_in_absolute_and_percent(clinic) -> None:
    a = answer(
        run(
            "answer_change",
            clinic,
            measure="cost",
            period="year",
            start="2021",
            end="2023",
            agg="mean",
        )
    )
    per = clinic.groupby("year")["cost"].mean()
    change = per[2023] - per[2021]
    assert a["value"] == pytest.approx(change)
    assert a["values"]["percent_change"] == pytest.approx(change / per[2021] * 100)


def test_a_change_with_a_missing_period_says_so(clinic) -> None:
    a = answer(
        run("answer_change", clinic, measure="cost", period="year", start="2019", end="2023")
    )
    assert a["value"] is None and "no value for year 2019" in a["text"]


def test_a_change_over_year_and_quarter_columns() -> None:
    df = pd.DataFrame(
        {"yr": [2000, 2000, 2001, 2001], "qtr": [1, 2, 1, 2], "out": [10.0, 11.0, 12.0, 15.0]}
    )
    a = answer(
        run(
            "answer_change",
            df,
            measure="out",
            period="yr",
            quarter="qtr",
            start="2000-Q1",
            end="2001-Q2",
        )
    )
    assert a["value"] == pytest.approx(5.0) and a["values"]["percent_change"] == pytest.approx(50.0)
    assert not math.isnan(a["values"]["start"])
