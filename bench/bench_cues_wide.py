"""Cues-mode planning latency on a wide table (issue #12: <= 50 ms per question, 200 columns).

    .venv/bin/python -m bench.bench_cues_wide [--columns 200] [--repeats 3]

A seeded table of `--columns` columns (numeric measures, categories, a date, ids) with realistic
multi-word names; 24 questions name some of them the ways people do (abbreviations, typos,
group words, filters). Times question -> validated plan with no model (cues for intent and
request, adaptation off), warm: the first question is run once before timing. Prints p50/p95
and writes bench/results/cues_wide.json. Measured, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
WORDS = [
    "revenue",
    "cost",
    "units",
    "price",
    "discount",
    "margin",
    "visits",
    "sessions",
    "clicks",
    "orders",
    "returns",
    "refunds",
    "weight",
    "height",
    "age",
    "score",
    "rating",
    "temperature",
    "pressure",
    "humidity",
    "speed",
    "distance",
    "duration",
    "quantity",
    "volume",
    "balance",
    "income",
    "salary",
    "bonus",
    "tax",
    "fee",
]
GROUPS = [
    "region",
    "store",
    "channel",
    "segment",
    "category",
    "department",
    "team",
    "city",
    "country",
    "product",
]


def wide_table(columns: int, rows: int = 2000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {"order_date": pd.date_range("2023-01-01", periods=rows, freq="h")}
    i = 0
    while len(data) < columns:
        if i % 5 == 4:
            name = f"{GROUPS[i % len(GROUPS)]}_{i}"
            data[name] = rng.choice([f"g{k}" for k in range(8)], rows)
        else:
            name = f"{WORDS[i % len(WORDS)]}_{'total' if i % 3 else 'avg'}_{i}"
            data[name] = rng.gamma(2.0, 10.0, rows).round(2)
        i += 1
    return pd.DataFrame(data)


def questions(df: pd.DataFrame) -> list[str]:
    cols = list(df.columns)
    nums = [c for c in cols if df[c].dtype.kind == "f"]
    cats = [c for c in cols if df[c].dtype == object or str(df[c].dtype).startswith("str")]
    out = []
    for k in range(24):
        m, g = nums[(k * 7) % len(nums)], cats[(k * 3) % len(cats)]
        words_m, words_g = m.replace("_", " "), g.replace("_", " ")
        out.append(
            [
                f"average {words_m} by {words_g}",
                f"total {words_m} per {words_g}, top 5",
                f"how many rows for each {words_g}",
                f"monthly {words_m} trend",
                f"is {words_m} related to {nums[(k * 5 + 1) % len(nums)].replace('_', ' ')}?",
                f"distribution of {words_m}",
            ][k % 6]
        )
    return out


def main(argv: list[str] | None = None) -> int:
    from autoviz_core.config import PlannerSettings
    from autoviz_core.data import profile_table
    from autoviz_core.planning.planned import PlanningTable
    from autoviz_core.planning.planner import Planner
    from bench.conditions import quiet_start

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--columns", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    df = wide_table(args.columns)
    profile = profile_table(df)
    settings = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
    qs = questions(df)
    Planner(settings, None).plan(
        qs[0], PlanningTable(df, profile)
    )  # warm: lexicon, value index, caches
    conditions = quiet_start(f"cues planning, {args.columns} columns")
    times = []
    for _ in range(args.repeats):
        for q in qs:
            t0 = time.perf_counter()
            Planner(settings, None).plan(q, PlanningTable(df, profile))
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    out = {
        "columns": args.columns,
        "questions": len(qs) * args.repeats,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "conditions": conditions,
    }
    print(json.dumps(out, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cues_wide.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
