"""The plan: an ordered list of tool calls. Shared by planner, executor, app and report."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

# A step reads the uploaded table unless its "input" names an earlier step's output.
DATA_INPUT = "data"


class PlanStep(BaseModel):
    """One call of a registry tool. Params are plain JSON values, already resolved."""

    id: str
    tool: str
    params: dict[str, Any] = Field(default_factory=dict)
    input: str = DATA_INPUT
    primary: bool = False
    note: str = ""


class Plan(BaseModel):
    """An ordered list of steps; step ids are unique."""

    steps: list[PlanStep] = Field(default_factory=list)

    def step(self, step_id: str) -> PlanStep | None:
        return next((s for s in self.steps if s.id == step_id), None)
