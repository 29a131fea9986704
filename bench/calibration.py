"""Reliability of the planner's confidence: calibrated confidence against how often the best
reading is right, by bin, on each set of a bench.eval result (the table in bench/README.md).

    .venv/bin/python -m bench.eval --set all --mode cues --adapt off --fast --out /tmp/eval.json
    .venv/bin/python -m bench.calibration /tmp/eval.json

Right means: nvBench, the chart kind and its plotted data equal the gold's; the analysis sets,
the intent and the columns are right. The confidence is the one the planner acts on (below
request.CONFIDENT it offers its runners-up: "Did you mean").
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path
from typing import Any

BINS = (0.0, 0.5, 0.7, 0.85, 0.95, 1.0001)


def right(row: dict[str, Any]) -> bool:
    s = row["score"]
    if "data" in s:
        return bool(s["kind"] and s["data"])
    return bool(s["intent"] and s["columns"])


def table(rows: list[dict[str, Any]]) -> tuple[list[str], float]:
    """Markdown rows (bin, questions, mean confidence, share right) and the expected
    calibration error (the questions' weighted gap between confidence and accuracy)."""
    out, gap = [], 0.0
    for lo, hi in itertools.pairwise(BINS):
        cell = [r for r in rows if lo <= (r.get("confidence") or 0.0) < hi]
        if not cell:
            continue
        conf = sum(r["confidence"] or 0.0 for r in cell) / len(cell)
        acc = sum(right(r) for r in cell) / len(cell)
        gap += abs(conf - acc) * len(cell)
        out.append(f"| {lo:.2f}–{min(hi, 1.0):.2f} | {len(cell)} | {conf:.2f} | {acc:.2f} |")
    return out, gap / max(1, len(rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result", type=Path, help="a bench.eval --out JSON")
    args = ap.parse_args(argv)
    doc = json.loads(args.result.read_text(encoding="utf-8"))
    for name, part in doc.items():
        if not isinstance(part, dict) or "rows" not in part:
            continue
        rows = [r for r in part["rows"] if not r.get("failed")]
        lines, ece = table(rows)
        print(f"\n{name} ({len(rows)} questions, expected calibration error {ece:.3f})\n")
        print("| confidence | questions | mean confidence | right |")
        print("|---|---|---|---|")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
