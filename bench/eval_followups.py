"""Fast, in-process scoring of follow-up conversations with the judges' own turn rule.

The judges' scorer (../shared/eval/score/score_followups.py) runs the CLI once per turn; this
harness plans each turn in one process (cues only, no adaptation: it does not change the
request) and checks it with the scorer's `turn_ok` and its row comparison (imported from its
file). Use it while working; report the scorer's own run.

  python -m bench.eval_followups                       # followups_dev
  python -m bench.eval_followups --cases FILE --show   # another file; print every failed turn
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.eval import SHARED
from bench.eval_answers import no_model_settings, read_cases

FOLLOWUPS_DEV = SHARED / "eval" / "followups_dev.jsonl"
SCORER = SHARED / "eval" / "score" / "score_followups.py"
PYTHON = str(Path(sys.executable))


def scorer() -> Any:
    spec = importlib.util.spec_from_file_location("score_followups", SCORER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {SCORER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table_path(case: dict[str, Any], cases_file: Path) -> str:
    """The table's file: an evaluation set's, or a training table written once as CSV."""
    ds = case.get("dataset") or case["table"]
    if ds.startswith("shared:"):
        return str(SHARED / ds[len("shared:") :])
    if (cases_file.parent / ds).exists():
        return str(cases_file.parent / ds)
    return str(training_csv(ds))


def training_csv(name: str) -> Path:
    """A training table of bench/train/tables.py as a CSV (the row check reads files)."""
    from bench.train.tables import TABLES

    path = Path(tempfile.gettempdir()) / "autoviz-train-tables" / f"{name}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        TABLES[name]().to_csv(path, index=False)
    return path


def run_conversation(
    case: dict[str, Any], cases_file: Path, settings: Any, sc: Any
) -> dict[str, Any]:
    """Every turn planned (a follow-up of the turn before) and checked against its gold."""
    from autoviz_core.pipeline import result_document, run_analysis
    from autoviz_core.planning.followup import PreviousVersion

    data = table_path(case, cases_file)
    previous = None
    turns = []
    for turn in case["turns"]:
        try:
            run = run_analysis(data, turn["q"], None, settings, previous=previous)
            doc = result_document(run, "none")
            req = doc["request"]
            bad = sc.turn_ok(turn["gold"], req, lambda g, r: sc.rows_equal(PYTHON, data, g, r))
            previous = PreviousVersion.from_result(doc)
        except Exception as exc:
            req, bad = {}, [f"run failed: {type(exc).__name__}: {exc}"]
        turns.append({"q": turn["q"], "ok": not bad, "why": bad, "request": req})
        if req == {}:
            break
    ok = all(t["ok"] for t in turns) and len(turns) == len(case["turns"])
    return {"id": case["id"], "ok": ok, "turns": turns}


def evaluate_followups(
    cases_file: Path = FOLLOWUPS_DEV, ids: str = "", show: bool = False
) -> dict[str, Any]:
    settings, sc = no_model_settings(), scorer()
    t0 = time.perf_counter()
    rows = []
    for case in read_cases(cases_file, ids):
        row = run_conversation(case, cases_file, settings, sc)
        rows.append(row)
        if show and not row["ok"]:
            print(f"FAIL {row['id']}")
            for t in row["turns"]:
                mark = "  ok " if t["ok"] else "  BAD"
                shown = {k: v for k, v in t["request"].items() if k in ("chart", "x", "y", "agg", "color", "filters", "limit", "sort_dir", "time_grain") and v not in (None, [], "none", 0)}  # fmt: skip
                print(f"{mark} {t['q']!r}: {t['why']} {shown}")
    follow = [t for r in rows for t in r["turns"][1:]]
    return {
        "conversations": len(rows),
        "conversation_rate": round(sum(r["ok"] for r in rows) / max(1, len(rows)), 3),
        "first_turn_rate": round(sum(r["turns"][0]["ok"] for r in rows) / max(1, len(rows)), 3),
        "follow_up_turns": len(follow),
        "follow_up_rate": round(sum(t["ok"] for t in follow) / max(1, len(follow)), 3),
        "seconds": round(time.perf_counter() - t0, 1),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", type=Path, default=FOLLOWUPS_DEV)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--ids", default="")
    args = ap.parse_args(argv)
    summary = evaluate_followups(args.cases, args.ids, args.show)
    summary.pop("rows")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
