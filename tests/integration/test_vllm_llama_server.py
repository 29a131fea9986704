"""The vLLM backend against llama.cpp's llama-server, both ways it constrains answers: the GBNF
grammar it sends a llama.cpp server, and the JSON schema (response_format) it sends vLLM. Valid
objects, enum-only columns, discovery of the served model and context, concurrent requests."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import MAX_TOKENS, TABLES, contract_for, messages, task_for

from autoviz_core.contracts import NONE, request_contract
from autoviz_core.errors import ModelCancelled
from autoviz_core.llm import Backend, Generation, Progress
from autoviz_core.llm.llama_server import ALIAS

pytestmark = pytest.mark.server

# llama.cpp's own tests cover every table; here each table meets at least one contract.
CASES = [("intent", table) for table in TABLES] + [
    ("request", "gapminder"),
    ("request", "sales"),
    ("adaptation", "iris"),
]


def test_discovers_served_model_and_slot_context(vllm_backend: Backend) -> None:
    info = vllm_backend.info()
    assert info["served_model"] == ALIAS
    assert info["n_ctx"] == 1024  # 4096 shared by 4 slots
    assert vllm_backend.strategy == "gbnf"  # a llama.cpp server is sent the contract's GBNF


@pytest.fixture(params=["gbnf", "json_schema"])
def constrained(
    request: pytest.FixtureRequest, vllm_backend: Backend, vllm_json_schema_backend: Backend
) -> Backend:
    backend = vllm_backend if request.param == "gbnf" else vllm_json_schema_backend
    assert backend.strategy == request.param
    return backend


@pytest.mark.parametrize(("kind", "table"), CASES)
def test_contract_objects_validate(constrained: Backend, kind: str, table: str) -> None:
    contract = contract_for(kind, table)
    generation = constrained.generate(task_for(kind, table), contract, max_tokens=MAX_TOKENS[kind])
    assert isinstance(generation.value, contract)
    assert generation.timings["completion_tokens"] > 0


def test_the_grammar_keeps_columns_in_the_enum(constrained: Backend) -> None:
    columns = TABLES["tips"]
    contract = request_contract(columns)
    question = "Show the profit_margin per waiter. Use the column 'profit_margin' and 'waiter'."
    data = constrained.generate(
        messages("tips", question), contract, max_tokens=MAX_TOKENS["request"]
    ).value
    values = data.model_dump()
    assert {values["x"], values["y"], values["color"]} <= {*columns, NONE}
    assert all(f["column"] in columns for f in values["filters"])


def test_four_concurrent_requests(vllm_backend: Backend) -> None:
    tables = list(TABLES)

    def ask(table: str) -> Generation:
        return vllm_backend.generate(
            task_for("intent", table), contract_for("intent", table), max_tokens=48
        )

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(ask, tables))
    assert len(results) == 4 and all(r.value.model_dump()["intent"] for r in results)


def test_streamed_progress_cancel_and_the_next_answer(vllm_backend: Backend) -> None:
    """Answers stream token by token; cancel closes the connection, and the server answers the
    next request normally (its slot was released)."""
    cancel = threading.Event()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.tokens == 3:
            cancel.set()

    with pytest.raises(ModelCancelled):
        vllm_backend.generate(
            task_for("request", "gapminder"),
            contract_for("request", "gapminder"),
            max_tokens=MAX_TOKENS["request"],
            on_progress=on_progress,
            cancel=cancel,
        )
    assert [p.tokens for p in seen] == [0, 1, 2, 3]
    seen.clear()
    contract = contract_for("intent", "iris")
    generation = vllm_backend.generate(
        task_for("intent", "iris"), contract, max_tokens=48, on_progress=seen.append
    )
    assert isinstance(generation.value, contract) and generation.timings["ttft_ms"] > 0
    last = [p for p in seen if p.attempt == generation.attempts]  # progress spans attempts
    pieces = last[-1].tokens - last[0].tokens
    assert pieces > 1 and abs(generation.timings["completion_tokens"] - pieces) <= 1
