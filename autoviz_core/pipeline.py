"""The whole analysis, headless: load -> profile -> plan -> execute -> report. Used by the CLI,
the evaluation harness and the app (which runs the same stages with a review step between)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from autoviz_core.config import PlannerSettings, Settings, load_settings
from autoviz_core.data import (
    LoadedTable,
    load_table,
    load_table_bytes,
    profile_table,
    table_from_dataframe,
)
from autoviz_core.data.guard import display_text
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.engine.load import EngineLoadedTable, open_source
from autoviz_core.engine.query import OnProgress
from autoviz_core.engine.route import use_engine, use_engine_for_upload
from autoviz_core.engine.source import is_database_url, spill_upload, start_copy, switch_to_copy
from autoviz_core.errors import DataLoadError
from autoviz_core.llm.base import Backend
from autoviz_core.plan import Plan
from autoviz_core.planning.followup import FollowUpPlan, PreviousVersion
from autoviz_core.planning.planned import Chosen, OnStage, PlannedAnalysis, PlanningTable
from autoviz_core.planning.planner import Planner
from autoviz_core.report.findings import collect_findings
from autoviz_core.runtime.executor import ExecutionResult, OnStep, StopAsked, execute_plan
from autoviz_core.runtime.job import RunJob, start_job
from autoviz_core.tools.registry import ToolContext

SAMPLE_PREFIX = "plotly:"
SAMPLES = ("gapminder", "tips", "iris", "stocks", "wind", "medals_long", "carshare")


def load_dataset(
    spec: str,
    settings: Settings,
    *,
    table: str | None = None,
    on_progress: OnProgress | None = None,
) -> LoadedTable:
    """A file path, `plotly:NAME` for a sample table shipped inside plotly, a glob of files or
    a database URL with `table`. A table too big for the memory budget, a glob and a database
    stay where they live (engine/route.py decides); every other table is loaded into pandas."""
    if table is not None and not is_database_url(spec):
        raise DataLoadError("--table names a table of a database URL (postgresql://...).")
    if spec.startswith(SAMPLE_PREFIX):
        import plotly.express as px

        name = spec[len(SAMPLE_PREFIX) :]
        if name not in SAMPLES:
            raise DataLoadError(
                f"Unknown sample dataset {name!r}.", f"Choose one of: {', '.join(SAMPLES)}."
            )
        return table_from_dataframe(getattr(px.data, name)(), name, settings.limits)
    if use_engine(spec, settings):
        return open_source(
            spec, settings, table=table, seed=settings.planner.seed, on_progress=on_progress
        )
    return load_table(spec, settings.limits)


def open_upload(content: bytes, name: str, settings: Settings) -> LoadedTable:
    """An uploaded file: loaded into pandas as before, or, when its table would not fit the
    memory budget (engine/route.py), written to a file and analysed where it lives."""
    if use_engine_for_upload(content, name, settings):
        path = spill_upload(content, name, settings)
        table = open_source(str(path), settings, seed=settings.planner.seed)
        table.name = display_text(Path(name).name)  # the upload's name, as the loader shows it
        if table.source is not None:
            table.source.name = table.name
        return table
    return load_table_bytes(content, name, settings.limits)


def connect_database(
    url: str, table: str, settings: Settings, secrets: Mapping[str, Any] | None = None
) -> LoadedTable:
    """A database table for the app's "Connect to a database" panel: read-only, profiled
    where it lives; the password from PGPASSWORD or the app's secrets ([database] password),
    never from the URL or the form."""
    section = (secrets or {}).get("database") or {}
    password = section.get("password") if isinstance(section, Mapping) else None
    if not is_database_url(url):
        raise DataLoadError(
            "That is not a database URL.", "Write it as postgresql://user@host:5432/database."
        )
    return open_source(
        url, settings, table=table.strip(), seed=settings.planner.seed, password=password
    )


def profile_of(table: LoadedTable) -> SchemaProfile:
    """The table's profile: computed by the engine when the table stays where it lives."""
    if isinstance(table, EngineLoadedTable) and table.profile is not None:
        return table.profile
    return profile_table(table.df)


def tool_context(table: LoadedTable, settings: Settings, seed: int) -> ToolContext:
    """The run-wide tool settings; the engine table and its sample when the data stays put."""
    ctx = ToolContext(max_chart_points=settings.limits.max_chart_points, seed=seed)
    if isinstance(table, EngineLoadedTable) and table.sample is not None:
        ctx.source = table.source
        ctx.sample_note = "" if table.sample.complete else table.sample.text()
    return ctx


@dataclass
class AnalysisRun:
    """One headless run: its inputs, the plan and the execution result."""

    table: LoadedTable
    profile: SchemaProfile
    planned: PlannedAnalysis
    result: ExecutionResult
    timings_ms: dict[str, float] = field(default_factory=dict)
    follow_up: dict[str, Any] | None = None  # how a follow-up changed the previous version


def execute(
    planned: PlannedAnalysis,
    data: pd.DataFrame | LoadedTable,
    settings: Settings,
    seed: int,
    on_step: OnStep | None = None,
    stop: StopAsked | None = None,
) -> ExecutionResult:
    """Run the approved plan with the limits from config (chart points, step time), on a
    frame or a loaded table (which may stay where it lives: see tool_context); `stop()`
    true skips the steps not started."""
    if isinstance(data, pd.DataFrame):
        data = LoadedTable(data, "", "dataframe")
    if isinstance(data, EngineLoadedTable) and data.source is not None:
        switch_to_copy(data.source)  # a CSV read in place whose columnar copy is made by now
    ctx = tool_context(data, settings, seed)
    return execute_plan(
        planned.plan,
        data.df,
        ctx,
        step_timeout_s=settings.limits.step_timeout_s,
        on_step=on_step,
        stop=stop,
    )


def plan_analysis(
    question: str,
    table: LoadedTable,
    profile: SchemaProfile,
    backend: Backend | None,
    planner: PlannerSettings,
    *,
    previous: PreviousVersion | None = None,
    on_stage: OnStage | None = None,
    chosen: Chosen | None = None,
) -> PlannedAnalysis | FollowUpPlan:
    """The one planning call of the CLI and the app: a follow-up of `previous` when given (what
    the person `chosen` is a new question's: a follow-up takes its reading from the previous
    version), else a new question."""
    about = PlanningTable(table.df, profile, table.name)
    planner_of_run = Planner(planner, backend, on_stage=on_stage)
    if previous is not None:
        return planner_of_run.plan(question, about, previous)
    return planner_of_run.plan(question, about, chosen=chosen)


def run_approved(
    table: LoadedTable,
    profile: SchemaProfile,
    planned: PlannedAnalysis,
    settings: Settings,
    *,
    seed: int | None = None,
    on_step: OnStep | None = None,
    stop: StopAsked | None = None,
) -> AnalysisRun:
    """Execute an approved plan and time planning and execution, as the CLI and the results
    page both report them."""
    seed = settings.planner.seed if seed is None else seed
    started = time.perf_counter()
    result = execute(planned, table, settings, seed, on_step=on_step, stop=stop)
    if isinstance(table, EngineLoadedTable) and table.source is not None:
        start_copy(table.source, settings)  # a CSV read in place: copied for later questions
    timings = {
        "plan": round(sum(planned.timings_ms.values()), 1),
        "execute": round((time.perf_counter() - started) * 1000, 1),
    }
    return AnalysisRun(table, profile, planned, result, timings)


def start_run(
    table: LoadedTable, profile: SchemaProfile, planned: PlannedAnalysis, settings: Settings
) -> RunJob:
    """`run_approved` in a worker thread, for the app: the job hears each step and each long
    engine query, and its `stop()` interrupts the engine and skips the steps not started."""
    source = table.source if isinstance(table, EngineLoadedTable) else None

    def work(job: RunJob) -> AnalysisRun:
        if source is None:
            return run_approved(
                table, profile, planned, settings, on_step=job.on_step, stop=job.asked_to_stop
            )
        heard, source.on_progress = source.on_progress, job.on_query
        if source.canceller is not None:
            source.canceller.reset()  # a stop that came after the last run ended
        try:
            return run_approved(
                table, profile, planned, settings, on_step=job.on_step, stop=job.asked_to_stop
            )
        finally:
            source.on_progress = heard
            if source.canceller is not None:
                source.canceller.reset()  # the next question's queries run again

    return start_job(work, len(planned.plan.steps), source.cancel if source else None)


def run_analysis(
    data: str,
    question: str,
    backend: Backend | None,
    settings: Settings | None = None,
    *,
    seed: int | None = None,
    previous: PreviousVersion | None = None,
    table_name: str | None = None,
    on_progress: OnProgress | None = None,
) -> AnalysisRun:
    """Plan (auto-approved) and execute `question` on `data`; a follow-up of `previous` if given.
    `table_name` names the table of a database URL; `on_progress` hears of long queries."""
    settings = settings or load_settings()
    t0 = time.perf_counter()
    table = load_dataset(data, settings, table=table_name, on_progress=on_progress)
    profile = profile_of(table)
    t_profile = (time.perf_counter() - t0) * 1000
    try:
        outcome = plan_analysis(
            question, table, profile, backend, settings.planner, previous=previous
        )
        planned = outcome.planned if isinstance(outcome, FollowUpPlan) else outcome
        run = run_approved(table, profile, planned, settings, seed=seed)
    finally:
        if isinstance(table, EngineLoadedTable) and table.source is not None:
            table.source.close()  # the results hold aggregates and samples, not the connection
    if isinstance(outcome, FollowUpPlan) and previous is not None:
        run.follow_up = {"previous_question": previous.question, **outcome.summary()}
    run.timings_ms = {
        "profile": round(t_profile, 1),
        "intent": planned.timings_ms.get("cues", 0) + planned.timings_ms.get("intent", 0),
        **run.timings_ms,
    }
    return run


MODEL_STAGES = ("intent", "request", "answer", "adapt")
MODEL_SOURCES = ("model", "hybrid")  # a stage decided by the model (alone, or among readings)
TEMPLATE_USED = "the template plan was used"


def stage_backends(planned: PlannedAnalysis, backend_name: str = "") -> dict[str, str]:
    """Which backend's answer each model stage used: its name, or "none" where no model ran and
    where one ran but nothing it answered was used (a failed or invalid call, a numbered choice
    that followed the options' order, an adaptation that changed nothing): a model is credited
    only with what it decided."""
    name = planned.backend or backend_name or "none"
    credited = credited_stages(planned)
    return {stage: name if stage in credited else "none" for stage in MODEL_STAGES}


def credited_stages(planned: PlannedAnalysis) -> set[str]:
    """The model stages whose decision stands in the plan: a reading stage the model decided
    with a call that answered, and the adaptation when at least one of its changes applied."""
    answered = {c.stage for c in planned.model_calls if not c.error}
    sources = {
        "intent": planned.intent_source,
        "request": planned.request_source,
        "answer": planned.answer_source,
    }
    credited = {s for s, source in sources.items() if source in MODEL_SOURCES and s in answered}
    if planned.diff.model_changes.get("accepted"):
        credited.add("adapt")
    return credited


def backend_used(planned: PlannedAnalysis, backend_name: str = "") -> str:
    """The backend credited with at least one stage of this plan, "none" when none is."""
    used = {b for b in stage_backends(planned, backend_name).values() if b != "none"}
    return next(iter(used), "none")


def adaptation_outcome(planned: PlannedAnalysis) -> str:
    """Why the model changed nothing in the plan, as a predicate ("proposed no change", "was
    not asked to adapt the plan: ..."); "" when it changed something or was never involved."""
    if "adapt" in credited_stages(planned):
        return ""
    if planned.model_not_asked:
        return planned.model_not_asked.removeprefix("the model ")
    calls = [c for c in planned.model_calls if c.stage == "adapt"]
    if not calls:
        return ""
    if any(c.error for c in calls) or planned.diff.model_changes.get("proposed"):
        return "proposed no valid change"
    return "proposed no change"


def model_summary(planned: PlannedAnalysis, backend_name: str = "") -> str:
    """What the model did for this plan, in one line for the Results page and the report:
    the stages credited to it ("smollm2-gpt4all (adapt)"), and when its adaptation changed
    nothing, that it did not ("smollm2-gpt4all proposed no change; the template plan was
    used"); "none ran" when no model was involved."""
    name = planned.backend or backend_name or "the model"
    parts = [f"{b} ({stage})" for stage, b in stage_backends(planned, name).items() if b != "none"]
    outcome = adaptation_outcome(planned)
    if outcome:
        parts.append(f"{name} {outcome}; {TEMPLATE_USED}")
    return "; ".join(parts) or "none ran"


def failed_model_calls(planned: PlannedAnalysis) -> list[str]:
    return [f"{c.stage}: {c.error}" for c in planned.model_calls if c.error]


def plan_dict(plan: Plan) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "steps": [{"id": s.id, "tool": s.tool, "params": s.params} for s in plan.steps]
    }
    if plan.derived:
        doc["derived"] = [d.model_dump() for d in plan.derived]
    return doc


def chart_entries(result: ExecutionResult) -> list[dict[str, Any]]:
    """The charts of a run in the evaluation's result-contract shape."""
    charts = []
    for rec in result.records:
        chart = rec.result.chart if rec.result is not None else None
        if rec.status != "ok" or chart is None:
            continue
        charts.append(
            {
                "step_id": rec.step_id,
                "primary": rec.primary,
                "kind": chart.kind,
                "x": chart.x,
                "y": chart.y,
                "color": chart.color,
                "agg": chart.agg,
                "data": {"x": chart.x_values, "y": chart.y_values},
            }
        )
    return charts


def answer_document(run: AnalysisRun) -> dict[str, Any] | None:
    """The asked value as the answer step computed it (kind, value(s), method, n, columns,
    filters, verdict); for a question no kind expresses, that it was not computed; None when
    a chart answers the question."""
    record = run.result.answer()
    if record is not None and record.result is not None:
        return dict(record.result.metrics.get("answer") or {}) or None
    answer = run.planned.answer
    if answer.kind == "chart":
        return None
    failed = next((r for r in run.result.records if r.answer), None)
    why = f": {failed.error}" if failed is not None and failed.error else ""
    return {
        "kind": answer.kind,
        "text": "not computed" + why,
        "value": None,
        "values": {},
        "method": "",
        "n": 0,
        "columns": [c for c in (answer.column, answer.column2, answer.group_by) if c],
        "filters": [f.model_dump() for f in answer.filters],
        "verdict": None,
        "p_value": None,
    }


def result_document(run: AnalysisRun, backend_name: str) -> dict[str, Any]:
    """The result JSON of a run (its schema: autoviz_core/result_schema.json), with the asked
    value in `answer`."""
    errors = [f"{r.step_id}: {r.error}" for r in run.result.records if r.status == "error"]
    errors += [n.text() for n in run.planned.notes if n.level == "rejected"]
    doc: dict[str, Any] = {
        "question": run.planned.question,
        "backend": backend_used(run.planned, backend_name),
        "backends": stage_backends(run.planned, backend_name),
        "model": model_summary(run.planned, backend_name),
        "intent": run.planned.intent,
        "template_id": run.planned.template_id,
        "request": run.planned.request.model_dump(),
        "answer": answer_document(run),
        "plan": plan_dict(run.planned.plan),
        "charts": chart_entries(run.result),
        "timings_ms": run.timings_ms,
        "errors": errors,
        "findings": [f.to_dict() for f in collect_findings(run.result, run.planned)],
        "confidence": run.planned.confidence,
        "alternatives": [a.to_dict() for a in run.planned.alternatives],
    }
    if run.follow_up is not None:
        doc["follow_up"] = run.follow_up
    return doc


def provenance(run: AnalysisRun, backend_name: str) -> dict[str, Any]:
    p = run.planned
    return {
        "backend": backend_used(p, backend_name),
        "backends": stage_backends(p, backend_name),
        "model": model_summary(p, backend_name),
        "model_failures": failed_model_calls(p),
        "intent": p.intent,
        "intent_source": p.intent_source,
        "request": p.request.model_dump(),
        "request_source": p.request_source,
        "answer": p.answer.model_dump(),
        "answer_source": p.answer_source,
        "template_id": p.template_id,
        "template_scores": p.template_scores,
        "cues": p.trace.as_dict(),
        "model_calls": [c.__dict__ for c in p.model_calls],
        "notes": [n.text() for n in p.notes],
        **({"follow_up": run.follow_up} if run.follow_up is not None else {}),
        "dataset": {
            "name": run.table.name,
            "format": run.table.format,
            "rows": run.profile.n_rows,
            "columns": run.profile.n_columns,
            "warnings": run.table.warnings,
            **({"where": run.table.describe()} if isinstance(run.table, EngineLoadedTable) else {}),
        },
    }


def bundle_args(run: AnalysisRun, backend_name: str) -> dict[str, Any]:
    """Keyword arguments for report.bundle.write_bundle / bundle_zip_bytes."""
    return {
        "question": run.planned.question,
        "profile": [c.model_dump() for c in run.profile.columns],
        "template_plan": plan_dict(run.planned.template_plan),
        "adapted_plan": plan_dict(run.planned.plan),
        "plan_diff_md": run.planned.diff.to_markdown(),
        "result": run.result,
        "findings": collect_findings(run.result, run.planned),
        "provenance": provenance(run, backend_name),
        "metadata": {"timings_ms": run.timings_ms, "planning_ms": run.planned.timings_ms},
    }
