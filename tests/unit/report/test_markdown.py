"""The Markdown report: same sections, escaped text, chart values listed."""

from __future__ import annotations

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.report import render_markdown
from autoviz_core.report.markdown import md
from autoviz_core.runtime import execute_plan


def test_markdown_sections_and_values(tips):
    plan = Plan(
        steps=[
            PlanStep(
                id="c",
                tool="chart",
                primary=True,
                params={"kind": "bar", "x": "day", "y": "tip", "agg": "sum"},
            )
        ]
    )
    text = render_markdown(
        question="Tips | by day?",
        profile=[{"name": "day", "role": "categorical"}],
        result=execute_plan(plan, tips),
    )
    for heading in (
        "## Question",
        "## Findings",
        "## Charts",
        "## Tables",
        "## Plan",
        "## Dataset profile",
        "## Provenance",
    ):
        assert heading in text
    assert "Tips \\| by day?" in text
    assert f"| Sat | {round(tips[tips.day == 'Sat'].tip.sum(), 6)} |" in text


def test_md_escapes_markup_and_html():
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md("a|b*c_d[e]\nf") == "a\\|b\\*c\\_d\\[e\\] f"
    assert md("# title") == "\\# title" and md("1. x") == "1\\. x"
    assert md("51.96", cell=True) == "51.96"


def test_findings_and_section_titles_carry_no_internal_names(tips):
    plan = Plan(
        steps=[
            PlanStep(
                id="answer",
                tool="chart",
                primary=True,
                params={"kind": "bar", "x": "day", "y": "tip", "agg": "mean"},
            ),
            PlanStep(
                id="group_stats",
                tool="compare_groups",
                params={"metric": "tip", "group_by": "day"},
            ),
        ]
    )
    text = render_markdown(question="Tips by day", profile=[], result=execute_plan(plan, tips))
    findings = text.split("## Findings")[1].split("## Charts")[0]
    charts_and_tables = text.split("## Charts")[1].split("## Plan")[0]
    assert findings.count("\n- ") >= 2
    for name in ("(answer)", "(group\\_stats)", "compare\\_groups", "group\\_stats"):
        assert name not in findings and name not in charts_and_tables
    assert "### mean of tip by day (the answer)" in charts_and_tables


def test_a_whole_number_in_a_report_table_has_no_decimal_point():
    from autoviz_core.report.html import cell_text

    assert cell_text(1952.0) == "1952" and cell_text(82736.90000000002) == "82736.9"
