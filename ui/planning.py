"""Start planning (a new question, a follow-up, a re-plan, a chosen reading) and settle it into a
new version of the thread. The pages call these; the planning itself is autoviz_core's.

A new question is read first without a model (the fitted reading alone, no adaptation): when the
planner is not sure of its reading, the person is asked "Did you mean …?" before anything is
planned with the model, and the reading they choose is planned. Only when the person asked the
model itself to read questions (request_mode "model") is the model's reading planned first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from autoviz_core.config import PlannerSettings, load_settings
from autoviz_core.conversation import TurnReading, read_turn
from autoviz_core.errors import AutoVizError
from autoviz_core.pipeline import plan_analysis
from autoviz_core.planning.followup import FollowUpPlan, request_changes
from autoviz_core.planning.planned import Chosen, PlannedAnalysis
from ui import state, thread
from ui.backend import get_backend
from ui.progress import PlanJob, follow, start_job
from ui.sidebar import CHOICE
from ui.steps import draft_from_plan
from ui.wording import diff_sentences, kept_edit_words, reading_words, step_names

TITLES = {
    "question": "Planning the analysis…",
    "follow-up": "Planning the follow-up…",
    "re-plan": "Planning again…",
    "alternative": "Planning this reading…",
}
# The reading of a new question before it is planned: the fitted ranking alone, no model.
READING_ONLY = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
MAX_READINGS = 4  # "Did you mean": the best reading and up to three others


@dataclass
class Readings:
    """A new question the planner is not sure how to read, and its readings, best first."""

    asked: str
    options: list[tuple[str, Chosen]]  # (the reading in plain words, what choosing it fixes)


def readings_of(planned: PlannedAnalysis, limit: int = MAX_READINGS) -> list[tuple[str, Chosen]]:
    """The planner's reading and its runners-up, in plain words (each said once), best first."""
    answer = planned.answer if planned.answer.kind != "chart" else None
    options = [
        (reading_words(planned.request, answer), Chosen(request=planned.request, answer=answer))
    ]
    options += [(reading_words(a.request, a.answer), a.chosen()) for a in planned.alternatives]
    seen: set[str] = set()
    unique = []
    for words, chosen in options:
        if words not in seen:
            seen.add(words)
            unique.append((words, chosen))
    return unique[:limit]


def is_sure(planned: PlannedAnalysis) -> bool:
    """The planner offers no other reading (it is sure, or the person chose this one)."""
    return not planned.alternatives


def turn_default(question: str) -> TurnReading | None:
    """Whether `question` reads as a follow-up of the open version or a new question (None when
    no version is open)."""
    request, table, profile = (
        thread.open_request(),
        state.get(state.TABLE),
        state.get(state.PROFILE),
    )
    if request is None or table is None or profile is None or not question.strip():
        return None
    return read_turn(question, request, profile, table.df)


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
    st.session_state.pop(state.READINGS, None)  # a new attempt answers the readings offered
    try:
        backend = get_backend(st.session_state[CHOICE]) if use_model else None
    except AutoVizError as exc:
        _failed(kind, asked, exc)
        return None
    previous = thread.previous_for_follow_up() if kind == "follow-up" else None
    planner = settings.planner_for(st.session_state[CHOICE])  # the model entry's own modes
    open_planned = state.get(state.PLANNED)
    question = open_planned.question if kind in ("re-plan", "alternative") else asked
    read_first = kind == "question" and chosen is None and planner.request_mode != "model"

    def work(on_stage: Any, watched: Any) -> Any:
        if read_first:
            reading = plan_analysis(question, table, profile, None, READING_ONLY)
            if not is_sure(reading):
                return Readings(asked, readings_of(reading))  # ask before planning
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
    if isinstance(outcome, Readings):
        st.session_state[state.READINGS] = outcome
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
