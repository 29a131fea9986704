"""Planning latency per stage with the embedded model (llama.cpp), per planner mode.

  .venv/bin/python -m bench.bench_planning                   # cues, model, hybrid; adaptation on
  .venv/bin/python -m bench.bench_planning --quick           # one question per table, one pass
  .venv/bin/python -m bench.bench_planning --modes hybrid --repeats 3

Each mode runs in a fresh subprocess: imports and table profiling happen first (not timed), then
the backend is created (model load, reported separately), then the first Planner.plan call is
the cold call and the following ones (the question list, `--repeats` times) are warm. Stages are
Planner.plan's own timings_ms (cues, intent, request, template, adaptation, validation); model
calls are also summarised (tokens, tokens/s, truncations). Adaptation is on in every mode, so
"cues" mode still makes one model call (adapt). Measured, never asserted: the target with the
default settings (cues) is a warm p50 <= 1.0 s and p95 <= 2.0 s. Writes
bench/results/planning.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "planning.json"
SHARED = Path(os.environ.get("AUTOVIZ_SHARED", REPO.parent / "shared"))
MODES = ("cues", "model", "hybrid")
STAGES = ("cues", "intent", "request", "template", "adaptation", "validation")

# Realistic tables with questions of each intent (written for this benchmark).
QUESTIONS: dict[str, list[str]] = {
    "plotly:tips": [
        "What is the average tip for each day?",
        "Which factors drive the tip amount?",
        "Give me an overview of the data",
    ],
    "plotly:gapminder": [
        "How has life expectancy changed over the years by continent?",
        "Compare gdp per capita across continents in 2007",
        "Are there any unusual values in population?",
    ],
    "plotly:iris": [
        "Which species has the longest petal length?",
        "Is sepal length related to petal length?",
        "Give me an overview of the data",
    ],
    str(SHARED / "eval" / "data" / "december_revenue.csv"): [
        "How did revenue change over December?",
        "Which region had the highest total revenue?",
        "Are there any anomalies in daily revenue?",
    ],
}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return round(values[lo] + (values[hi] - values[lo]) * (k - lo), 1)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1) if values else 0.0,
        "p95": percentile(values, 0.95),
        "max": round(max(values), 1) if values else 0.0,
    }


# --- child: one mode, one process --------------------------------------------------------------


def child(mode: str, backend_name: str | None, repeats: int, per_table: int) -> None:
    from autoviz_core.config import load_settings
    from autoviz_core.data import profile_table
    from autoviz_core.llm.factory import create_backend
    from autoviz_core.pipeline import load_dataset
    from autoviz_core.planning.planned import PlanningTable
    from autoviz_core.planning.planner import Planner

    settings = load_settings()
    planner = settings.planner.model_copy(
        update={"intent_mode": mode, "request_mode": mode, "adapt_mode": "model"}
    )
    tables = []
    for spec, questions in QUESTIONS.items():
        table = load_dataset(spec, settings)
        tables.append((table, profile_table(table.df), questions[:per_table]))
    t0 = time.perf_counter()
    backend = create_backend(backend_name, settings)
    load_ms = (time.perf_counter() - t0) * 1000

    def one(table: Any, profile: Any, question: str) -> dict[str, Any]:
        t = time.perf_counter()
        try:
            p = Planner(planner, backend).plan(
                question, PlanningTable(table.df, profile, table.name)
            )
        except Exception as exc:  # a failed plan is reported, not hidden
            ms = (time.perf_counter() - t) * 1000
            return {"question": question, "table": table.name, "total_ms": round(ms, 1),
                    "error": f"{type(exc).__name__}: {exc}"}  # fmt: skip
        total = (time.perf_counter() - t) * 1000
        return {
            "question": question,
            "table": table.name,
            "total_ms": round(total, 1),
            "stages_ms": {s: round(p.timings_ms.get(s, 0.0), 1) for s in STAGES},
            "intent": p.intent,
            "intent_source": p.intent_source,
            "request_source": p.request_source,
            "model_calls": [
                {"stage": c.stage, "attempts": c.attempts, **c.timings} for c in p.model_calls
            ],
        }

    emit({"kind": "load", "model_load_ms": round(load_ms, 1),
          "backend": backend_name or settings.default_model})  # fmt: skip
    try:
        first_table, first_profile, first_qs = tables[0]
        emit({"kind": "cold", **one(first_table, first_profile, first_qs[0])})
        for _ in range(repeats):
            for table, profile, questions in tables:
                for q in questions:
                    emit({"kind": "warm", **one(table, profile, q)})
    finally:
        backend.close()


def emit(record: dict[str, Any]) -> None:
    """One JSON line per event, so a parent that times the child out keeps what finished."""
    print(json.dumps(record), flush=True)


def aggregate(mode: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    load = next((e for e in events if e["kind"] == "load"), {})
    cold = next((e for e in events if e["kind"] == "cold"), None)
    warm = [e for e in events if e["kind"] == "warm"]
    ok = [w for w in warm if "error" not in w]
    calls = [c for w in ok for c in w["model_calls"]]
    return {
        "mode": mode,
        "adapt": "model",
        "backend": load.get("backend"),
        "model_load_ms": load.get("model_load_ms"),
        "cold": cold,
        "warm": {
            "runs": len(warm),
            "errors": len(warm) - len(ok),
            "total_ms": summary([w["total_ms"] for w in ok]),
            "stages_ms": {s: summary([w["stages_ms"][s] for w in ok]) for s in STAGES},
            "model_calls_per_plan": round(len(calls) / max(1, len(ok)), 2),
            "tokens_per_s": summary([c.get("tokens_per_s", 0.0) for c in calls]),
            "completion_tokens": summary([c.get("completion_tokens", 0.0) for c in calls]),
            "truncated_calls": sum(bool(c.get("truncated")) for c in calls),
        },
        "runs": warm,
    }


# --- parent ------------------------------------------------------------------------------------


def run_mode(
    mode: str, backend: str | None, repeats: int, per_table: int, timeout: float
) -> dict[str, Any]:
    """Run one mode in a child; print a line per finished plan; keep what finished on timeout."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode]
    cmd += ["--repeats", str(repeats), "--per-table", str(per_table)]
    if backend:
        cmd += ["--backend", backend]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    events: list[dict[str, Any]] = []
    # stderr goes to a file: a pipe nobody reads could fill up and block the child
    with tempfile.TemporaryFile(mode="w+") as errfile:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=errfile, text=True, env=env, cwd=REPO
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        assert proc.stdout is not None
        for line in proc.stdout:
            if not line.startswith("{"):
                continue
            event = json.loads(line)
            events.append(event)
            if event["kind"] in ("cold", "warm"):
                what = event.get("error") or f"{event['total_ms'] / 1000:.1f} s"
                print(f"  [{mode}] {event['kind']} {event['table']}: {event['question']!r} {what}",
                      file=sys.stderr, flush=True)  # fmt: skip
        timed_out = not timer.is_alive()
        timer.cancel()
        rc = proc.wait()
        errfile.seek(0)
        stderr = errfile.read()
    if not any(e["kind"] == "load" for e in events):
        tail = (stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"mode": mode, "error": f"exit {rc}: {tail}"}
    doc = aggregate(mode, events)
    if timed_out or rc != 0:
        doc["incomplete"] = f"timed out after {timeout:.0f} s" if timed_out else f"exit {rc}"
    return doc


def print_table(results: list[dict[str, Any]]) -> None:
    cols = ("load", "cold", "warm p50", "warm p95", *STAGES, "tok/s")
    print(f"{'mode':<7}" + "".join(f"{c:>11}" for c in cols) + "   (ms; stages are warm medians)")
    for r in results:
        if "error" in r:
            print(f"{r['mode']:<7} error: {r['error']}")
            continue
        w = r["warm"]
        vals = [
            r["model_load_ms"],
            (r["cold"] or {}).get("total_ms", 0.0),
            w["total_ms"]["median"],
            w["total_ms"]["p95"],
            *(w["stages_ms"][s]["median"] for s in STAGES),
            w["tokens_per_s"]["median"],
        ]
        print(f"{r['mode']:<7}" + "".join(f"{v:>11.0f}" for v in vals))
        if r.get("incomplete"):
            print(f"        incomplete ({r['incomplete']}): {w['runs']} warm plans finished")
        if w["errors"] or w["truncated_calls"]:
            print(f"        {w['errors']} failed plans, {w['truncated_calls']} truncated calls")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    ap.add_argument("--backend", default=None, help="model entry of config.yaml (default: its own)")
    ap.add_argument("--repeats", type=int, default=2, help="passes over the question list")
    ap.add_argument("--per-table", type=int, default=3, help="questions per table (max 3)")
    ap.add_argument("--quick", action="store_true", help="1 question per table, 1 pass")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per mode")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.quick:
        args.repeats, args.per_table = 1, 1
    if args.child:
        child(args.child, args.backend, args.repeats, args.per_table)
        return 0
    from bench.conditions import quiet_start

    results = []
    for mode in args.modes:
        conditions = quiet_start(f"planning, mode {mode}")
        print(f"[planning] mode {mode} ...", file=sys.stderr, flush=True)
        result = run_mode(mode, args.backend, args.repeats, args.per_table, args.timeout)
        results.append({**result, "conditions": conditions})
    print_table(results)
    doc = {
        "tables": list(QUESTIONS),
        "repeats": args.repeats,
        "questions_per_table": args.per_table,
        "load_average": os.getloadavg(),
        "modes": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(REPO))
    raise SystemExit(main())
