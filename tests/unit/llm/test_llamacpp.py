"""LlamaCppBackend with a stand-in Llama: grammar passed and cached, lock + queue depth, re-ask."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autoviz_core.config import Limits, ModelSettings
from autoviz_core.contracts import intent_contract
from autoviz_core.errors import BackendError, ModelCancelled, ModelTimeout, ModelUnavailableError
from autoviz_core.llm import llamacpp as module
from autoviz_core.llm.base import Progress, schema_text
from autoviz_core.llm.llamacpp import LlamaCppBackend


class FakeLlama:
    """Streams scripted answers as chat chunks; records the kwargs of each call."""

    def __init__(self, answers: list[str], delay: float = 0.0, piece_delay: float = 0.0) -> None:
        self.answers = answers
        self.delay = delay
        self.piece_delay = piece_delay
        self.calls: list[dict[str, Any]] = []
        self.active = 0
        self.max_active = 0
        self.closed_streams = 0

    def create_chat_completion(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append(kwargs)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        time.sleep(self.delay)
        answer = self.answers.pop(0)
        self.active -= 1
        try:
            for piece in (answer[:5], answer[5:]):
                time.sleep(self.piece_delay)
                yield {"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
            yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}
        except GeneratorExit:
            self.closed_streams += 1
            raise

    def close(self) -> None:
        pass


SETTINGS = ModelSettings(name="l", backend="llama.cpp", path="embedded:smollm2", max_retries=1)


def compile_grammar(schema: str) -> tuple[str, str]:
    """Stands in for llama.cpp's grammar compiler: the grammar is the schema it came from."""
    return ("grammar", schema)


def _backend(fake: FakeLlama, time_limit_s: float = 60) -> LlamaCppBackend:
    """The backend around a ready stand-in client: no library, no weights."""
    limits = Limits(llm_max_tokens=64, llm_timeout_s=time_limit_s)
    return LlamaCppBackend(fake, SETTINGS, limits, compile_grammar=compile_grammar)


GOOD = '{"intent": "general_eda", "rationale": ""}'
MESSAGES = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]


def test_grammar_temperature_seed_and_no_response_format() -> None:
    fake = FakeLlama([GOOD, GOOD])
    backend = _backend(fake)
    generation = backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    call = fake.calls[0]
    assert call["grammar"] == compile_grammar(schema_text(intent_contract()))
    assert call["grammar"] is fake.calls[1]["grammar"]  # compiled once per schema
    assert "response_format" not in call
    assert (call["temperature"], call["seed"], call["max_tokens"]) == (0.0, 42, 64)
    assert call["repeat_penalty"] == 1.1
    assert call["stream"] is True and call["messages"] == MESSAGES
    assert generation.raw == GOOD and generation.timings["completion_tokens"] == 2


def test_invalid_then_error() -> None:
    backend = _backend(FakeLlama(['{"intent": "x"}', '{"intent": "y"}']))
    with pytest.raises(BackendError, match="after 2 attempt"):
        backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_calls_are_serialised_and_waiting_callers_counted() -> None:
    fake = FakeLlama([GOOD] * 3, delay=0.3)
    backend = _backend(fake)
    threads = [
        threading.Thread(target=backend.generate, args=(MESSAGES, intent_contract()))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.15)
    assert backend.queue_depth() == 2
    for thread in threads:
        thread.join()
    assert fake.max_active == 1 and backend.queue_depth() == 0


def test_closed_backend() -> None:
    backend = _backend(FakeLlama([GOOD]))
    backend.close()
    with pytest.raises(BackendError, match="closed"):
        backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_progress_and_cancel_mid_stream() -> None:
    """Cancel stops the stream at the next piece, closes it, and frees the model for the next call."""
    fake = FakeLlama([GOOD, GOOD])
    backend = _backend(fake)
    cancel = threading.Event()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        cancel.set()  # after the first report (the attempt starting): stop at the first token

    with pytest.raises(ModelCancelled):
        backend.generate(MESSAGES, intent_contract(), on_progress=on_progress, cancel=cancel)  # type: ignore[arg-type]
    assert [p.tokens for p in seen] == [0] and fake.closed_streams == 1
    generation = backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert generation.raw == GOOD and backend.queue_depth() == 0


def test_time_limit_stops_a_slow_stream() -> None:
    fake = FakeLlama([GOOD], piece_delay=0.3)
    backend = _backend(fake, time_limit_s=0.2)
    with pytest.raises(ModelTimeout, match=r"timed out after 0\.2 s"):
        backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert fake.closed_streams == 1


def test_a_queued_call_can_be_cancelled() -> None:
    fake = FakeLlama([GOOD], delay=0.6)
    backend = _backend(fake)
    busy = threading.Thread(target=backend.generate, args=(MESSAGES, intent_contract()))
    busy.start()
    time.sleep(0.1)
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    start = time.perf_counter()
    with pytest.raises(ModelCancelled):
        backend.generate(MESSAGES, intent_contract(), cancel=cancel)  # type: ignore[arg-type]
    assert time.perf_counter() - start < 0.4 and len(fake.calls) == 1
    busy.join()


def test_from_settings_loads_the_resolved_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + bytes(16))
    loaded: list[Path] = []
    fake = FakeLlama([GOOD])
    monkeypatch.setattr(module, "_load_llama", lambda path, settings: loaded.append(path) or fake)
    settings = SETTINGS.model_copy(update={"path": str(model)})
    backend = LlamaCppBackend.from_settings(settings, Limits(llm_max_tokens=32, llm_timeout_s=9))
    assert loaded == [model] and backend.model_path == model and backend._llama is fake
    assert (backend.default_max_tokens, backend.time_limit_s) == (32, 9)


def test_from_settings_fails_before_loading_a_missing_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "_load_llama", lambda path, settings: pytest.fail("loaded"))
    settings = SETTINGS.model_copy(update={"path": str(tmp_path / "missing.gguf")})
    with pytest.raises(ModelUnavailableError, match="Model file not found"):
        LlamaCppBackend.from_settings(settings)


def test_a_schema_the_compiler_rejects_is_a_backend_error() -> None:
    def reject(schema: str) -> None:
        raise Exception("unsupported keyword")  # the converter raises bare exceptions

    backend = LlamaCppBackend(FakeLlama([GOOD]), SETTINGS, compile_grammar=reject)
    with pytest.raises(BackendError, match="IntentChoice schema into a grammar: unsupported"):
        backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_a_queued_call_gets_its_whole_time_limit() -> None:
    """Four callers sharing one model: waiting behind a slow call does not use up the limit."""
    fake = FakeLlama([GOOD, GOOD], delay=0.5)
    backend = _backend(fake, time_limit_s=0.8)
    first = threading.Thread(target=backend.generate, args=(MESSAGES, intent_contract()))
    first.start()
    time.sleep(0.1)
    start = time.perf_counter()
    generation = backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert time.perf_counter() - start > 0.8  # queued ~0.4 s, then its own 0.5 s call
    assert generation.attempts == 1 and generation.timings["total_ms"] > 800
    first.join()


def test_a_cache_that_cannot_be_written_loads_the_shipped_file(
    embedded_package: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No Q8_0 copy can be written (the cache path is a file): the model still loads, as
    shipped, and the log says why; a person never loses the model to a read-only cache."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("AUTOVIZ_CACHE", str(blocker))
    loaded: list[Path] = []
    monkeypatch.setattr(module, "_load_llama", lambda path, s: loaded.append(path) or FakeLlama([]))
    settings = ModelSettings(
        name="m", backend="llama.cpp", path="embedded:smollm2", requantize="q8_0"
    )
    with caplog.at_level("WARNING", logger=module.__name__):
        backend = LlamaCppBackend.from_settings(settings)
    assert loaded == [embedded_package] and backend.model_path == embedded_package
    assert "Could not write a Q8_0 copy" in caplog.text and "as it is" in caplog.text
