"""Plan review page: see and edit what will run, then approve. Nothing runs before approval."""

from __future__ import annotations

from typing import Any

import streamlit as st

from autoviz_core.config import load_settings
from autoviz_core.contracts import INTENTS
from autoviz_core.errors import AutoVizError
from autoviz_core.plan import DATA_INPUT
from autoviz_core.planning.planner import plan_question, revalidate
from autoviz_core.planning.templates import candidate_templates, get_template
from autoviz_core.planning.validation import PlanNote
from autoviz_core.tools.registry import all_tools, get_tool
from ui import sidebar, state
from ui.backend import get_backend
from ui.progress import run_planner
from ui.sidebar import CHOICE
from ui.steps import draft_from_plan, new_step, param_widgets, plan_from_draft, signature

BEST_TEMPLATE = "(best match)"
NOTE_STYLE = {"rejected": st.error, "repaired": st.info}


def intent_label(intent: str) -> str:
    return intent.replace("_", " ").capitalize()


# ---------------------------------------------------------------- step list actions
def move(uid: str, offset: int) -> None:
    draft = st.session_state[state.DRAFT]
    i = next(i for i, s in enumerate(draft) if s["uid"] == uid)
    j = i + offset
    if 0 <= j < len(draft):
        draft[i], draft[j] = draft[j], draft[i]


def remove(uid: str) -> None:
    st.session_state[state.DRAFT] = [s for s in st.session_state[state.DRAFT] if s["uid"] != uid]


def add(version: int) -> None:
    tool = st.session_state.get("add_tool")
    if tool:
        draft = st.session_state[state.DRAFT]
        draft.append(new_step(draft, tool, version))


# ---------------------------------------------------------------- sections
def replan_controls(planned: Any, profile: Any, version: int) -> None:
    """Intent and template pickers; a change re-plans with the person's choice."""
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    intents = list(INTENTS)
    with left:
        intent = st.selectbox(
            "Kind of analysis",
            intents,
            index=intents.index(planned.intent),
            format_func=intent_label,
            key=f"intent:{version}",
            help=f"Decided by: {planned.intent_source}. Change it to re-plan.",
        )
    templates = [t.id for t in candidate_templates(intent, profile)]
    options = [BEST_TEMPLATE, *templates]
    current = planned.template_id if intent == planned.intent else BEST_TEMPLATE
    with middle:
        template = st.selectbox(
            "Plan template",
            options,
            index=options.index(current) if current in options else 0,
            format_func=lambda t: t if t == BEST_TEMPLATE else f"{get_template(t).title} ({t})",
            key=f"template:{version}",
        )
    changed = intent != planned.intent or template not in (planned.template_id, BEST_TEMPLATE)
    with right:
        if st.button(
            "Re-plan",
            disabled=not changed,
            key="replan",
            help="Plan again with this kind of analysis and template.",
        ):
            replan(planned.question, intent, None if template == BEST_TEMPLATE else template)


def replan(question: str, intent: str, template: str | None) -> None:
    table, profile = state.get(state.TABLE), state.get(state.PROFILE)
    settings = load_settings()
    try:
        backend = get_backend(st.session_state[CHOICE])
        planned = run_planner(
            lambda on_stage: plan_question(
                question,
                table.df,
                profile,
                backend,
                settings.planner,
                table_name=table.name,
                on_stage=on_stage,
                intent_override=intent,
                template_override=template,
            ),
            backend,
        )
    except AutoVizError as exc:
        st.error(f"**Re-planning failed.** {exc.message} {exc.hint}".strip())
        st.caption("The current plan is kept. Try again, or choose another model in the sidebar.")
        return
    version = state.get(state.PLAN_VERSION, 0) + 1
    state.set_plan(question, planned, draft_from_plan(planned.plan, version))
    st.rerun()


def step_editor(profile: Any, notes: dict[str, list[PlanNote]]) -> dict[str, Any]:
    """Each step in a card: move, remove, parameters. Returns uid -> placeholder for messages."""
    draft: list[dict[str, Any]] = st.session_state[state.DRAFT]
    slots: dict[str, Any] = {}
    for i, step in enumerate(list(draft)):
        spec = get_tool(step["tool"])
        with st.container(border=True):
            head, up, down, drop = st.columns([12, 1, 1, 1], vertical_alignment="center")
            star = " :material/star:" if step.get("primary") else ""
            family = f" · {spec.family}" if spec else ""
            head.markdown(f"**{i + 1}. {step['tool']}**{star} `{step['id']}`{family}")
            if step.get("note") or spec:
                head.caption(step.get("note") or spec.description)
            if summary := params_summary(step["params"]):
                head.caption(summary)
            up.button(
                "↑",
                key=f"up:{step['uid']}",
                on_click=move,
                args=(step["uid"], -1),
                disabled=i == 0,
                help="Move up",
                type="tertiary",
            )
            down.button(
                "↓",
                key=f"down:{step['uid']}",
                on_click=move,
                args=(step["uid"], 1),
                disabled=i == len(draft) - 1,
                help="Move down",
                type="tertiary",
            )
            drop.button(
                "✕",
                key=f"remove:{step['uid']}",
                on_click=remove,
                args=(step["uid"],),
                help="Remove this step",
                type="tertiary",
            )
            slots[step["uid"]] = st.container()
            reads = step.get("input", DATA_INPUT)
            expanded = (
                step.get("primary")
                or step.get("note") == "added by you"
                or any(n.level == "rejected" for n in notes.get(step["id"], []))
            )
            label = "Parameters" + (
                "" if reads == DATA_INPUT else f" (reads the output of {reads})"
            )
            with st.expander(label, expanded=expanded):
                columns = None if reads == DATA_INPUT else profile.names()
                step["params"] = param_widgets(step, profile, columns)
    return slots


def params_summary(params: dict[str, Any]) -> str:
    """The parameters that say what a step does, on one line (empty values left out)."""
    shown = [f"{k} = {v}" for k, v in params.items() if v not in (None, "", [], {}, "none")]
    return " · ".join(shown[:6])


def add_step_row(version: int) -> None:
    tools = {t.name: t for t in all_tools()}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.selectbox(
        "Add a step",
        list(tools),
        index=None,
        placeholder="Choose a tool",
        format_func=lambda n: f"{n} — {tools[n].description}",
        key="add_tool",
    )
    right.button(
        "Add step",
        key="add_step",
        on_click=add,
        args=(version,),
        disabled=not st.session_state.get("add_tool"),
    )


def by_step(notes: list[PlanNote]) -> dict[str, list[PlanNote]]:
    out: dict[str, list[PlanNote]] = {}
    for note in notes:
        out.setdefault(note.step_id, []).append(note)
    return out


def show_notes(slots: dict[str, Any], notes: dict[str, list[PlanNote]]) -> None:
    draft = st.session_state[state.DRAFT]
    for step in draft:
        for note in notes.get(step["id"], []):
            with slots[step["uid"]]:
                show = NOTE_STYLE.get(note.level, st.caption)
                suffix = " This step will be left out." if note.level == "rejected" else ""
                show(
                    f"{note.message}.{suffix}"
                    if not note.message.endswith(".")
                    else f"{note.message}{suffix}"
                )


def diff_section(planned: Any, checked: Any) -> None:
    with st.expander("What changed from the template, and why"):
        text = checked.diff.to_markdown().split("\n", 1)[-1].replace("## ", "##### ")
        st.markdown(text)
        planner_notes = [n for n in planned.notes if n.level != "rejected" or n.step_id == "adapt"]
        if planner_notes:
            st.markdown("##### Planner notes")
            st.markdown("\n".join(f"- {n.text()}" for n in planner_notes))


# ---------------------------------------------------------------- page
sidebar.render()
st.title("Review the plan")
planned = state.get(state.PLANNED)
profile = state.get(state.PROFILE)
if planned is None or profile is None:
    st.info("There is no plan yet. Ask a question first.")
    st.page_link("pages/question.py", label="Go to Question", icon=":material/chat:")
    st.stop()

version = state.get(state.PLAN_VERSION, 0)
st.caption(
    f"“{planned.question}” — check the steps below, change anything, then approve. "
    "Nothing runs until you approve."
)
replan_controls(planned, profile, version)

st.subheader("Steps")
before = revalidate(planned, plan_from_draft(st.session_state[state.DRAFT]), profile)
slots = step_editor(profile, by_step(before.notes))
add_step_row(version)

checked = revalidate(planned, plan_from_draft(st.session_state[state.DRAFT]), profile)
notes = by_step(checked.notes)
show_notes(slots, notes)
diff_section(planned, checked)

draft_sig = signature(st.session_state[state.DRAFT])
if state.get(state.APPROVED_DRAFT) not in (None, draft_sig):
    state.clear_after(state.DRAFT)  # edited after approval: the old results no longer match

rejected = sum(1 for n in checked.notes if n.level == "rejected")
if rejected:
    st.warning(f"{rejected} step(s) have problems and will be left out unless you fix them.")
if st.button("Approve and run", type="primary", disabled=not checked.plan.steps, key="approve"):
    st.session_state.pop(state.RUN, None)
    st.session_state[state.APPROVED] = checked
    st.session_state[state.APPROVED_DRAFT] = draft_sig
    st.switch_page("pages/results.py")
if not checked.plan.steps:
    st.caption("Add at least one valid step to approve.")
