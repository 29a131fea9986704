"""GPT4AllBackend with a stand-in model: prompt shape, early stop, re-ask, and the final error."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from autoviz_core.config import Limits, ModelSettings
from autoviz_core.contracts import (
    adaptation_contract,
    contract_json_schema,
    intent_contract,
    request_contract,
)
from autoviz_core.errors import BackendError, ModelCancelled, ModelTimeout
from autoviz_core.llm import gpt4all as module
from autoviz_core.llm.base import Progress
from autoviz_core.llm.gpt4all import GPT4AllBackend, answer_prefix, describe, example_object


class FakeGPT4All:
    """Replays scripted answers token by token through the callback, recording prompts.

    Like gpt4all's native loop, an exception escaping the callback does not reach the caller:
    it is recorded (gpt4all prints it) and generation stops.
    """

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.prompts: list[str] = []
        self.sessions: list[tuple[str, str]] = []
        self.emitted: list[str] = []
        self.callback_errors: list[BaseException] = []

    @contextlib.contextmanager
    def chat_session(self, system_prompt: str, prompt_template: str) -> Iterator[None]:
        self.sessions.append((system_prompt, prompt_template))
        yield

    def generate(self, prompt: str, *, callback: Callable[[int, str], bool], **_: Any) -> str:
        self.prompts.append(prompt)
        answer = self.answers.pop(0)
        for index in range(0, len(answer), 3):
            self.emitted.append(answer[index : index + 3])
            try:
                go_on = callback(0, answer[index : index + 3])
            except Exception as exc:
                self.callback_errors.append(exc)
                break
            if not go_on:
                break
        return ""

    def close(self) -> None:
        pass


SETTINGS = ModelSettings(name="g", backend="gpt4all", path="embedded:smollm2", max_retries=1)


@pytest.fixture
def make_backend() -> Callable[[list[str]], GPT4AllBackend]:
    """The backend around a ready stand-in model: no gpt4all, no weights."""

    def make(answers: list[str]) -> GPT4AllBackend:
        return GPT4AllBackend(FakeGPT4All(answers), SETTINGS, Limits(llm_max_tokens=50))

    return make


MESSAGES = [
    {"role": "system", "content": "You classify questions."},
    {"role": "user", "content": "Trend of revenue?"},
]


def test_prompt_shows_fields_example_and_prefills_the_first_key(make_backend: Any) -> None:
    backend = make_backend([' "time_series_investigation", "rationale": ""} trailing prose'])
    generation = backend.generate(MESSAGES, intent_contract())
    assert generation.value.model_dump()["intent"] == "time_series_investigation"
    fake = backend._model
    system, template = fake.sessions[0]
    assert system == "<|im_start|>system\nYou classify questions.<|im_end|>\n"
    assert template.startswith("<|im_start|>user\n{0}<|im_end|>\n<|im_start|>assistant\n")
    assert '{{"intent":{1}' in template
    prompt = fake.prompts[0]
    assert prompt.startswith("Trend of revenue?")
    assert '"intent": "general_eda" | "time_series_investigation"' in prompt
    assert '{"intent": "general_eda", "rationale": ""}' in prompt
    assert "trailing" not in "".join(fake.emitted)  # stopped at the end of the object
    assert generation.raw.startswith('{"intent":')


def test_re_ask_with_the_validation_error(make_backend: Any) -> None:
    backend = make_backend([' "weather", "rationale": ""}', ' "general_eda", "rationale": ""}'])
    generation = backend.generate(MESSAGES, intent_contract())
    assert generation.attempts == 2
    assert "intent: Input should be" in backend._model.prompts[1]


def test_gives_up_with_a_backend_error(make_backend: Any) -> None:
    backend = make_backend(["I think it is a trend.", ' {"nested": 1}'])
    with pytest.raises(BackendError, match="after 2 attempt"):
        backend.generate(MESSAGES, intent_contract())


def test_example_object_is_valid_for_every_contract() -> None:
    for contract in (
        intent_contract(),
        request_contract(["a", "b"]),
        adaptation_contract(["s1"], ["bar_chart"], ["x"]),
    ):
        example = example_object(contract_json_schema(contract))
        contract.model_validate(example)


def test_describe_and_prefix() -> None:
    schema = contract_json_schema(request_contract(["a", "b"]))
    assert describe(schema["properties"]["x"]) == '"a" | "b" | "none"'
    assert describe(schema["properties"]["filters"]).startswith('list (at most 3) of {"column"')
    assert answer_prefix(request_contract(["a"])) == '{"chart":'


def test_progress_and_cancel_from_the_token_callback(make_backend: Any) -> None:
    backend = make_backend([' "general_eda", "rationale": "a long rationale"}'])
    cancel = threading.Event()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.tokens == 3:
            cancel.set()

    with pytest.raises(ModelCancelled, match=r"\(4 tokens\)"):
        backend.generate(MESSAGES, intent_contract(), on_progress=on_progress, cancel=cancel)
    fake = backend._model
    assert fake.callback_errors == []  # stopped by returning False, raised after generate
    assert len(fake.emitted) == 4 and [p.tokens for p in seen] == [0, 1, 2, 3]


def test_a_progress_callback_that_fails_fails_the_call(make_backend: Any) -> None:
    backend = make_backend([' "general_eda", "rationale": ""}'])

    def broken(progress: Progress) -> None:
        if progress.tokens:
            raise RuntimeError("display failed")

    with pytest.raises(RuntimeError, match="display failed"):
        backend.generate(MESSAGES, intent_contract(), on_progress=broken)
    assert backend._model.callback_errors == []


def test_time_limit_stops_generation_in_the_callback(make_backend: Any) -> None:
    backend = make_backend([' "weather", "rationale": ""}', ' "general_eda", "rationale": ""}'])
    backend.time_limit_s = 0.05
    fake = backend._model
    original = fake.generate

    def slow_generate(*args: Any, **kwargs: Any) -> str:
        time.sleep(0.1)
        return original(*args, **kwargs)

    fake.generate = slow_generate
    with pytest.raises(ModelTimeout, match=r"1 attempt"):
        backend.generate(MESSAGES, intent_contract())
    assert len(fake.prompts) == 1


def test_from_settings_prepares_the_embedded_copy_and_loads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, copy = tmp_path / "m.gguf", tmp_path / "m.refact.gguf"
    loaded: list[Path] = []
    monkeypatch.setattr(module, "resolve_model_path", lambda setting: source)
    monkeypatch.setattr(module, "gpt4all_model_copy", lambda path: copy if path == source else None)
    monkeypatch.setattr(
        module, "_load_gpt4all", lambda path, settings: loaded.append(path) or FakeGPT4All([])
    )
    backend = GPT4AllBackend.from_settings(SETTINGS, Limits(llm_timeout_s=5))
    assert loaded == [copy] and backend.info()["path"] == str(copy) and backend.time_limit_s == 5
    own = SETTINGS.model_copy(update={"path": str(source)})
    assert GPT4AllBackend.from_settings(own).model_path == source  # not embedded: used as is
