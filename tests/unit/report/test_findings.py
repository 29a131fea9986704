"""collect_findings: primary step first, plan order after, duplicates once."""

from __future__ import annotations

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.report import collect_findings
from autoviz_core.runtime import execute_plan


def test_primary_first_then_plan_order(tips):
    plan = Plan(
        steps=[
            PlanStep(id="stats", tool="summary_stats"),
            PlanStep(
                id="main",
                tool="chart",
                primary=True,
                params={"kind": "bar", "x": "day", "y": "tip", "agg": "sum"},
            ),
            PlanStep(
                id="again",
                tool="chart",
                params={"kind": "bar", "x": "day", "y": "tip", "agg": "sum"},
            ),
            PlanStep(id="broken", tool="histogram", params={"column": "nope"}),
        ]
    )
    findings = collect_findings(execute_plan(plan, tips))
    assert findings[0].step_id == "main" and findings[0].primary
    assert findings[0].text.startswith("Sat has the highest sum of tip")
    assert "again" not in {f.step_id for f in findings}  # same sentences as the primary: shown once
    assert {f.step_id for f in findings} == {"main", "stats"}
