"""Fast, in-process scoring of answer questions (and of the own training questions).

The judges' scorer (../shared/eval/score/score_answers.py) runs the CLI once per question; this
harness plans and executes in one process with the model's adaptation off (it does not change
the answer step), and scores with the scorer's own matching functions, imported from its file,
so the figure is the same rule. Use it while working; report the scorer's own run.

  python -m bench.eval_answers                      # answers_dev
  python -m bench.eval_answers --cases FILE --show  # another file; print every miss
  python -m bench.eval_answers --engine --compare   # every table through the engine (SQL),
                                                    # each headline against the pandas run's
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

from bench.eval import SHARED, as_engine_file, dataset_spec

ANSWERS_DEV = SHARED / "eval" / "answers_dev.jsonl"
SCORER = SHARED / "eval" / "score" / "score_answers.py"


def scorer() -> Any:
    """The judges' scorer module (for its number and word matching)."""
    spec = importlib.util.spec_from_file_location("score_answers", SCORER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {SCORER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_case(case: dict[str, Any], cases_file: Path, settings: Any) -> dict[str, Any]:
    """Plan and execute one question; the result document the CLI would write."""
    from autoviz_core.pipeline import result_document, run_analysis

    spec = dataset_spec(case, cases_file)
    if not spec.startswith(("plotly:", "/")) and (cases_file.parent / spec).exists():
        spec = str(cases_file.parent / spec)  # "data/tips.csv" is relative to the cases file
    if settings.engine.route == "engine":
        spec = as_engine_file(spec, settings)  # a plotly sample as a Parquet file of its rows
    run = run_analysis(spec, case["question"], None, settings)
    return result_document(run, "none")


def score_case(sc: Any, case: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """The scorer's headline / said rule on one result document."""
    findings = doc.get("findings") or []
    said_txt = " ".join(f.get("text", "") for f in findings)
    head_txt = " ".join(f.get("text", "") for f in findings if f.get("headline"))
    if isinstance(doc.get("answer"), dict):
        head_txt += " " + json.dumps(doc["answer"], ensure_ascii=False)
    head_nums, said_nums = sc.numbers(head_txt), sc.numbers(said_txt)
    scored = head_ok = said_ok = 0
    for _name, v in case["answers"]:
        v = str(v).strip()
        try:
            float(v)
            is_num = True
        except ValueError:
            is_num = False
        if not is_num and (v.lower() in sc.VERDICT or len(v) > 40):
            continue
        scored += 1
        if is_num:
            h = sc.num_match(v, head_nums)
            s = h or sc.num_match(v, said_nums)
        else:

            def word(txt: str, v: str = v) -> bool:
                import re

                return re.search(r"\b" + re.escape(v.lower()) + r"\b", txt.lower()) is not None

            h = word(head_txt)
            s = h or word(said_txt)
        head_ok += h
        said_ok += s
    headline = next((f["text"] for f in findings if f.get("headline")), "")
    return {"scored": scored, "headline_ok": head_ok, "said": said_ok, "headline": headline}


def no_model_settings(engine: bool = False) -> Any:
    """The configured settings with the planner reading cues only and no adaptation; with
    `engine`, every table is analysed where it lives (SQL), as a table too big for memory is."""
    from autoviz_core.config import load_settings

    settings = load_settings()
    planner = settings.planner.model_copy(
        update={"intent_mode": "cues", "request_mode": "cues", "adapt_mode": "off"}
    )
    settings = settings.model_copy(update={"planner": planner})
    if engine:
        route = settings.engine.model_copy(update={"route": "engine"})
        settings = settings.model_copy(update={"engine": route})
    return settings


def read_cases(path: Path, ids: str = "") -> list[dict[str, Any]]:
    cases = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    wanted = set(ids.split(",")) if ids else None
    return [c for c in cases if wanted is None or c["id"] in wanted]


def evaluate_answers(
    cases_file: Path = ANSWERS_DEV, ids: str = "", show: bool = False, engine: bool = False
) -> dict[str, Any]:
    """Every case planned and executed in this process, scored with the judges' matching;
    the summary (headline and said case rates, per kind) with the rows."""
    settings, sc = no_model_settings(engine), scorer()
    rows = []
    t0 = time.perf_counter()
    for case in read_cases(cases_file, ids):
        try:
            doc = run_case(case, cases_file, settings)
            row = {"id": case["id"], "kind": case.get("kind", ""), **score_case(sc, case, doc)}
            row["answer_kind"] = (doc.get("answer") or {}).get("kind", "chart")
        except Exception as exc:  # a failed run counts as a miss, as in the scorer
            row = {"id": case["id"], "kind": case.get("kind", ""), "scored": 1, "headline_ok": 0,
                   "said": 0, "headline": f"ERROR {type(exc).__name__}: {exc}", "answer_kind": "error"}  # fmt: skip
        rows.append(row)
        if show and row["headline_ok"] != row["scored"]:
            print(f"MISS {row['id']} [{row['kind']} -> {row['answer_kind']}] {case['question']}\n"
                  f"     want {case['answers']}\n     got  {row['headline'][:230]}")  # fmt: skip
    scored = [r for r in rows if r["scored"]]
    by_kind: dict[str, list[int]] = {}
    for r in scored:
        by_kind.setdefault(r["kind"], [0, 0])
        by_kind[r["kind"]][0] += r["headline_ok"] == r["scored"]
        by_kind[r["kind"]][1] += 1

    def rate(key: str) -> float:
        return round(sum(r[key] == r["scored"] for r in scored) / max(1, len(scored)), 3)

    return {
        "cases": len(rows),
        "headline_case_rate": rate("headline_ok"),
        "said_case_rate": rate("said"),
        "failed_runs": sum(r["answer_kind"] == "error" for r in rows),
        "by_kind": {k: f"{a}/{b}" for k, (a, b) in sorted(by_kind.items())},
        "seconds": round(time.perf_counter() - t0, 1),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", type=Path, default=ANSWERS_DEV)
    ap.add_argument("--show", action="store_true", help="print each miss with its headline")
    ap.add_argument("--ids", default="", help="only these ids (comma separated)")
    ap.add_argument("--engine", action="store_true", help="every table through the engine (SQL)")
    ap.add_argument(
        "--compare", action="store_true", help="with --engine: list headlines unlike pandas'"
    )
    args = ap.parse_args(argv)
    summary = evaluate_answers(args.cases, args.ids, args.show, args.engine)
    rows = summary.pop("rows")
    if args.engine and args.compare:
        pandas_rows = evaluate_answers(args.cases, args.ids)["rows"]
        summary["headlines_unlike_pandas"] = [
            a["id"]
            for a, b in zip(rows, pandas_rows, strict=True)
            if a["headline"] != b["headline"]
        ]
    print(json.dumps(summary))
    return 0 if not math.isnan(summary["headline_case_rate"]) else 1


if __name__ == "__main__":
    sys.exit(main())
