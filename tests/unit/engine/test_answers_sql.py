"""The answer tools' SQL implementations against their pandas functions on the same table
(real DuckDB over a Parquet file): every statistic, relation, test, extreme and change gives
the same sentences and the same answer object, numbers within float tolerance."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from autoviz_core.config import Settings
from autoviz_core.engine.source import EngineTable, open_files
from autoviz_core.tools import ToolContext, ToolResult, get_tool
from autoviz_core.tools.answers_sql import moment_statistic, pearson_p
from autoviz_core.tools.common import ToolInputError
from tests.engine_tables import ANSWER_CASES, answers_table, assert_same_answer, close_values


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return answers_table()


@pytest.fixture(scope="module")
def answers_source(
    answers: pd.DataFrame, engine_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> EngineTable:
    path = tmp_path_factory.mktemp("answers") / "answers.parquet"
    answers.to_parquet(path)
    return open_files(str(path), engine_settings)


def both(
    df: pd.DataFrame, source: EngineTable, tool: str, params: dict[str, Any], seed: int = 42
) -> tuple[ToolResult, ToolResult]:
    spec = get_tool(tool)
    assert spec is not None and spec.sql_fn is not None
    p = spec.params_model.model_validate(params)
    ctx = ToolContext(seed=seed)
    return spec.fn(df, p, ctx), spec.sql_fn(source, p, ctx)


def _case_id(case: tuple[str, dict[str, Any]]) -> str:
    tool, params = case
    return (
        tool.removeprefix("answer_")
        + "-"
        + "-".join(str(v) for k, v in params.items() if k != "filters")
        + ("-filtered" if params.get("filters") else "")
    )


@pytest.mark.parametrize("case", ANSWER_CASES, ids=_case_id)
def test_sql_answer_equals_pandas_answer(
    answers: pd.DataFrame, answers_source: EngineTable, case: tuple[str, dict[str, Any]]
) -> None:
    pandas_result, sql_result = both(answers, answers_source, *case)
    assert_same_answer(pandas_result, sql_result)
    assert "sample" not in sql_result.metrics  # every row fits: nothing is sampled


def test_the_cases_cover_every_answer_tool_and_statistic() -> None:
    from autoviz_core.vocabulary import STATISTICS

    tools = {tool for tool, _ in ANSWER_CASES}
    assert tools == {"answer_statistic", "answer_relation", "answer_distribution",
                     "answer_group_difference", "answer_extreme", "answer_change"}  # fmt: skip
    stats = {p["stat"] for tool, p in ANSWER_CASES if tool == "answer_statistic"}
    assert stats == set(STATISTICS)


def test_a_number_statistic_of_text_is_the_same_clear_error(
    answers: pd.DataFrame, answers_source: EngineTable
) -> None:
    spec = get_tool("answer_statistic")
    assert spec is not None and spec.sql_fn is not None
    p = spec.params_model.model_validate({"stat": "mean", "column": "region"})
    with pytest.raises(ToolInputError) as on_pandas:
        spec.fn(answers, p, ToolContext())
    with pytest.raises(ToolInputError) as on_sql:
        spec.sql_fn(answers_source, p, ToolContext())
    assert str(on_sql.value) == str(on_pandas.value)


def test_tests_beyond_the_sample_size_run_on_a_sample_and_say_how_big(
    answers: pd.DataFrame, answers_source: EngineTable
) -> None:
    small = EngineTable(**{**answers_source.__dict__, "sample_rows": 500, "canceller": None})
    read = {  # the rows each test reads: those with every value it needs
        ("answer_distribution", "revenue"): answers["revenue"].notna().sum(),
        ("answer_group_difference", "revenue"): answers[["revenue", "region"]]
        .notna()
        .all(axis=1)
        .sum(),
        ("answer_relation", "units"): len(answers),
    }
    for tool, params in [
        ("answer_distribution", {"column": "revenue"}),
        ("answer_group_difference", {"measure": "revenue", "group_by": "region"}),
        ("answer_relation", {"x": "units", "y": "score", "method": "kendall"}),
    ]:
        rows = read[(tool, next(iter(params.values())))]
        spec = get_tool(tool)
        assert spec is not None and spec.sql_fn is not None
        p = spec.params_model.model_validate(params)
        result = spec.sql_fn(small, p, ToolContext(seed=5))
        again = spec.sql_fn(small, p, ToolContext(seed=5))
        answer = result.metrics["answer"]
        assert answer["n"] <= 500
        for text in (answer["text"], result.findings[0], result.summary):
            assert "Computed on a seeded random sample of" in text
            assert f"sample of 500 of {rows:,} rows" in text
        assert result.metrics["sample"] in answer["text"]
        assert again.metrics["answer"] == answer  # the same seed draws the same sample


def test_pearson_beyond_the_sample_size_is_exact_and_only_the_rank_is_sampled(
    answers: pd.DataFrame, answers_source: EngineTable
) -> None:
    small = EngineTable(**{**answers_source.__dict__, "sample_rows": 500, "canceller": None})
    params = {"x": "revenue", "y": "price"}
    pandas_result, sql_result = both(answers, small, "answer_relation", params)
    assert close_values(sql_result.metrics["answer"], pandas_result.metrics["answer"])
    assert sql_result.findings[0] == pandas_result.findings[0]
    assert "The rank (monotonic) correlation on a seeded random sample of" in sql_result.findings[1]


def test_group_extremes_past_the_budget_keep_the_best_groups_and_count_them_all(
    answers: pd.DataFrame, answers_source: EngineTable
) -> None:
    # a budget of 1 kB fits 1,000 groups (the floor); order_id has 2,000, one per row
    tight = EngineTable(**{**answers_source.__dict__, "budget_bytes": 1000, "canceller": None})
    params = {"measure": "revenue", "by": "order_id", "agg": "sum"}
    pandas_result, sql_result = both(answers, tight, "answer_extreme", params)
    assert sql_result.findings[0] == pandas_result.findings[0]
    assert sql_result.metrics["answer"] == pandas_result.metrics["answer"]
    assert sql_result.table is not None and len(sql_result.table) == 1000


def test_moments_give_pandas_skewness_and_kurtosis() -> None:
    rng = np.random.default_rng(3)
    # (values, tolerance): a mean a million times the spread leaves pandas' one-pass moments
    # and these two-pass ones apart in the 9th digit
    for values, tol in (
        (rng.gamma(2.0, 3.0, 50), 1e-9),
        (rng.normal(1e6, 1.0, 400), 1e-7),
        (np.array([1.0, 2.0, 4.0, 9.0]), 1e-9),
    ):
        d = values - values.mean()
        m2, m3, m4 = (d**2).sum(), (d**3).sum(), (d**4).sum()
        s = pd.Series(values)
        assert math.isclose(
            moment_statistic("skewness", len(values), m2, m3, m4), s.skew(), rel_tol=tol
        )
        assert math.isclose(
            moment_statistic("kurtosis", len(values), m2, m3, m4), s.kurt(), rel_tol=tol
        )


def test_pearson_p_is_scipys() -> None:
    from scipy import stats

    rng = np.random.default_rng(4)
    for n in (3, 10, 500):
        a = rng.normal(size=n)
        b = a * 0.3 + rng.normal(size=n)
        r = stats.pearsonr(a, b)
        assert math.isclose(pearson_p(float(r.statistic), n), float(r.pvalue), rel_tol=1e-9)


def test_answer_tools_all_have_sql_implementations() -> None:
    for tool in {t for t, _ in ANSWER_CASES}:
        spec = get_tool(tool)
        assert spec is not None and spec.sql_fn is not None, tool


def test_the_parquet_holds_the_answers_table(
    answers_source: EngineTable, answers: pd.DataFrame
) -> None:
    assert answers_source.n_rows == len(answers)
    assert list(answers_source.table.columns) == list(answers.columns)
    assert Path(answers_source.files[0]).suffix == ".parquet"
