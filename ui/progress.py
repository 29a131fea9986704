"""Planning in a worker thread, shown stage by stage: the model call as its own stage with its
elapsed time (and tokens so far where the backend reports them), the queue position, a cancel
button, and a time limit per model call.

The job lives in session state, so a rerun (the cancel button, any click) re-attaches to it
instead of losing it. Only the script thread touches st.*; the worker only appends events.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from pydantic import BaseModel

from autoviz_core.errors import BackendError
from autoviz_core.llm.base import Generation
from ui import state
from ui.backend import queue_depth, record_failure, record_success

STAGE_LABELS = {
    "cues": "Read the question",
    "intent": "Chose the kind of analysis",
    "request": "Filled in what to plot",
    "template": "Picked a plan template",
    "adaptation": "Adapted the plan to your table",
    "validation": "Checked every step",
}
# The model's task, by the contract it answers.
MODEL_TASKS = {
    "IntentChoice": "choosing the kind of analysis",
    "AnalysisRequest": "filling in what to plot",
    "PlanAdaptation": "adapting the plan",
}
POLL_S = 0.2
CANCELLED = "cancelled by you"

OnStage = Callable[[str, float], None]


@dataclass
class ModelCall:
    """One model call as the page shows it while it runs and after."""

    task: str
    started: float
    ended: float | None = None
    tokens: int | None = None
    attempts: int | None = None
    error: str = ""

    def seconds(self) -> float:
        return (self.ended or time.perf_counter()) - self.started


class WatchedBackend:
    """A backend wrapper that times each call, bounds it in time and makes it cancellable.

    The call runs in its own thread so that cancel and the time limit take effect at once even
    when the backend cannot be interrupted; the abandoned call finishes in the background. When
    the backend's generate() accepts a progress callback, a cancel event or a time limit, they are
    passed on (`_hooks`), so tokens show while the model writes and a cancel stops it promptly.
    """

    def __init__(self, inner: Any, cancel: threading.Event, limit_s: float) -> None:
        self.inner = inner
        self.name = inner.name
        self.strategy = inner.strategy
        self.cancel = cancel
        self.limit_s = limit_s
        self.calls: list[ModelCall] = []

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        call = ModelCall(MODEL_TASKS.get(contract.__name__, "answering"), time.perf_counter())
        self.calls.append(call)
        if self.cancel.is_set():
            return self._fail(call, BackendError(f"The model call was {CANCELLED}."))
        outcome: dict[str, Any] = {}
        kwargs = {"max_tokens": max_tokens, **self._hooks(call)}

        def target() -> None:
            try:
                outcome["value"] = self.inner.generate(messages, contract, **kwargs)
            except BaseException as exc:  # handed back to the planner's thread
                outcome["error"] = exc

        worker = threading.Thread(target=target, name="autoviz-model-call", daemon=True)
        worker.start()
        deadline = call.started + self.limit_s
        while worker.is_alive():
            worker.join(POLL_S)
            if self.cancel.is_set():
                return self._fail(call, BackendError(f"The model call was {CANCELLED}."))
            if time.perf_counter() > deadline and worker.is_alive():
                return self._fail(
                    call, BackendError(f"The model gave no answer within {self.limit_s:.0f} s.")
                )
        if "error" in outcome:
            error = outcome["error"]
            if isinstance(error, BackendError):
                return self._fail(call, error)
            raise error
        gen: Generation = outcome["value"]
        call.ended = time.perf_counter()
        call.attempts = gen.attempts
        call.tokens = int(gen.timings.get("completion_tokens", call.tokens or 0)) or call.tokens
        record_success(self.name)
        return gen

    def _fail(self, call: ModelCall, error: BackendError) -> Generation:
        call.ended = time.perf_counter()
        call.error = " ".join(error.message.split())
        if CANCELLED not in call.error:
            record_failure(self.name, call.error)
        raise error

    def _hooks(self, call: ModelCall) -> dict[str, Any]:
        """Optional generate() parameters, passed only when the backend declares them."""
        accepted = inspect.signature(self.inner.generate).parameters
        offered: dict[str, Any] = {
            "on_progress": lambda progress: setattr(call, "tokens", int(progress.tokens)),
            "cancel": self.cancel,
            "timeout_s": self.limit_s,
        }
        return {k: v for k, v in offered.items() if k in accepted}

    def info(self) -> dict[str, Any]:
        return dict(self.inner.info())

    def close(self) -> None:
        self.inner.close()

    def queue_depth(self) -> int:
        return queue_depth(self.inner)


@dataclass
class PlanJob:
    """Planning running in a worker thread: its events so far, its outcome, its cancel switch."""

    title: str
    started: float = field(default_factory=time.perf_counter)
    # ("stage", (name, ms)) when a planner stage ends, ("model", ModelCall) when a call starts
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
    job.watched = WatchedBackend(backend, job.cancel, limit_s) if backend is not None else None

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
    call: ModelCall = item
    took = f"{call.seconds():.1f} s"
    tokens = f" · {call.tokens} tokens" if call.tokens else ""
    if call.ended is None:
        return f":material/hourglass_top: The model is {call.task} · {took}{tokens}"
    if call.error:
        return (
            f":material/error: The model, {call.task}: no usable answer after {took} ({call.error})"
        )
    tries = f", {call.attempts} attempts" if call.attempts and call.attempts > 1 else ""
    return f":material/smart_toy: The model, {call.task} · {took}{tokens}{tries}"


def _ms(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"
