"""Question page: ask in plain words, follow up on the open plan, reopen an earlier version."""

from __future__ import annotations

import streamlit as st

from autoviz_core.planning.planner import Alternative
from ui import planning, sidebar, state, thread
from ui.examples import example_questions

NEXT_STEP = "Try again, or choose another model in the sidebar."
MAX_ALTERNATIVES = 3


def use_example() -> None:
    picked = st.session_state.get("example_pick")
    if picked:
        st.session_state[state.QUESTION_INPUT] = picked
    st.session_state["example_pick"] = None


def settled(version: thread.Version | None) -> None:
    """After planning: straight to review, unless the planner offers other readings first."""
    if version is not None and not alternatives(version):
        st.switch_page("pages/plan.py")


def alternatives(version: thread.Version | None) -> list[Alternative]:
    if version is None or version.kind not in ("question", "follow-up"):
        return []
    return list(version.planned.alternatives[:MAX_ALTERNATIVES])


def did_you_mean(version: thread.Version) -> None:
    options = alternatives(version)
    if not options:
        return
    st.markdown("**Did you mean:**")
    cols = st.columns(len(options) + 1)
    for i, alt in enumerate(options):
        if cols[i].button(alt.label, key=f"alternative:{version.number}:{i}"):
            settled(planning.settle_now("alternative", alt.label, chosen=alt.chosen()))
    cols[-1].page_link("pages/plan.py", label="No, review this plan", icon=":material/fact_check:")


def thread_list() -> None:
    versions = thread.versions()
    if len(versions) < 2:
        return
    open_version = thread.current()
    st.subheader("This thread")
    for version in versions:
        left, right = st.columns([6, 1], vertical_alignment="center")
        how = f" · {version.kind} of {version.parent}" if version.parent else ""
        left.markdown(f"**{version.label}**{how}")
        if version.changes:
            left.caption("; ".join(version.changes))
        if version is open_version:
            right.caption("open")
        elif right.button("Reopen", key=f"reopen:{version.number}"):
            thread.reopen(version.number)
            st.switch_page("pages/plan.py")


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
settled(planning.resume())

if state.QUESTION_INPUT not in st.session_state:
    st.session_state[state.QUESTION_INPUT] = ""
question = st.text_area(
    "Your question",
    key=state.QUESTION_INPUT,
    height=90,
    placeholder="e.g. Which group has the highest average value?",
).strip()
st.pills(
    "Examples for this table", example_questions(profile), key="example_pick", on_change=use_example
)

open_version = thread.current()
if open_version is None:
    if st.button("Plan the analysis", type="primary", disabled=not question, key="plan"):
        settled(planning.settle_now("question", question))
else:
    st.caption(
        f"Open: version {open_version.number}, “{open_version.asked}”. A follow-up changes that "
        "plan where your words say so and keeps your edits; a new question starts over."
    )
    left, right, _ = st.columns([2, 2, 3])
    if left.button("Ask as a follow-up", type="primary", disabled=not question, key="follow_up"):
        settled(planning.settle_now("follow-up", question))
    if right.button("Ask as a new question", disabled=not question, key="plan"):
        settled(planning.settle_now("question", question))

open_version = thread.current()  # planning above may have opened a new one
error = state.get(state.PLAN_ERROR)
if error:
    message, hint, kind, asked = error
    st.error(f"**Planning failed.** {message}")
    st.caption(f"{hint or NEXT_STEP} Your question and table are kept.")
    if st.button("Plan from the wording alone (no model)", key="plan_without_model"):
        settled(planning.settle_now(kind, asked, use_model=False))
elif open_version is not None:
    did_you_mean(open_version)
    if not alternatives(open_version):
        st.page_link("pages/plan.py", label="Review the open plan", icon=":material/fact_check:")

thread_list()
