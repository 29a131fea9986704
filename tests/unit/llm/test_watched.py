"""The watching wrapper around a backend: each call recorded with its task and tokens, bounded by
its time limit, stopped by a cancel, its outcome reported, and optional hooks passed only to a
backend whose generate() declares them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from autoviz_core.contracts import intent_contract
from autoviz_core.errors import BackendError
from autoviz_core.llm.base import Generation, Progress
from autoviz_core.llm.watched import WatchedBackend, queue_depth

INTENT = intent_contract()
ANSWER = INTENT.model_validate({"intent": "general_eda", "rationale": ""})


class PlainBackend:
    """generate() exactly as the Backend protocol's required part: no optional hooks."""

    strategy = "gbnf"

    def __init__(self, name: str = "plain", timings: dict[str, float] | None = None) -> None:
        self.name = name
        self.timings = timings or {}
        self.calls: list[str] = []
        self.closed = False

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        self.calls.append(contract.__name__)
        return Generation(ANSWER, ANSWER.model_dump_json(), dict(self.timings), 2)

    def info(self) -> dict[str, Any]:
        return {"backend": "plain"}

    def close(self) -> None:
        self.closed = True

    def queue_depth(self) -> int:
        return 3


class StreamingBackend(PlainBackend):
    """A backend whose generate() takes the optional progress / cancel / time-limit hooks."""

    def __init__(self) -> None:
        super().__init__("streaming")
        self.hooks: dict[str, Any] = {}

    def generate(  # type: ignore[override]
        self,
        messages: list[Any],
        contract: type[BaseModel],
        *,
        max_tokens: int | None = None,
        timeout_s: float | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        self.hooks = {"on_progress": on_progress, "cancel": cancel, "timeout_s": timeout_s}
        assert on_progress is not None
        on_progress(Progress(elapsed_s=0.5, tokens=17, attempt=1))
        return super().generate(messages, contract, max_tokens=max_tokens)


class HangingBackend(PlainBackend):
    """Never answers until released (a model that cannot be interrupted)."""

    def __init__(self) -> None:
        super().__init__("hanging")
        self.started = threading.Event()
        self.release = threading.Event()

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        self.started.set()
        self.release.wait(30)
        return super().generate(messages, contract, max_tokens=max_tokens)


class Outcomes:
    """Records what the wrapper reports, as the app's health tracker would."""

    def __init__(self) -> None:
        self.successes: list[str] = []
        self.failures: list[tuple[str, str]] = []

    def watch(self, inner: Any, cancel: threading.Event, limit_s: float) -> WatchedBackend:
        return WatchedBackend(
            inner,
            cancel,
            limit_s,
            on_success=self.successes.append,
            on_failure=lambda name, message: self.failures.append((name, message)),
        )


def test_a_backend_that_takes_progress_cancel_and_a_time_limit_gets_them() -> None:
    inner = StreamingBackend()
    cancel = threading.Event()
    watched = WatchedBackend(inner, cancel, limit_s=30)
    watched.generate([], INTENT)
    assert inner.hooks["cancel"] is cancel
    assert inner.hooks["timeout_s"] == 30
    assert watched.calls[0].tokens == 17
    assert watched.calls[0].task == "choosing the kind of analysis"


def test_a_backend_without_hooks_is_called_as_the_protocol_says() -> None:
    plain = PlainBackend(timings={"completion_tokens": 9})
    outcomes = Outcomes()
    gen = outcomes.watch(plain, threading.Event(), limit_s=30).generate([], INTENT)
    assert gen.value == ANSWER and plain.calls == ["IntentChoice"]
    assert outcomes.successes == ["plain"] and outcomes.failures == []


def test_a_successful_call_is_recorded_with_its_tokens_and_attempts() -> None:
    watched = WatchedBackend(PlainBackend(timings={"completion_tokens": 9}), threading.Event(), 30)
    watched.generate([], INTENT)
    (call,) = watched.calls
    assert (call.tokens, call.attempts, call.error) == (9, 2, "")
    assert call.ended is not None and call.seconds() >= 0


def test_a_call_past_its_time_limit_fails_and_is_reported() -> None:
    hanging = HangingBackend()
    outcomes = Outcomes()
    watched = outcomes.watch(hanging, threading.Event(), limit_s=0.3)
    try:
        with pytest.raises(BackendError, match="no answer within 0 s"):
            watched.generate([], INTENT)
    finally:
        hanging.release.set()
    assert watched.calls[0].ended is not None and "no answer" in watched.calls[0].error
    assert outcomes.failures == [("hanging", watched.calls[0].error)]
    assert outcomes.successes == []


def test_a_cancel_stops_the_wait_and_is_not_a_model_failure() -> None:
    hanging = HangingBackend()
    cancel = threading.Event()
    outcomes = Outcomes()
    watched = outcomes.watch(hanging, cancel, limit_s=60)
    threading.Thread(target=lambda: hanging.started.wait(10) and cancel.set()).start()
    try:
        with pytest.raises(BackendError, match="cancelled by you"):
            watched.generate([], INTENT)
    finally:
        hanging.release.set()
    assert "cancelled" in watched.calls[0].error
    assert outcomes.failures == [] and outcomes.successes == []


def test_once_cancelled_a_call_never_reaches_the_model() -> None:
    plain = PlainBackend()
    cancel = threading.Event()
    cancel.set()
    watched = WatchedBackend(plain, cancel, 60)
    with pytest.raises(BackendError, match="cancelled by you"):
        watched.generate([], INTENT)
    assert plain.calls == [] and watched.calls[0].error


def test_an_error_that_is_not_the_backends_is_raised_unchanged() -> None:
    class Broken(PlainBackend):
        def generate(self, *args: Any, **kwargs: Any) -> Generation:
            raise KeyError("bug")

    outcomes = Outcomes()
    with pytest.raises(KeyError, match="bug"):
        outcomes.watch(Broken(), threading.Event(), 30).generate([], INTENT)
    assert outcomes.failures == []


def test_info_close_and_queue_depth_go_to_the_wrapped_backend() -> None:
    plain = PlainBackend()
    watched = WatchedBackend(plain, threading.Event(), 30)
    assert watched.info() == {"backend": "plain"} and watched.strategy == "gbnf"
    assert watched.queue_depth() == 3 == queue_depth(watched)
    assert queue_depth(object()) == 0
    watched.close()
    assert plain.closed
