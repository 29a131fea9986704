"""Results page: run the approved plan with progress, then the answer first, the rest after it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from autoviz_core.config import load_settings
from autoviz_core.pipeline import bundle_args, model_summary, start_run
from autoviz_core.report.answer_card import answer_card
from autoviz_core.report.bundle import bundle_files, zip_bytes
from autoviz_core.report.findings import ordered_records
from autoviz_core.report.headline import headline
from autoviz_core.runtime.executor import ExecutionResult, StepRecord
from ui import sidebar, state
from ui.run_progress import follow_run
from ui.wording import (
    filters_text,
    md_text,
    plan_step_titles,
    rounded,
    step_sentence,
    supporting_rows_note,
    tidy_figure,
)


def run_plan() -> dict[str, Any]:
    """Execute the approved plan in a worker thread, showing its progress (with a Stop
    button); keep the result and the downloads."""
    approved, table, profile = (
        state.get(state.APPROVED),
        state.get(state.TABLE),
        state.get(state.PROFILE),
    )
    settings = load_settings()
    running = state.get(state.RUN_JOB)
    if running is None or running["plan"] is not approved:
        if running is not None:
            running["job"].stop()  # a run of a plan approved before: no longer wanted
        running = {"plan": approved, "job": start_run(table, profile, approved, settings)}
        st.session_state[state.RUN_JOB] = running
    job = running["job"]
    run = follow_run(job, plan_step_titles(approved.plan), settings.engine.progress_after_s)
    st.session_state.pop(state.RUN_JOB, None)
    files = bundle_files(**bundle_args(run, approved.backend))  # "none" when no model ran
    return {
        "result": run.result,
        "html": files["report.html"],
        "markdown": files["report.md"],
        "bundle": zip_bytes(files),
        "stopped": job.asked_to_stop(),
        "seconds": job.elapsed_s(),
    }


def show_stopped(run: dict[str, Any]) -> None:
    """A run the person stopped: say so, and offer to run it again."""
    if not run.get("stopped"):
        return
    skipped = sum(1 for r in run["result"].records if r.status != "ok")
    st.warning(
        f"You stopped the run after {run['seconds']:.1f} s: {skipped} step(s) did not finish.",
        icon=":material/stop_circle:",
    )
    if st.button("Run it again", key="run_again", icon=":material/replay:"):
        st.session_state.pop(state.RUN, None)
        st.rerun()


def show_answer(result: ExecutionResult) -> StepRecord | None:
    """The asked value as a metric card, its sentence (method and n) under it."""
    record = result.answer()
    card = answer_card(record.result.metrics.get("answer")) if record and record.result else None
    if record is None or card is None:
        return None
    st.metric(
        md_text(step_sentence(record.tool, record.params)), card.value, card.delta, border=True
    )
    st.markdown(f"#### {md_text(card.detail)}")
    return record


def show_primary(result: ExecutionResult, planned: Any, answered: bool) -> StepRecord | None:
    """The answer chart; over it, unless a value answered first, the headline: the finding that
    answers the question (a comparison, a trend, what was flagged), not the chart's own."""
    primary = result.primary()
    if primary is None:
        st.warning(
            "No chart could be drawn for this question. See the steps that did not run below."
        )
        return None
    if answered:  # the chart is the evidence of the answer above it
        st.caption(f"The evidence: {md_text(step_sentence(primary.tool, primary.params))}")
    else:
        st.markdown(f"#### {md_text(headline(result, planned).text)}")
        st.caption(md_text(step_sentence(primary.tool, primary.params)))
    if where := filters_text(primary.params.get("filters")):
        st.caption(f":material/filter_alt: Only rows where {md_text(where)}.")
    st.plotly_chart(tidy_figure(primary.result.figure), key=f"chart:{primary.step_id}")
    marked = next((r for r in result.records if r.primary), None)
    if marked is not None and marked is not primary:
        st.caption(
            f"The planned answer chart failed ({md_text(marked.error)}); this is the first "
            "chart that ran."
        )
    return primary


def step_title(record: StepRecord) -> str:
    res = record.result
    if res is not None and res.chart and res.chart.title:
        return res.chart.title
    return step_sentence(record.tool, record.params)


def show_step(record: StepRecord) -> None:
    res = record.result
    with st.container(border=True):
        st.markdown(f"**{md_text(step_title(record))}**")
        st.caption(
            f"{md_text(step_sentence(record.tool, record.params))} · {record.duration_ms:,.0f} ms"
        )
        for text in res.findings[:3]:
            st.markdown(f"- {md_text(text)}")
        if res.figure is not None:
            st.plotly_chart(tidy_figure(res.figure), key=f"chart:{record.step_id}")
        elif res.table is not None:
            st.dataframe(rounded(res.table.head(200)), hide_index=True)
        if res.figure is not None and res.table is not None:
            with st.expander("Table"):
                st.dataframe(rounded(res.table.head(200)), hide_index=True)


def show_failures(result: ExecutionResult) -> None:
    for r in result.dropped():
        sentence = md_text(step_sentence(r.tool, r.params))
        st.caption(f":material/info: Left out: {sentence} ({md_text(r.error)}).")
    failed = result.failed()
    if not failed:
        return
    with st.expander(f"{len(failed)} step(s) did not run", expanded=True):
        for r in failed:
            sentence = md_text(step_sentence(r.tool, r.params))
            st.markdown(f"- **{sentence}** {r.status}: {md_text(r.error)}")
        st.caption(
            "The other steps are not affected. Fix the parameters on Plan review and approve again."
        )


def downloads(run: dict[str, Any]) -> None:
    st.subheader("Take it with you")
    a, b, c = st.columns(3)
    a.download_button(
        "HTML report",
        run["html"],
        "autoviz_report.html",
        "text/html",
        key="dl_html",
        icon=":material/description:",
        on_click="ignore",
        width="stretch",
    )
    b.download_button(
        "Markdown",
        run["markdown"],
        "autoviz_report.md",
        "text/markdown",
        key="dl_md",
        icon=":material/article:",
        on_click="ignore",
        width="stretch",
    )
    c.download_button(
        "Provenance bundle (zip)",
        run["bundle"],
        "autoviz_bundle.zip",
        "application/zip",
        key="dl_zip",
        icon=":material/folder_zip:",
        on_click="ignore",
        width="stretch",
    )
    st.caption(
        "The bundle holds the plans, the diff, every tool call and its output, so the run "
        "can be checked and repeated."
    )


sidebar.render()
st.title("Results")
approved = state.get(state.APPROVED)
if approved is None:
    st.info("Approve a plan to see results here.")
    st.page_link("pages/plan.py", label="Go to Plan review", icon=":material/fact_check:")
    st.stop()

st.caption(
    f"“{md_text(approved.question)}” · {md_text(state.get(state.TABLE).name)} · "
    f"model: {md_text(model_summary(approved))}"
)
if state.get(state.RUN) is None:
    st.session_state[state.RUN] = run_plan()
run = state.get(state.RUN)
result: ExecutionResult = run["result"]
show_stopped(run)

answered = show_answer(result)
primary = show_primary(result, approved, answered is not None)
supporting = [r for r in ordered_records(result) if r not in (primary, answered)]
if supporting:
    st.subheader("Supporting detail")
    if primary is not None and (
        note := supporting_rows_note(
            primary.params.get("filters"), [(step_title(r), r.params) for r in supporting]
        )
    ):
        st.caption(f":material/info: {md_text(note)}")
    grid = st.columns(2)
    for i, record in enumerate(supporting):
        with grid[i % 2]:
            show_step(record)
show_failures(result)
downloads(run)
st.divider()
left, right = st.columns(2)
left.page_link("pages/plan.py", label="Change the plan", icon=":material/fact_check:")
right.page_link("pages/question.py", label="Ask another question", icon=":material/chat:")
