"""Which sampling settings the grammar-first sampler takes over (only the provably equal case)."""

from __future__ import annotations

import pytest

from autoviz_core.llm.grammar_first import _greedy_with_grammar

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
