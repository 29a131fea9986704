"""AutoViz general EDA side by side with ydata-profiling (minimal mode) on the same tables.

  .venv/bin/python -m bench.bench_vs_ydata                 # 10k, 100k, 1M rows
  .venv/bin/python -m bench.bench_vs_ydata --rows 100000   # one size
  .venv/bin/python -m bench.bench_vs_ydata --skip-ydata    # AutoViz only

The tables are bench/bench_execution.py's seeded 12-column generator, written to CSV once per
size. Every measurement runs in a fresh subprocess, so the peak RSS (the child's VmHWM) is one
tool's alone. Each size runs each tool --repeats times (default 3), taking turns, and reports the
run with the median time; a shared machine's noise moved single runs by a third:

  autoviz: load_table (CSV) + profile_table + planner in cues mode for "Give me an overview of
           the data" (the real general-EDA template) + pipeline.execute (charts included); the
           self-contained HTML report (report.html.render_html) is timed as a separate stage.
  ydata:   pandas.read_csv + ProfileReport(df, minimal=True).to_html(), in bench/.venv-ydata
           (created from requirements-bench.txt on first run: ydata-profiling pins its own
           pandas/numpy and must not go into the main venv).

Imports are timed separately and excluded from the work time (AutoViz's tool modules included,
which its registry imports on first use; the child then settles them as the CLI and the app do,
runtime/startup.py); peak RSS includes them (it is the process's
lifetime peak). Measured, never asserted. Writes bench/results/vs_ydata.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "vs_ydata.json"
YDATA_VENV = REPO / "bench" / ".venv-ydata"
REQUIREMENTS = REPO / "requirements-bench.txt"
SIZES = (10_000, 100_000, 1_000_000)
QUESTION = "Give me an overview of the data"


def peak_rss_mb() -> float:
    """This process's peak RSS since it started (VmHWM). Not ru_maxrss: Linux carries that
    over exec from the process that started it, so a child of this script reported the
    parent's peak (the 1M-row table it generated) as its own floor."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- children: each runs in its own process and prints one JSON line -------------------------


def child_autoviz(csv: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    from autoviz_core.config import load_settings
    from autoviz_core.data import load_table, profile_table
    from autoviz_core.pipeline import execute
    from autoviz_core.planning.planned import PlanningTable
    from autoviz_core.planning.planner import Planner
    from autoviz_core.report.html import render_html
    from autoviz_core.runtime.startup import settle_after_imports
    from autoviz_core.tools.registry import all_tools

    all_tools()  # the tool modules, which the registry imports on its first lookup
    settle_after_imports()  # as the CLI and the app do after their imports
    import_s = time.perf_counter() - t0
    import_rss = peak_rss_mb()
    settings = load_settings()
    planner = settings.planner.model_copy(
        update={"intent_mode": "cues", "request_mode": "cues", "adapt_mode": "off"}
    )
    stages: dict[str, float] = {}
    t = time.perf_counter()
    table = load_table(csv, settings.limits)
    stages["load"] = time.perf_counter() - t
    t = time.perf_counter()
    profile = profile_table(table.df)
    stages["profile"] = time.perf_counter() - t
    t = time.perf_counter()
    planned = Planner(planner, None).plan(QUESTION, PlanningTable(table.df, profile, table.name))
    stages["plan"] = time.perf_counter() - t
    t = time.perf_counter()
    result = execute(planned, table.df, settings, settings.planner.seed)
    stages["execute"] = time.perf_counter() - t
    eda_rss = peak_rss_mb()
    t = time.perf_counter()
    html = render_html(
        question=QUESTION,
        profile=[c.model_dump() for c in profile.columns],
        result=result,
    )
    stages["html_report"] = time.perf_counter() - t
    charts = [r for r in result.records if r.status == "ok" and r.result and r.result.chart]
    return {
        "tool": "autoviz",
        "import_s": round(import_s, 3),
        "import_rss_mb": round(import_rss, 1),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "seconds": round(sum(v for k, v in stages.items() if k != "html_report"), 3),
        "seconds_with_html": round(sum(stages.values()), 3),
        "peak_rss_mb": round(eda_rss, 1),
        "peak_rss_with_html_mb": round(peak_rss_mb(), 1),
        "template_id": planned.template_id,
        "steps": len(result.records),
        "charts": len(charts),
        "errors": [f"{r.step_id}: {r.error}" for r in result.records if r.status == "error"],
        "html_bytes": len(html),
        "pandas": sys.modules["pandas"].__version__,
    }


def child_ydata(csv: Path) -> dict[str, Any]:
    import warnings

    warnings.filterwarnings("ignore")  # its own deprecation banner and upstream warnings
    t0 = time.perf_counter()
    import pandas as pd
    from ydata_profiling import ProfileReport, __version__

    import_s = time.perf_counter() - t0
    import_rss = peak_rss_mb()
    stages: dict[str, float] = {}
    t = time.perf_counter()
    df = pd.read_csv(csv)
    stages["read_csv"] = time.perf_counter() - t
    t = time.perf_counter()
    html = ProfileReport(df, minimal=True, progress_bar=False).to_html()
    stages["report_to_html"] = time.perf_counter() - t
    return {
        "tool": "ydata",
        "import_s": round(import_s, 3),
        "import_rss_mb": round(import_rss, 1),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "seconds": round(sum(stages.values()), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "html_bytes": len(html),
        "ydata_profiling": __version__,
        "pandas": pd.__version__,
    }


# --- parent ----------------------------------------------------------------------------------


def _stamp() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]


def ensure_ydata_venv(python: str | None = None) -> Path:
    """Create or update bench/.venv-ydata from requirements-bench.txt; return its python."""
    py = YDATA_VENV / "bin" / "python"
    stamp = YDATA_VENV / ".requirements-stamp"
    if py.exists() and stamp.exists() and stamp.read_text().strip() == _stamp():
        return py
    base = python or getattr(sys, "_base_executable", sys.executable)
    if not py.exists():
        print(f"[ydata] creating {YDATA_VENV} with {base}", flush=True)
        subprocess.run([base, "-m", "venv", str(YDATA_VENV)], check=True)
    print(f"[ydata] installing {REQUIREMENTS.name} (about a minute on first run)", flush=True)
    pip = [str(py), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run([*pip, "-q", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-q", "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(_stamp() + "\n")
    print("[ydata] ready", flush=True)
    return py


def write_csv(rows: int, directory: Path) -> Path:
    from bench.bench_execution import synthetic_table

    path = directory / f"synthetic_{rows}.csv"
    if not path.exists():
        synthetic_table(rows).to_csv(path, index=False)
    return path


def run_child(python: Path | str, tool: str, csv: Path) -> dict[str, Any]:
    cmd = [str(python), str(Path(__file__).resolve()), "--child", tool, "--csv", str(csv)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"tool": tool, "error": f"exit {proc.returncode}: {tail}"}
    return json.loads(lines[-1])


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def median_run(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median time (its own stages and memory), with every run's time."""
    ok = [d for d in docs if "seconds" in d]
    if not ok:
        return docs[-1]
    ok.sort(key=lambda d: d["seconds"])
    return {**ok[(len(ok) - 1) // 2], "seconds_runs": [d["seconds"] for d in ok]}


def quiet_start(label: str) -> dict[str, Any]:
    from bench.conditions import quiet_start as wait_for_quiet

    return wait_for_quiet(label)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, action="append", help="table size (repeatable)")
    ap.add_argument("--skip-ydata", action="store_true")
    ap.add_argument("--repeats", type=int, default=3, help="runs per tool and size (median)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--child", choices=["autoviz", "ydata"], help=argparse.SUPPRESS)
    ap.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        doc = child_autoviz(args.csv) if args.child == "autoviz" else child_ydata(args.csv)
        print(json.dumps(doc), flush=True)
        return 0

    sizes = tuple(args.rows) if args.rows else SIZES
    ydata_py: Path | None = None
    ydata_problem = ""
    if not args.skip_ydata:
        try:
            ydata_py = ensure_ydata_venv()
        except (OSError, subprocess.CalledProcessError) as exc:
            ydata_problem = f"could not create {YDATA_VENV}: {exc}"
            print(f"[ydata] {ydata_problem}", file=sys.stderr)
    runs = []
    header = (
        f"{'rows':>10} {'tool':<8} {'seconds':>8} {'+html':>7} {'peak MB':>8} "
        f"{'import s':>8} {'import MB':>9}  notes"
    )
    with tempfile.TemporaryDirectory(prefix="autoviz-vs-ydata-") as tmp:
        print(header)
        for rows in sizes:
            csv = write_csv(rows, Path(tmp))
            row: dict[str, Any] = {"rows": rows, "columns": 12, "csv_mb": 0.0}
            row["csv_mb"] = round(csv.stat().st_size / 2**20, 1)
            tools = {"autoviz": Path(sys.executable)}
            if ydata_py is not None:
                tools["ydata"] = ydata_py
            seen: dict[str, list[dict[str, Any]]] = {tool: [] for tool in tools}
            for _ in range(args.repeats):  # the two tools take turns, so noise hits both
                for tool, python in tools.items():
                    conditions = quiet_start(f"vs_ydata {rows:,} rows: {tool}")
                    seen[tool].append({**run_child(python, tool, csv), "conditions": conditions})
            for tool, docs in seen.items():
                row[tool] = median_run(docs)
            for tool in ("autoviz", "ydata"):
                r = row.get(tool)
                if r is None:
                    continue
                if "error" in r:
                    print(f"{rows:>10,} {tool:<8} error: {r['error']}")
                    continue
                html = r.get("seconds_with_html", r["seconds"])
                note = f"{r.get('charts', '')} charts" if tool == "autoviz" else ""
                print(
                    f"{rows:>10,} {tool:<8} {r['seconds']:>8.2f} {html:>7.2f} "
                    f"{r['peak_rss_mb']:>8.0f} {r['import_s']:>8.2f} {r['import_rss_mb']:>9.0f}"
                    f"  {note}"
                )
            a, y = row.get("autoviz", {}), row.get("ydata", {})
            if "seconds" in a and "seconds" in y:
                row["speedup"] = _ratio(y["seconds"], a["seconds"])
                row["speedup_with_html"] = _ratio(y["seconds"], a["seconds_with_html"])
                row["memory_ratio"] = _ratio(y["peak_rss_mb"], a["peak_rss_with_html_mb"])
                print(
                    f"{'':>10} ydata/autoviz time x{row['speedup']} (x{row['speedup_with_html']} "
                    f"with AutoViz's HTML report), peak memory x{row['memory_ratio']}"
                )
            runs.append(row)
    doc = {
        "question": QUESTION,
        "python": sys.version.split()[0],
        "ydata_venv": str(YDATA_VENV.relative_to(REPO)),
        "ydata_problem": ydata_problem or None,
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(REPO))
    raise SystemExit(main())
