"""The plan changes a model without a grammar chooses among, by number.

A small model prompted for a JSON plan change almost never writes a valid one (gpt4all: 105 of
107 dev questions). Asked instead to name one of a few numbered options, it answers in one
token, and any number it names is a change the planner built and checked itself: leave out one
supporting step, or add one registry tool that serves the question, resolved and validated
exactly as the change would be applied (adaptation.apply_changes with the same check).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autoviz_core.contracts import NONE
from autoviz_core.plan import Plan, PlanStep
from autoviz_core.planning.adaptation import StepCheck, addable_tools, apply_changes
from autoviz_core.tools.registry import get_tool

KEEP = "Keep the plan as it is"
NOT_ASKED = "the model was not asked to adapt the plan"
NOTHING_TO_CHOOSE = "no change it could choose validates for this plan"


@dataclass(frozen=True)
class ChangeOption:
    """One numbered option: what the model is shown, and the change it stands for (one change
    in the adaptation contract's shape)."""

    label: str
    change: dict[str, Any]


def change_options(plan: Plan, check: StepCheck, limit: int) -> list[ChangeOption]:
    """At most `limit` valid changes of `plan`, in a fixed order: leave out each supporting step,
    then add each addable tool that `check` accepts (it must serve a part of the question and
    validate on this table) and that the plan does not already have."""
    removals = [
        ChangeOption(f"Leave out step {s.id} ({s.tool})", {"action": "remove", "step_id": s.id})
        for s in plan.steps
        if not (s.primary or s.answer)
    ]
    additions = []
    for tool in addable_tools():
        change = {"action": "add", "step_id": "new", "tool": tool, "params": []}
        outcome = apply_changes(plan, {"changes": [change]}, check)
        if outcome.applied:
            additions.append(ChangeOption(f"Add {step_words(outcome.plan.steps[-1])}", change))
    return [*removals, *additions][:limit]


def step_words(step: PlanStep) -> str:
    """A step as a small model reads it, briefly (the prompt's length is most of the call's
    time): the tool with the columns it reads, and what it does, to its first full stop."""
    spec = get_tool(step.tool)
    if spec is None:
        return step.tool
    columns = ", ".join(
        f"{name}={_value(step.params[name])}"
        for name in spec.column_params()
        if step.params.get(name) not in (None, [], "", NONE)
    )
    return f"{step.tool}({columns}): {spec.description.split('. ')[0].rstrip('.')}"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return str(value)
