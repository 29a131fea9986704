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
                },
                {"action": "add", "step_id": "new", "tool": "chart", "params": []},
            ],
            "rationale": "focus on outliers",
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
                 "params": [{"name": "column", "value": "nope"}]},
            ],
            "rationale": "The answer is not available in the list.",
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
        BASE, {"changes": [change], "rationale": "The answer is not in the list."}
    )
    assert vague.review_rationale() == "The model gave no reason that refers to the plan."
    clear = apply_changes(
        BASE, {"changes": [change], "rationale": "summary_stats repeats the chart"}
    )
    assert clear.review_rationale() == "summary_stats repeats the chart"


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
