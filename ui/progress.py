"""Planning in a worker thread, shown stage by stage: the model call as its own stage with its
elapsed time (and tokens so far where the backend reports them), the queue position, a cancel
button, and a time limit per model call.

The job lives in session state, so a rerun (the cancel button, any click) re-attaches to it
instead of losing it. Only the script thread touches st.*; the worker only appends events.
Timing, bounding and cancelling each model call is the backend wrapper's work
(autoviz_core.llm.watched); this module only shows it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from autoviz_core.llm.watched import POLL_S, WatchedBackend, WatchedCall, queue_depth
from ui import state
from ui.backend import record_failure, record_success
from ui.wording import md_text

STAGE_LABELS = {
    "cues": "Read the question",
    "intent": "Chose the kind of analysis",
    "request": "Filled in what to plot",
    "template": "Picked a plan template",
    "adaptation": "Adapted the plan to your table",
    "validation": "Checked every step",
}
OnStage = Callable[[str, float], None]


@dataclass
class PlanJob:
    """Planning running in a worker thread: its events so far, its outcome, its cancel switch."""

    title: str
    started: float = field(default_factory=time.perf_counter)
    # ("stage", (name, ms)) when a planner stage ends, ("model", WatchedCall) when a call starts
    events: list[tuple[str, Any]] = field(default_factory=list)
    outcome: dict[str, Any] = field(default_factory=dict)
    cancel: threading.Event = field(default_factory=threading.Event)
    watched: WatchedBackend | None = None
    thread: threading.Thread | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # what the page does with the outcome

    @property
    def done(self) -> bool:
        return self.thread is not None and not self.thread.is_alive()

    def on_stage(self, stage: str, ms: float) -> None:
        self._sync_calls()
        self.events.append(("stage", (stage, ms)))

    def _sync_calls(self) -> None:
        shown = {id(v) for k, v in self.events if k == "model"}
        for call in self.watched.calls if self.watched else []:
            if id(call) not in shown:
                self.events.append(("model", call))

    def snapshot(self) -> list[tuple[str, Any]]:
        self._sync_calls()
        return list(self.events)


def start_job(
    title: str,
    work: Callable[[OnStage, Any], Any],
    backend: Any,
    limit_s: float,
) -> PlanJob:
    """Start `work(on_stage, backend)` in a thread; the job is kept in session state."""
    job = PlanJob(title)
    if backend is not None:
        job.watched = WatchedBackend(
            backend, job.cancel, limit_s, on_success=record_success, on_failure=record_failure
        )

    def target() -> None:
        try:
            job.outcome["value"] = work(job.on_stage, job.watched)
        except BaseException as exc:  # handed to the script thread, which shows it
            job.outcome["error"] = exc

    job.thread = threading.Thread(target=target, name="autoviz-planner", daemon=True)
    job.thread.start()
    st.session_state[state.PLAN_JOB] = job
    return job


def follow(job: PlanJob) -> Any:
    """Show the job's stages until it ends; returns its value or raises its error."""
    with st.status(job.title, expanded=True) as box:
        lines = st.empty()
        waiting = st.empty()
        st.button(
            "Cancel the model call",
            key="cancel_plan",
            on_click=job.cancel.set,
            disabled=job.watched is None,
            help="Stop waiting for the model: the plan is made without its suggestions.",
        )
        while True:
            finished = job.done
            lines.markdown("\n\n".join(_line(kind, item) for kind, item in job.snapshot()))
            depth = queue_depth(job.watched) if job.watched is not None else 0
            if depth and not finished:
                waiting.caption(
                    f":material/hourglass_top: The model is busy: you are number {depth} in the queue."
                )
            else:
                waiting.empty()
            if finished:
                break
            time.sleep(POLL_S)
        st.session_state.pop(state.PLAN_JOB, None)
        total = time.perf_counter() - job.started
        if "error" in job.outcome:
            box.update(label="Planning stopped", state="error", expanded=False)
            raise job.outcome["error"]
        box.update(label=f"Plan ready in {total:.1f} s", state="complete", expanded=False)
    return job.outcome["value"]


def _line(kind: str, item: Any) -> str:
    if kind == "stage":
        stage, ms = item
        return f":material/check: {STAGE_LABELS.get(stage, stage)} · {_ms(ms)}"
    call: WatchedCall = item
    took = f"{call.seconds():.1f} s"
    tokens = f" · {call.tokens} tokens" if call.tokens else ""
    if call.ended is None:
        return f":material/hourglass_top: The model is {call.task} · {took}{tokens}"
    if call.error:
        return (
            f":material/error: The model, {call.task}: no usable answer after {took} "
            f"({md_text(call.error)})"
        )
    tries = f", {call.attempts} attempts" if call.attempts and call.attempts > 1 else ""
    return f":material/smart_toy: The model, {call.task} · {took}{tokens}{tries}"


def _ms(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"
