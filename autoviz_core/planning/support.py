"""Which parts a question has, and which part each step serves: a supporting step that serves
no part of the question is not run (a template's overview of the table is no answer to "which
region sold most"). Template steps declare their part; a step the model proposes is judged by
its tool, through the same filter.
"""

from __future__ import annotations

from typing import Any

from autoviz_core.contracts import AnalysisRequest, AnswerRequest
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.vocabulary import QUESTION_PARTS

# The part a tool serves when nothing declares one (a step the model or a person adds).
TOOL_PARTS: dict[str, str] = {
    "chart": "chart",
    "trend": "time",
    "period_change": "time",
    "seasonality": "time",
    "resample": "time",
    "parse_dates": "time",
    "rolling_anomalies": "unusual",
    "iqr_outliers": "unusual",
    "robust_zscore_outliers": "unusual",
    "driver_ranking": "drivers",
    "correlation_matrix": "relation",
    "scatter": "relation",
    "compare_groups": "groups",
    "box_by_group": "groups",
    "value_counts": "groups",
    "aggregate": "groups",
    "histogram": "measure",
    "top_n": "measure",
    "summary_stats": "overview",
    "missing_report": "overview",
    "filter_rows": "overview",
    "sort_rows": "overview",
}
ALWAYS = ("answer", "chart")


def question_parts(
    cues: Any,
    req: AnalysisRequest,
    intent: str,
    answer: AnswerRequest | None,
    profile: SchemaProfile,
) -> set[str]:
    """The parts of the question: what it asks about (its words, its reading, its intent)."""
    parts = set(ALWAYS)
    temporal = set(profile.names("temporal"))
    answer = answer or AnswerRequest()
    if (
        getattr(cues, "temporal", False)
        or req.time_grain not in ("none", None)
        or req.chart == "line"
        or req.x in temporal
        or intent == "time_series_investigation"
        or answer.kind == "change"
        or answer.time_grain not in ("none", None)
    ):
        parts.add("time")
    grouping = [c for c in (req.x, req.color, answer.group_by) if c and c not in temporal]
    if grouping or intent == "comparative_analysis":
        parts.add("groups")
    if intent == "segmentation_drivers":
        parts.add("drivers")
    if answer.kind == "relation" or req.chart == "scatter":
        parts.add("relation")
    if intent == "anomaly_detection":
        parts.add("unusual")
    named = [c for c in getattr(cues, "columns", []) if c]
    if answer.kind in ("statistic", "distribution") or (
        intent in ("anomaly_detection", "general_eda") and req.y is not None
    ):
        parts.add("measure")
    if intent == "general_eda" and not named:
        parts.add("overview")
    return parts


def step_part(tool: str, declared: str = "") -> str:
    """The part a step serves: what its template declares, else what its tool does."""
    return declared if declared in QUESTION_PARTS else TOOL_PARTS.get(tool, "")


def serves(part: str, parts: set[str]) -> bool:
    return part in parts
