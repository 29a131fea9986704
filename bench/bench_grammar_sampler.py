"""Grammar overhead on llama.cpp, three ways in one run: no grammar, llama-cpp-python's own
sampler chain, and AutoViz's grammar-first sampler. Also checks the two grammar outputs agree.

    .venv/bin/python -m bench.bench_grammar_sampler      # writes bench/results/grammar_sampler.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from llama_cpp import Llama, LlamaGrammar  # noqa: E402

from autoviz_core.llm.base import schema_text  # noqa: E402
from autoviz_core.llm.embedded import resolve_model_path  # noqa: E402
from autoviz_core.llm.grammar_first import GrammarFirstLlama  # noqa: E402
from bench.bench_backends import CONTRACTS, QUESTIONS, chat  # noqa: E402

RESULTS = REPO / "bench" / "results" / "grammar_sampler.json"


def complete(llama: Llama, question: str, grammar: LlamaGrammar | None) -> tuple[str, int, float]:
    """(text, streamed pieces, seconds) of one greedy chat completion."""
    start, pieces = time.perf_counter(), []
    for chunk in llama.create_chat_completion(
        messages=chat(question), grammar=grammar, temperature=0.0, seed=42,
        repeat_penalty=1.1, max_tokens=320, stream=True,
    ):  # fmt: skip
        text = chunk["choices"][0]["delta"].get("content")
        if text:
            pieces.append(text)
    return "".join(pieces), len(pieces), time.perf_counter() - start


def main() -> int:
    options = {"model_path": str(resolve_model_path("embedded:smollm2")), "n_ctx": 2048,
               "n_threads": 2, "n_batch": 512, "seed": 42, "verbose": False}  # fmt: skip
    stock, fast = Llama(**options), GrammarFirstLlama(**options)
    totals = {"free": [0, 0.0], "library_chain": [0, 0.0], "grammar_first": [0, 0.0]}
    mismatches = 0
    for contract in CONTRACTS.values():
        grammar = LlamaGrammar.from_json_schema(schema_text(contract), verbose=False)
        for question in QUESTIONS:
            runs = {
                "library_chain": complete(stock, question, grammar),
                "grammar_first": complete(fast, question, grammar),
                "free": complete(stock, question, None),
            }
            mismatches += runs["library_chain"][0] != runs["grammar_first"][0]
            for label, (_, n, seconds) in runs.items():
                totals[label][0] += n
                totals[label][1] += seconds
    rates = {label: round(n / s, 1) for label, (n, s) in totals.items()}
    report = {
        "tokens_per_s": rates,
        "ratio_to_free": {k: round(v / rates["free"], 2) for k, v in rates.items()},
        "calls": len(CONTRACTS) * len(QUESTIONS),
        "grammar_outputs_differing": mismatches,
    }
    for label, rate in rates.items():
        print(f"{label:<15} {rate:>7} tok/s  {report['ratio_to_free'][label]:>5}x free")
    print(f"grammar outputs differing: {mismatches} of {report['calls']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
