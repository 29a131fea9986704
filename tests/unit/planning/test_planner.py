"""Planner.plan without a model: one primary chart, every stage timed where it runs, the same
plan for the same input, and a person's overrides honoured."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from autoviz_core.config import PlannerSettings
from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data import profile_table
from autoviz_core.planning import planner
from autoviz_core.planning.planned import (
    PRIMARY_ID,
    Chosen,
    OnStage,
    PlannedAnalysis,
    PlanningTable,
)
from autoviz_core.planning.planner import Planner
from autoviz_core.planning.templates import get_template

CUES = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
STAGES = ["cues", "request", "intent", "template", "adaptation", "validation"]


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 120
    return pd.DataFrame(
        {
            "region": rng.choice(["North", "South", "East", "West"], n),
            "channel": rng.choice(["online", "store"], n),
            "sold_on": pd.date_range("2024-01-01", periods=n, freq="D"),
            "units": rng.integers(1, 20, n),
            "revenue": rng.gamma(2.0, 50.0, n).round(2),
        }
    )


def plan(
    df: pd.DataFrame, question: str, on_stage: OnStage | None = None, **kwargs: Any
) -> PlannedAnalysis:
    return Planner(CUES, None, on_stage=on_stage).plan(
        question, PlanningTable(df, profile_table(df)), **kwargs
    )


def test_the_plan_opens_with_one_primary_chart_of_the_request(sales: pd.DataFrame) -> None:
    planned = plan(sales, "average revenue by region")
    primary = [s for s in planned.plan.steps if s.primary]
    assert [s.id for s in primary] == [PRIMARY_ID]
    assert planned.plan.steps[0] is primary[0]
    params = primary[0].params
    assert primary[0].tool == "chart"
    assert (params["x"], params["y"], params["agg"]) == ("region", "revenue", "mean")
    req = planned.request
    assert (req.x, req.y, req.agg, req.chart) == (params["x"], params["y"], params["agg"], "bar")
    assert (planned.intent_source, planned.request_source) == ("cues", "cues")
    assert len(planned.plan.steps) > 1  # the template's supporting steps follow


def test_every_stage_is_timed_and_reported_in_order(sales: pd.DataFrame) -> None:
    reported: list[tuple[str, float]] = []
    planned = plan(
        sales, "total units per channel", on_stage=lambda s, ms: reported.append((s, ms))
    )
    assert list(planned.timings_ms) == STAGES
    assert reported == list(planned.timings_ms.items())
    assert all(ms >= 0 for ms in planned.timings_ms.values())


def test_validation_time_is_the_time_validation_takes(
    sales: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slow validation down: the delay shows up as validation, not as adaptation."""
    real = planner.validate_plan
    delay_s = 0.05

    def slow_validate_plan(*args: Any, **kwargs: Any) -> Any:
        time.sleep(delay_s)
        return real(*args, **kwargs)

    monkeypatch.setattr(planner, "validate_plan", slow_validate_plan)
    timings = plan(sales, "average revenue by region").timings_ms
    calls = 2  # the template plan alone, then the plan for the question
    assert timings["validation"] >= calls * delay_s * 1000
    assert timings["adaptation"] < delay_s * 1000


def test_the_same_input_gives_the_same_plan(sales: pd.DataFrame) -> None:
    first = plan(sales, "revenue over time by channel")
    second = plan(sales, "revenue over time by channel")
    assert first.plan.model_dump() == second.plan.model_dump()
    assert first.template_plan.model_dump() == second.template_plan.model_dump()
    assert first.request == second.request
    assert (first.intent, first.template_id, first.confidence) == (
        second.intent,
        second.template_id,
        second.confidence,
    )
    assert [n.text() for n in first.notes] == [n.text() for n in second.notes]
    assert first.trace == second.trace


def test_a_person_s_request_replaces_the_ranking(sales: pd.DataFrame) -> None:
    chosen = AnalysisRequest(chart="bar", x="channel", y="units", agg="sum")
    planned = plan(sales, "average revenue by region", chosen=Chosen(request=chosen))
    assert planned.request_source == "person"
    assert (planned.request.x, planned.request.y, planned.request.agg) == (
        "channel",
        "units",
        "sum",
    )
    primary = next(s for s in planned.plan.steps if s.primary)
    assert (primary.params["x"], primary.params["y"], primary.params["agg"]) == (
        "channel",
        "units",
        "sum",
    )
    assert planned.confidence == 1.0 and planned.alternatives == []
    assert chosen.x == "channel"  # the override is copied, never changed in place


@pytest.mark.parametrize("intent", ["anomaly_detection", "segmentation_drivers"])
def test_a_person_s_intent_chooses_the_template(sales: pd.DataFrame, intent: str) -> None:
    planned = plan(sales, "average revenue by region", chosen=Chosen(intent=intent))
    assert (planned.intent, planned.intent_source) == (intent, "person")
    template = get_template(planned.template_id)
    assert template is not None and template.intent == intent


def test_a_question_about_money_is_answered_with_the_money_column() -> None:
    """Not the count of units next to it: the answer to "who makes the most money" is a sum of
    the amounts, filtered as the question says."""
    df = pd.DataFrame(
        {
            "shop": ["Nice", "Lyon", "Nice", "Lyon", "Paris", "Paris"],
            "product": ["coffee", "coffee", "tea", "cake", "coffee", "tea"],
            "units": [9, 2, 30, 4, 5, 1],
            "amount_eur": [22.5, 5.0, 60.0, 16.0, 12.5, 2.0],
        }
    )
    steps = plan(df, "Which shop makes the most money from coffee?").plan.steps
    answer = next(s for s in steps if s.primary).params
    assert (answer["x"], answer["y"], answer["agg"]) == ("shop", "amount_eur", "sum")
    assert answer["filters"] == [{"column": "product", "op": "eq", "value": "coffee"}]
