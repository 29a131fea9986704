"""Intent: which kind of analysis the question asks for, by cues, by the model, or both.

Cue rules are ordered by how specific a word is: "outlier" or "overview" say more about the
analysis than "by" or "each", so anomaly, overview and driver words decide on their own, and
only the weak time/comparison cues are left for the model to weigh (hybrid mode).
"""

from __future__ import annotations

from dataclasses import dataclass

from autoviz_core.contracts import INTENTS
from autoviz_core.planning.cues import Cues

STRONG = ("anomaly_detection", "general_eda", "segmentation_drivers")


@dataclass
class IntentCue:
    """The cue verdict: the label the cues pick, the labels still plausible, and whether it is decided."""

    label: str
    candidates: list[str]
    decisive: bool


def intent_from_cues(cues: Cues) -> IntentCue:
    scores = cues.intent_scores
    mentioned = bool(cues.columns)
    if scores.get("anomaly_detection", 0) > 0:
        return IntentCue("anomaly_detection", ["anomaly_detection"], True)
    if scores.get("general_eda", 0) > 0 and (
        not mentioned or "each column" in cues.question.lower()
    ):
        return IntentCue("general_eda", ["general_eda"], True)
    if scores.get("segmentation_drivers", 0) > 0 and cues.chart in (None, "scatter"):
        return IntentCue("segmentation_drivers", ["segmentation_drivers"], True)
    if scores.get("general_eda", 0) > 0 and not cues.chart and not cues.agg:
        return IntentCue("general_eda", ["general_eda"], True)
    if (
        cues.chart in ("histogram", "box")
        and not cues.agg
        and not cues.group_hint
        and len(cues.columns) <= 1
    ):
        return IntentCue("general_eda", ["general_eda"], True)  # "the distribution of tips"
    weak = [
        k for k in ("time_series_investigation", "comparative_analysis") if scores.get(k, 0) > 0
    ]
    if cues.chart or cues.agg:
        weak = weak or ["comparative_analysis"]
    if cues.chart == "line" and "time_series_investigation" in weak:
        return IntentCue("time_series_investigation", weak, True)
    if len(weak) == 1:
        return IntentCue(weak[0], weak, True)
    if weak:
        label = "time_series_investigation" if cues.temporal else "comparative_analysis"
        return IntentCue(label, weak, False)
    label = "comparative_analysis" if mentioned else "general_eda"
    return IntentCue(label, list(INTENTS), False)
