"""Question page: ask in plain words; planning shows each stage; errors keep the question."""

from __future__ import annotations

import streamlit as st

from autoviz_core.config import load_settings
from autoviz_core.errors import AutoVizError
from autoviz_core.planning.planner import plan_question
from ui import sidebar, state
from ui.backend import get_backend
from ui.examples import example_questions
from ui.progress import run_planner
from ui.sidebar import CHOICE
from ui.steps import draft_from_plan

NEXT_STEP = "Try again, or choose another model in the sidebar."


def use_example() -> None:
    picked = st.session_state.get("example_pick")
    if picked:
        st.session_state[state.QUESTION_INPUT] = picked
    st.session_state["example_pick"] = None


def plan(question: str, *, use_model: bool = True) -> bool:
    """Plan `question`; True on success. Failures are stored to show, never raised."""
    table, profile = state.get(state.TABLE), state.get(state.PROFILE)
    settings = load_settings()
    try:
        backend = get_backend(st.session_state[CHOICE]) if use_model else None
        planned = run_planner(
            lambda on_stage: plan_question(
                question,
                table.df,
                profile,
                backend,
                settings.planner,
                table_name=table.name,
                on_stage=on_stage,
            ),
            backend,
        )
    except AutoVizError as exc:
        st.session_state[state.PLAN_ERROR] = (exc.message, exc.hint)
        return False
    state.set_plan(
        question, planned, draft_from_plan(planned.plan, state.get(state.PLAN_VERSION, 0) + 1)
    )
    return True


sidebar.render()
st.title("Ask a question")
profile = state.get(state.PROFILE)
if profile is None:
    st.info("Load a table first: upload a file or pick a sample.")
    st.page_link("pages/upload.py", label="Go to Upload", icon=":material/upload_file:")
    st.stop()

table = state.get(state.TABLE)
st.caption(
    f"About **{table.name}** · {profile.n_rows:,} rows · {', '.join(profile.names()[:8])}"
    + (" …" if profile.n_columns > 8 else "")
)

if state.QUESTION_INPUT not in st.session_state:
    st.session_state[state.QUESTION_INPUT] = state.get(state.QUESTION) or ""
question = st.text_area(
    "Your question",
    key=state.QUESTION_INPUT,
    height=90,
    placeholder="e.g. Which region had the highest revenue?",
).strip()
st.pills(
    "Examples for this table", example_questions(profile), key="example_pick", on_change=use_example
)

planned = state.get(state.PLANNED)
replacing = planned is not None and question != state.get(state.QUESTION)
if replacing:
    st.caption("Planning this question replaces the current plan and results.")
clicked = st.button("Plan the analysis", type="primary", disabled=not question, key="plan")
if clicked and plan(question):
    st.switch_page("pages/plan.py")

error = state.get(state.PLAN_ERROR)
if error:
    st.error(f"**Planning failed.** {error[0]}")
    st.caption(f"{error[1] or ''} {NEXT_STEP} Your question and table are kept.".strip())
    fallback = st.button("Plan from the wording alone (no model)", key="plan_without_model")
    if fallback and plan(question, use_model=False):
        st.switch_page("pages/plan.py")
elif planned is not None and not replacing:
    st.success(f"A plan for “{state.get(state.QUESTION)}” is ready.")
    st.page_link("pages/plan.py", label="Review the plan", icon=":material/fact_check:")
