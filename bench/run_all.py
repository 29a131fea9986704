"""Run every benchmark in sequence and write the figures into bench/README.md; `make bench`.

  .venv/bin/python -m bench.run_all                     # everything, full sizes (about an hour)
  .venv/bin/python -m bench.run_all --quick             # small sizes / few cases, no fresh clone
  .venv/bin/python -m bench.run_all --only eval planning
  .venv/bin/python -m bench.run_all --model-eval        # also the eval in hybrid and model mode
  .venv/bin/python -m bench.run_all --quick --fresh     # quick, plus the fresh-clone timings

Each benchmark runs in its own process (one failing does not stop the others) and writes its own
JSON under bench/results/; every timing first waits for a quiet machine (bench/conditions.py:
load average at most the core count, else it waits up to AUTOVIZ_BENCH_WAIT_S and gives up) and
records the load average at its start. At the end bench/report.py writes the acceptance figures
into bench/README.md's generated table. Measured, never asserted: the exit code is non-zero only
when a benchmark crashed or the machine stayed busy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.conditions import BusyMachineError, quiet_start  # noqa: E402
from bench.report import write_readme  # noqa: E402

BENCH = REPO / "bench"
RESULTS = BENCH / "results"


def _has_flag(module: str, flag: str) -> bool:
    path = BENCH / f"{module}.py"
    return path.exists() and flag in path.read_text(encoding="utf-8")


def plan(quick: bool, model_eval: bool, fresh: bool = False) -> list[tuple[str, str, list[str]]]:
    """(name, module, args) in run order."""
    q = ["--quick"]
    steps: list[tuple[str, str, list[str]]] = [
        (
            "eval",
            "eval",
            ["--set", "all", "--mode", "cues", "--fast", *(["--limit", "10"] if quick else [])],
        ),
        ("cues_wide", "bench_cues_wide", ["--repeats", "1" if quick else "3"]),
    ]
    if model_eval:
        limit = ["--limit", "3"] if quick else []
        steps += [
            ("eval-hybrid", "eval", ["--set", "both", "--mode", "hybrid", *limit]),
            ("eval-model", "eval", ["--set", "both", "--mode", "model", *limit]),
        ]
    steps += [
        ("planning", "bench_planning", ["--modes", "cues", *(q if quick else [])]),
        ("execution", "bench_execution", ["--rows", "100000"] if quick else []),
        (
            "backends",
            "bench_backends",
            q if quick and _has_flag("bench_backends", "--quick") else [],
        ),
        (
            "vs_ydata",
            "bench_vs_ydata",
            ["--rows", "100000"] if quick else ["--rows", "100000", "--rows", "1000000"],
        ),
        ("load_test", "load_test", q if quick else []),
        ("big_tables", "bench_big_tables", ["--rows", "1000000"] if quick else []),
    ]
    if fresh or not quick:
        steps.append(("fresh_clone", "bench_fresh_clone", []))
    return steps


def _with_earlier(report: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The benchmarks of the last run_all.json with the ones just run replaced: `--only` keeps
    the conditions of every figure it did not re-measure (the README table reads them)."""
    path = RESULTS / "run_all.json"
    try:
        earlier = json.loads(path.read_text(encoding="utf-8")).get("benchmarks", [])
    except (OSError, ValueError, AttributeError):
        earlier = []
    fresh = {r["name"]: r for r in report}
    kept = [fresh.pop(r["name"], r) for r in earlier if isinstance(r, dict) and "name" in r]
    return kept + list(fresh.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes and few cases")
    ap.add_argument("--model-eval", action="store_true", help="also eval hybrid and model modes")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    ap.add_argument("--fresh", action="store_true", help="with --quick: also the fresh clones")
    args = ap.parse_args(argv)
    steps = plan(args.quick, args.model_eval, args.fresh)
    if args.only:
        steps = [s for s in steps if s[0] in args.only]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    report = []
    for name, module, extra in steps:
        if not (BENCH / f"{module}.py").exists():
            print(f"== {name}: bench/{module}.py not present, skipped", flush=True)
            report.append({"name": name, "status": "missing"})
            continue
        cmd = [sys.executable, "-m", f"bench.{module}", *extra]
        try:
            conditions = quiet_start(name)
        except BusyMachineError as busy:
            print(busy, flush=True)
            report.append({"name": name, "status": "busy", "exit": 3, "message": str(busy)})
            break
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, cwd=REPO, env=env, check=False).returncode
        secs = round(time.perf_counter() - t0, 1)
        report.append(
            {"name": name, "cmd": cmd[1:], "exit": rc, "seconds": secs, "conditions": conditions}
        )
    print("\nbenchmark      exit   seconds")
    for r in report:
        if r.get("status") in ("missing", "busy"):
            print(f"{r['name']:<14} {'-':>4} {r['status']:>9}")
        else:
            print(f"{r['name']:<14} {r['exit']:>4} {r['seconds']:>9.1f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    doc = {
        "quick": args.quick,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_end": os.getloadavg(),
        "benchmarks": _with_earlier(report) if args.only else report,
    }
    (RESULTS / "run_all.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(write_readme())
    return 1 if any(r.get("exit") not in (0, None) for r in report) else 0


if __name__ == "__main__":
    raise SystemExit(main())
