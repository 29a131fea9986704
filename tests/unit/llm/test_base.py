"""Shared backend helpers: validation messages, re-ask messages, budgets, schema field order."""

from __future__ import annotations

import json

import pytest

from autoviz_core.contracts import intent_contract, request_contract
from autoviz_core.errors import BackendError
from autoviz_core.llm import Backend
from autoviz_core.llm.base import (
    close_cut_rationale,
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
