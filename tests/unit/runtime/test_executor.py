"""The executor: chaining by step id, validation, failure isolation, timeouts, progress, order."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pandas as pd
import pytest

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.runtime import execute_plan
from autoviz_core.runtime.executor import STOPPED
from autoviz_core.tools import ToolContext, ToolParams, ToolResult, registry, tool


class _SleepParams(ToolParams):
    seconds: float = 0.0


def _sleep(df: pd.DataFrame, params: _SleepParams, ctx: ToolContext) -> ToolResult:
    time.sleep(params.seconds)
    return ToolResult(summary="slept")


def _boom(df: pd.DataFrame, params: ToolParams, ctx: ToolContext) -> ToolResult:
    raise RuntimeError("kaboom")


@pytest.fixture(autouse=True, scope="module")
def _test_tools() -> Iterator[None]:
    """Register two test-only tools, and remove them so no other test ever sees them."""
    tool("_test_sleep", family="test", description="sleeps", params=_SleepParams, produces="stats")(
        _sleep
    )
    tool("_test_boom", family="test", description="raises", params=ToolParams, produces="table")(
        _boom
    )
    yield
    for name in ("_test_sleep", "_test_boom"):
        registry._REGISTRY.pop(name, None)


def test_filter_aggregate_chart_chain(sales):
    plan = Plan(
        steps=[
            PlanStep(
                id="not_harbor",
                tool="filter_rows",
                params={"conditions": [{"column": "store", "op": "ne", "value": "Harbor"}]},
            ),
            PlanStep(
                id="by_aisle",
                tool="aggregate",
                input="not_harbor",
                params={"group_by": ["aisle"], "metric": "sales", "agg": "sum"},
            ),
            PlanStep(
                id="primary",
                tool="chart",
                input="by_aisle",
                primary=True,
                params={
                    "kind": "bar",
                    "x": "aisle",
                    "y": "sales",
                    "agg": "none",
                    "sort_by": "y",
                },
            ),
        ]
    )
    result = execute_plan(plan, sales, ToolContext())
    assert result.ok and [r.status for r in result.records] == ["ok", "ok", "ok"]
    expected = sales[sales["store"] != "Harbor"].groupby("aisle")["sales"].sum()
    expected = expected.sort_values(ascending=False)
    chart = result.primary().result.chart
    assert chart.x_values == list(expected.index)
    assert chart.y_values == pytest.approx(expected.tolist())
    assert result.records[1].input == "not_harbor" and result.records[1].params["agg"] == "sum"


def test_failure_isolation_and_skips(tips):
    plan = Plan(
        steps=[
            PlanStep(id="bad", tool="_test_boom"),
            PlanStep(id="dep", tool="sort_rows", input="bad", params={"by": ["tip"]}),
            PlanStep(id="dep2", tool="top_n", input="dep", params={"column": "tip"}),
            PlanStep(id="ok", tool="value_counts", params={"column": "day"}),
            PlanStep(id="unknown", tool="no_such_tool"),
            PlanStep(
                id="badparams",
                tool="histogram",
                params={"column": "tip", "bins": "many", "extra": 1},
            ),
            PlanStep(id="missingcol", tool="histogram", params={"column": "nope"}),
            PlanStep(id="forward", tool="top_n", input="later", params={"column": "tip"}),
            PlanStep(id="later", tool="summary_stats"),
        ]
    )
    result = execute_plan(plan, tips)
    status = {r.step_id: (r.status, r.error) for r in result.records}
    assert status["bad"] == ("error", "RuntimeError: kaboom")
    assert status["dep"][0] == "skipped" and "'bad'" in status["dep"][1]
    assert status["dep2"][0] == "skipped"
    assert status["ok"][0] == "ok" and status["later"][0] == "ok"
    assert status["unknown"] == ("error", "unknown tool 'no_such_tool'")
    assert status["badparams"][0] == "error"
    assert "bins" in status["badparams"][1] and "extra" in status["badparams"][1]
    assert status["missingcol"][0] == "dropped"  # a supporting step that does not fit the table
    assert "not in the table: nope" in status["missingcol"][1]
    assert "not an earlier step" in status["forward"][1]
    assert [r.step_id for r in result.records] == [s.id for s in plan.steps]
    assert not result.ok and len(result.errors()) == 6 and len(result.dropped()) == 1


def test_step_timeout_records_error_and_continues(tips):
    plan = Plan(
        steps=[
            PlanStep(id="slow", tool="_test_sleep", params={"seconds": 2}),
            PlanStep(id="next", tool="missing_report"),
        ]
    )
    start = time.perf_counter()
    result = execute_plan(plan, tips, step_timeout_s=0.2)
    assert time.perf_counter() - start < 1.5
    assert result.records[0].status == "error" and "timed out" in result.records[0].error
    assert result.records[1].status == "ok"


def test_timeout_path_returns_results_and_errors(tips):
    plan = Plan(
        steps=[PlanStep(id="a", tool="missing_report"), PlanStep(id="b", tool="_test_boom")]
    )
    result = execute_plan(plan, tips, step_timeout_s=30)
    assert result.records[0].status == "ok" and result.records[1].error == "RuntimeError: kaboom"


def test_progress_callback_and_durations(tips):
    seen = []
    plan = Plan(
        steps=[PlanStep(id="a", tool="summary_stats"), PlanStep(id="b", tool="missing_report")]
    )
    result = execute_plan(plan, tips, on_step=lambda i, n, r: seen.append((i, n, r.step_id)))
    assert seen == [(0, 2, "a"), (1, 2, "b")]
    assert all(r.duration_ms >= 0 for r in result.records)
    log = result.records[0].to_log()
    assert "duration_ms" not in log and "duration_ms" in result.records[0].to_log(timings=True)


def test_duplicate_step_id_is_an_error(tips):
    plan = Plan(
        steps=[PlanStep(id="a", tool="summary_stats"), PlanStep(id="a", tool="missing_report")]
    )
    result = execute_plan(plan, tips)
    assert result.records[1].status == "error" and "duplicate" in result.records[1].error


def test_primary_falls_back_to_first_chart(tips):
    plan = Plan(
        steps=[
            PlanStep(id="s", tool="summary_stats"),
            PlanStep(id="h", tool="histogram", params={"column": "tip"}),
        ]
    )
    assert execute_plan(plan, tips).primary().step_id == "h"


def test_a_stopped_run_skips_the_steps_not_started(tips):
    plan = Plan(
        steps=[
            PlanStep(id="a", tool="summary_stats"),
            PlanStep(id="b", tool="missing_report", primary=True),
            PlanStep(id="c", tool="value_counts", params={"column": "day"}),
        ]
    )
    heard: list[str] = []
    result = execute_plan(
        plan,
        tips,
        on_step=lambda i, n, r: heard.append(r.step_id),
        stop=lambda: "a" in heard,  # the person stops the run while the first step runs
    )
    assert result.records[0].status == "ok"
    stopped = result.records[1:]
    assert all(r.status == "skipped" and r.error == STOPPED for r in stopped)
    assert stopped[0].primary  # the record keeps what the step was for
    assert result.records[2].status == "skipped" and heard == ["a", "b", "c"]
