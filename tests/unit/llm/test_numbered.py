"""The numbered choice asked of a model without a grammar: the contract's bounds, how an answer
is read, and GPT4AllBackend asking it (prompt, early stop, re-ask, the final error)."""

from __future__ import annotations

from typing import Any

import pytest
from test_gpt4all import MESSAGES, SETTINGS, FakeGPT4All

from autoviz_core.config import Limits
from autoviz_core.contracts import intent_contract, numbered_choice_contract
from autoviz_core.errors import BackendError
from autoviz_core.llm import numbered
from autoviz_core.llm.gpt4all import GPT4AllBackend


@pytest.mark.parametrize("count", [0, 10])
def test_a_numbered_choice_has_one_to_nine_options(count: int) -> None:
    with pytest.raises(ValueError, match="1 to 9 options"):
        numbered_choice_contract(count)


def test_the_contract_allows_exactly_its_numbers() -> None:
    contract = numbered_choice_contract(3)
    assert numbered.is_numbered(contract) and not numbered.is_numbered(intent_contract())
    assert numbered.option_count(contract) == 3
    assert contract.model_validate({"number": "3"}).model_dump() == {"number": "3"}
    for wrong in ("0", "4", "x"):
        with pytest.raises(ValueError):
            contract.model_validate({"number": wrong})


@pytest.mark.parametrize(
    ("text", "count", "number"),
    [
        ("2", 3, 2),
        (" Option 3.", 3, 3),
        ("I choose 1 because", 4, 1),
        ("4", 3, None),  # not one of the options
        ("0", 3, None),
        ("12", 9, None),  # two digits: no option of a one-digit list
        ("the second one", 3, None),
        ("", 3, None),
    ],
)
def test_an_answer_is_read_by_its_first_number(text: str, count: int, number: int | None) -> None:
    assert numbered.parse_number(text, count) == number


def test_the_options_are_listed_numbered_and_the_instruction_names_the_range() -> None:
    assert numbered.option_lines(["keep the plan", "add a histogram"]) == (
        "1. keep the plan\n2. add a histogram"
    )
    assert "from 1 to 4" in numbered.instruction(4)
    assert "from 1 to 4" in numbered.correction(4)


# ---------------------------------------------------------------- GPT4AllBackend
class RecordingGPT4All(FakeGPT4All):
    """The stand-in model, also recording each generate call's keyword arguments."""

    def __init__(self, answers: list[str]) -> None:
        super().__init__(answers)
        self.kwargs: list[dict[str, Any]] = []

    def generate(self, prompt: str, **kwargs: Any) -> str:
        self.kwargs.append({k: v for k, v in kwargs.items() if k != "callback"})
        return super().generate(prompt, **kwargs)


def backend_answering(*answers: str) -> GPT4AllBackend:
    return GPT4AllBackend(RecordingGPT4All(list(answers)), SETTINGS, Limits(llm_max_tokens=50))


def test_gpt4all_asks_for_a_number_and_stops_at_the_first_digit() -> None:
    backend = backend_answering(" 2. Because the plan")
    contract = numbered_choice_contract(3)
    generation = backend.generate(MESSAGES, contract)
    assert generation.value.model_dump() == {"number": "2"} and generation.attempts == 1
    fake = backend._model
    assert fake.emitted == [" 2."]  # generation stopped once a digit was written
    assert generation.raw == "Option 2."  # the answer is begun for the model
    system, template = fake.sessions[0]
    assert system == "<|im_start|>system\nYou classify questions.<|im_end|>\n"
    assert template.endswith("<|im_start|>assistant\nOption{1}<|im_end|>\n")
    prompt = fake.prompts[0]
    assert prompt.startswith("Trend of revenue?") and prompt.endswith(numbered.instruction(3))
    assert "JSON" not in prompt and "Fields of the answer" not in prompt
    assert fake.kwargs[0]["max_tokens"] == numbered.MAX_TOKENS


def test_gpt4all_gives_up_after_its_attempts_with_a_backend_error() -> None:
    backend = backend_answering("The best is the", "7")
    with pytest.raises(BackendError, match=r"after 2 attempt\(s\): no number from 1 to 3"):
        backend.generate(MESSAGES, numbered_choice_contract(3))
    fake = backend._model
    assert fake.prompts[1] == numbered.correction(3)
    assert len(fake.sessions) == 1  # the re-ask continues the same chat session


def test_gpt4all_takes_a_number_given_on_the_re_ask() -> None:
    backend = backend_answering("I would pick the", "1")
    generation = backend.generate(MESSAGES, numbered_choice_contract(2))
    assert generation.value.model_dump() == {"number": "1"} and generation.attempts == 2
    assert generation.timings["total_ms"] >= 0
