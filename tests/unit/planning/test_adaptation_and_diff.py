"""Adaptation changes are applied in order (primary protected) and show up in the diff."""

from __future__ import annotations

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.planning.adaptation import apply_changes, contract_for
from autoviz_core.planning.diff import plan_diff

BASE = Plan(
    steps=[
        PlanStep(id="answer", tool="chart", params={"kind": "bar"}, primary=True),
        PlanStep(id="stats", tool="summary_stats", params={}),
        PlanStep(id="hist", tool="histogram", params={"column": "revenue"}),
    ]
)


def test_add_remove_modify_and_primary_protected() -> None:
    out = apply_changes(
        BASE,
        {
            "changes": [
                {"action": "remove", "step_id": "stats", "tool": "none", "params": []},
                {"action": "remove", "step_id": "answer", "tool": "none", "params": []},
                {
                    "action": "modify",
                    "step_id": "hist",
                    "tool": "none",
                    "params": [{"name": "bins", "value": "10"}],
                },
                {
                    "action": "add",
                    "step_id": "new",
                    "tool": "iqr_outliers",
                    "params": [{"name": "column", "value": "revenue"}],
                    "reason": "focus on outliers",
                },
                {
                    "action": "add",
                    "step_id": "new",
                    "tool": "chart",
                    "params": [],
                    "reason": "a second chart",
                },
            ],
        },
    )
    ids = [s.id for s in out.plan.steps]
    assert ids == ["answer", "hist", "added_iqr_outliers_1"]
    assert out.plan.steps[1].params["bins"] == "10"
    assert len(out.applied) == 3 and len(out.skipped) == 2
    diff = plan_diff(Plan(steps=BASE.steps[1:]), out.plan, out.rationale)
    assert [a["id"] for a in diff.added] == ["answer", "added_iqr_outliers_1"]
    assert [r["id"] for r in diff.removed] == ["stats"]
    assert diff.modified[0]["changes"] == {"bins": (None, "10")}
    md = diff.to_markdown()
    assert "focus on outliers" in md and "added_iqr_outliers_1" in md
    assert out.rationale == "focus on outliers"  # a skipped change's reason is not shown


def test_contract_lists_only_template_steps_and_addable_tools() -> None:
    schema = contract_for(BASE).model_json_schema()
    text = str(schema)
    assert "'stats'" in text and "'hist'" in text
    assert "'answer'" not in text  # the primary step cannot be targeted


def test_a_change_that_does_not_validate_is_skipped_and_the_step_kept() -> None:
    def check(step: PlanStep) -> tuple[PlanStep | None, str]:
        ok = step.params.get("column") in (None, "revenue")
        return (step, "") if ok else (None, "column 'nope' does not exist")

    out = apply_changes(
        BASE,
        {
            "changes": [
                {"action": "modify", "step_id": "hist", "tool": "none",
                 "params": [{"name": "column", "value": "nope"}]},
                {"action": "add", "step_id": "new", "tool": "iqr_outliers",
                 "params": [{"name": "column", "value": "nope"}],
                 "reason": "The answer is not available in the list."},
            ],
        },
        check,
    )  # fmt: skip
    assert out.plan.step("hist").params == {"column": "revenue"}
    assert [s.id for s in out.plan.steps] == ["answer", "stats", "hist"]
    assert out.proposed == 2 and out.applied == [] and len(out.skipped) == 2
    assert out.review_rationale() == "The model proposed no change."


def test_rationale_shown_only_when_it_refers_to_the_plan() -> None:
    change = {"action": "remove", "step_id": "stats", "tool": "none", "params": []}
    vague = apply_changes(
        BASE, {"changes": [{**change, "reason": "The answer is not in the list."}]}
    )
    assert vague.review_rationale() == "The model gave no reason that refers to the plan."
    clear = apply_changes(
        BASE, {"changes": [{**change, "reason": "summary_stats repeats the chart"}]}
    )
    assert clear.review_rationale() == "summary_stats repeats the chart"


def test_each_applied_change_brings_its_own_reason() -> None:
    """Reasons of applied changes are joined in order, repeats once; no change, no reason."""
    remove = {"action": "remove", "step_id": "stats", "tool": "none", "params": [],
              "reason": "summary_stats repeats the chart"}  # fmt: skip
    modify = {"action": "modify", "step_id": "hist", "tool": "none",
              "params": [{"name": "bins", "value": "20"}], "reason": "finer  bins\nfor hist"}  # fmt: skip
    both = apply_changes(BASE, {"changes": [remove, modify, {**remove, "step_id": "stats"}]})
    assert both.rationale == "summary_stats repeats the chart; finer bins for hist"
    assert apply_changes(BASE, {"changes": []}).rationale == ""


def test_a_change_that_repeats_a_step_of_the_plan_is_skipped() -> None:
    """A small model "adds" a tool the plan has; resolved, it would be the same step twice."""
    again = {"action": "add", "step_id": "new", "tool": "histogram",
             "params": [{"name": "column", "value": "revenue"}], "reason": "hist"}  # fmt: skip
    other = {**again, "params": [{"name": "column", "value": "units"}]}
    out = apply_changes(BASE, {"changes": [again, other]})
    assert [s.id for s in out.plan.steps] == ["answer", "stats", "hist", "added_histogram_1"]
    assert out.plan.steps[-1].params == {"column": "units"}
    assert out.skipped == ["add histogram: the plan already has it as step 'hist'"]
    same = {"action": "modify", "step_id": "stats", "tool": "none", "params": []}
    twin = Plan(steps=[*BASE.steps, PlanStep(id="h2", tool="histogram", params={"column": "x"})])
    moved = {"action": "modify", "step_id": "h2", "tool": "none",
             "params": [{"name": "column", "value": "revenue"}]}  # fmt: skip
    out = apply_changes(twin, {"changes": [same, moved]})
    assert out.plan.step("h2").params == {"column": "x"}
    assert out.skipped[-1] == "modify 'h2': it would repeat step 'hist'"


def test_an_answer_without_changes_is_a_few_tokens() -> None:
    """The contract has no plan-level rationale: `{"changes": []}` is a whole valid answer."""
    contract = contract_for(BASE)
    assert contract.model_validate_json('{"changes": []}').model_dump() == {"changes": []}
    assert "rationale" not in contract.model_fields
    change = contract.model_json_schema()["$defs"]["PlanChange"]["properties"]
    assert list(change)[-1] == "reason"  # decisions first, the reason last


def test_diff_names_the_source_of_each_change() -> None:
    template = Plan(steps=[PlanStep(id="t", tool="trend", params={"metric": "pop", "agg": "sum"})])
    question = Plan(
        steps=[
            BASE.steps[0],
            PlanStep(id="t", tool="trend", params={"metric": "lifeExp", "agg": "mean"}),
        ]
    )
    model = Plan(
        steps=[*question.steps, PlanStep(id="added_iqr_outliers_1", tool="iqr_outliers", params={})]
    )
    user = Plan(
        steps=[
            model.steps[0],
            PlanStep(id="t", tool="trend", params={"metric": "lifeExp", "agg": "median"}),
            model.steps[2],
        ]
    )
    diff = plan_diff(
        template, user, stages=[("question", question), ("model", model), ("user", user)]
    )
    assert {a["id"]: a["source"] for a in diff.added} == {
        "answer": "question",
        "added_iqr_outliers_1": "model",
    }
    assert diff.modified[0]["sources"] == {"agg": "user", "metric": "question"}
    assert "metric: pop -> lifeExp [question]" in diff.to_markdown()


def test_a_change_naming_a_parameter_its_tool_does_not_have_is_refused() -> None:
    """The model wrote box_by_group(direction=true): validation would drop the parameter and
    fill the step with defaults, a step nobody asked for."""
    add = {"action": "add", "step_id": "new", "tool": "box_by_group",
           "params": [{"name": "direction", "value": "true"}], "reason": "r"}  # fmt: skip
    modify = {"action": "modify", "step_id": "hist", "tool": "none",
              "params": [{"name": "bins", "value": "10"}, {"name": "group_by", "value": "x"}]}  # fmt: skip
    out = apply_changes(BASE, {"changes": [add, modify]})
    assert out.plan.steps == BASE.steps and not out.applied
    assert out.skipped == [
        "add box_by_group: 'direction' is not a parameter of box_by_group",
        "modify 'hist': 'group_by' is not a parameter of histogram",
    ]
