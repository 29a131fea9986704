"""Evaluation harness: run the headless pipeline over a cases file and score it.

  python -m bench.eval --set nvbench --mode cues            # nvBench dev set, cues only
  python -m bench.eval --set analysis --mode hybrid --backend smollm2-llamacpp
  python -m bench.eval --set both --limit 5                  # quick smoke run
  python -m bench.eval --set all --mode cues                 # train and every dev set, side by side

Sets: nvbench (dev, 150), nvbench_train (the fitting pool, 879), analysis (dev, 33),
analysis2 (dev2, 74); "both" = nvbench + analysis, "dev" = the three dev sets, "all" = dev + train.

Prints and writes (bench/results/eval_<set>_<mode>_<backend>.json): intent accuracy, column
accuracy, primary-chart kind and data match (with order), failure rate, per-stage latency p50/p95.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from bench.scoring import score_analysis, score_nvbench

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AUTOVIZ_SHARED", REPO.parent / "shared"))
NVBENCH = SHARED / "eval" / "nvbench_dev" / "cases.jsonl"
NVBENCH_TRAIN = SHARED / "eval" / "nvbench_train" / "cases.jsonl"
ANALYSIS = SHARED / "eval" / "analysis_questions_dev.jsonl"
ANALYSIS2 = SHARED / "eval" / "analysis_questions_dev2.jsonl"
# set name -> (scoring kind, cases file)
SETS: dict[str, tuple[str, Path]] = {
    "nvbench": ("nvbench", NVBENCH),
    "nvbench_train": ("nvbench", NVBENCH_TRAIN),
    "analysis": ("analysis", ANALYSIS),
    "analysis2": ("analysis", ANALYSIS2),
}
GROUPS = {
    "both": ("nvbench", "analysis"),
    "dev": ("nvbench", "analysis", "analysis2"),
    "all": ("nvbench_train", "nvbench", "analysis", "analysis2"),
}
RESULTS = REPO / "bench" / "results"


def read_cases(path: Path, limit: int | None) -> list[dict[str, Any]]:
    cases = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return cases[:limit] if limit else cases


def dataset_spec(case: dict[str, Any], cases_file: Path) -> str:
    """The path (or `plotly:NAME`) of a case's table. `table` is relative to the cases file;
    `shared:PATH` is the evaluation sets' convention for a file under the shared folder: the
    product knows nothing of it, so it is resolved here."""
    if "table" in case:
        return str(cases_file.parent / case["table"])
    ds = case["dataset"]
    if ds.startswith("shared:"):
        return str(SHARED / ds[len("shared:") :])
    return ds


def run_primary_only(spec: str, question: str, backend: Any, settings: Any) -> Any:
    """Plan as usual but execute only the primary chart: every score reads the primary chart
    (and the plan's parameters for columns), so this gives the same figures in a fraction of
    the time. Used by the CI floor (tests/eval) and `--fast`."""
    from autoviz_core.pipeline import AnalysisRun, execute, load_dataset, profile_of
    from autoviz_core.plan import Plan
    from autoviz_core.planning.planned import PlanningTable
    from autoviz_core.planning.planner import Planner

    if spec not in _TABLE_CACHE:
        loaded = load_dataset(spec, settings)
        _TABLE_CACHE[spec] = (loaded, profile_of(loaded))
    table, profile = _TABLE_CACHE[spec]
    planned = Planner(settings.planner, backend).plan(
        question, PlanningTable(table.df, profile, table.name)
    )
    primary = Plan(steps=[s for s in planned.plan.steps if s.primary], derived=planned.plan.derived)
    result = execute(
        planned.__class__(**{**planned.__dict__, "plan": primary}), table, settings, 42
    )
    return AnalysisRun(table, profile, planned, result, dict(planned.timings_ms))


_TABLE_CACHE: dict[str, Any] = {}


def run_case(
    spec: str, question: str, backend: Any, settings: Any, fast: bool = False
) -> tuple[dict | None, str, pd.DataFrame | None]:
    from autoviz_core.errors import AutoVizError
    from autoviz_core.pipeline import result_document, run_analysis

    try:
        if fast:
            run = run_primary_only(spec, question, backend, settings)
        else:
            run = run_analysis(spec, question, backend, settings)
    except AutoVizError as exc:
        return None, str(exc), None
    except Exception as exc:  # a crash is a failed case, reported, not hidden
        return None, f"{type(exc).__name__}: {exc}", None
    doc = result_document(run, getattr(backend, "name", "cues"))
    primary_ok = any(r.primary and r.status == "ok" for r in run.result.records)
    return doc, "" if primary_ok else "no primary chart", run.table.df


def primary_digest(doc: dict[str, Any]) -> str | None:
    """A short fingerprint of the primary chart's plotted values (numbers to 9 significant
    digits, so sums in another order still match): compares two runs case by case."""
    import hashlib

    chart = next((c for c in doc["charts"] if c["primary"]), None)
    if chart is None:
        return None

    def rounded(v: Any) -> Any:
        return float(f"{v:.9g}") if isinstance(v, float) else v

    data = [chart["kind"], chart["x"], chart["y"], chart["color"], chart["agg"]]
    data += [[rounded(v) for v in chart["data"]["x"]], [rounded(v) for v in chart["data"]["y"]]]
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()[:16]


_ENGINE_FILES: dict[str, str] = {}


def as_engine_file(spec: str, settings: Any) -> str:
    """A plotly sample table as a Parquet file of its loaded rows, so the engine reads the very
    table the pandas path analyses (file tables are read where they are)."""
    if not spec.startswith("plotly:"):
        return spec
    if spec not in _ENGINE_FILES:
        import tempfile

        from autoviz_core.pipeline import load_dataset

        memory = settings.model_copy(
            update={"engine": settings.engine.model_copy(update={"route": "memory"})}
        )
        folder = Path(tempfile.mkdtemp(prefix="autoviz-eval-"))
        path = folder / f"{spec.split(':', 1)[1]}.parquet"
        load_dataset(spec, memory).df.to_parquet(path)
        _ENGINE_FILES[spec] = str(path)
    return _ENGINE_FILES[spec]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return round(values[lo] + (values[hi] - values[lo]) * (k - lo), 1)


def evaluate(
    kind: str,
    cases_file: Path,
    backend: Any,
    settings: Any,
    limit: int | None,
    name: str | None = None,
    fast: bool = False,
    quiet: bool = False,
) -> dict[str, Any]:
    cases = read_cases(cases_file, limit)
    rows: list[dict[str, Any]] = []
    timings: dict[str, list[float]] = {}
    for i, case in enumerate(cases, 1):
        spec = dataset_spec(case, cases_file)
        t0 = time.perf_counter()
        if settings.engine.route == "engine":
            spec = as_engine_file(spec, settings)
        doc, error, df = run_case(spec, case["question"], backend, settings, fast)
        wall = (time.perf_counter() - t0) * 1000
        if kind == "nvbench":
            score = score_nvbench(doc, case["gold"])
        else:
            score = score_analysis(doc, case["gold"], df if df is not None else pd.DataFrame())
        if doc:
            for stage, ms in doc["timings_ms"].items():
                timings.setdefault(stage, []).append(float(ms))
        rows.append(
            {
                "id": case["id"],
                "failed": doc is None or bool(error),
                "error": error,
                "score": score,
                "wall_ms": round(wall, 1),
                "intent": doc and doc["intent"],
                "request": doc and doc["request"],
                "confidence": doc and doc.get("confidence"),
                "primary_digest": doc and primary_digest(doc),
            }
        )
        if not quiet and (i % 25 == 0 or i == len(cases)):
            print(f"[{name or kind}] {i}/{len(cases)}", file=sys.stderr, flush=True)
    return summarise(kind, rows, timings, name)


def _rate(rows: list[dict[str, Any]], key: str) -> float | None:
    vals = [r["score"][key] for r in rows if r["score"].get(key) is not None]
    return round(sum(bool(v) for v in vals) / len(vals), 3) if vals else None


def summarise(
    kind: str, rows: list[dict[str, Any]], timings: dict[str, list[float]], name: str | None = None
) -> dict[str, Any]:
    keys = (
        ("kind", "data", "order") if kind == "nvbench" else ("intent", "columns", "chart", "check")
    )
    return {
        "set": name or kind,
        "kind": kind,
        "cases": len(rows),
        "failures": sum(r["failed"] for r in rows),
        "failure_rate": round(sum(r["failed"] for r in rows) / max(1, len(rows)), 3),
        **{f"{k}_accuracy": _rate(rows, k) for k in keys},
        "latency_ms": {
            s: {"p50": percentile(v, 0.5), "p95": percentile(v, 0.95)} for s, v in timings.items()
        },
        "rows": rows,
    }


def print_summary(summary: dict[str, Any]) -> None:
    print(f"\n== {summary['set']}: {summary['cases']} cases, {summary['failures']} failed")
    for k, v in summary.items():
        if k.endswith("_accuracy"):
            print(f"  {k:<18} {v if v is not None else '-'}")
    for stage, q in summary["latency_ms"].items():
        print(f"  {stage:<10} p50 {q['p50']:>8} ms   p95 {q['p95']:>8} ms")


def main(argv: list[str] | None = None) -> int:
    from autoviz_core.config import load_settings
    from autoviz_core.llm.factory import create_backend

    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--set", choices=[*SETS, *GROUPS], default="both")
    ap.add_argument("--mode", choices=["cues", "model", "hybrid"], default=None)
    ap.add_argument("--adapt", choices=["model", "off"], default=None)
    ap.add_argument("--backend", default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--nvbench-cases", type=Path, default=NVBENCH)
    ap.add_argument("--analysis-cases", type=Path, default=ANALYSIS)
    ap.add_argument("--analysis2-cases", type=Path, default=ANALYSIS2)
    ap.add_argument("--nvbench-train-cases", type=Path, default=NVBENCH_TRAIN)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--fast", action="store_true", help="execute only the primary chart (same scores, faster)"
    )
    ap.add_argument(
        "--engine",
        action="store_true",
        help="run every file table through the engine (DuckDB SQL over the file in place), "
        "to check its answers equal the pandas path's case by case",
    )
    args = ap.parse_args(argv)
    settings = load_settings()
    if args.engine:
        route = settings.engine.model_copy(update={"route": "engine"})
        settings = settings.model_copy(update={"engine": route})
    mode = args.mode or settings.planner.intent_mode
    adapt = args.adapt or ("off" if mode == "cues" else settings.planner.adapt_mode)
    planner = settings.planner.model_copy(
        update={"intent_mode": mode, "request_mode": mode, "adapt_mode": adapt}
    )
    settings = settings.model_copy(update={"planner": planner})
    name = args.backend or settings.default_model
    needs_model = planner.uses_model
    backend = create_backend(name, settings) if needs_model else None
    label = name if needs_model else "none"
    out: dict[str, Any] = {"mode": mode, "adapt": adapt, "backend": label}
    files = {
        "nvbench": args.nvbench_cases,
        "nvbench_train": args.nvbench_train_cases,
        "analysis": args.analysis_cases,
        "analysis2": args.analysis2_cases,
    }
    try:
        for name in GROUPS.get(args.set, (args.set,)):
            kind = SETS[name][0]
            out[name] = evaluate(kind, files[name], backend, settings, args.limit, name, args.fast)
            print_summary(out[name])
    finally:
        if backend is not None:
            backend.close()
    engine = "_engine" if args.engine else ""
    path = args.out or RESULTS / f"eval_{args.set}_{mode}_{adapt}_{label}{engine}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
