"""Question evidence -> AnalysisRequest, by ranking candidate requests with fitted weights.

The candidates are the plausible (chart, x, y, aggregation, colour) combinations for this table,
built from the columns the question mentions plus a few profile-based fallbacks (the table's
name column, its main grouping, its date column, its main measure). Each is scored as a weighted
sum of named features (features.py); the weights are fitted by scripts/fit_planner.py on
nvbench_train and the repository's own training questions, and stored in weights.json. The best
valid candidate wins; the margin to the runners-up is the planner's confidence, and the
runners-up are offered to the person when it is small.

Three modes (config planner.request_mode): "cues" decides alone; "model" lets the model fill
every field under the table's enums; "hybrid" lets the model pick among the top candidates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data.profiling import MAX_GROUPS, SchemaProfile
from autoviz_core.planning.cues import Cues
from autoviz_core.planning.features import (
    Candidate,
    QuestionEvidence,
    Scorer,
    candidate_features,
    generate_candidates,
    question_evidence,
)
from autoviz_core.planning.weights import load_weights
from autoviz_core.vocabulary import (
    GROUPED_CHART_KINDS,
    LIMITED_CHART_KINDS,
    RANKED_CHART_KINDS,
    TIME_GRAINS,
)

MAX_ALTERNATIVES = 3
# Below this calibrated chance that the best reading is right, the runners-up are offered
# ("Did you mean"): the planner asks when it would be wrong one time in five or more.
CONFIDENT = 0.8


@dataclass
class Scored:
    candidate: Candidate
    score: float

    def features(self, ev: QuestionEvidence) -> dict[str, float]:
        return candidate_features(self.candidate, ev)


@dataclass
class RankedRequest:
    """The chosen request, its confidence and the runners-up (for the person to pick)."""

    request: AnalysisRequest
    confidence: float
    alternatives: list[tuple[AnalysisRequest, float]] = field(default_factory=list)
    ranked: list[Scored] = field(default_factory=list)
    evidence: QuestionEvidence | None = None  # what the ranking read (the answer reading too)
    share: float = 0.0  # the best reading's share of the top candidates' probability (raw)


def score_candidates(
    cues: Cues, profile: SchemaProfile, weights: dict[str, float] | None = None
) -> tuple[list[Scored], QuestionEvidence]:
    """Every valid candidate with its score, best first (ties broken by a stable key)."""
    w = load_weights()["request"] if weights is None else weights
    ev = question_evidence(cues, profile)
    scorer = Scorer(ev, w)
    scored = [Scored(cand, scorer.score(cand)) for cand in generate_candidates(ev)]
    scored.sort(key=lambda s: (-s.score, s.candidate.key()))
    return scored, ev


def rank_request(
    cues: Cues, profile: SchemaProfile, weights: dict[str, float] | None = None
) -> RankedRequest:
    """The best candidate as a full request (filters, grain, sort, limit added), with alternatives."""
    scored, ev = score_candidates(cues, profile, weights)
    if not scored:
        req, _ = repair_request(AnalysisRequest(filters=list(cues.filters)), profile)
        return RankedRequest(req, 0.0, [], [], ev)
    top = scored[: 1 + MAX_ALTERNATIVES * 3]
    probs = _softmax([s.score for s in top])
    best = complete_request(scored[0].candidate, cues, profile)
    alternatives: list[tuple[AnalysisRequest, float]] = []
    seen = {_signature(best)}
    confidence = probs[0]
    for s, p in zip(top[1:], probs[1:], strict=False):
        alt = complete_request(s.candidate, cues, profile)
        if _signature(alt) == _signature(best):
            confidence += p  # the same reading drawn differently: it backs the best one
        if _signature(alt) in seen:
            continue
        seen.add(_signature(alt))
        alternatives.append((alt, round(p, 4)))
        if len(alternatives) == MAX_ALTERNATIVES:
            break
    return RankedRequest(
        best, round(calibrated(confidence), 4), alternatives, scored, ev, share=confidence
    )


def calibrated(share: float, calibration: dict[str, float] | None = None) -> float:
    """The chance that the best reading is right, from its share of the top candidates'
    probability: Platt scaling (a logistic curve in the share's log-odds) fitted on the
    training questions by scripts/fit_planner.py, so that "0.8" is right four times in five."""
    c = load_weights().get("calibration", {}) if calibration is None else calibration
    if not c:
        return share
    z = c["a"] * share_logit(share) + c["b"]
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def share_logit(share: float) -> float:
    """The log-odds of a share, kept finite (the input of the calibration curve)."""
    p = min(max(share, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _softmax(scores: list[float]) -> list[float]:
    hi = max(scores)
    exps = [math.exp(s - hi) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _signature(req: AnalysisRequest) -> tuple[Any, ...]:
    """What makes a reading different for the person: the columns and the aggregation (a pie
    of the same numbers as a bar is the same answer, drawn differently; so is a scatter with
    its axes swapped)."""
    axes: tuple[Any, ...] = (req.x, req.y)
    if req.agg == "none" and req.chart == "scatter":
        axes = tuple(sorted(a or "" for a in axes))
    return (*axes, tuple(req.measures), req.agg, req.color)


def complete_request(cand: Candidate, cues: Cues, profile: SchemaProfile) -> AnalysisRequest:
    """A candidate plus what the cues fix directly: filters, time grain, sort and limit."""
    req = AnalysisRequest(
        chart=cand.chart,
        x=cand.x,
        y=cand.y,
        agg=cand.agg,
        color=cand.color,
        measures=list(cand.more),
    )
    req.filters = [f for f in cues.filters if not _filter_is_grouping(f, cand)]
    req.time_grain = _grain(cues, profile, cand.x)
    req.sort_by, req.sort_dir = _sort(cues, req)
    req.limit = cues.limit if cand.chart in LIMITED_CHART_KINDS else 0
    return req


def _filter_is_grouping(f: Any, cand: Candidate) -> bool:
    """'lunch or dinner' listed as values of the x column: the chart shows both, no filter needed."""
    return f.op == "in" and f.column in (cand.x, cand.color)


def _grain(cues: Cues, profile: SchemaProfile, x: str | None) -> str:
    if not cues.time_grain or not profile.in_group(x, "temporal"):
        return "none"
    if not profile.in_group(x, "datetime"):
        return "none"  # a year column is already at its grain
    return cues.time_grain if cues.time_grain in TIME_GRAINS else "none"  # not "decade"


def _sort(cues: Cues, req: AnalysisRequest) -> tuple[str, str]:
    if req.chart == "line" or (req.chart == "bar" and req.time_grain not in ("none", "weekday")):
        return "x", "asc"
    if cues.sort_dir:
        by = cues.sort_by
        if by is None and cues.sort_column is not None and cues.sort_column in (req.x, req.y):
            by = "x" if cues.sort_column == req.x else "y"
        return by or ("y" if req.agg != "none" else "x"), cues.sort_dir
    if cues.superlative and req.chart in RANKED_CHART_KINDS:
        return "y", "asc" if cues.superlative == "low" else "desc"
    return "none", "desc"


def label_request(req: AnalysisRequest) -> str:
    """A request in plain words, e.g. 'mean of price by cut (bar)'."""
    if req.chart == "histogram":
        return f"distribution of {req.x or req.y} (histogram)"
    if req.chart == "box":
        return f"spread of {req.y}" + (f" by {req.x}" if req.x else "") + " (box)"
    if req.chart == "scatter" and req.agg == "none":
        return f"{req.y} against {req.x} (scatter)"
    measured = " and ".join(m for m in (req.y, *req.measures) if m)
    what = (
        "count of rows"
        if req.agg == "count"
        else (measured if req.agg == "none" else f"{req.agg} of {measured}")
    )
    text = f"{what} by {req.x}" if req.x else f"{what} compared"
    if req.color:
        text += f" and {req.color}"
    return f"{text} ({req.chart})"


# ---------------------------------------------------------------- repair
def main_group(profile: SchemaProfile, exclude: set[str] | None = None) -> str | None:
    """A categorical column with a readable number of groups (fewest distinct, > 1)."""
    exclude = exclude or set()
    cats = [
        c
        for c in profile.columns
        if c.in_group("categorical") and c.name not in exclude and c.cardinality > 1
    ]
    cats.sort(key=lambda c: (c.cardinality > MAX_GROUPS, c.cardinality))
    return cats[0].name if cats else None


def _first_non_identifier(profile: SchemaProfile) -> str | None:
    """The first column that is not a row identifier: ids are never a grouping unless asked."""
    return next((c.name for c in profile.columns if not c.in_group("identifier")), None)


def main_measure(profile: SchemaProfile) -> str | None:
    """The numeric column a question about 'the data' most likely means (additive first)."""
    ranked = profile.group("additive") or profile.group("numeric")
    return ranked[0] if ranked else None


def repair_request(
    req: AnalysisRequest, profile: SchemaProfile
) -> tuple[AnalysisRequest, list[str]]:
    """Make any request executable on this table: drop unknown columns, fix impossible combos."""
    notes: list[str] = []
    names = set(profile.names())
    for key in ("x", "y", "color"):
        value = getattr(req, key)
        if value is not None and value not in names:
            notes.append(f"Dropped unknown column {value!r} from {key}.")
            setattr(req, key, None)
    req.filters = [f for f in req.filters if f.column in names] if req.filters else []
    kept = [m for m in req.measures if profile.in_group(m, "numeric_like") and m != req.y]
    if kept != req.measures:
        notes.append("Kept only the extra measures that are numeric columns of this table.")
        req.measures = kept
    if req.agg not in ("count", "none") and req.y and not profile.in_group(req.y, "numeric_like"):
        notes.append(f"{req.agg} of non-numeric {req.y!r} is not possible; counting instead.")
        req.agg, req.y = "count", None
    if req.chart == "histogram":
        target = req.x if profile.in_group(req.x, "numeric_like") else req.y
        if not profile.in_group(target, "numeric_like"):
            req.chart = "bar"
            req.agg = "count" if req.x else req.agg
        else:
            req.x, req.y, req.agg = target, None, "none"
    if req.chart in GROUPED_CHART_KINDS and req.x is None and not req.measures:
        req.x = next(iter(profile.group("temporal")), None) if req.chart == "line" else None
        req.x = req.x or main_group(profile) or _first_non_identifier(profile)
        notes.append(f"No x column was given; using {req.x!r}.")
    if req.chart in GROUPED_CHART_KINDS and req.y is None and req.agg not in ("count",):
        req.agg = "count"
    if req.chart == "scatter" and (req.x is None or (req.y is None and req.agg != "count")):
        nums = [c for c in profile.group("numeric") if c not in (req.x, req.y)]
        req.x = req.x or (nums.pop(0) if nums else None)
        req.y = req.y or (nums.pop(0) if nums else None)
        if req.x is None or req.y is None:
            req.chart, req.agg = "bar", "count"
            req.x = req.x or req.y or main_group(profile)
            req.y = None
    if req.chart == "box" and req.y is None:
        req.y = main_measure(profile)
    if req.agg == "count" and req.y == req.x:
        req.y = None
    notes += _count_by_frequency(req, profile)
    if req.time_grain != "none" and not profile.in_group(req.x, "temporal"):
        req.time_grain = "none"
    if req.sort_by == "none" and req.chart == "line":
        req.sort_by, req.sort_dir = "x", "asc"
    return req, notes


def _count_by_frequency(req: AnalysisRequest, profile: SchemaProfile) -> list[str]:
    """In a table of counts each row says how many it stands for: a count of rows would count
    the combinations of its groups, so a count becomes the sum of that column."""
    weight = next((c.name for c in profile.columns if c.frequency), None)
    if weight is None or req.agg != "count" or req.y is not None or weight in (req.x, req.color):
        return []
    req.y, req.agg = weight, "sum"
    return [f"Each row holds a count ({weight}): summing it, not counting rows."]


def merge_requests(cue: AnalysisRequest, model: AnalysisRequest) -> AnalysisRequest:
    """Model mode: the model's request stands; what it left empty (filters, order, limit, grain)
    is filled in from what the question stated."""
    merged = model.model_copy(deep=True)
    if not merged.filters:
        merged.filters = list(cue.filters)
    if merged.sort_by == "none":
        merged.sort_by, merged.sort_dir = cue.sort_by, cue.sort_dir
    if not merged.limit:
        merged.limit = cue.limit
    if cue.time_grain != "none" and merged.time_grain == "none" and merged.x == cue.x:
        merged.time_grain = cue.time_grain
    return merged
