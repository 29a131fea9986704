"""The grammar-first sampler must pick exactly the tokens of llama-cpp-python's own sampler chain
(penalties -> grammar -> greedy), only faster: same prompts, same grammar, two real models.
Jump-forward (characters the grammar forces, evaluated in one batch) must find exactly the forced
characters and give answers that still validate, with fewer forward passes than tokens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import MAX_TOKENS, TABLES, contract_for, model_threads, task_for
from llama_cpp import Llama, LlamaGrammar
from pydantic import ValidationError

from autoviz_core.llm.base import schema_text
from autoviz_core.llm.embedded import resolve_model_path
from autoviz_core.llm.grammar_first import (
    GrammarCheckedGreedySampler,
    GrammarFirstLlama,
    _greedy_with_grammar,
)

CASES = [(kind, table) for kind in ("intent", "request", "adaptation") for table in TABLES]


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[Llama, GrammarFirstLlama]]:
    options = {
        "model_path": str(resolve_model_path("embedded:smollm2")),
        "n_ctx": 2048,
        "n_threads": model_threads(),
        "seed": 42,
        "verbose": False,
    }
    stock, fast = Llama(**options), GrammarFirstLlama(**options)
    yield stock, fast
    stock.close()
    fast.close()


def _complete(llama: Llama, kind: str, table: str, grammar: LlamaGrammar) -> str:
    out = llama.create_chat_completion(
        messages=task_for(kind, table),
        grammar=grammar,
        temperature=0.0,
        seed=42,
        repeat_penalty=1.1,
        max_tokens=MAX_TOKENS[kind] or 320,
    )
    return str(out["choices"][0]["message"]["content"])


@pytest.mark.parametrize(("kind", "table"), CASES)
def test_same_tokens_as_the_library_chain(
    pair: tuple[Llama, GrammarFirstLlama], kind: str, table: str
) -> None:
    stock, fast = pair
    grammar = LlamaGrammar.from_json_schema(schema_text(contract_for(kind, table)), verbose=False)
    expected = _complete(stock, kind, table, grammar)
    fast.jump_forward = False  # the same tokens only when each one is sampled
    try:
        actual = _complete(fast, kind, table, grammar)
    finally:
        fast.jump_forward = True
    assert actual == expected
    sampler = fast._sampler
    assert isinstance(sampler, GrammarCheckedGreedySampler) and sampler.steps > 0


ONE_OF_TWO = LlamaGrammar.from_string(
    'root ::= "{\\"action\\": \\"" ("add" | "remove") "\\"}"', verbose=False
)


def _sampler(llama: GrammarFirstLlama, grammar: LlamaGrammar) -> GrammarCheckedGreedySampler:
    return GrammarCheckedGreedySampler(llama._model, grammar, llama._n_vocab, 1.0, 64)


def test_forced_text_is_what_the_grammar_allows_alone(
    pair: tuple[Llama, GrammarFirstLlama],
) -> None:
    _, fast = pair
    sampler = _sampler(fast, ONE_OF_TWO)
    probe = fast._probe_set()
    try:
        assert sampler.forced_text(*probe) == b'{"action": "'
        start = fast.tokenize(b'{"action": "r', add_bos=False)
        assert sampler.accept_forced(start) == start
        assert sampler.forced_text(*probe) == b'emove"}'
        assert sampler.accept_forced(fast.tokenize(b'emove"}', add_bos=False))
        assert sampler.forced_text(*probe) == b""  # the grammar may end here: nothing is forced
    finally:
        sampler.close()


def test_a_token_the_grammar_refuses_is_never_accepted(
    pair: tuple[Llama, GrammarFirstLlama],
) -> None:
    _, fast = pair
    sampler = _sampler(fast, ONE_OF_TWO)
    try:
        tokens = fast.tokenize(b'{"oops', add_bos=False)
        assert fast.detokenize(tokens[:1]) == b'{"'  # allowed; "oops" is not
        assert sampler.accept_forced(tokens) == tokens[:1]
        assert sampler.forced_text(*fast._probe_set()) == b'action": "'
    finally:
        sampler.close()


@pytest.mark.parametrize(
    ("kind", "table"), [(k, t) for k in ("request", "adaptation") for t in TABLES]
)
def test_jump_forward_answers_validate_in_fewer_forward_passes(
    pair: tuple[Llama, GrammarFirstLlama], kind: str, table: str
) -> None:
    _, fast = pair
    contract = contract_for(kind, table)
    grammar = LlamaGrammar.from_json_schema(schema_text(contract), verbose=False)
    out = fast.create_chat_completion(
        messages=task_for(kind, table), grammar=grammar, temperature=0.0, seed=42,
        repeat_penalty=1.1, max_tokens=MAX_TOKENS[kind] or 320,
    )  # fmt: skip
    text = str(out["choices"][0]["message"]["content"])
    try:
        contract.model_validate_json(text)
    except ValidationError as exc:  # pragma: no cover - the message says what was written
        pytest.fail(f"{exc}\n{text}")
    sampler = fast._sampler
    assert isinstance(sampler, GrammarCheckedGreedySampler)
    assert sampler.jumped > 0
    # every token of the answer was either sampled or forced (the end token is sampled, not kept)
    assert sampler.steps + sampler.jumped == out["usage"]["completion_tokens"] + 1


def test_other_settings_keep_the_library_chain(pair: tuple[Llama, GrammarFirstLlama]) -> None:
    _, fast = pair
    fast.create_completion("The capital of France is", max_tokens=3, temperature=0.7, seed=1)
    assert not isinstance(fast._sampler, GrammarCheckedGreedySampler)


# ------------------------------------------------------------------ which settings are rerouted
# (here, not in tests/unit: importing grammar_first needs llama-cpp-python, which the backend
# unit tests must not need; see scripts/unit_without_models.sh)
GREEDY = {"grammar": object(), "temp": 0.0, "repeat_penalty": 1.1}


def test_greedy_with_grammar_is_rerouted() -> None:
    assert _greedy_with_grammar(GREEDY)


@pytest.mark.parametrize(
    "change",
    [
        {"grammar": None},
        {"temp": 0.7},
        {"frequency_penalty": 0.5},
        {"presence_penalty": 0.5},
        {"mirostat_mode": 2},
        {"logits_processor": [lambda ids, logits: logits]},
    ],
)
def test_anything_else_keeps_the_library_chain(change: dict) -> None:
    assert not _greedy_with_grammar({**GREEDY, **change})
