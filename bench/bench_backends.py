"""Measure the embedded model's speed on llama.cpp (with/without grammar, per contract) and through
llama-server via the vLLM backend (sequential and 4 concurrent); measured, never asserted.

    .venv/bin/python -m bench.bench_backends            # writes bench/results/backends.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autoviz_core.config import load_settings  # noqa: E402
from autoviz_core.contracts import (  # noqa: E402
    adaptation_contract,
    intent_contract,
    request_contract,
)
from autoviz_core.errors import AutoVizError, BackendError  # noqa: E402
from autoviz_core.llm import Message, create_backend  # noqa: E402
from autoviz_core.llm.base import validate_or_salvage  # noqa: E402
from autoviz_core.llm.llama_server import LlamaServer  # noqa: E402
from autoviz_core.llm.llamacpp import LlamaCppBackend  # noqa: E402
from autoviz_core.llm.vllm import VLLMBackend  # noqa: E402

RESULTS = REPO / "bench" / "results" / "backends.json"
COLUMNS = ["date", "region", "product_category", "revenue", "units"]
QUESTIONS = [
    "Show total revenue by region.",
    "How did units sold change over the month?",
    "Which product category has unusual revenue days?",
    "Compare revenue between North and South.",
]
CONTRACTS = {
    "intent": intent_contract(),
    "request": request_contract(COLUMNS),
    "adaptation": adaptation_contract(
        ["profile", "primary_chart"], ["bar_chart", "line_chart"], ["x", "y"]
    ),
}
SYSTEM = (
    "You are a data analysis planner. You answer only with JSON.\n"
    f"The table has these columns: {', '.join(COLUMNS)}."
)


def chat(question: str) -> list[Message]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 1)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


# ---------------------------------------------------------------- llama.cpp in-process
def bench_llamacpp(max_tokens: int, threads: int) -> dict[str, Any]:
    settings = load_settings()
    models = dict(settings.models)
    models["smollm2-llamacpp"] = models["smollm2-llamacpp"].model_copy(
        update={"n_threads": threads}
    )
    backend = create_backend("smollm2-llamacpp", settings.model_copy(update={"models": models}))
    assert isinstance(backend, LlamaCppBackend)
    grammar = backend._grammar(CONTRACTS["request"])
    runs: dict[str, list[dict[str, float]]] = {"grammar": [], "free": [], "grammar_chain": []}
    for question in QUESTIONS:
        for label, g in (("grammar", grammar), ("free", None), ("grammar_chain", grammar)):
            # grammar_chain: llama-cpp-python's own sampler chain, for comparison
            backend._llama.grammar_first = label != "grammar_chain"
            _, timings = backend._complete(chat(question), g, max_tokens)
            runs[label].append(timings)
    backend._llama.grammar_first = True
    per_contract = {}
    for name, contract in CONTRACTS.items():
        clock = time.perf_counter()
        try:
            generation = backend.generate(chat(QUESTIONS[0]), contract, max_tokens=max_tokens)
        except BackendError as exc:
            per_contract[name] = {"total_ms": _ms(clock), "error": exc.message[:200]}
            continue
        per_contract[name] = {
            "total_ms": generation.timings["total_ms"],
            "completion_tokens": generation.timings["completion_tokens"],
            "attempts": generation.attempts,
            "repaired": generation.repaired,
        }
    backend.close()
    with_g = median([t["tokens_per_s"] for t in runs["grammar"]])
    without = median([t["tokens_per_s"] for t in runs["free"]])
    chain = median([t["tokens_per_s"] for t in runs["grammar_chain"]])
    return {
        "tokens_per_s_grammar": with_g,
        "tokens_per_s_free": without,
        "tokens_per_s_grammar_library_chain": chain,
        "grammar_speed_ratio": round(with_g / without, 2) if without else 0.0,
        "grammar_speed_ratio_library_chain": round(chain / without, 2) if without else 0.0,
        "ttft_ms_grammar": median([t["ttft_ms"] for t in runs["grammar"]]),
        "ttft_ms_free": median([t["ttft_ms"] for t in runs["free"]]),
        "prompt_tokens_evaluated": [t["prompt_tokens"] for t in runs["grammar"]],
        "contracts": per_contract,
    }


# ---------------------------------------------------------------- llama-server via vLLM backend
def bench_server(max_tokens: int, threads: int) -> dict[str, Any]:
    log = Path(tempfile.mkdtemp(prefix="bench-llama-server-")) / "server.log"
    server = LlamaServer(parallel=4, ctx_size=4096, threads=threads, log=log)
    try:
        url = server.start()
    except AutoVizError as exc:
        raise SystemExit(
            f"llama-server did not start ({exc.message.splitlines()[0]}); see {log}"
        ) from None
    try:
        settings = load_settings()
        models = dict(settings.models)
        models["vllm-local"] = models["vllm-local"].model_copy(
            update={"url": url, "model": "auto", "timeout": 300.0, "max_retries": 0}
        )
        limits = settings.limits.model_copy(update={"llm_timeout_s": 300.0})
        backend = create_backend(
            "vllm-local", settings.model_copy(update={"models": models, "limits": limits})
        )
        assert isinstance(backend, VLLMBackend)
        contract = CONTRACTS["request"]

        def call(question: str) -> dict[str, float]:
            # Raw calls: speed is measured whether or not the tiny model's answer validates.
            raw, timings, _ = backend._complete(chat(question), contract, max_tokens)
            valid = validate_or_salvage(contract, raw)[0] is not None
            return {**timings, "valid": float(valid)}

        clock = time.perf_counter()
        sequential = [call(q) for q in QUESTIONS]
        sequential_s = time.perf_counter() - clock
        clock = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            concurrent = list(pool.map(call, QUESTIONS))
        concurrent_s = time.perf_counter() - clock
        backend.close()
    finally:
        server.stop()
    tokens = sum(t["completion_tokens"] for t in sequential)
    tokens_c = sum(t["completion_tokens"] for t in concurrent)
    return {
        "sequential_wall_s": round(sequential_s, 2),
        "sequential_tokens_per_s": round(tokens / sequential_s, 1),
        "sequential_request_ms": [t["request_ms"] for t in sequential],
        "concurrent4_wall_s": round(concurrent_s, 2),
        "concurrent4_tokens_per_s": round(tokens_c / concurrent_s, 1),
        "concurrent4_request_ms": [t["request_ms"] for t in concurrent],
        "valid_answers": f"{int(sum(t['valid'] for t in sequential + concurrent))}/8",
    }


def print_table(results: dict[str, Any]) -> None:
    cpp, srv = results["llama.cpp"], results["llama-server (vLLM backend)"]
    rows = [
        ("llama.cpp tokens/s, grammar", cpp["tokens_per_s_grammar"]),
        ("llama.cpp tokens/s, no grammar", cpp["tokens_per_s_free"]),
        ("grammar / free speed ratio", cpp["grammar_speed_ratio"]),
        ("same, llama-cpp-python's own chain", cpp["grammar_speed_ratio_library_chain"]),
        ("llama.cpp TTFT ms, grammar", cpp["ttft_ms_grammar"]),
        ("llama.cpp TTFT ms, no grammar", cpp["ttft_ms_free"]),
        *[(f"llama.cpp {n} call ms", c["total_ms"]) for n, c in cpp["contracts"].items()],
        ("server valid request answers", srv["valid_answers"]),
        ("server sequential tokens/s", srv["sequential_tokens_per_s"]),
        ("server 4-concurrent tokens/s", srv["concurrent4_tokens_per_s"]),
        ("server sequential wall s (4 req)", srv["sequential_wall_s"]),
        ("server 4-concurrent wall s", srv["concurrent4_wall_s"]),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--threads", type=int, default=None, help="default: config.yaml's")
    args = parser.parse_args(argv)
    threads = args.threads or load_settings().model("smollm2-llamacpp").n_threads
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_avg_at_start": os.getloadavg()[0]},
        "max_tokens": args.max_tokens,
        "threads": threads,
        "llama.cpp": bench_llamacpp(args.max_tokens, threads),
        "llama-server (vLLM backend)": bench_server(args.max_tokens, threads),
    }  # fmt: skip
    results["machine"]["load_avg_at_end"] = os.getloadavg()[0]
    print_table(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
