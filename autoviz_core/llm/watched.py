"""A backend wrapper that times each model call, bounds it in time and makes it cancellable.

The app plans in a worker thread and shows each model call while it runs (its task, elapsed time,
tokens so far), with a cancel button and a time limit per call. That watching is backend work,
so it lives here with the backends; the UI only passes a cancel event and reads `calls`.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from autoviz_core.errors import BackendError
from autoviz_core.llm.base import Generation

# The model's task, by the contract it answers.
MODEL_TASKS = {
    "IntentChoice": "choosing the kind of analysis",
    "AnalysisRequest": "filling in what to plot",
    "PlanAdaptation": "adapting the plan",
    "CandidateChoice": "choosing among the readings",
    "NumberedChoice": "choosing one of the planner's options",
}
POLL_S = 0.2  # how often a waiting caller checks its cancel event and deadline
CANCELLED = "cancelled by you"


def queue_depth(backend: Any) -> int:
    """How many calls wait for the model; 0 for backends that do not queue."""
    depth = getattr(backend, "queue_depth", None)
    return int(depth()) if callable(depth) else 0


@dataclass
class WatchedCall:
    """One model call as a watcher shows it while it runs and after."""

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
    `on_success(name)` and `on_failure(name, message)` report each call's outcome (a cancel is
    neither: the person stopped it, the model did not fail).
    """

    def __init__(
        self,
        inner: Any,
        cancel: threading.Event,
        limit_s: float,
        *,
        on_success: Callable[[str], None] | None = None,
        on_failure: Callable[[str, str], None] | None = None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.strategy = inner.strategy
        self.cancel = cancel
        self.limit_s = limit_s
        self.calls: list[WatchedCall] = []
        self._on_success = on_success
        self._on_failure = on_failure

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        call = WatchedCall(MODEL_TASKS.get(contract.__name__, "answering"), time.perf_counter())
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
        if self._on_success is not None:
            self._on_success(self.name)
        return gen

    def _fail(self, call: WatchedCall, error: BackendError) -> Generation:
        call.ended = time.perf_counter()
        call.error = " ".join(error.message.split())
        if CANCELLED not in call.error and self._on_failure is not None:
            self._on_failure(self.name, call.error)
        raise error

    def _hooks(self, call: WatchedCall) -> dict[str, Any]:
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
