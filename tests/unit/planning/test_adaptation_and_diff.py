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
