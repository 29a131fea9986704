"""The answer reading on questions written for these tests, on a table of no evaluation set:
which kind the question asks for, which columns, and the evidence chart beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from autoviz_core.config import PlannerSettings
from autoviz_core.data import profile_table
from autoviz_core.planning.planned import PlannedAnalysis, PlanningTable
from autoviz_core.planning.planner import Planner

NO_MODEL = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")


@pytest.fixture(scope="module")
def bakery() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 300
    shop = rng.choice(["Harbour", "Market", "Station"], n)
    loaves = rng.integers(20, 200, n)
    return pd.DataFrame(
        {
            "order_id": np.arange(1, n + 1),
            "shop": shop,
            "day": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1095, n), unit="D"),
            "loaves": loaves,
            "takings": np.round(loaves * rng.uniform(2.5, 3.5, n), 2),
            "staff_on_shift": rng.integers(1, 6, n),
            "delivery": rng.choice(["yes", "no"], n),
        }
    )


def plan(df: pd.DataFrame, question: str) -> PlannedAnalysis:
    return Planner(NO_MODEL, None).plan(question, PlanningTable(df, profile_table(df), "bakery"))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "what are the typical takings?",
            {"kind": "statistic", "stat": "median", "column": "takings"},
        ),
        (
            "whats the avg number of loaves",
            {"kind": "statistic", "stat": "mean", "column": "loaves"},
        ),
        (
            "standard deviation of takings?",
            {"kind": "statistic", "stat": "std", "column": "takings"},
        ),
        (
            "how skewed are the takings?",
            {"kind": "statistic", "stat": "skewness", "column": "takings"},
        ),
        (
            "how many different shops are there?",
            {"kind": "statistic", "stat": "count_distinct", "column": "shop"},
        ),
        ("what is the correlation between loaves and takings?", {"kind": "relation"}),
        ("are the takings normally distributed?", {"kind": "distribution", "column": "takings"}),
        (
            "is there a significant difference in takings between the shops?",
            {"kind": "group_difference", "column": "takings", "group_by": "shop"},
        ),
        (
            "which shop has the highest total takings?",
            {"kind": "extreme", "group_by": "shop", "column": "takings", "agg": "sum"},
        ),
        ("average takings per shop", {"kind": "chart"}),
        ("total loaves by month", {"kind": "chart"}),
    ],
)
def test_the_reading_finds_the_kind_and_its_columns(bakery, question, expected) -> None:
    answer = plan(bakery, question).answer
    got = {k: getattr(answer, k) for k in expected}
    assert got == expected, question


def test_a_statistic_is_stated_first_with_a_histogram_beside_it(bakery) -> None:
    planned = plan(bakery, "what is the median takings for deliveries?")
    steps = planned.plan.steps
    assert steps[0].answer and steps[0].tool == "answer_statistic"
    primary = next(s for s in steps if s.primary)
    assert primary.params["kind"] == "histogram" and primary.params["x"] == "takings"
    assert steps[0].params["filters"] == primary.params["filters"] != []


def test_what_is_the_x_has_no_grouping_and_never_groups_by_the_id(bakery) -> None:
    planned = plan(bakery, "what is the average takings?")
    assert planned.answer.kind == "statistic" and planned.answer.group_by is None
    assert "order_id" not in planned.plan.named_strings()


def test_a_change_between_two_years_reads_both_periods_and_drops_them_as_filters(bakery) -> None:
    answer = plan(bakery, "how much did the takings change from 2022 to 2024?").answer
    assert (answer.kind, answer.column, answer.group_by) == ("change", "takings", "day")
    assert answer.periods == ["2022", "2024"] and answer.filters == []


def test_a_comparison_than_runs_from_the_second_period() -> None:
    df = pd.DataFrame(
        {
            "when": pd.date_range("2023-01-01", periods=365, freq="D"),
            "visitors": np.arange(365) % 50 + 10,
        }
    )
    answer = plan(df, "how many more visitors were there in July than in March, on average?").answer
    assert answer.kind == "change" and answer.periods == ["march", "july"]
