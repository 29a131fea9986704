"""Intent: which kind of analysis the question asks for, scored like the request.

Every intent gets a score from fitted weights over generic evidence: which classes of words the
question uses (lexicon.yaml "intents" and "cues"), whether it is a yes/no question, how many
columns it names, and the shape of the request the ranking chose (a line over dates, a count
per group, a scatter of two measures). The margin between the two best intents says how sure
the choice is; hybrid mode asks the model only when it is small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.planning.cues import Cues
from autoviz_core.planning.weights import load_weights
from autoviz_core.vocabulary import INTENTS

DECISIVE_MARGIN = 1.0  # score gap (log-odds) above which hybrid mode does not ask the model


@dataclass
class IntentCue:
    """The scored verdict: best label, labels by score, whether the margin is decisive."""

    label: str
    candidates: list[str]
    decisive: bool
    scores: dict[str, float]


def intent_features(
    cues: Cues, request: AnalysisRequest | None, profile: SchemaProfile
) -> dict[str, float]:
    """Label-independent evidence; the weights pair each feature with each intent."""
    f: dict[str, float] = {"bias": 1.0}
    for label, n in cues.intent_words.items():
        if n:
            f[f"intent:{label}"] = float(min(n, 2))
    for h in cues.hits:
        if h.kind in ("cue", "chart", "agg", "grain"):
            f[f"{h.kind}:{h.label}"] = 1.0
        elif h.kind == "superlative":
            f[f"sup:{h.label}"] = 1.0
    if cues.toks and cues.toks[0].lemma in (
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "can",
    ):
        f["yes_no_question"] = 1.0
    if cues.superlative:
        f["which_sup"] = 1.0
    if cues.limit:
        f["top_n"] = 1.0
    if cues.filters:
        f["filtered"] = 1.0
    n = len(cues.columns)
    f[f"mentions:{min(n, 3)}"] = 1.0
    if profile.names("temporal"):
        f["has_temporal"] = 1.0
    if request is not None:
        f[f"req_chart:{request.chart}"] = 1.0
        f[f"req_agg:{request.agg}"] = 1.0
        x = profile.column(request.x) if request.x else None
        if x is not None and x.in_group("temporal"):
            f["req_x_temporal"] = 1.0
        if request.y is None:
            f["req_y_none"] = 1.0
        if request.color:
            f["req_color"] = 1.0
    return f


def intent_scores(
    features: dict[str, float], weights: dict[str, float], allowed: list[str]
) -> dict[str, float]:
    return {
        label: sum(weights.get(f"{label}|{k}", 0.0) * v for k, v in features.items())
        for label in allowed
    }


def intent_from_cues(
    cues: Cues, request: AnalysisRequest | None, profile: SchemaProfile
) -> IntentCue:
    """The intent with the highest fitted score (time series only when the table has dates)."""
    allowed: list[str] = [
        i for i in INTENTS if i != "time_series_investigation" or profile.names("temporal")
    ]
    scores = intent_scores(
        intent_features(cues, request, profile), load_weights()["intent"], allowed
    )
    ranked = sorted(allowed, key=lambda k: (-scores[k], INTENTS.index(k)))
    margin = scores[ranked[0]] - scores[ranked[1]] if len(ranked) > 1 else math.inf
    decisive = margin >= DECISIVE_MARGIN
    candidates = ranked[:1] if decisive else ranked[:2]
    return IntentCue(ranked[0], candidates, decisive, {k: round(v, 3) for k, v in scores.items()})
