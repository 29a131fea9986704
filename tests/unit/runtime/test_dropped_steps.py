"""A supporting step that does not apply to the table is left out with its reason, not a failure;
the answer and the primary chart are never left out that way."""

from __future__ import annotations

import pandas as pd

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.runtime.executor import execute_plan


def _table() -> pd.DataFrame:
    # a date and one number: nothing to rank as a driver of the number
    return pd.DataFrame(
        {"when": pd.date_range("2024-01-01", periods=12, freq="D"), "level": range(12)}
    )


def test_a_supporting_step_that_cannot_apply_is_dropped_with_its_reason() -> None:
    plan = Plan(
        steps=[
            PlanStep(
                id="answer",
                tool="chart",
                params={"kind": "line", "x": "when", "y": "level"},
                primary=True,
            ),
            PlanStep(id="drivers", tool="driver_ranking", params={"target": "level"}),
        ]
    )
    result = execute_plan(plan, _table())
    drivers = result.record("drivers")
    assert drivers is not None and drivers.status == "dropped"
    assert "no usable columns" in drivers.error
    assert result.failed() == [] and [r.step_id for r in result.dropped()] == ["drivers"]


def test_an_answer_step_that_cannot_run_is_an_error_not_dropped() -> None:
    plan = Plan(
        steps=[
            PlanStep(
                id="value",
                tool="answer_statistic",
                params={"stat": "mean", "column": "when"},
                answer=True,
            )
        ]
    )
    result = execute_plan(plan, _table())
    record = result.record("value")
    assert record is not None and record.status == "error" and "not a number" in record.error
    assert [r.step_id for r in result.failed()] == ["value"]
