"""Per-session state: one place names every key and what clears when an earlier input changes.

Everything a person loads, asks or decides lives in st.session_state, so two browser sessions
never see each other's data; only the model backend is shared (see ui/backend.py).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# Keys, in pipeline order. Changing one clears every key after it (see DOWNSTREAM).
TABLE = "table"  # LoadedTable
PROFILE = "profile"  # SchemaProfile of TABLE
TABLE_SOURCE = "table_source"  # upload file id or sample name: what TABLE came from
UPLOAD_SEEN = "upload_seen"  # file id of the upload last handled (each file loads once)
UPLOAD_ERROR = "upload_error"  # (file id, message, hint) of the last file that failed to load
QUESTION = "question"  # the question the current plan answers
PLANNED = "planned"  # PlannedAnalysis as the planner returned it
DRAFT = "draft"  # list[dict]: the steps as the person is editing them
PLAN_VERSION = "plan_version"  # bumps on every new plan so editing widgets start fresh
PLAN_ERROR = "plan_error"  # (message, hint) of the last failed planning attempt
APPROVED = "approved"  # PlannedAnalysis revalidated from the draft at approval
APPROVED_DRAFT = "approved_draft"  # the draft as it was approved (to spot later edits)
RUN = "run"  # dict: execution result, timings, download bytes
THREAD = "thread"  # list[dict]: every plan version of this thread of questions (ui/thread.py)
CURRENT = "current_version"  # index in THREAD of the version PLANNED/DRAFT show
PLAN_JOB = "plan_job"  # ui.progress.PlanJob: planning running in a worker thread
RUN_JOB = "run_job"  # {"plan": the approved plan, "job": autoviz_core.runtime.job.RunJob}
# The readings of a new question the planner is not sure about, offered before it plans
# ("Did you mean …?"): ui.planning.Readings
READINGS = "readings"

# The widget that holds the question text (kept while planning fails or the plan is reviewed).
QUESTION_INPUT = "question_input"

DOWNSTREAM: dict[str, tuple[str, ...]] = {
    TABLE: (
        QUESTION,
        PLANNED,
        DRAFT,
        PLAN_ERROR,
        APPROVED,
        APPROVED_DRAFT,
        RUN,
        THREAD,
        CURRENT,
        READINGS,
    ),
    QUESTION: (PLANNED, DRAFT, PLAN_ERROR, APPROVED, APPROVED_DRAFT, RUN),
    DRAFT: (APPROVED, APPROVED_DRAFT, RUN),
}


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def clear_after(key: str) -> None:
    """Forget everything that was derived from `key`'s old value."""
    for k in DOWNSTREAM.get(key, ()):
        st.session_state.pop(k, None)


def set_table(table: Any, profile: Any, source: str) -> None:
    """A new table: the question, plan and results of the old one no longer apply."""
    clear_after(TABLE)
    job = st.session_state.pop(PLAN_JOB, None)
    if job is not None:
        job.cancel.set()  # planning for the old table: stop it, its plan no longer applies
    running = st.session_state.pop(RUN_JOB, None)
    if running is not None:
        running["job"].stop()  # a run on the old table: its results no longer apply
    old = st.session_state.get(TABLE)
    source = getattr(old, "source", None)
    if source is not None and old is not table:
        source.close()  # a table that stayed where it lives: end its connection
    st.session_state.pop(QUESTION_INPUT, None)
    st.session_state[TABLE] = table
    st.session_state[PROFILE] = profile
    st.session_state[TABLE_SOURCE] = source
    st.session_state.pop(UPLOAD_ERROR, None)


def set_plan(question: str, planned: Any, draft: list[dict[str, Any]]) -> None:
    """A new plan for `question`: old edits, approvals and results are dropped."""
    clear_after(QUESTION)
    st.session_state[QUESTION] = question
    st.session_state[PLANNED] = planned
    st.session_state[DRAFT] = draft
    st.session_state[PLAN_VERSION] = st.session_state.get(PLAN_VERSION, 0) + 1


# ---------------------------------------------------------------- widgets that survive navigation
# Each page draws its own widgets, so Streamlit forgets a widget's value when another page runs.
# A shadow copy outside the widget's key keeps it: restored before the widget is drawn, updated
# by the widget's on_change (which runs before the script, so a new choice is never overwritten).
def _shadow(key: str) -> str:
    return f"kept:{key}"


def keep(key: str, default: Any) -> None:
    """Call before drawing the widget `key`: it shows the value it had on any earlier page."""
    st.session_state[key] = st.session_state.get(_shadow(key), default)


def remember(key: str) -> None:
    """The widget's on_change: keep the value just chosen."""
    st.session_state[_shadow(key)] = st.session_state[key]


def kept(key: str, default: Any = None) -> Any:
    return st.session_state.get(_shadow(key), default)
