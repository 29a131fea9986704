"""Apply the model's proposed plan changes (add / remove / modify) to a template plan.

The model only names registry tools, template step ids and parameter names (its grammar
allows nothing else); values arrive as strings and are converted and checked later by
validation. Changes that make no sense are skipped with a reason, never applied blindly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from autoviz_core.contracts import NONE, RATIONALE_MAX_CHARS, adaptation_contract
from autoviz_core.plan import Plan, PlanStep
from autoviz_core.tools.registry import all_tools, get_tool

ADDABLE_FAMILIES = (
    "stats",
    "distributions",
    "relationships",
    "anomalies",
    "comparison",
    "timeseries",
)


# Parameters the model may not set: filters come from the question, never from the model.
NOT_ADAPTABLE = frozenset({"filters"})
NO_CHANGE = "The model proposed no change."
# Checks a changed or added step: the step made valid, or None and the reason it is not.
StepCheck = Callable[[PlanStep], tuple[PlanStep | None, str]]


@dataclass
class AdaptationOutcome:
    """The adapted plan and what happened to each proposed change."""

    plan: Plan
    applied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rationale: str = ""  # the reasons of the applied changes, joined
    proposed: int = 0
    before: Plan | None = None

    def review_rationale(self) -> str:
        """What a reviewer is shown: the model's reason only when it talks about this plan."""
        if not self.applied:
            return NO_CHANGE
        plans = [p for p in (self.before, self.plan) if p is not None]
        if self.rationale and any(refers_to_plan(self.rationale, p) for p in plans):
            return self.rationale
        return "The model gave no reason that refers to the plan."


def refers_to_plan(text: str, plan: Plan) -> bool:
    """Whether a rationale names something in the plan: a step, a tool or a column it uses."""
    words = set(re.findall(r"[a-z0-9_]+", text.lower()))
    names: set[str] = set()
    for step in plan.steps:
        if not step.primary:  # "answer" is an ordinary word, not a reference to the plan
            names |= {step.id.lower(), step.tool.lower(), *step.tool.lower().split("_")}
        names |= {str(v).lower() for v in step.params.values() if isinstance(v, str)}
    names -= {"auto", "none", "true", "false", "both", "data", "list", "answer"}
    return bool({w for w in words if len(w) > 2} & names)


def addable_tools() -> list[str]:
    """Tools the model may add: analysis tools, not the raw transforms or the primary chart."""
    return [t.name for t in all_tools() if t.family in ADDABLE_FAMILIES]


def adaptable_param_names(tools: list[str]) -> list[str]:
    names: set[str] = set()
    for name in tools:
        spec = get_tool(name)
        if spec:
            names |= set(spec.params_model.model_fields)
    return sorted(names - NOT_ADAPTABLE)


def contract_for(plan: Plan) -> type[BaseModel]:
    """The adaptation contract for this plan: its step ids, addable tools, their parameter names."""
    step_ids = [s.id for s in plan.steps if not (s.primary or s.answer)]
    tools = addable_tools()
    used = sorted({s.tool for s in plan.steps} | set(tools))
    return adaptation_contract(step_ids or ["none"], tools, adaptable_param_names(used))


def _admit(
    step: PlanStep,
    proposed: dict[str, Any],
    others: list[PlanStep],
    check: StepCheck | None,
    repeats: str,
) -> tuple[PlanStep | None, str]:
    """A changed or added step as validated, or None and why it is refused: `proposed`
    parameters its tool does not have, a failed check, or a repeat of one of `others` (said
    as `repeats` and the other step's id)."""
    foreign = _foreign_params(step.tool, proposed)
    if foreign:
        return None, foreign
    valid, why = (step, "") if check is None else check(step)
    if valid is None:
        return None, why
    twin = _same_step(valid, others)
    if twin:
        return None, f"{repeats} {twin!r}"
    return valid, ""


def apply_changes(
    plan: Plan, proposal: BaseModel | dict[str, Any], check: StepCheck | None = None
) -> AdaptationOutcome:
    """Apply add/remove/modify changes in order; the primary step and the answer step are never
    removed or changed.

    With `check`, a modified or added step is kept only if it validates; otherwise the change
    is skipped with the reason and the step stays as it was, so a bad change never costs a
    good step.
    """
    data = proposal.model_dump() if isinstance(proposal, BaseModel) else dict(proposal)
    steps = [s.model_copy(deep=True) for s in plan.steps]
    out = AdaptationOutcome(plan=plan, before=plan)
    reasons: list[str] = []
    changes = data.get("changes") or []
    if not isinstance(changes, list):
        out.skipped.append("changes is not a list")
        changes = []
    out.proposed = len(changes[:10])
    added = 0
    for i, change in enumerate(changes[:10]):
        if not isinstance(change, dict):
            out.skipped.append(f"change {i + 1}: not an object")
            continue
        action, step_id = change.get("action"), change.get("step_id")
        params = _params(change.get("params"))
        target = next((s for s in steps if s.id == step_id), None)
        if action == "remove":
            if target is None or target.primary or target.answer:
                out.skipped.append(f"remove {step_id!r}: no such removable step")
                continue
            steps.remove(target)
            out.applied.append(f"removed step {step_id!r}")
            reasons.append(_reason(change))
        elif action == "modify":
            if target is None or target.primary or target.answer or not params:
                out.skipped.append(f"modify {step_id!r}: no such step or no parameters")
                continue
            changed = target.model_copy(
                update={
                    "params": {**target.params, **params},
                    "origin": "model_changed",
                    "note": "",
                }
            )
            others = [s for s in steps if s is not target]
            valid, why = _admit(changed, params, others, check, "it would repeat step")
            if valid is None:
                out.skipped.append(f"modify {step_id!r}: {why}")
                continue
            steps[steps.index(target)] = valid
            out.applied.append(f"modified {step_id!r}: {params}")
            reasons.append(_reason(change))
        elif action == "add":
            tool = change.get("tool")
            if tool in (None, NONE) or tool not in addable_tools():
                out.skipped.append(f"add: {tool!r} is not a tool that can be added")
                continue
            new_id = _new_id(tool, {s.id for s in steps})
            new = PlanStep(id=new_id, tool=tool, params=params, origin="model_added")
            valid, why = _admit(new, params, steps, check, "the plan already has it as step")
            if valid is None:
                out.skipped.append(f"add {tool}: {why}")
                continue
            added += 1
            steps.append(valid)
            out.applied.append(f"added step {new_id!r} ({tool})")
            reasons.append(_reason(change))
        else:
            out.skipped.append(f"change {i + 1}: unknown action {action!r}")
    out.plan = Plan(steps=steps)
    out.rationale = "; ".join(dict.fromkeys(r for r in reasons if r))[:RATIONALE_MAX_CHARS]
    return out


def _reason(change: dict[str, Any]) -> str:
    """A change's own reason, one line (the contract bounds it; a plain dict may not)."""
    return " ".join(str(change.get("reason") or "").split())


def _foreign_params(tool: str, params: dict[str, Any]) -> str:
    """Why a change's parameters do not fit its tool, or "".

    The grammar lets the model name any tool's parameter; one the tool does not have means the
    model did not know what it was asking for. Validation would drop it and fill the step with
    defaults, and the report would show a step nobody specified, so the change is refused.
    """
    spec = get_tool(tool)
    foreign = spec.unknown_params(params) if spec else sorted(params)
    if not foreign:
        return ""
    return f"{', '.join(repr(n) for n in foreign)} is not a parameter of {tool}"


def _same_step(step: PlanStep, steps: list[PlanStep]) -> str:
    """The id of a step in `steps` that runs the same tool with the same parameters, or "".

    A small model often "adds" a tool the plan already has; once resolved and validated it is
    the same step again, and a report would show the same chart twice.
    """
    for other in steps:
        if other.tool == step.tool and other.params == step.params and other.input == step.input:
            return other.id
    return ""


def _params(raw: Any) -> dict[str, Any]:
    """[{name, value}] (the contract's shape) or a plain mapping -> a dict."""
    if isinstance(raw, dict):
        return dict(raw)
    out: dict[str, Any] = {}
    if isinstance(raw, list):
        for item in raw[:10]:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                out[item["name"]] = item.get("value")
    return out


def _new_id(tool: str, taken: set[str]) -> str:
    k = 1
    while f"added_{tool}_{k}" in taken:
        k += 1
    return f"added_{tool}_{k}"
