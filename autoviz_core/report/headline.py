"""The headline: the first finding answers the question, taken from the step that answers it.

A chart's description is not an answer. For an anomaly question the answer is what was flagged
(with dates and values) or that nothing was; for a drivers question, the strongest associations;
for a top-N question, the ranked list; for a comparison, the comparison (ties as ties); for a
question about change over time, the trend (or that there is no clear one).
"""

from __future__ import annotations

from typing import Any

from autoviz_core.report.finding import Finding
from autoviz_core.runtime.executor import ExecutionResult, StepRecord
from autoviz_core.tools.common import join_labels

ANOMALY_TOOLS = ("rolling_anomalies", "iqr_outliers", "robust_zscore_outliers")
TIME_TOOLS = ("trend",)
DRIVER_TOOLS = ("driver_ranking",)
COMPARE_TOOLS = ("compare_groups",)


def _ok(result: ExecutionResult, tools: tuple[str, ...]) -> list[StepRecord]:
    return [
        r
        for r in result.records
        if r.status == "ok" and r.tool in tools and r.result is not None and r.result.findings
    ]


def _is_temporal_request(planned: Any) -> bool:
    req = planned.request
    return bool(req.chart == "line" or req.time_grain not in ("none", None))


def _same_measure(record: StepRecord, planned: Any) -> bool:
    """The step measures what the question measures (or counts rows when it counts)."""
    req = planned.request
    measured = record.params.get("metric") or record.params.get("column")
    return measured == req.y or (req.y is None and measured in (None, req.x))


def _from(record: StepRecord, text: str) -> Finding:
    return Finding(record.step_id, record.tool, text, record.primary, headline=True)


def anomaly_headline(result: ExecutionResult, planned: Any) -> Finding | None:
    """What was flagged (periods for a question about time, rows otherwise), or that nothing was."""
    steps = _ok(result, ANOMALY_TOOLS)
    if not steps:
        return None
    periods = [r for r in steps if r.tool == "rolling_anomalies"]
    rows = [r for r in steps if r.tool != "rolling_anomalies"]
    about_time = _is_temporal_request(planned) or bool(getattr(planned, "cues", {}).get("temporal"))
    ordered = (periods + rows) if about_time or not rows else (rows + periods)
    best = next((r for r in ordered if _same_measure(r, planned)), ordered[0])
    return _from(best, best.result.findings[0])  # type: ignore[union-attr]


def drivers_headline(result: ExecutionResult, planned: Any) -> Finding | None:
    """The strongest associations with the target that hold, as the ranking step said them."""
    steps = _ok(result, DRIVER_TOOLS)
    if not steps:
        return None
    return _from(steps[0], steps[0].result.findings[0])  # type: ignore[union-attr]


def comparison_headline(result: ExecutionResult, planned: Any) -> Finding | None:
    """The primary chart's comparison of what was asked (groups, or periods); else group statistics."""
    primary = result.primary()
    if (
        primary is not None
        and primary.result is not None
        and primary.result.findings
        and primary.params.get("x")
    ):
        return _from(primary, primary.result.findings[0] + _test_of(result, primary))
    steps = [r for r in _ok(result, COMPARE_TOOLS) if _same_measure(r, planned)]
    steps = steps or _ok(result, COMPARE_TOOLS)
    return _from(steps[0], steps[0].result.findings[0]) if steps else None  # type: ignore[union-attr]


def _test_of(result: ExecutionResult, primary: StepRecord) -> str:
    """The rank test of the same groups and measure, so a small gap is not read as a finding."""
    for record in _ok(result, COMPARE_TOOLS):
        same = record.params.get("group_by") == primary.params.get("x")
        centre = primary.params.get("agg") in ("mean", "median")  # the test compares centres
        if same and centre and record.params.get("metric") == primary.params.get("y"):
            tests = [f for f in record.result.findings if " test: " in f]  # type: ignore[union-attr]
            return " " + tests[0] if tests else ""
    return ""


def time_headline(result: ExecutionResult, planned: Any) -> Finding | None:
    """The trend of the measure asked about (or that there is no clear trend)."""
    steps = [r for r in _ok(result, TIME_TOOLS) if _same_measure(r, planned)]
    return _from(steps[0], steps[0].result.findings[0]) if steps else None  # type: ignore[union-attr]


def is_ranking(planned: Any) -> bool:
    req = planned.request
    return bool(req.limit and req.sort_by == "y")


def primary_headline(result: ExecutionResult) -> Finding | None:
    primary = result.primary()
    if primary is None or primary.result is None or not primary.result.findings:
        return None
    return _from(primary, primary.result.findings[0])


def answer_headline(result: ExecutionResult) -> Finding | None:
    """The asked value, computed by its own step: the answer is said before any chart."""
    record = result.answer()
    if record is None or record.result is None or not record.result.findings:
        return None
    return _from(record, record.result.findings[0])


def unsupported_headline(result: ExecutionResult, planned: Any) -> Finding | None:
    """What no answer kind expresses: said so, then the closest chart's own finding."""
    answer = getattr(planned, "answer", None)
    if answer is None or answer.kind != "unsupported":
        return None
    closest = primary_headline(result)
    shown = f" {closest.text}" if closest is not None else ""
    return Finding(
        closest.step_id if closest else "answer",
        closest.tool if closest else "",
        "I can't compute that here: AutoViz states statistics, relations, tests, extremes and "
        f"changes, and draws charts, but builds no models or forecasts. The closest I can show "
        f"is below.{shown}",
        headline=True,
    )


def headline(result: ExecutionResult, planned: Any) -> Finding:
    """The answer to the question, first among the findings (the report, app and CLI show it)."""
    found = answer_headline(result) or unsupported_headline(result, planned)
    if found is not None:
        return found
    pick = {
        "anomaly_detection": anomaly_headline,
        "segmentation_drivers": drivers_headline,
        "comparative_analysis": comparison_headline,
        "time_series_investigation": time_headline,
    }.get(planned.intent)
    found = None
    if is_ranking(planned):
        found = primary_headline(result)
    if found is None and pick is not None:
        found = pick(result, planned)
    if (
        found is None
        and planned.intent == "time_series_investigation"
        and _is_temporal_request(planned)
    ):
        found = time_headline(result, planned)
    found = found or primary_headline(result)
    if found is not None:
        return found
    # the reasons in words: a step's id or tool name means nothing to the person reading
    failed = list(dict.fromkeys(r.error for r in result.records if r.status != "ok" and r.error))
    reason = f": {join_labels(failed, limit=3)}" if failed else ""
    return Finding(
        "answer", "", f"No step that answers the question produced a result{reason}.", headline=True
    )
