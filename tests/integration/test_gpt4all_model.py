"""The embedded SmolLM2 on gpt4all (prompt + extract + validate, no grammar): the prepared copy
loads and answers the intent contract; harder contracts validate or fail loudly, never silently."""

from __future__ import annotations

import pytest
from conftest import MAX_TOKENS, contract_for, task_for

from autoviz_core.errors import BackendError
from autoviz_core.llm import Backend


def test_prepared_copy_is_loaded(gpt4all_backend: Backend) -> None:
    info = gpt4all_backend.info()
    assert info["path"].endswith(".refact.gguf") and info["source"] == "embedded:smollm2"
    assert gpt4all_backend.strategy == "prompt_validate"


@pytest.mark.parametrize("table", ["tips", "sales"])
def test_intent_validates(gpt4all_backend: Backend, table: str) -> None:
    contract = contract_for("intent", table)
    generation = gpt4all_backend.generate(task_for("intent", table), contract, max_tokens=64)
    assert isinstance(generation.value, contract)


@pytest.mark.parametrize(("kind", "table"), [("request", "sales"), ("adaptation", "tips")])
def test_harder_contracts_validate_or_raise(
    gpt4all_backend: Backend, kind: str, table: str
) -> None:
    """A 135M model without a grammar often fails nested contracts; it must say so."""
    contract = contract_for(kind, table)
    try:
        generation = gpt4all_backend.generate(
            task_for(kind, table), contract, max_tokens=MAX_TOKENS[kind]
        )
    except BackendError as exc:
        assert "did not match the contract after 2 attempt(s)" in exc.message
    else:
        assert isinstance(generation.value, contract)
