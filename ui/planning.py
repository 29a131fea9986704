"""Start planning (a new question, a follow-up, a re-plan, a chosen alternative) and settle it
into a new version of the thread. The pages call these; the planning itself is autoviz_core's.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from autoviz_core.config import load_settings
from autoviz_core.errors import AutoVizError
from autoviz_core.pipeline import plan_analysis
from autoviz_core.planning.followup import FollowUpPlan, request_changes
from autoviz_core.planning.planner import Chosen
from ui import state, thread
from ui.backend import get_backend
from ui.progress import PlanJob, follow, start_job
from ui.sidebar import CHOICE
from ui.steps import draft_from_plan
from ui.wording import diff_sentences, kept_edit_words, step_names

TITLES = {
    "question": "Planning the analysis…",
    "follow-up": "Planning the follow-up…",
    "re-plan": "Planning again…",
    "alternative": "Planning this reading…",
}


def start(
    kind: str,
    asked: str,
    *,
    use_model: bool = True,
    chosen: Chosen | None = None,
) -> PlanJob | None:
    """Start planning in a worker thread; None (with PLAN_ERROR set) when the model cannot load."""
    table, profile = state.get(state.TABLE), state.get(state.PROFILE)
    settings = load_settings()
    st.session_state.pop(state.PLAN_ERROR, None)
    try:
        backend = get_backend(st.session_state[CHOICE]) if use_model else None
    except AutoVizError as exc:
        _failed(kind, asked, exc)
        return None
    previous = thread.previous_for_follow_up() if kind == "follow-up" else None
    planner = settings.planner_for(st.session_state[CHOICE])  # the model entry's own modes
    open_planned = state.get(state.PLANNED)
    question = open_planned.question if kind in ("re-plan", "alternative") else asked

    def work(on_stage: Any, watched: Any) -> Any:
        return plan_analysis(
            asked if previous is not None else question,
            table,
            profile,
            watched,
            planner,
            previous=previous,
            on_stage=on_stage,
            chosen=chosen,
        )

    job = start_job(
        TITLES.get(kind, TITLES["question"]), work, backend, settings.limits.llm_timeout_s
    )
    job.meta = {"kind": kind, "asked": asked}
    return job


def settle(job: PlanJob) -> thread.Version | None:
    """Show the job until it ends, then open its plan as a new version (or keep the error)."""
    kind, asked = job.meta["kind"], job.meta["asked"]
    try:
        outcome = follow(job)
    except AutoVizError as exc:
        _failed(kind, asked, exc)
        return None
    if isinstance(outcome, FollowUpPlan):
        planned = outcome.planned
        return thread.add(
            asked,
            planned,
            draft_from_plan(planned.plan, state.get(state.PLAN_VERSION, 0) + 1),
            kind="follow-up",
            changes=outcome.reading.changes,
            plan_changes=diff_sentences(outcome.version_diff, step_names(planned.plan)),
            kept_edits=[kept_edit_words(k) for k in outcome.kept_edits],
        )
    draft = draft_from_plan(outcome.plan, state.get(state.PLAN_VERSION, 0) + 1)
    if kind == "question" or thread.current() is None:
        return thread.start(asked, outcome, draft)
    before = state.get(state.PLANNED)
    return thread.add(
        asked,
        outcome,
        draft,
        kind=kind,
        changes=request_changes(before.request, outcome.request) if before else [],
    )


def resume() -> thread.Version | None:
    """Settle planning started on an earlier run (a rerun re-attaches to it)."""
    job = state.get(state.PLAN_JOB)
    return settle(job) if job is not None else None


def _failed(kind: str, asked: str, exc: AutoVizError) -> None:
    st.session_state[state.PLAN_ERROR] = (exc.message, exc.hint, kind, asked)


def settle_now(kind: str, asked: str, **options: Any) -> thread.Version | None:
    """Start planning and follow it on this run (see `start` for the options)."""
    job = start(kind, asked, **options)
    return settle(job) if job is not None else None
