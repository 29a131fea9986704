"""How many plan changes the model proposes, and how many validate, per backend (counts, not timings).

  python -m bench.bench_adaptation                                   # both embedded backends
  python -m bench.bench_adaptation --backends smollm2-llamacpp --limit 5

Plans every question of the dev analysis sets with cues for intent and request and the model
adapting the plan (the default planner), and counts per backend: changes proposed, accepted
(validated and applied), rejected (with the reasons, grouped), plans the model left unchanged,
how often its rationale referred to the plan, the steps it added or changed that use a column
the question did not ask about (the case's gold columns), and the adaptation call's prompt and
answer tokens (what its latency is made of). Writes bench/results/adaptation.json.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.eval import ANALYSIS, RESULTS, SHARED, dataset_spec, read_cases

ANALYSIS2 = SHARED / "eval" / "analysis_questions_dev2.jsonl"
BACKENDS = ("smollm2-llamacpp", "smollm2-gpt4all")


def reason_kind(text: str) -> str:
    """A rejection reason without its particulars ("column 'x' does not exist" -> "... does not exist")."""
    text = re.sub(r"'[^']*'", "'…'", text.split(": ", 1)[-1])
    return re.sub(r"\d+", "N", text)[:90]


def plan_case(
    case: dict[str, Any], cases_file: Path, backend: Any, settings: Any
) -> dict[str, Any]:
    from autoviz_core.data import profile_table
    from autoviz_core.pipeline import load_dataset
    from autoviz_core.planning.adaptation import NO_CHANGE
    from autoviz_core.planning.planned import PlanningTable
    from autoviz_core.planning.planner import Planner

    table = load_dataset(dataset_spec(case, cases_file), settings)
    profile = profile_table(table.df)
    planned = Planner(settings.planner, backend).plan(
        case["question"], PlanningTable(table.df, profile)
    )
    rejected = [n.message for n in planned.notes if n.step_id == "adapt" and n.level == "rejected"]
    counts = planned.diff.model_changes or {"proposed": 0, "accepted": 0, "rejected": 0}
    rationale = planned.diff.rationale
    call = next((c for c in planned.model_calls if c.stage == "adapt"), None)
    return {
        "id": case["id"],
        **counts,
        "off_question": off_question_steps(planned.plan, case, set(table.df.columns)),
        "prompt_tokens": (call.timings.get("prompt_tokens", 0.0) if call else 0.0),
        "completion_tokens": (call.timings.get("completion_tokens", 0.0) if call else 0.0),
        "rejections": rejected,
        "rationale_shown": bool(counts["accepted"]) and not rationale.startswith("The model"),
        "no_change": rationale == NO_CHANGE,
        # every attempt failed validation (or timed out): the template plan stood
        "no_valid_answer": any(c.stage == "adapt" and c.error for c in planned.model_calls),
    }


def off_question_steps(plan: Any, case: dict[str, Any], table_columns: set[str]) -> int:
    """Steps the model added or changed that use a column the question did not ask about.

    The dev cases name the columns each question is about (`gold.columns`); an overview names
    none and is about every column, so it never counts. This is the analyst's "steps about
    columns nobody asked about", counted for the model's changes only.
    """
    asked = set(case.get("gold", {}).get("columns") or [])
    if not asked:
        return 0
    count = 0
    for step in plan.steps:
        if step.origin not in ("model_added", "model_changed"):
            continue
        used = {v for v in _param_values(step.params) if v in table_columns}
        count += bool(used - asked)
    return count


def _param_values(params: dict[str, Any]) -> list[str]:
    values: list[str] = []
    for value in params.values():
        values += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return values


def merged_with_earlier(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A run of some backends keeps the other backends' earlier results in the file."""
    path = RESULTS / "adaptation.json"
    earlier = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    fresh = {r["backend"] for r in results}
    return [r for r in earlier if r.get("backend") not in fresh] + results


def run_backend(
    name: str, cases: list[tuple[dict[str, Any], Path]], settings: Any
) -> dict[str, Any]:
    from autoviz_core.llm.factory import create_backend

    backend = create_backend(name, settings)
    rows, errors = [], []
    started = time.perf_counter()
    try:
        for case, path in cases:
            try:
                rows.append(plan_case(case, path, backend, settings))
            except Exception as exc:  # a failed model call is counted, not hidden
                errors.append(f"{case['id']}: {type(exc).__name__}: {exc}"[:200])
    finally:
        backend.close()
    reasons = Counter(reason_kind(r) for row in rows for r in row["rejections"])
    return {
        "backend": name,
        "cases": len(cases),
        "planned": len(rows),
        "failed_calls": len(errors),
        "proposed": sum(r["proposed"] for r in rows),
        "accepted": sum(r["accepted"] for r in rows),
        "rejected": sum(r["rejected"] for r in rows),
        "plans_changed": sum(1 for r in rows if r["accepted"]),
        "plans_no_change": sum(1 for r in rows if r["no_change"]),
        "plans_no_valid_answer": sum(1 for r in rows if r["no_valid_answer"]),
        "rationale_shown": sum(1 for r in rows if r["rationale_shown"]),
        "off_question_steps": sum(r["off_question"] for r in rows),
        "prompt_tokens": _median([r["prompt_tokens"] for r in rows]),
        "completion_tokens": _median([r["completion_tokens"] for r in rows]),
        "completion_tokens_p95": _p95([r["completion_tokens"] for r in rows]),
        "rejection_reasons": reasons.most_common(8),
        "errors": errors[:10],
        "wall_s": round(time.perf_counter() - started, 1),
        "rows": rows,
    }


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return float(values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    from autoviz_core.config import load_settings

    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--backends", nargs="+", default=list(BACKENDS))
    ap.add_argument("--limit", type=int, default=None, help="first N cases of each set")
    args = ap.parse_args(argv)
    settings = load_settings()
    planner = settings.planner.model_copy(
        update={"intent_mode": "cues", "request_mode": "cues", "adapt_mode": "model"}
    )
    settings = settings.model_copy(update={"planner": planner})
    cases = [(c, ANALYSIS) for c in read_cases(ANALYSIS, args.limit)]
    cases += [(c, ANALYSIS2) for c in read_cases(ANALYSIS2, args.limit)]
    results = [run_backend(name, cases, settings) for name in args.backends]
    print(
        "| backend | cases | proposed | accepted | rejected | plans changed | no change "
        "| no valid answer | rationale shown | plans that raised | off-question steps "
        "| prompt tokens (median) | answer tokens (median / p95) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['backend']} | {r['planned']} | {r['proposed']} | {r['accepted']} | {r['rejected']} "
            f"| {r['plans_changed']} | {r['plans_no_change']} | {r['plans_no_valid_answer']} "
            f"| {r['rationale_shown']} | {r['failed_calls']} | {r['off_question_steps']} "
            f"| {r['prompt_tokens']:.0f} | {r['completion_tokens']:.0f} / {r['completion_tokens_p95']:.0f} |"
        )
        for reason, n in r["rejection_reasons"]:
            print(f"    {n:>3} rejected: {reason}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = merged_with_earlier(results)
    (RESULTS / "adaptation.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
