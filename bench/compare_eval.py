"""Compare two bench.eval result files case by case: which cases changed score, and how.

  python -m bench.compare_eval BEFORE.json AFTER.json

"Every dev figure unchanged case by case" is checked with this: it lists each case whose score
(or, with --requests, whose request) differs, per set, and exits 1 when any score changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--requests", action="store_true", help="also list changed requests")
    args = ap.parse_args(argv)
    a = json.loads(args.before.read_text(encoding="utf-8"))
    b = json.loads(args.after.read_text(encoding="utf-8"))
    changed = 0
    for name in ("nvbench_train", "nvbench", "analysis", "analysis2"):
        if name not in a or name not in b:
            continue
        rows_a = {r["id"]: r for r in a[name]["rows"]}
        rows_b = {r["id"]: r for r in b[name]["rows"]}
        for case_id, ra in rows_a.items():
            rb = rows_b.get(case_id)
            if rb is None:
                continue
            keys = ("score", "intent", "failed") + (("request",) if args.requests else ())
            diffs = [k for k in keys if ra.get(k) != rb.get(k)]
            if not diffs:
                continue
            changed += "score" in diffs or "failed" in diffs
            print(
                f"{name} {case_id}: " + "; ".join(f"{k} {ra.get(k)} -> {rb.get(k)}" for k in diffs)
            )
    print(f"{changed} case(s) changed score")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
