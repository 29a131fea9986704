"""Shared backend helpers: validation messages, re-ask messages, budgets, schema field order."""

from __future__ import annotations

import json
import threading
import time

import pytest

from autoviz_core.config import Limits, ModelSettings
from autoviz_core.contracts import intent_contract, request_contract
from autoviz_core.errors import BackendError, ModelCancelled, ModelTimeout
from autoviz_core.llm import Backend
from autoviz_core.llm.base import (
    BackendBase,
    CallControl,
    Generation,
    Message,
    ModelLock,
    Progress,
    Strategy,
    close_cut_rationale,
    generate_validated,
    invalid_output_error,
    repair_messages,
    resolve_max_tokens,
    schema_text,
    validate_or_salvage,
    validate_output,
)
from autoviz_core.llm.gpt4all import GPT4AllBackend
from autoviz_core.llm.llamacpp import LlamaCppBackend
from autoviz_core.llm.vllm import VLLMBackend


def test_validate_output_ok_and_error() -> None:
    value, error = validate_output(intent_contract(), '{"intent": "general_eda", "rationale": ""}')
    assert value is not None and error == ""
    value, error = validate_output(intent_contract(), '{"intent": "x", "rationale": "", "z": 1}')
    assert value is None
    assert error.startswith("intent: Input should be") and "z: Extra inputs" in error


def test_repair_keeps_the_system_prompt_first() -> None:
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]
    repaired = repair_messages(messages, '{"bad": 1}', "intent: Field required")  # type: ignore[arg-type]
    assert repaired[:2] == messages
    assert repaired[2] == {"role": "assistant", "content": '{"bad": 1}'}
    assert "intent: Field required" in repaired[3]["content"]


def test_invalid_output_error_names_the_problem() -> None:
    err = invalid_output_error("m", 3, "x: bad", "raw text")
    assert isinstance(err, BackendError)
    assert "after 3 attempt(s): x: bad" in err.message and "raw text" in err.message


def test_resolve_max_tokens() -> None:
    assert resolve_max_tokens(None, None) == 200
    assert resolve_max_tokens(None, 64) == 64
    assert resolve_max_tokens(10, 64) == 10
    with pytest.raises(BackendError):
        resolve_max_tokens(-1, 64)


def test_schema_text_keeps_field_order() -> None:
    properties = list(json.loads(schema_text(request_contract(["a", "b"])))["properties"])
    assert properties[0] == "chart" and properties[-1] == "rationale"


@pytest.mark.parametrize(
    ("cls", "strategy"),
    [(LlamaCppBackend, "gbnf"), (VLLMBackend, "json_schema"), (GPT4AllBackend, "prompt_validate")],
)
def test_backends_name_their_strategy(cls: type, strategy: str) -> None:
    assert cls.strategy == strategy
    for method in ("generate", "info", "close"):
        assert callable(getattr(cls, method))
    assert Backend.__name__ == "Backend"


def test_a_rationale_cut_at_max_tokens_is_closed() -> None:
    raw = '{"intent": "anomaly_detection", "rationale": "investigation_investigation_inv'
    value, error, repaired = validate_or_salvage(intent_contract(), raw)
    assert value is not None and value.model_dump()["intent"] == "anomaly_detection"
    assert error == "" and "rationale" in repaired


@pytest.mark.parametrize(
    "raw",
    [
        '{"intent": "anomaly_det',  # cut inside a decision: never completed
        '{"filters": [{"value": "x", "rationale": "abc',  # not the top-level rationale
        '{"intent": "bogus", "rationale": "abc',  # closed, but still invalid
    ],
)
def test_only_the_top_level_rationale_is_ever_closed(raw: str) -> None:
    value, error, repaired = validate_or_salvage(intent_contract(), raw)
    assert value is None and error and repaired == ""


def test_close_cut_rationale_handles_escapes() -> None:
    assert (
        close_cut_rationale('{"a": 1, "rationale": "say \\"hi')
        == '{"a": 1, "rationale": "say \\"hi"}'
    )
    assert close_cut_rationale('{"a": 1, "rationale": "x\\') == '{"a": 1, "rationale": "x"}'
    assert close_cut_rationale('{"a": 1, "rationale": "done"}') is None


# ------------------------------------------------------------------ the one retry loop
GOOD = '{"intent": "general_eda", "rationale": ""}'
BAD = '{"intent": "weather", "rationale": ""}'
MESSAGES: list[Message] = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]


class ScriptedAsk:
    """An `ask` replaying answers, streaming each as tokens through the control."""

    def __init__(self, answers: list[str], seconds_per_token: float = 0.0) -> None:
        self.answers = answers
        self.seconds_per_token = seconds_per_token
        self.conversations: list[list[Message]] = []

    def __call__(self, conversation: list[Message], control: CallControl) -> tuple[str, dict]:
        self.conversations.append(conversation)
        answer = self.answers.pop(0)
        for _ in range(len(answer) // 8):
            time.sleep(self.seconds_per_token)
            control.token()
        return answer, {"generate_ms": 1.0}


def _loop(ask: ScriptedAsk, control: CallControl, strategy: Strategy = "gbnf") -> Generation:
    return generate_validated(
        ask, MESSAGES, intent_contract(), control, strategy=strategy, attempts=3
    )


def test_invalid_answers_are_re_asked_with_the_error_from_the_original_messages() -> None:
    ask = ScriptedAsk([BAD, BAD, GOOD])
    generation = _loop(ask, CallControl("m", 30))
    assert generation.attempts == 3 and generation.value.model_dump()["intent"] == "general_eda"
    assert ask.conversations[0] == MESSAGES
    for retry in ask.conversations[1:]:  # never a growing transcript: original + last answer
        assert retry[:2] == MESSAGES and len(retry) == 4
        assert retry[2]["content"] == BAD and "intent: Input should be" in retry[3]["content"]
    assert generation.timings["total_ms"] >= 0 and generation.timings["generate_ms"] == 1.0


def test_attempts_are_bounded_in_count() -> None:
    ask = ScriptedAsk([BAD] * 5)
    with pytest.raises(BackendError, match="after 3 attempt") as err:
        _loop(ask, CallControl("m", 30))
    assert len(ask.conversations) == 3 and not isinstance(err.value, ModelTimeout)


def test_only_prompt_validate_extracts_the_first_json_object() -> None:
    chatty = f"Sure! {GOOD} Hope this helps."
    assert _loop(ScriptedAsk([chatty]), CallControl("m", 30), "prompt_validate").attempts == 1
    with pytest.raises(BackendError, match="after 3 attempt"):
        _loop(ScriptedAsk([chatty] * 3), CallControl("m", 30), "gbnf")


def test_a_custom_reask_shapes_the_next_conversation() -> None:
    ask = ScriptedAsk([BAD, GOOD])
    generate_validated(
        ask,
        MESSAGES,
        intent_contract(),
        CallControl("m", 30),
        strategy="prompt_validate",
        attempts=2,
        reask=lambda messages, raw, error: [{"role": "user", "content": f"fix: {error}"}],
    )
    assert ask.conversations[1][0]["content"].startswith("fix: intent: Input should be")


def test_attempts_are_bounded_in_time() -> None:
    """Each answer takes ~0.25 s and never validates; a 0.4 s limit stops the second one."""
    ask = ScriptedAsk([BAD] * 3, seconds_per_token=0.05)
    start = time.perf_counter()
    with pytest.raises(ModelTimeout, match=r"timed out after 0\.4 s \(2 attempt\(s\)") as err:
        _loop(ask, CallControl("m", 0.4))
    assert time.perf_counter() - start < 1.0
    assert len(ask.conversations) == 2 and "llm_timeout_s" in err.value.hint


def test_no_attempt_starts_after_the_deadline() -> None:
    ask = ScriptedAsk([GOOD])
    with pytest.raises(ModelTimeout, match="0 attempt"):
        _loop(ask, CallControl("m", 0.0))
    assert ask.conversations == []


def test_cancel_stops_at_the_next_token() -> None:
    cancel = threading.Event()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.tokens == 2:
            cancel.set()

    ask = ScriptedAsk([GOOD])
    with pytest.raises(ModelCancelled, match=r"cancelled after .* s \(3 tokens\)"):
        _loop(ask, CallControl("m", 30, cancel=cancel, on_progress=on_progress))
    assert [p.tokens for p in seen] == [0, 1, 2]  # attempt start, then each token
    assert all(p.attempt == 1 for p in seen) and seen[-1].elapsed_s >= 0
    assert isinstance(ModelCancelled("x"), BackendError)


def test_progress_counts_tokens_across_attempts() -> None:
    seen: list[Progress] = []
    _loop(ScriptedAsk([BAD, GOOD]), CallControl("m", 30, on_progress=seen.append))
    per_attempt = len(BAD) // 8
    assert next(p.tokens for p in seen if p.attempt == 2) == per_attempt
    assert seen[-1] == Progress(seen[-1].elapsed_s, per_attempt + len(GOOD) // 8, 2)


class RecordingBackend(BackendBase):
    strategy = "gbnf"

    def _generate(self, messages, contract, budget, control):  # type: ignore[no-untyped-def]
        self.seen = (budget, control.time_limit_s)
        return Generation(contract.model_validate_json(GOOD), GOOD)


def test_a_call_never_exceeds_the_configured_limits() -> None:
    settings = ModelSettings(name="m", backend="vllm", max_retries=0, max_tokens=None)
    backend = RecordingBackend(settings, Limits(llm_max_tokens=100, llm_timeout_s=5))
    backend.generate(MESSAGES, intent_contract(), max_tokens=500, timeout_s=60)
    assert backend.seen == (100, 5)
    backend.generate(MESSAGES, intent_contract(), max_tokens=20, timeout_s=1.5)
    assert backend.seen == (20, 1.5)
    defaults = RecordingBackend(settings)  # no limits given: config.yaml's defaults
    assert (defaults.default_max_tokens, defaults.time_limit_s) == (
        Limits().llm_max_tokens,
        Limits().llm_timeout_s,
    )
    own = RecordingBackend(settings.model_copy(update={"max_tokens": 999}), Limits())
    assert own.default_max_tokens == 999  # a model entry's own budget wins


def test_waiting_for_a_busy_model_can_be_cancelled() -> None:
    lock = ModelLock()
    with lock:  # another call holds the model
        cancel = threading.Event()
        threading.Timer(0.2, cancel.set).start()
        start = time.perf_counter()
        with pytest.raises(ModelCancelled), lock.hold(CallControl("m", 30, cancel=cancel)):
            pytest.fail("the model was never free")
        assert time.perf_counter() - start < 0.5 and lock.waiting == 0


def test_the_time_limit_starts_when_the_model_starts_on_the_call() -> None:
    """Queued behind a 0.3 s call, a call with a 0.2 s limit still gets its 0.2 s."""
    lock = ModelLock()
    busy = threading.Event()

    def other_call() -> None:
        with lock:
            busy.set()
            time.sleep(0.3)

    threading.Thread(target=other_call).start()
    busy.wait(1)
    control = CallControl("m", 0.2)
    assert lock.waiting == 0
    with lock.hold(control):
        assert control.elapsed_s() >= 0.25  # it waited (the caller sees the whole wait) ...
        assert control.remaining_s() > 0.1  # ... but the limit counts from here
        control.check()
    time.sleep(0.25)
    assert isinstance(control.stop_error(), ModelTimeout)
    with pytest.raises(ModelTimeout):
        control.check()
