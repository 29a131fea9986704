"""The HTML report: self-contained, every sections present, hostile text escaped."""

from __future__ import annotations

import json
import re

import pandas as pd

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.report import render_html
from autoviz_core.runtime import execute_plan

XSS = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            XSS: pd.array([XSS, FORMULA, "x" * 10_000, "ünïcødé ✓ 漢字", XSS], dtype="str"),
            "val</script>": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )


def hostile_run():
    df = hostile_frame()
    plan = Plan(
        steps=[
            PlanStep(
                id="primary",
                tool="chart",
                primary=True,
                params={"kind": "bar", "x": XSS, "y": "val</script>", "agg": "sum"},
            ),
            PlanStep(id="counts", tool="value_counts", params={"column": XSS}),
            PlanStep(id=XSS, tool="histogram", params={"column": XSS}),
        ]
    )
    return execute_plan(plan, df)


def test_hostile_text_is_escaped():
    result = hostile_run()
    assert result.records[2].status == "dropped"  # a text column is not numeric: left out
    profile = [{"name": XSS, "role": "categorical", "sample": [FORMULA, XSS]}]
    page = render_html(
        question=XSS + " revenue?", profile=profile, result=result, provenance={"model": XSS}
    )
    body = page.split("</head>", 1)[1]  # the plotly.js bundle itself is trusted
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", body, flags=re.S)
    for text in scripts:  # data inside a script is JSON-escaped, and entity-escaped for plotly
        assert "alert(1)" not in text or "\\u003c" in text or "<\\/" in text or "&lt;" in text
        assert "<script" not in text.lower()
    data = re.findall(
        r"<script type='application/json' data-chart='chart-\d+'>(.*?)</script>", body, flags=re.S
    )
    assert data and all(json.loads(d)["data"] for d in data)
    outside_scripts = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    assert "x" * 10_000 not in outside_scripts  # long cells are cut (charts keep the data)
    assert "ünïcødé ✓ 漢字" in outside_scripts


def test_sections_and_single_plotly_bundle(tips):
    plan = Plan(
        steps=[
            PlanStep(
                id="c",
                tool="chart",
                primary=True,
                params={"kind": "bar", "x": "day", "agg": "count"},
            ),
            PlanStep(id="bad", tool="nope"),
        ]
    )
    result = execute_plan(plan, tips)
    page = render_html(
        question="How many per day?",
        profile=[{"name": "day"}],
        result=result,
        provenance={"backend": "stub"},
    )
    for heading in (
        "Question",
        "Findings",
        "Charts",
        "Tables",
        "Steps not run (failed, skipped, or left out as not applying to this table)",
        "Plan",
        "Dataset profile",
        "Provenance",
    ):
        assert f">{heading}</h2>" in page
    assert page.count("Plotly.newPlot") == 1 or page.count("newPlot(node") == 1
    assert page.count("<script>") == 2  # plotly.js once + the renderer
    assert "unknown tool" in page
