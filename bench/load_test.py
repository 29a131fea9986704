"""Load test: concurrent headless analyses against llama-server (the vLLM stand-in), vs N.

For each concurrency level N: starts llama-server (built or found with
scripts/build_llama_server.sh) on 127.0.0.1 with `--parallel N` (or a fixed --parallel), waits
for a quiet machine (bench/conditions.py), then runs `autoviz_core.pipeline.run_analysis` with a
vLLM backend from the factory for max(--requests, N) requests, N at a time, with the default
planner settings of config.yaml (model adaptation on). Reports per level: errors (a request
whose primary chart is missing; target 0), model values dropped by validation (recorded, never
fatal), throughput and latency p50/p95, and the load average at the start. Loopback only;
bounded in count and time. A benchmark, not a test.

    .venv/bin/python -m bench.load_test                      # N = 1, 4, 8, 20; 20 requests each
    .venv/bin/python -m bench.load_test --quick              # N = 1, 4; 4 requests each
    .venv/bin/python -m bench.load_test --requests 8 --concurrency 4 --url http://127.0.0.1:8080
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autoviz_core.config import PlannerSettings, Settings, load_settings  # noqa: E402
from autoviz_core.errors import AutoVizError  # noqa: E402
from autoviz_core.llm.factory import create_backend  # noqa: E402
from autoviz_core.llm.llama_server import LlamaServer  # noqa: E402
from autoviz_core.pipeline import run_analysis  # noqa: E402
from bench.conditions import quiet_start  # noqa: E402

RESULTS = REPO / "bench" / "results" / "load_test.json"
MAX_REQUESTS = 200
MAX_SECONDS = 1800
# (dataset, question): plotly sample tables, so the benchmark needs no files.
WORKLOAD = [
    ("plotly:tips", "What is the average tip by day?"),
    ("plotly:iris", "Compare petal length across species."),
    ("plotly:gapminder", "How did life expectancy change over the years by continent?"),
    ("plotly:stocks", "How did GOOG change over time?"),
    ("plotly:wind", "Show the frequency by direction."),
]


@contextlib.contextmanager
def llama_server(parallel: int, ctx_per_slot: int) -> Iterator[str]:
    """llama-server with the embedded SmolLM2 on a free loopback port; stopped on exit."""
    server = LlamaServer(parallel=parallel, ctx_size=ctx_per_slot * parallel, threads=2)
    try:
        url = server.start()
    except AutoVizError as exc:
        raise SystemExit(str(exc)) from None
    try:
        yield url
    finally:
        server.stop()


def settings_for(
    url: str, max_tokens: int, timeout_s: float, mode: str, adapt: str = "model"
) -> Settings:
    """config.yaml's settings pointed at `url`; mode "config" keeps its planner settings."""
    if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"loopback only: {url}")
    settings = load_settings()
    models = dict(settings.models)
    models["vllm-local"] = models["vllm-local"].model_copy(
        update={"url": url, "model": "auto", "timeout": timeout_s}
    )
    planner = (
        settings.planner.model_copy(update={"adapt_mode": adapt})
        if mode == "config"
        else PlannerSettings(intent_mode=mode, request_mode=mode, adapt_mode=adapt)  # type: ignore[arg-type]
    )
    return settings.model_copy(
        update={
            "models": models,
            "planner": planner,
            "limits": settings.limits.model_copy(
                update={"llm_max_tokens": max_tokens, "llm_timeout_s": timeout_s}
            ),
        }
    )


def one_request(index: int, backend: Any, settings: Settings, start_gate: threading.Event) -> dict:
    data, question = WORKLOAD[index % len(WORKLOAD)]
    start_gate.wait()
    t0 = time.perf_counter()
    try:
        run = run_analysis(data, question, backend, settings)
        primary_ok = any(r.primary and r.status == "ok" for r in run.result.records)
        error = (
            "" if primary_ok else "primary chart failed: " + "; ".join(run.result.errors())[:200]
        )
        calls = len(run.planned.model_calls)
        dropped = [n.text() for n in run.planned.notes if "dropped" in n.message]
    except AutoVizError as exc:
        error, calls, dropped = f"{type(exc).__name__}: {exc}"[:300], 0, []
    except Exception as exc:  # a crash is an error to report, not a reason to stop the run
        error, calls, dropped = f"crash {type(exc).__name__}: {exc}"[:300], 0, []
    latency = time.perf_counter() - t0
    return {"index": index, "data": data, "latency_s": round(latency, 3), "model_calls": calls,
            "error": error, "dropped": dropped}  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def run_load(
    url: str,
    n: int,
    concurrency: int,
    max_tokens: int,
    timeout_s: float,
    mode: str,
    adapt: str = "model",
) -> dict:
    settings = settings_for(url, max_tokens, timeout_s, mode, adapt)
    backend = create_backend("vllm-local", settings)  # one backend: a session per thread
    gate = threading.Event()
    t0 = time.perf_counter()
    rows: list[dict] = []
    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = [pool.submit(one_request, i, backend, settings, gate) for i in range(n)]
            gate.set()
            t0 = time.perf_counter()
            for future in as_completed(futures, timeout=MAX_SECONDS):
                rows.append(future.result())
    finally:
        backend.close()
    wall = time.perf_counter() - t0
    latencies = [r["latency_s"] for r in rows]
    errors = [r for r in rows if r["error"]]
    return {
        "requests": n,
        "concurrency": concurrency,
        "mode": mode,
        "adapt": adapt,
        "max_tokens": max_tokens,
        "errors": len(errors),
        "error_messages": sorted({r["error"] for r in errors}),
        "wall_s": round(wall, 2),
        "throughput_rps": round(n / wall, 3) if wall else 0.0,
        "latency_s": {
            "p50": round(statistics.median(latencies), 2) if latencies else 0.0,
            "p95": round(percentile(latencies, 95), 2),
            "max": round(max(latencies), 2) if latencies else 0.0,
        },
        "model_calls": sum(r["model_calls"] for r in rows),
        "dropped_values": sum(len(r["dropped"]) for r in rows),
        "rows": sorted(rows, key=lambda r: r["index"]),
    }


def print_table(levels: list[dict]) -> None:
    """One row per concurrency level, then the distinct errors."""
    print(f"{'requests':>9} {'conc':>5} {'errors':>7} {'wall s':>8} {'req/s':>7} "
          f"{'p50 s':>7} {'p95 s':>7} {'max s':>7} {'calls':>6} {'dropped':>8} {'load':>5}")  # fmt: skip
    for report in levels:
        lat = report["latency_s"]
        load = report.get("conditions", {}).get("load_average_start", [0.0])[0]
        print(f"{report['requests']:>9} {report['concurrency']:>5} {report['errors']:>7} "
              f"{report['wall_s']:>8} {report['throughput_rps']:>7} {lat['p50']:>7} "
              f"{lat['p95']:>7} {lat['max']:>7} {report['model_calls']:>6} "
              f"{report['dropped_values']:>8} {load:>5}")  # fmt: skip
    for report in levels:
        for message in report["error_messages"]:
            print(f"  N={report['concurrency']} error: {message}")


def level_size(level: int, requests: int) -> tuple[int, int]:
    """(requests, concurrency) for a level: at least N requests, within 1..MAX_REQUESTS."""
    n = max(1, min(max(requests, level), MAX_REQUESTS))
    return n, max(1, min(level, n))


def run_level(url: str, level: int, args: argparse.Namespace, slots: int) -> dict:
    n, concurrency = level_size(level, args.requests)
    print(f"N={concurrency}: {n} requests against --parallel {slots} ...", flush=True)
    report = run_load(url, n, concurrency, args.max_tokens, args.timeout, args.mode, args.adapt)
    return {**report, "server_parallel": slots}


def sweep(args: argparse.Namespace) -> list[dict]:
    """Each concurrency level, lowest first: a quiet machine, then (a server and) the load."""
    levels = []
    for level in sorted(set(args.concurrency)):
        conditions = quiet_start(f"load test N={level}")
        slots = args.parallel or level_size(level, args.requests)[1]
        if args.url:
            report = run_level(args.url, level, args, args.parallel or 0)
        else:
            with llama_server(slots, args.ctx_per_slot) as url:
                report = run_level(url, level, args, slots)
        levels.append({**report, "conditions": conditions})
    return levels


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=20, help="per level (at least N)")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 20], metavar="N")
    p.add_argument("--quick", action="store_true", help="N = 1, 4 with 4 requests each")
    p.add_argument(
        "--parallel", type=int, default=0, help="llama-server --parallel slots (0 = N per level)"
    )
    p.add_argument("--ctx-per-slot", type=int, default=2048)
    p.add_argument("--max-tokens", type=int, default=load_settings().limits.llm_max_tokens)
    p.add_argument("--timeout", type=float, default=300.0, help="per model call, seconds")
    p.add_argument(
        "--mode",
        choices=["config", "cues", "hybrid", "model"],
        default="config",
        help="planner mode for intent and request (config = config.yaml's default)",
    )
    p.add_argument("--adapt", choices=["model", "off"], default="model")
    p.add_argument("--url", help="use a running loopback server instead of starting one")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    if args.quick:
        args.concurrency, args.requests = [1, 4], 4
    levels = sweep(args)
    print_table(levels)
    report = {"server_parallel": args.parallel or "N", "mode": args.mode, "levels": levels}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if all(level["errors"] == 0 for level in levels) else 1


if __name__ == "__main__":
    sys.exit(main())
