"""The executor: runs a validated plan step by step, chains outputs by step id, logs each step.

One failed step never loses the others: its dependents are skipped with a reason and every
independent step still runs. The executor never plans and never repairs parameters.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from autoviz_core.data.derived import with_derived
from autoviz_core.engine.derived import with_derived_columns
from autoviz_core.errors import AutoVizError
from autoviz_core.plan import DATA_INPUT, Plan, PlanStep
from autoviz_core.tools.cache import run_cache
from autoviz_core.tools.claims import fact
from autoviz_core.tools.common import ToolInputError
from autoviz_core.tools.registry import ToolContext, ToolResult, ToolSpec, get_tool

log = logging.getLogger(__name__)

# "dropped": a supporting step that does not apply to this table (its input or parameters do
# not fit it); said with the reason, not a failure of the run. The answer and the primary
# chart are never dropped: when they cannot run, the run has failed.
StepStatus = Literal["ok", "error", "skipped", "dropped"]


@dataclass
class StepRecord:
    """What happened in one step: enough to show, log and reproduce it."""

    step_id: str
    tool: str
    params: dict[str, Any]
    input: str
    status: StepStatus
    duration_ms: float = 0.0
    summary: str = ""
    error: str = ""
    result: ToolResult | None = None
    primary: bool = False
    answer: bool = False  # the step computing the asked value (its sentence is the headline)

    def to_log(self, *, timings: bool = False) -> dict[str, Any]:
        """A JSON-ready view without the table/figure; timings only when asked (they vary)."""
        out: dict[str, Any] = {
            "step_id": self.step_id,
            "tool": self.tool,
            "params": self.params,
            "input": self.input,
            "status": self.status,
            "primary": self.primary,
            "answer": self.answer,
            "summary": self.summary,
            "error": self.error,
        }
        if self.result is not None:
            out["findings"] = list(self.result.findings)
            out["table_shape"] = (
                list(self.result.table.shape) if self.result.table is not None else None
            )
        if timings:
            out["duration_ms"] = round(self.duration_ms, 3)
        return out


@dataclass
class ExecutionResult:
    """Every step's record in plan order."""

    records: list[StepRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every step ran without error."""
        return all(r.status == "ok" for r in self.records)

    def record(self, step_id: str) -> StepRecord | None:
        return next((r for r in self.records if r.step_id == step_id), None)

    def outputs(self) -> dict[str, ToolResult]:
        """Step id -> result of the steps that succeeded."""
        return {r.step_id: r.result for r in self.records if r.result is not None}

    def failed(self) -> list[StepRecord]:
        """Steps that errored or were skipped (not those dropped as not applying)."""
        return [r for r in self.records if r.status in ("error", "skipped")]

    def dropped(self) -> list[StepRecord]:
        """Supporting steps left out because they do not apply to this table."""
        return [r for r in self.records if r.status == "dropped"]

    def primary(self) -> StepRecord | None:
        """The step marked primary if it succeeded, else the first successful chart step."""
        marked = [r for r in self.records if r.primary and r.status == "ok"]
        if marked:
            return marked[0]
        charts = [r for r in self.records if r.status == "ok" and r.result and r.result.chart]
        return charts[0] if charts else None

    def answer(self) -> StepRecord | None:
        """The step that computed the asked value, when it succeeded."""
        return next((r for r in self.records if r.answer and r.status == "ok"), None)

    def errors(self) -> list[str]:
        """One line per failed or skipped step."""
        return [f"{r.step_id} ({r.tool}): {r.error}" for r in self.failed()]


class StepTimeoutError(AutoVizError):
    """A step did not finish within the per-step time limit."""


OnStep = Callable[[int, int, StepRecord], None]
# Asked before each step: True when the person stopped the run (the rest is not started).
StopAsked = Callable[[], bool]
STOPPED = "stopped before it ran"


def describe_validation_error(tool_name: str, exc: ValidationError) -> str:
    """Pydantic's error list as one readable line: "bad parameters for chart: kind: ..."."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ())) or "params"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return f"bad parameters for {tool_name}: " + "; ".join(parts)


def _call_tool(
    spec: ToolSpec, df: pd.DataFrame, params: Any, ctx: ToolContext, on_source: bool
) -> ToolResult:
    """The tool where the data lives when it can run there (its SQL implementation), else its
    pandas function, on the engine table's bounded sample when the data is not in memory."""
    if on_source and spec.sql_fn is not None:
        return spec.sql_fn(ctx.source, params, ctx)
    result = spec.fn(df, params, ctx)
    if on_source and ctx.sample_note:
        on_sample(result, ctx.sample_note)
    return result


def on_sample(result: ToolResult, how: str) -> None:
    """Say in the step's summary and findings that it ran on a sample, and which."""
    result.summary = f"{result.summary.rstrip('.')} (on {how})."
    result.findings.append(f"This step ran on {how}.")
    result.claims.append(fact(f"This step ran on {how}."))
    result.metrics["sample"] = how


def _run_with_timeout(
    spec: ToolSpec,
    df: pd.DataFrame,
    params: Any,
    ctx: ToolContext,
    timeout_s: float | None,
    on_source: bool = False,
) -> ToolResult:
    """Call the tool; with a limit, run it in a daemon thread and stop waiting at the limit.

    A Python thread cannot be killed, so a timed-out tool keeps running in the background
    until it returns; its result is discarded (a query it runs in the engine is interrupted).
    """
    if timeout_s is None:
        return _call_tool(spec, df, params, ctx, on_source)
    box: dict[str, Any] = {}
    context = contextvars.copy_context()  # the run's shared-result cache goes with the step

    def target() -> None:
        try:
            box["result"] = context.run(_call_tool, spec, df, params, ctx, on_source)
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=target, name=f"autoviz-step-{spec.name}", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        if on_source and ctx.source.canceller is not None:
            ctx.source.canceller.interrupt()
        raise StepTimeoutError(
            f"step timed out after {timeout_s:g} s", "Try a smaller table or step."
        )
    if "error" in box:
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, AutoVizError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _resolve_input(
    step: PlanStep, df: pd.DataFrame, done: dict[str, StepRecord]
) -> tuple[pd.DataFrame | None, StepStatus | None, str]:
    """The table a step reads, or (None, status, reason) when it cannot run."""
    if step.input == DATA_INPUT:
        return df, None, ""
    source = done.get(step.input)
    if source is None:
        return None, "error", f"input {step.input!r} is not an earlier step"
    if source.status == "dropped":
        return None, "dropped", f"input step {step.input!r} does not apply to this table"
    if source.status != "ok":
        return None, "skipped", f"input step {step.input!r} {source.status}: not run"
    table = source.result.table if source.result is not None else None
    if table is None:
        return None, "error", f"input step {step.input!r} produced no table"
    return table, None, ""


def run_step(
    step: PlanStep,
    df: pd.DataFrame,
    ctx: ToolContext,
    done: dict[str, StepRecord],
    timeout_s: float | None = None,
) -> StepRecord:
    """Run one step: resolve its input, validate its params, call the tool, record the outcome."""
    record = StepRecord(
        step.id,
        step.tool,
        dict(step.params),
        step.input,
        "ok",
        primary=step.primary,
        answer=step.answer,
    )
    table, status, reason = _resolve_input(step, df, done)
    spec = get_tool(step.tool)
    if spec is None:
        status, reason = "error", f"unknown tool {step.tool!r}"
    if status is not None or table is None or spec is None:
        record.status, record.error = status or "error", reason
        return record
    start = time.perf_counter()
    try:
        params = spec.params_model.model_validate(step.params)
        record.params = params.model_dump(mode="json")
        on_source = ctx.source is not None and step.input == DATA_INPUT
        record.result = _run_with_timeout(spec, table, params, ctx, timeout_s, on_source)
        record.summary = record.result.summary
    except ValidationError as exc:
        record.status, record.error = "error", describe_validation_error(step.tool, exc)
    except ToolInputError as exc:
        supporting = not (step.primary or step.answer)
        record.status, record.error = ("dropped" if supporting else "error"), _error_text(exc)
    except Exception as exc:
        record.status, record.error = "error", _error_text(exc)
        if not isinstance(exc, AutoVizError):
            log.warning("step %s (%s) raised", step.id, step.tool, exc_info=True)
    record.duration_ms = (time.perf_counter() - start) * 1000
    return record


def execute_plan(
    plan: Plan,
    df: pd.DataFrame,
    ctx: ToolContext | None = None,
    *,
    step_timeout_s: float | None = None,
    on_step: OnStep | None = None,
    stop: StopAsked | None = None,
) -> ExecutionResult:
    """Run every step in plan order; `on_step(index, total, record)` reports progress, and
    once `stop()` is true the steps not started are skipped (the person stopped the run).

    Derived measures (`plan.derived`) are computed from the table first. With `ctx.source`
    (an engine table: the data stays where it lives, `df` is its bounded sample) a step that
    reads the table runs its tool's SQL implementation where it has one, else on the sample.
    Steps share one run cache (tools.cache): a group-by or resample that several steps need
    (the same table, measure, grouping and grain) is computed once.
    """
    ctx = ctx or ToolContext()
    with run_cache():
        df = with_derived(df, plan.derived)
        if ctx.source is not None and plan.derived:
            ctx = replace(ctx, source=with_derived_columns(ctx.source, plan.derived))
        return _execute_steps(plan, df, ctx, step_timeout_s, on_step, stop)


def _execute_steps(
    plan: Plan,
    df: pd.DataFrame,
    ctx: ToolContext,
    step_timeout_s: float | None,
    on_step: OnStep | None,
    stop: StopAsked | None = None,
) -> ExecutionResult:
    done: dict[str, StepRecord] = {}
    result = ExecutionResult()
    total = len(plan.steps)
    for index, step in enumerate(plan.steps):
        if stop is not None and stop():
            record = StepRecord(step.id, step.tool, dict(step.params), step.input, "skipped")
            record.primary, record.answer, record.error = step.primary, step.answer, STOPPED
        elif step.id in done:
            record = StepRecord(step.id, step.tool, dict(step.params), step.input, "error")
            record.error = f"duplicate step id {step.id!r}"
        else:
            record = run_step(step, df, ctx, done, step_timeout_s)
            done[step.id] = record
        log.info("step %s (%s): %s %s", step.id, step.tool, record.status, record.error)
        result.records.append(record)
        if on_step is not None:
            on_step(index, total, record)
    return result
