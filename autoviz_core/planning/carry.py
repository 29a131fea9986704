"""The person's edits of one version carried into the next: a follow-up plans a new version,
and the parameters they changed, the steps they added and the steps they removed stay so."""

from __future__ import annotations

from dataclasses import dataclass

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.planning.planned import PRIMARY_ID


@dataclass(frozen=True)
class KeptEdit:
    """One edit of the person's carried into the next version."""

    kind: str  # "changed" | "added" | "removed"
    step: PlanStep  # the step as it is now (for "removed": as it was)
    params: tuple[str, ...] = ()  # the parameters they changed ("changed" only)

    def text(self) -> str:
        if self.kind == "changed":
            return f"Kept your change to step {self.step.id!r}: {', '.join(self.params)}"
        if self.kind == "added":
            return f"Kept the step you added: {self.step.id!r}"
        return f"Left out step {self.step.id!r}, as you removed it before"


def carry_edits(planned: Plan, edited: Plan, new: Plan) -> tuple[Plan, list[KeptEdit]]:
    """Apply to `new` what the person changed between `planned` and `edited`.

    Parameters changed on a supporting step are set on the step with the same id and tool in
    the new plan; steps the person added are appended; steps they removed stay removed. The
    primary chart is left alone: its edits are already in the request the follow-up read.
    """
    before = {s.id: s for s in planned.steps}
    after = {s.id: s for s in edited.steps}
    kept: list[KeptEdit] = []
    steps: list[PlanStep] = []
    for step in new.steps:
        if step.primary or step.id == PRIMARY_ID:
            steps.append(step)
            continue
        if step.id in before and step.id not in after:
            kept.append(KeptEdit("removed", before[step.id]))
            continue
        old, mine = before.get(step.id), after.get(step.id)
        if old is not None and mine is not None and old.tool == mine.tool == step.tool:
            edits = {
                k: v for k, v in mine.params.items() if old.params.get(k) != v and k in step.params
            }
            if edits:
                step = step.model_copy(update={"params": {**step.params, **edits}}, deep=True)
                kept.append(KeptEdit("changed", step, tuple(sorted(edits))))
        steps.append(step)
    taken = {s.id for s in steps}
    for step in edited.steps:
        if step.id not in before and step.id not in taken and not step.primary:
            steps.append(step.model_copy(deep=True))
            kept.append(KeptEdit("added", step))
    return Plan(steps=steps), kept
