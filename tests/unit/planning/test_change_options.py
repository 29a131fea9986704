"""The plan changes offered to a model without a grammar: each one applies as offered (the same
check as the model's own changes), the primary and answer steps are never offered for removal,
and the list is bounded."""

from __future__ import annotations

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.planning.adaptation import StepCheck, addable_tools, apply_changes
from autoviz_core.planning.change_options import change_options, step_words

PLAN = Plan(
    steps=[
        PlanStep(id="answer", tool="chart", params={"kind": "bar", "x": "day"}, primary=True),
        PlanStep(id="value", tool="answer_statistic", params={"column": "tip"}, answer=True),
        PlanStep(id="spread", tool="box_by_group", params={"column": "tip", "group_by": "day"}),
        PlanStep(id="counts", tool="value_counts", params={"column": "day"}),
    ]
)


def accept_all(step: PlanStep) -> tuple[PlanStep | None, str]:
    return step, ""


def only(tool: str) -> StepCheck:
    def check(step: PlanStep) -> tuple[PlanStep | None, str]:
        return (step, "") if step.tool == tool else (None, "not this one")

    return check


def test_supporting_steps_can_be_left_out_never_the_answer() -> None:
    options = change_options(PLAN, only("none of them"), limit=8)
    assert [o.change for o in options] == [
        {"action": "remove", "step_id": "spread"},
        {"action": "remove", "step_id": "counts"},
    ]
    assert options[0].label == "Leave out step spread (box_by_group)"


def test_additions_are_the_tools_the_check_accepts_and_apply_as_offered() -> None:
    options = change_options(PLAN, only("histogram"), limit=8)
    added = [o for o in options if o.change["action"] == "add"]
    assert [o.change["tool"] for o in added] == ["histogram"]
    outcome = apply_changes(PLAN, {"changes": [added[0].change]}, only("histogram"))
    assert outcome.applied and outcome.plan.steps[-1].tool == "histogram"
    assert added[0].label.startswith("Add histogram(")


def test_a_tool_the_plan_already_runs_the_same_way_is_not_offered() -> None:
    options = change_options(PLAN, accept_all, limit=20)
    added = [o.change["tool"] for o in options if o.change["action"] == "add"]
    assert added == addable_tools()  # value_counts without parameters is not the plan's step
    twin = Plan(steps=[*PLAN.steps, PlanStep(id="h", tool="histogram", params={})])
    again = [o.change.get("tool") for o in change_options(twin, accept_all, limit=20)]
    assert "histogram" not in again


def test_the_list_is_bounded() -> None:
    assert len(change_options(PLAN, accept_all, limit=5)) == 5


def test_a_step_reads_as_its_tool_columns_and_what_it_does() -> None:
    step = PlanStep(id="s", tool="box_by_group", params={"column": "tip", "group_by": "day"})
    assert step_words(step) == (
        "box_by_group(column=tip, group_by=day): Box (or violin) plot of a numeric column, "
        "optionally per group"
    )
    assert step_words(PlanStep(id="x", tool="no_such_tool")) == "no_such_tool"
