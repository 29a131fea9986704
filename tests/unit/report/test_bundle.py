"""The bundle: every file present, byte-identical across runs except run_metadata.json."""

from __future__ import annotations

import io
import json
import zipfile

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.report import bundle_files, bundle_zip_bytes, write_bundle
from autoviz_core.report.bundle import RUN_METADATA
from autoviz_core.runtime import execute_plan
from autoviz_core.tools import ToolContext

TEMPLATE = {"id": "general_eda", "steps": [{"id": "stats", "tool": "summary_stats", "params": {}}]}


def plan() -> Plan:
    return Plan(
        steps=[
            PlanStep(
                id="primary",
                tool="chart",
                primary=True,
                params={"kind": "scatter", "x": "total_bill", "y": "tip"},
            ),
            PlanStep(id="stats", tool="summary_stats"),
            PlanStep(
                id="by/day",
                tool="chart",
                params={"kind": "line", "x": "size", "y": "tip", "agg": "mean"},
            ),
            PlanStep(id="out", tool="iqr_outliers", params={"column": "total_bill"}),
            PlanStep(id="broken", tool="histogram", params={"column": "sex"}),
        ]
    )


def make(tips) -> dict[str, bytes]:
    result = execute_plan(plan(), tips, ToolContext(max_chart_points=100, seed=3))
    return bundle_files(
        question="What drives tips?",
        profile=[{"name": c, "dtype": str(tips[c].dtype)} for c in tips.columns],
        template_plan=TEMPLATE,
        adapted_plan=plan().model_dump(),
        plan_diff_md="+ added primary chart",
        result=result,
        provenance={"backend": "stub", "seed": 3},
        metadata={"backend": "stub"},
    )


def test_bundle_is_deterministic_except_run_metadata(tips):
    one, two = make(tips), make(tips)
    assert set(one) == set(two)
    for name in one:
        if name != RUN_METADATA:
            assert one[name] == two[name], name
    assert one[RUN_METADATA] != two[RUN_METADATA]  # a fresh run id each time
    expected = {
        "plan_template.json",
        "plan_adapted.json",
        "plan_diff.md",
        "tool_calls.json",
        "execution_log.json",
        "report.html",
        "report.md",
        RUN_METADATA,
        "charts/primary.json",
        "charts/by_day.json",
        "charts/out.json",
    }
    assert expected <= set(one)
    meta = json.loads(one[RUN_METADATA])
    assert (
        meta["run_id"]
        and meta["created_at"]
        and set(meta["step_durations_ms"]) == {s.id for s in plan().steps}
    )


def test_bundle_contents(tips):
    files = make(tips)
    chart = json.loads(files["charts/primary.json"])
    assert chart["chart"]["points_sent"] == 100 and chart["figure"]["data"]
    log = json.loads(files["execution_log.json"])
    assert [e["status"] for e in log] == ["ok", "ok", "ok", "ok", "dropped"]
    assert all("duration_ms" not in e for e in log)
    calls = json.loads(files["tool_calls.json"])
    assert calls[0]["tool"] == "chart" and calls[0]["params"]["kind"] == "scatter"
    assert json.loads(files["plan_template.json"]) == TEMPLATE
    assert files["plan_diff.md"].decode() == "+ added primary chart\n"


def test_write_bundle_and_zip(tips, tmp_path):
    result = execute_plan(plan(), tips)
    kwargs = dict(
        question="q", profile=[], template_plan={}, adapted_plan={}, plan_diff_md="", result=result
    )
    paths = write_bundle(tmp_path / "out", **kwargs)
    assert (tmp_path / "out" / "report.html").exists() and (
        tmp_path / "out" / "charts" / "primary.json"
    ) in paths
    one, two = bundle_zip_bytes(**kwargs), bundle_zip_bytes(**kwargs)
    with zipfile.ZipFile(io.BytesIO(one)) as a, zipfile.ZipFile(io.BytesIO(two)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != RUN_METADATA:
                assert a.read(name) == b.read(name)
