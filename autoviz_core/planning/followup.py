"""Follow-up questions: read "only for females" or "as a line chart" against the current request.

A follow-up changes only what it mentions: filters are added to the earlier ones (a new value
on an already filtered column replaces the old value), and chart kind, grouping, colour, value,
aggregation, grain, sort and top-N change only when named. The person's edits to the previous
version are kept (planning/carry.py). Cues decide; when they find nothing to change, the follow-up is planned as a
new question worded with the previous one (the planner asks the model where config says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from autoviz_core.contracts import NONE, AnalysisRequest, RequestFilter
from autoviz_core.data.derived import Derived
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.plan import Plan, PlanStep
from autoviz_core.planning.carry import KeptEdit
from autoviz_core.planning.derive import read_question
from autoviz_core.planning.diff import PlanDiff
from autoviz_core.planning.edits import (
    already_shown,
    apply_edits,
    chosen_edits,
    edit_evidence,
    read_edits,
)
from autoviz_core.planning.planned import PRIMARY_ID, PlannedAnalysis
from autoviz_core.planning.weights import load_weights
from autoviz_core.wording import AGG_NOUNS, CHART_NAMES, FILTER_OP_WORDS, said


def value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " and ".join(value_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe_filter(f: RequestFilter | dict[str, Any]) -> str:
    """'sex is Female', 'size is above 2'."""
    data = f.model_dump() if isinstance(f, RequestFilter) else dict(f)
    op = said(FILTER_OP_WORDS, data.get("op"))
    return f"{data.get('column')} {op} {value_text(data.get('value'))}"


def _field_words(req: AnalysisRequest, name: str) -> str:
    value = getattr(req, name, None)
    if name == "chart":
        return said(CHART_NAMES, value)
    if name == "agg":
        return said(AGG_NOUNS, value)
    if name == "limit":
        return "all" if not value else f"the first {value}"
    if name == "sort":
        if req.sort_by == NONE:
            return "not sorted"
        first = "highest first" if req.sort_dir == "desc" else "lowest first"
        return f"by {'value' if req.sort_by == 'y' else 'label'}, {first}"
    if name == "time_grain":
        return "no time period" if value in (None, NONE) else f"per {value}"
    return "nothing" if value in (None, NONE, "") else str(value)


FIELD_LABELS = {
    "chart": "Chart",
    "x": "Grouped by",
    "y": "Value",
    "agg": "Combined as",
    "color": "Split by colour",
    "time_grain": "Time period",
    "sort": "Order",
    "limit": "Shown",
}


def request_changes(before: AnalysisRequest, after: AnalysisRequest) -> list[str]:
    """What changed between two requests, in plain words (filters first)."""
    out: list[str] = []
    old = {(f.column, f.op, str(f.value)): f for f in before.filters}
    new = {(f.column, f.op, str(f.value)): f for f in after.filters}
    gone = {f.column: f for k, f in old.items() if k not in new}
    for key, f in new.items():
        if key in old:
            continue
        if f.column in gone:
            earlier = describe_filter(gone.pop(f.column))
            out.append(f"Changed the filter: {describe_filter(f)} (was {earlier})")
        else:
            out.append(f"Added the filter: {describe_filter(f)}")
    out += [f"Removed the filter: {describe_filter(g)}" for g in gone.values()]
    kept = [f for k, f in old.items() if k in new]
    if kept and len(new) > len(kept):
        out.append("Kept the earlier filter: " + "; ".join(describe_filter(f) for f in kept))
    for name in ("chart", "x", "y", "agg", "color", "time_grain", "sort", "limit"):
        if name == "sort":
            same = (before.sort_by, before.sort_dir) == (after.sort_by, after.sort_dir)
        else:
            same = getattr(before, name) == getattr(after, name)
        if not same:
            out.append(
                f"{FIELD_LABELS[name]}: {_field_words(after, name)} "
                f"(was {_field_words(before, name)})"
            )
    return out


# ---------------------------------------------------------------- the request of a plan
def request_from_step(params: dict[str, Any], fallback: AnalysisRequest) -> AnalysisRequest:
    """The request a primary chart step draws (its parameters as the person left them)."""
    data = fallback.model_dump()
    mapping = {"kind": "chart", **{k: k for k in data if k != "chart"}}
    for key, value in params.items():
        if key in mapping and key != "rationale":
            data[mapping[key]] = value
    for key in ("x", "y", "color"):
        if data.get(key) == NONE:
            data[key] = None
    data["filters"] = [f for f in data.get("filters") or [] if isinstance(f, dict | RequestFilter)]
    try:
        return AnalysisRequest.model_validate(data)
    except ValueError:
        return fallback.model_copy(deep=True)


def request_from_plan(plan: Plan, fallback: AnalysisRequest) -> AnalysisRequest:
    primary = next((s for s in plan.steps if s.primary or s.id == PRIMARY_ID), None)
    return request_from_step(primary.params, fallback) if primary else fallback.model_copy()


# ---------------------------------------------------------------- reading a follow-up
@dataclass
class FollowUpReading:
    """The changed request, what changed in words, and whether the cues found any change."""

    request: AnalysisRequest
    changes: list[str] = field(default_factory=list)
    understood: bool = False


def read_follow_up(
    question: str,
    current: AnalysisRequest,
    profile: SchemaProfile,
    df: pd.DataFrame | None = None,
) -> FollowUpReading:
    """Change `current` only where the follow-up `question` says so: its candidate edits are
    scored by the fitted edit model (planning/edits.py) and the likely ones are made."""
    cues = read_question(question, profile, df, previous=current).cues
    scored = read_edits(edit_evidence(cues, current, profile), load_weights().get("edits", {}))
    edits = chosen_edits(scored)
    req = apply_edits(current, edits, profile)
    changes = request_changes(current, req)
    understood = bool(edits) or already_shown(cues, current)
    if not changes and cues.filters:
        changes = ["No change: " + "; ".join(describe_filter(f) for f in cues.filters)]
    return FollowUpReading(req, changes, understood)


# ---------------------------------------------------------------- planning a follow-up
@dataclass
class PreviousVersion:
    """The version a follow-up is asked of: its question, intent, and plan as the person left it."""

    question: str
    intent: str
    request: AnalysisRequest  # the primary chart's request, edits included
    plan: Plan  # as the person left it
    planned_plan: Plan | None = None  # as the planner proposed it; None = no edits known

    @classmethod
    def from_result(cls, doc: dict[str, Any]) -> PreviousVersion:
        """From a result JSON (the CLI's --json output)."""
        steps = [
            PlanStep(
                id=s["id"],
                tool=s["tool"],
                params=dict(s.get("params") or {}),
                primary=s["id"] == PRIMARY_ID,
            )
            for s in (doc.get("plan") or {}).get("steps", [])
        ]
        request = AnalysisRequest.model_validate(doc.get("request") or {})
        derived = [Derived.model_validate(d) for d in (doc.get("plan") or {}).get("derived", [])]
        plan = Plan(steps=steps, derived=derived)
        return cls(str(doc.get("question", "")), str(doc.get("intent", "")), request, plan)


@dataclass
class FollowUpPlan:
    """A new plan version: the planned analysis, how the follow-up was read, edits kept, diff."""

    planned: PlannedAnalysis
    reading: FollowUpReading
    kept_edits: list[KeptEdit]
    version_diff: PlanDiff

    def summary(self) -> dict[str, Any]:
        return {
            "understood": self.reading.understood,
            "changes": self.reading.changes,
            "kept_edits": [k.text() for k in self.kept_edits],
        }


def follow_up_question(previous: str, follow_up: str) -> str:
    """The question a follow-up version answers, read as one: 'Q — only for females'."""
    return f"{previous.rstrip()} — {follow_up.strip()}" if previous.strip() else follow_up.strip()
