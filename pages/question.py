"""Question page: ask in plain words; choose a reading when the planner is unsure ("Did you
mean …?"); a question asked while a plan is open is read as a follow-up or a new question, said
in one line, and the person can ask it the other way; every earlier version and thread reopens."""

from __future__ import annotations

import streamlit as st

from autoviz_core.planning.planned import Alternative
from ui import planning, sidebar, state, thread
from ui.examples import example_questions
from ui.wording import md_text, reading_words

NEXT_STEP = "Try again, or choose another model in the sidebar."
MAX_ALTERNATIVES = 3


def use_example() -> None:
    picked = st.session_state.get("example_pick")
    if picked:
        st.session_state[state.QUESTION_INPUT] = picked
    st.session_state["example_pick"] = None


def settled(version: thread.Version | None) -> None:
    """After planning: straight to review, unless the plan carries other readings to offer."""
    if version is not None and not alternatives(version):
        st.switch_page("pages/plan.py")


def alternatives(version: thread.Version | None) -> list[Alternative]:
    """The other readings a planned version offers (a follow-up read as a new question, or a
    reading the model made), when the planner was not sure of its own."""
    if version is None or version.kind not in ("question", "follow-up"):
        return []
    return list(version.planned.alternatives[:MAX_ALTERNATIVES])


def did_you_mean(readings: planning.Readings) -> None:
    """A new question the planner is unsure of: its readings, best first; nothing is planned
    until one is chosen."""
    st.markdown("**Did you mean:**")
    st.caption(
        f"“{md_text(readings.asked)}” can be read in more than one way. Choose the reading you "
        "meant; it is planned then, not before."
    )
    number = len(thread.versions()) + 1  # the version the chosen reading becomes
    for i, (words, chosen) in enumerate(readings.options):
        if st.button(md_text(words), key=f"alternative:{number}:{i}", icon=":material/help:"):
            settled(planning.settle_now("question", readings.asked, chosen=chosen))


def other_readings(version: thread.Version) -> None:
    """A planned version the planner was unsure of: the plan is its best reading, the others
    re-plan in one click."""
    options = alternatives(version)
    if not options:
        return
    st.markdown("**Did you mean:**")
    best = reading_words(version.planned.request, version.planned.answer)
    st.caption(
        f"The planner was not sure it read “{md_text(version.asked)}” right. The open plan is "
        f"its best reading: {md_text(best)}."
    )
    for i, alt in enumerate(options):
        words = reading_words(alt.request, alt.answer)
        if st.button(
            md_text(words), key=f"alternative:{version.number}:{i}", icon=":material/help:"
        ):
            settled(planning.settle_now("alternative", alt.label, chosen=alt.chosen()))
    st.page_link("pages/plan.py", label="No, review this plan", icon=":material/fact_check:")


def ask_buttons(question: str, open_version: thread.Version) -> None:
    """Follow-up or new question: the default (highlighted) is what the question reads as."""
    turn = planning.turn_default(question) if question else None
    follow = turn is None or turn.follow_up
    st.caption(
        f"Open: version {open_version.number}, “{md_text(open_version.asked)}”. A follow-up "
        "changes that plan where your words say so and keeps your edits; a new question starts "
        "a new thread (this one stays in the list below)."
    )
    if turn is not None:
        what = "a follow-up" if turn.follow_up else "a new question"
        other = "a new question" if turn.follow_up else "a follow-up"
        st.caption(
            f":material/alt_route: Reads as {what}: {md_text(turn.reason)} "
            f"To ask it as {other}, use the other button."
        )
    left, right, _ = st.columns([2, 2, 3])
    if left.button(
        "Ask as a follow-up",
        type="primary" if follow else "secondary",
        disabled=not question,
        key="follow_up",
    ):
        settled(planning.settle_now("follow-up", question))
    if right.button(
        "Ask as a new question",
        type="secondary" if follow else "primary",
        disabled=not question,
        key="plan",
    ):
        settled(planning.settle_now("question", question))


def version_row(version: thread.Version, open_version: thread.Version | None) -> None:
    left, right = st.columns([6, 1], vertical_alignment="center")
    how = f" · {version.kind} of {version.parent}" if version.parent else ""
    done = " · :material/insights: has results" if version.has_results else ""
    left.markdown(f"**{md_text(version.label)}**{how}{done}")
    if version.changes:
        left.caption(md_text("; ".join(version.changes)))
    if version is open_version:
        right.caption("open")
    elif right.button("Reopen", key=f"reopen:{version.number}"):
        thread.reopen(version.number)
        st.switch_page("pages/results.py" if version.has_results else "pages/plan.py")


def thread_list() -> None:
    """The open thread's versions, then the earlier threads: each reopens as it was left."""
    groups = thread.threads()
    if sum(len(g) for g in groups) < 2:
        return
    open_version = thread.current()
    mine = next((g for g in groups if open_version in g), [])
    if mine:
        st.subheader("This thread")
        for version in mine:
            version_row(version, open_version)
    others = [g for g in groups if g is not mine]
    if others:
        st.subheader("Earlier questions")
        for group in reversed(others):  # the latest first
            for version in group:
                version_row(version, open_version)


sidebar.render()
st.title("Ask a question")
profile = state.get(state.PROFILE)
if profile is None:
    st.info("Load a table first: upload a file or pick a sample.")
    st.page_link("pages/upload.py", label="Go to Upload", icon=":material/upload_file:")
    st.stop()

table = state.get(state.TABLE)
st.caption(
    f"About **{md_text(table.name)}** · {profile.n_rows:,} rows · "
    + md_text(", ".join(profile.names()[:8]))
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
    ask_buttons(question, open_version)

open_version = thread.current()  # planning above may have opened a new one
error = state.get(state.PLAN_ERROR)
readings = state.get(state.READINGS)
if error:
    message, hint, kind, asked = error
    st.error(f"**Planning failed.** {md_text(message)}")
    st.caption(f"{md_text(hint or NEXT_STEP)} Your question and table are kept.")
    if st.button("Plan from the wording alone (no model)", key="plan_without_model"):
        settled(planning.settle_now(kind, asked, use_model=False))
elif readings is not None:
    did_you_mean(readings)
elif open_version is not None:
    other_readings(open_version)
    if not alternatives(open_version):
        st.page_link("pages/plan.py", label="Review the open plan", icon=":material/fact_check:")

thread_list()
