"""Execution benchmark: a general-EDA plan on seeded synthetic tables of 10k, 100k and 1M rows.

Measured, never asserted. Prints rows / seconds / peak memory / largest chart payload and writes
bench/results/execution.json. Run: `.venv/bin/python bench/bench_execution.py [--rows N]`.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autoviz_core.plan import Plan, PlanStep  # noqa: E402
from autoviz_core.runtime import execute_plan  # noqa: E402
from autoviz_core.tools import ToolContext  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
RESULTS = REPO / "bench" / "results" / "execution.json"


def synthetic_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """12 columns shaped like an uploaded sales export: id, dates, categories, numerics, gaps."""
    rng = np.random.default_rng(seed)
    regions = np.array(["North", "South", "East", "West"])
    products = np.array([f"product_{i:03d}" for i in range(200)])
    channels = np.array(["web", "store", "phone"])
    units = rng.poisson(5, rows).astype("int64")
    price = rng.lognormal(3, 0.6, rows)
    discount = rng.uniform(0, 0.3, rows)
    discount[rng.random(rows) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "order_id": np.arange(1, rows + 1),
            "order_date": pd.Timestamp("2022-01-01")
            + pd.to_timedelta(rng.integers(0, 3 * 365, rows), unit="D"),
            "region": pd.array(regions[rng.integers(0, 4, rows)], dtype="str"),
            "product": pd.array(products[rng.integers(0, 200, rows)], dtype="str"),
            "channel": pd.array(channels[rng.integers(0, 3, rows)], dtype="str"),
            "customer_age": pd.array(rng.integers(18, 90, rows), dtype="Int64"),
            "units": units,
            "unit_price": price,
            "discount": discount,
            "revenue": units * price * (1 - np.nan_to_num(discount)),
            "rating": rng.integers(1, 6, rows).astype("float64"),
            "returned": rng.random(rows) < 0.04,
        }
    )


def eda_plan() -> Plan:
    """The steps a general-EDA template runs, plus the primary bar and a time line."""
    steps = [
        (
            "primary",
            "chart",
            {"kind": "bar", "x": "region", "y": "revenue", "agg": "sum", "sort_by": "y"},
        ),
        ("stats", "summary_stats", {}),
        ("missing", "missing_report", {}),
        ("hist", "histogram", {"column": "revenue"}),
        ("corr", "correlation_matrix", {}),
        ("bar_product", "chart", {"kind": "bar", "x": "product", "y": "revenue", "agg": "sum"}),
        (
            "line",
            "chart",
            {"kind": "line", "x": "order_date", "y": "revenue", "agg": "sum", "time_grain": "day"},
        ),
        ("scatter", "chart", {"kind": "scatter", "x": "unit_price", "y": "revenue"}),
        ("outliers", "iqr_outliers", {"column": "revenue"}),
        ("box", "box_by_group", {"column": "revenue", "group_by": "channel"}),
        (
            "drivers",
            "driver_ranking",
            {
                "target": "revenue",
                "columns": ["region", "channel", "units", "unit_price", "rating"],
            },
        ),
        ("anoms", "rolling_anomalies", {"date_column": "order_date", "metric": "revenue"}),
    ]
    return Plan(
        steps=[PlanStep(id=i, tool=t, params=p, primary=i == "primary") for i, t, p in steps]
    )


def peak_rss_mb() -> float:
    """Process-lifetime peak RSS (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(rows: int, *, trace_memory: bool = False) -> dict[str, Any]:
    """Build one table (not timed) and time the execution of the plan on it.

    tracemalloc roughly doubles run time, so it is opt-in; peak RSS is always reported.
    """
    df = synthetic_table(rows)
    ctx = ToolContext(max_chart_points=5000, seed=42)
    if trace_memory:
        tracemalloc.start()
    start = time.perf_counter()
    result = execute_plan(eda_plan(), df, ctx)
    seconds = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1] if trace_memory else 0
    tracemalloc.stop()
    points = [r.result.chart.points_sent for r in result.records if r.result and r.result.chart]
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "traced_peak_mb": round(traced_peak / 2**20, 1) if trace_memory else None,
        "max_points_sent": max(points, default=0),
        "errors": result.errors(),
        "step_ms": {r.step_id: round(r.duration_ms, 1) for r in result.records},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, help="run a single table size")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--trace-memory", action="store_true", help="also measure with tracemalloc")
    args = parser.parse_args(argv)
    sizes = (args.rows,) if args.rows else SIZES
    runs = []
    print(f"{'rows':>10} {'seconds':>8} {'peak RSS MB':>12} {'traced MB':>10} {'max points':>11}")
    from bench.conditions import quiet_start

    for rows in sizes:
        conditions = quiet_start(f"execution {rows:,} rows")
        r = {**run(rows, trace_memory=args.trace_memory), "conditions": conditions}
        runs.append(r)
        print(
            f"{r['rows']:>10,} {r['seconds']:>8.2f} {r['peak_rss_mb']:>12.0f} {r['traced_peak_mb'] or 0:>10.0f} {r['max_points_sent']:>11,}"
        )
        for err in r["errors"]:
            print(f"    error: {err}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    doc = {"python": platform.python_version(), "pandas": pd.__version__, "runs": runs}
    args.out.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
