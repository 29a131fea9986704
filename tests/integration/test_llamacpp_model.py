"""The embedded SmolLM2 on llama.cpp: a working build, valid objects for every contract on
realistic tables, enum columns only, and KV-cache reuse of the shared system prompt."""

from __future__ import annotations

import threading

import pytest
from conftest import MAX_TOKENS, TABLES, contract_for, messages, task_for

from autoviz_core.contracts import NONE, request_contract
from autoviz_core.errors import ModelCancelled, ModelTimeout
from autoviz_core.llm import Backend
from autoviz_core.llm.base import Progress

CASES = [(kind, table) for kind in ("intent", "request") for table in TABLES] + [
    ("adaptation", "tips"),
    ("adaptation", "sales"),
]


def test_a_few_tokens_generate(llamacpp_backend: Backend) -> None:
    """A native build that crashes in decode (AMX) fails here at once, not deep in a test."""
    llama = llamacpp_backend._llama  # type: ignore[attr-defined]
    out = llama.create_completion("The capital of France is", max_tokens=4, temperature=0.0)
    assert out["usage"]["completion_tokens"] >= 1 and out["choices"][0]["text"].strip()


@pytest.mark.parametrize(("kind", "table"), CASES)
def test_contract_objects_validate(llamacpp_backend: Backend, kind: str, table: str) -> None:
    contract = contract_for(kind, table)
    generation = llamacpp_backend.generate(
        task_for(kind, table), contract, max_tokens=MAX_TOKENS[kind]
    )
    assert isinstance(generation.value, contract)
    assert contract.model_validate(generation.value.model_dump()) == generation.value
    assert generation.timings["total_ms"] > 0 and generation.timings["completion_tokens"] > 0


def test_grammar_keeps_columns_in_the_enum(llamacpp_backend: Backend) -> None:
    columns = TABLES["sales"]
    contract = request_contract(columns)
    question = (
        "Plot the profit margin by warehouse. Use the column 'profit_margin' for y and 'warehouse' "
        "for x."
    )
    value = llamacpp_backend.generate(
        messages("sales", question), contract, max_tokens=MAX_TOKENS["request"]
    ).value
    data = value.model_dump()
    allowed = {*columns, NONE}
    assert {data["x"], data["y"], data["color"]} <= allowed
    assert all(f["column"] in columns for f in data["filters"])


def test_system_prompt_prefix_is_reused(llamacpp_backend: Backend) -> None:
    first = llamacpp_backend.generate(
        messages("iris", "Which species has the widest sepals?"),
        contract_for("intent", "iris"),
        max_tokens=32,
    )
    second = llamacpp_backend.generate(
        messages("iris", "Are there outliers in petal width?"),
        contract_for("intent", "iris"),
        max_tokens=32,
    )
    # Only the part after the shared system prompt is evaluated again.
    assert 0 < second.timings["prompt_tokens"] < 25 <= first.timings["prompt_tokens"] or (
        second.timings["prompt_tokens"] < first.timings["prompt_tokens"]
    )


# Cases whose answer changed with the calls before it while the whole cached prompt was reused.
REPEATED = [
    ("adaptation", "iris"),
    ("adaptation", "tips"),
    ("intent", "iris"),
    ("request", "gapminder"),
]


@pytest.mark.parametrize(("kind", "table"), REPEATED)
def test_an_answer_does_not_depend_on_the_calls_before_it(
    llamacpp_backend: Backend, kind: str, table: str
) -> None:
    def ask(kind: str, table: str) -> dict:
        contract = contract_for(kind, table)
        value = llamacpp_backend.generate(
            task_for(kind, table), contract, max_tokens=MAX_TOKENS[kind]
        ).value
        return value.model_dump()

    first = ask(kind, table)
    assert ask(kind, table) == first  # the same prompt again, all of it cached
    ask("request" if kind == "intent" else "intent", "sales")  # another prompt in between
    assert ask(kind, table) == first


def test_info(llamacpp_backend: Backend) -> None:
    info = llamacpp_backend.info()
    # the default entry loads the cached Q8_0 copy of the shipped Q4_1 file, with flash attention
    assert info["n_ctx"] == 2048 and info["path"].endswith("SmolLM2-135M-Instruct.Q8_0.gguf")
    assert info["flash_attn"] is True
    assert info["jump_forward"] is True
    assert llamacpp_backend.strategy == "gbnf"


def test_cancel_mid_answer_then_the_model_answers_again(llamacpp_backend: Backend) -> None:
    """Cancel stops the real model within a token; the next call decodes normally."""
    cancel = threading.Event()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.tokens == 3:
            cancel.set()

    with pytest.raises(ModelCancelled):
        llamacpp_backend.generate(
            task_for("request", "tips"),
            contract_for("request", "tips"),
            max_tokens=MAX_TOKENS["request"],
            on_progress=on_progress,
            cancel=cancel,
        )
    assert [p.tokens for p in seen] == [0, 1, 2, 3]
    contract = contract_for("intent", "tips")
    generation = llamacpp_backend.generate(task_for("intent", "tips"), contract, max_tokens=48)
    assert isinstance(generation.value, contract) and generation.attempts == 1


def test_time_limit_stops_the_real_model(llamacpp_backend: Backend) -> None:
    """Decoding stops at the first token past the limit, and no re-ask starts after it.

    Counted in tokens, not seconds: prompt evaluation cannot be interrupted and takes as long
    as the machine's load makes it; a whole request answer is about 100 tokens or more.
    """
    seen: list[Progress] = []
    with pytest.raises(ModelTimeout, match=r"timed out after 0\.5 s \(1 attempt"):
        llamacpp_backend.generate(
            task_for("request", "gapminder"),
            contract_for("request", "gapminder"),
            max_tokens=MAX_TOKENS["request"],
            timeout_s=0.5,
            on_progress=seen.append,
        )
    assert seen and seen[-1].attempt == 1 and seen[-1].tokens < 60
