"""Plan review page: see and edit what will run, in plain words, then approve. Nothing runs first."""

from __future__ import annotations

from typing import Any

import streamlit as st

from autoviz_core.data.derived import with_derived
from autoviz_core.plan import DATA_INPUT
from autoviz_core.planning.planned import Chosen, with_derived_columns
from autoviz_core.planning.planner import revalidate
from autoviz_core.planning.templates import candidate_templates, get_template
from autoviz_core.planning.validation import PlanNote
from autoviz_core.tools.registry import all_tools, get_tool
from autoviz_core.vocabulary import INTENTS
from ui import planning, sidebar, state, thread
from ui.steps import new_step, param_widgets, plan_from_draft, signature
from ui.wording import (
    PARAM_LABELS,
    diff_sentences,
    md_text,
    meaningful,
    model_failure_line,
    param_label,
    step_names,
    step_origin_caption,
    step_sentence,
)

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
def version_banner(version: thread.Version | None) -> None:
    """Which version this is and, for a follow-up, what changed from the one before, in words."""
    if version is None or version.parent is None:
        return
    lines = [*version.changes, *version.kept_edits]
    if version.plan_changes:
        lines += [f"Plan: {line}" for line in version.plan_changes]
    body = "\n".join(f"- {md_text(line)}" for line in lines) or "- Nothing changed."
    st.info(
        f"**Version {version.number}** — {version.kind} of version {version.parent}: "
        f"“{md_text(version.asked)}”\n\n{body}",
        icon=":material/history:",
    )


def model_notice(planned: Any) -> None:
    """When the model's adaptation gave nothing usable, or it was not asked: one line, the
    details folded away."""
    why = planned.model_not_asked
    if why:
        st.info(f"{md_text(why[:1].upper() + why[1:])}.", icon=":material/smart_toy:")
    failed = [c for c in planned.model_calls if c.stage == "adapt" and c.error]
    if not failed:
        return
    st.warning(
        f"The model proposed no valid change: {md_text(model_failure_line(failed[0].error))}. "
        "This is the template plan; you can approve it as it is or edit it.",
        icon=":material/smart_toy:",
    )
    with st.expander("Details of the model's answer"):
        st.text(failed[0].error)


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
            format_func=lambda t: t if t == BEST_TEMPLATE else get_template(t).title,
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
            label = f"as {intent_label(intent).lower()}" + (
                "" if template == BEST_TEMPLATE else f", {get_template(template).title.lower()}"
            )
            open_planned = state.get(state.PLANNED)
            done = planning.settle_now(
                "re-plan",
                label,
                chosen=Chosen(
                    intent=intent,
                    template=None if template == BEST_TEMPLATE else template,
                    request=thread.open_request(),  # the answer chart as edited is kept
                    answer=open_planned.answer if open_planned is not None else None,
                ),
            )
            if done is not None:
                st.rerun()
            replan_failed()


def replan_failed() -> None:
    error = state.get(state.PLAN_ERROR)
    if error:
        st.error(f"**Re-planning failed.** {md_text(error[0])}")
        st.caption(md_text(error[1] or "Try again, or choose another model in the sidebar."))
        st.caption("The current plan is kept.")


def step_editor(
    profile: Any, df: Any, notes: dict[str, list[PlanNote]], sure: bool
) -> dict[str, Any]:
    """Each step in a card: a sentence, move, remove, settings. Returns uid -> message slot.
    The answer chart is starred only when the planner is sure of its reading (`sure`)."""
    draft: list[dict[str, Any]] = st.session_state[state.DRAFT]
    slots: dict[str, Any] = {}
    numbers = {s["id"]: i + 1 for i, s in enumerate(draft)}
    for i, step in enumerate(list(draft)):
        spec = get_tool(step["tool"])
        with st.container(border=True):
            head, up, down, drop = st.columns([12, 1, 1, 1], vertical_alignment="center")
            title = head.empty()  # filled after the widgets, so it shows this run's edits
            buttons(step["uid"], i, len(draft), up, down, drop)
            slots[step["uid"]] = st.container()
            reads = step.get("input", DATA_INPUT)
            expanded = (
                step.get("primary")
                or step.get("origin") == "user_added"
                or any(n.level == "rejected" for n in notes.get(step["id"], []))
            )
            label = "Settings" + (
                ""
                if reads == DATA_INPUT
                else f" (uses the result of step {numbers.get(reads, reads)})"
            )
            with st.expander(label, expanded=bool(expanded)):
                columns = None if reads == DATA_INPUT else profile.names()
                step["params"] = param_widgets(step, profile, columns, df)
            with st.expander("Internal names"):
                st.caption(
                    f"step id `{step['id']}` · tool `{step['tool']}`"
                    + (f" · family `{spec.family}`" if spec else "")
                    + (f" · reads `{reads}`" if reads != DATA_INPUT else "")
                )
                st.json(step["params"], expanded=False)
            with title.container():
                star = " :material/star:" if step.get("primary") and sure else ""
                fallback = spec.description if spec else step["tool"]
                sentence = step_sentence(step["tool"], step["params"], fallback)
                st.markdown(f"**{i + 1}. {md_text(sentence)}**{star}")
                why = step_origin_caption(
                    step.get("origin", "template"), step.get("note", ""), sure=sure
                )
                if why:
                    st.caption(md_text(why))
    return slots


def buttons(uid: str, i: int, n: int, up: Any, down: Any, drop: Any) -> None:
    up.button(
        "↑",
        key=f"up:{uid}",
        on_click=move,
        args=(uid, -1),
        disabled=i == 0,
        help="Move up",
        type="tertiary",
    )
    down.button(
        "↓",
        key=f"down:{uid}",
        on_click=move,
        args=(uid, 1),
        disabled=i == n - 1,
        help="Move down",
        type="tertiary",
    )
    drop.button(
        "✕",
        key=f"remove:{uid}",
        on_click=remove,
        args=(uid,),
        help="Remove this step",
        type="tertiary",
    )


def add_step_row(version: int) -> None:
    tools = {t.name: t for t in all_tools()}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.selectbox(
        "Add a step",
        list(tools),
        index=None,
        placeholder="Choose what to add",
        format_func=lambda n: tools[n].description,
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
                message = labelled(note.message)
                message = message if message.endswith(".") else f"{message}."
                show(md_text(f"{message[:1].upper()}{message[1:]}{suffix}"))


def labelled(message: str) -> str:
    """'max_groups: ...' -> 'At most this many groups: ...' (the label the widget shows)."""
    name, sep, rest = message.partition(": ")
    return f"{param_label(name)}: {rest}" if sep and name in PARAM_LABELS else message


def diff_section(planned: Any, checked: Any) -> None:
    with st.expander("What changed from the template, and why"):
        sentences = diff_sentences(checked.diff, step_names(checked.plan))
        st.markdown(
            "\n".join(f"- {md_text(s)}" for s in sentences) or "The plan is the template as it is."
        )
        if meaningful(checked.diff.rationale):
            st.markdown(f"**The model's reason:** {md_text(checked.diff.rationale)}")
        planner_notes = [n for n in planned.notes if n.step_id in ("adapt", "request")]
        if planner_notes:
            st.markdown("**Planner notes**")
            st.markdown("\n".join(f"- {md_text(n.message)}" for n in planner_notes))


# ---------------------------------------------------------------- page
sidebar.render()
st.title("Review the plan")
planning.resume()
planned = state.get(state.PLANNED)
profile = state.get(state.PROFILE)
if planned is None or profile is None:
    st.info("There is no plan yet. Ask a question first.")
    st.page_link("pages/question.py", label="Go to Question", icon=":material/chat:")
    st.stop()

version = state.get(state.PLAN_VERSION, 0)
open_version = thread.current()
st.caption(
    f"“{md_text(planned.question)}” — check the steps below, change anything, then approve. "
    "Nothing runs until you approve."
)
version_banner(open_version)
model_notice(planned)
replan_controls(planned, profile, version)

for derived in planned.plan.derived:
    st.caption(f"Derived measure, computed before the steps run: {md_text(derived.describe())}")
st.subheader("Steps")
table = state.get(state.TABLE)
before = revalidate(planned, plan_from_draft(st.session_state[state.DRAFT]), profile)
# the step settings offer the derived measures beside the table's own columns
slots = step_editor(
    with_derived_columns(profile, planned),
    with_derived(table.df, planned.plan.derived) if table is not None else None,
    by_step(before.notes),
    planning.is_sure(planned),
)
add_step_row(version)

checked = revalidate(planned, plan_from_draft(st.session_state[state.DRAFT]), profile)
notes = by_step(checked.notes)
show_notes(slots, notes)
diff_section(planned, checked)

draft_sig = signature(st.session_state[state.DRAFT])
if state.get(state.APPROVED_DRAFT) not in (None, draft_sig):
    state.clear_after(state.DRAFT)  # edited after approval: the old results no longer match
elif state.get(state.RUN) is not None:  # approved as it is (a reopened version included)
    st.page_link(
        "pages/results.py", label="See the results of this plan", icon=":material/insights:"
    )

rejected = sum(1 for n in checked.notes if n.level == "rejected")
if rejected:
    st.warning(f"{rejected} step(s) have problems and will be left out unless you fix them.")
if st.button("Approve and run", type="primary", disabled=not checked.plan.steps, key="approve"):
    thread.save_draft()
    st.session_state.pop(state.RUN, None)
    st.session_state[state.APPROVED] = checked
    st.session_state[state.APPROVED_DRAFT] = draft_sig
    st.switch_page("pages/results.py")
if not checked.plan.steps:
    st.caption("Add at least one valid step to approve.")
st.page_link("pages/question.py", label="Ask a follow-up", icon=":material/chat:")
