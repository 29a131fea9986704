"""The plan: an ordered list of tool calls. Shared by planner, executor, app and report."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from autoviz_core.data.derived import Derived, used_derived
from autoviz_core.vocabulary import StepOrigin
from autoviz_core.wording import STEP_ORIGIN_NOTES

# A step reads the uploaded table unless its "input" names an earlier step's output.
DATA_INPUT = "data"


class PlanStep(BaseModel):
    """One call of a registry tool. Params are plain JSON values, already resolved."""

    id: str
    tool: str
    params: dict[str, Any] = Field(default_factory=dict)
    input: str = DATA_INPUT
    primary: bool = False
    answer: bool = False  # computes the value the question asks for (stated first)
    origin: StepOrigin = "template"
    note: str = ""  # the resolver's reasons for what it filled in
    supports: str = ""  # the part of the question it serves (vocabulary.QUESTION_PARTS)

    def why(self) -> str:
        """Where the step came from and the resolver's reasons, as one note."""
        return "; ".join(part for part in (STEP_ORIGIN_NOTES[self.origin], self.note) if part)


class Plan(BaseModel):
    """An ordered list of steps; step ids are unique."""

    steps: list[PlanStep] = Field(default_factory=list)
    # measures computed from two columns before the steps run ("cost as a % of revenue")
    derived: list[Derived] = Field(default_factory=list)

    def step(self, step_id: str) -> PlanStep | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def named_strings(self) -> set[str]:
        """Every string in the steps' parameters (the columns they read, among others)."""
        out: set[str] = set()
        stack: list[Any] = [s.params for s in self.steps]
        while stack:
            v = stack.pop()
            if isinstance(v, str):
                out.add(v)
            elif isinstance(v, dict):
                stack.extend(v.values())
            elif isinstance(v, list):
                stack.extend(v)
        return out

    def with_derived(self, derived: list[Derived]) -> Plan:
        """This plan carrying the derivations its steps use (and no others)."""
        return self.model_copy(update={"derived": used_derived(derived, self.named_strings())})
