"""What planning hands on: the planned analysis, the person's choices, the runner-up readings,
the model calls and the trace of what the question reader found.

Kept apart from the planner so that the follow-up reader, the pipeline and the app read these
records without importing the planning stages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from autoviz_core.contracts import AnalysisRequest, AnswerRequest, RequestFilter
from autoviz_core.data.derived import with_columns
from autoviz_core.data.profiling import ColumnProfile, SchemaProfile
from autoviz_core.plan import Plan
from autoviz_core.planning.cues import Cues, Evidence
from autoviz_core.planning.diff import PlanDiff
from autoviz_core.planning.validation import PlanNote

PRIMARY_ID = "answer"
OnStage = Callable[[str, float], None]


@dataclass
class ModelCall:
    """One model call: which stage, the raw answer, timings (for the provenance bundle)."""

    stage: str
    raw: str
    timings: dict[str, float]
    attempts: int
    error: str = ""  # why the call gave no usable answer (the plan went on without it)


@dataclass(frozen=True)
class Chosen:
    """What the person fixed before planning: an intent, a template, or a reading (the chart
    request, with the answer it states when the reading asks for a value)."""

    intent: str | None = None
    template: str | None = None
    request: AnalysisRequest | None = None
    answer: AnswerRequest | None = None


@dataclass
class Alternative:
    """A runner-up reading of the question, offered when the planner is not sure."""

    label: str  # plain words, e.g. "mean of price by cut"
    request: AnalysisRequest
    score: float  # the candidate's score; the chosen request scores highest
    answer: AnswerRequest | None = None  # the value this reading states (None: a chart)

    def to_dict(self) -> dict[str, Any]:
        out = {"label": self.label, "score": self.score, "request": self.request.model_dump()}
        if self.answer is not None:
            out["answer"] = self.answer.model_dump()
        return out

    def chosen(self) -> Chosen:
        """This reading as the person's choice."""
        return Chosen(request=self.request, answer=self.answer)


class PlanningMode(StrEnum):
    """How a question is planned: on its own, or as a change to the version before it."""

    QUESTION = "question"
    FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class PlanningTrace:
    """What the question reader found, as provenance: the evidence every later stage read.
    Typed, so a report, a test or the app reads fields, not dictionary keys."""

    mode: PlanningMode
    columns: tuple[str, ...] = ()
    values: tuple[tuple[str, Any], ...] = ()
    agg: str | None = None
    agg_target: str | None = None
    chart: str | None = None
    mentions: tuple[Evidence, ...] = ()  # the column mentions, as evidence records
    time_grain: str | None = None
    temporal: bool = False
    sort_by: str | None = None
    sort_dir: str | None = None
    limit: int = 0
    filters: tuple[RequestFilter, ...] = ()
    intent_words: tuple[tuple[str, int], ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @classmethod
    def of(cls, cues: Cues, mode: PlanningMode) -> PlanningTrace:
        return cls(
            mode=mode,
            columns=tuple(cues.columns),
            values=tuple((v.column, v.value) for v in cues.values),
            agg=cues.agg,
            agg_target=cues.agg_target,
            chart=cues.chart,
            mentions=tuple(e for e in cues.evidence() if e.kind == "column"),
            time_grain=cues.time_grain,
            temporal=cues.temporal,
            sort_by=cues.sort_by,
            sort_dir=cues.sort_dir,
            limit=cues.limit,
            filters=tuple(f.model_copy(deep=True) for f in cues.filters),
            intent_words=tuple(cues.intent_words.items()),
            evidence=cues.evidence(),
        )

    def as_dict(self) -> dict[str, Any]:
        """The trace as JSON for the provenance bundle (the shape reports have always had)."""
        return {
            "mode": self.mode.value,
            "columns": list(self.columns),
            "values": [list(v) for v in self.values],
            "agg": self.agg,
            "agg_target": self.agg_target,
            "chart": self.chart,
            "mentions": [
                {"column": m.what, "span": list(m.span), "score": m.strength, "kind": m.source}
                for m in self.mentions
            ],
            "time_grain": self.time_grain,
            "temporal": self.temporal,
            "sort": [self.sort_by, self.sort_dir],
            "limit": self.limit,
            "filters": [f.model_dump() for f in self.filters],
            "intent_words": dict(self.intent_words),
            "evidence": [
                {
                    "kind": e.kind,
                    "what": e.what,
                    "span": list(e.span),
                    "strength": e.strength,
                    "source": e.source,
                }
                for e in self.evidence
            ],
        }


@dataclass(frozen=True)
class PlanningTable:
    """The table a question is about: its rows, its profile, and the name prompts call it."""

    df: pd.DataFrame
    profile: SchemaProfile
    name: str = "data"


@dataclass
class PlannedAnalysis:
    """Everything planning decided, ready for review and execution."""

    question: str
    intent: str
    intent_source: str
    request: AnalysisRequest
    request_source: str
    template_id: str
    template_scores: list[tuple[str, float]]
    template_plan: Plan
    plan: Plan
    diff: PlanDiff
    notes: list[PlanNote] = field(default_factory=list)
    trace: PlanningTrace = field(default_factory=lambda: PlanningTrace(PlanningMode.QUESTION))
    timings_ms: dict[str, float] = field(default_factory=dict)
    model_calls: list[ModelCall] = field(default_factory=list)
    backend: str = ""
    confidence: float = 1.0  # margin of the chosen request over the runner-up, 0..1
    alternatives: list[Alternative] = field(default_factory=list)  # shown when not confident
    # profiles of the plan's derived measures, so an edited plan validates against them too
    derived_columns: list[ColumnProfile] = field(default_factory=list)
    answer: AnswerRequest = field(default_factory=AnswerRequest)  # the value asked for
    answer_source: str = "cues"
    answer_confidence: float = 1.0
    # why the model was not asked to adapt the plan though adapting was on ("" otherwise);
    # kept here, not only in the notes, because a reviewed plan's notes are its validation's
    model_not_asked: str = ""


class StageTimer:
    """Milliseconds per planning stage, each measured where the stage runs.

    Most stages follow one another (`lap` closes one). Validation runs inside plan building,
    between and after the resolving and adaptation work, so it is timed where it happens
    (`within`) and taken out of the stage that contains it.
    """

    def __init__(self, on_stage: OnStage | None = None) -> None:
        self.timings: dict[str, float] = {}
        self.on_stage = on_stage
        self._t = time.perf_counter()
        self._inner: dict[str, float] = {}

    @contextmanager
    def within(self, stage: str) -> Iterator[None]:
        """Time one run of `stage` inside the current stage (adds up over several runs)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self._inner[stage] = self._inner.get(stage, 0.0) + time.perf_counter() - start

    def lap(self, stage: str, *inner: str) -> None:
        """Close `stage`; the time its `inner` stages took is reported as theirs, after it."""
        now = time.perf_counter()
        spent = {name: self._inner.pop(name, 0.0) for name in inner}
        self._record(stage, now - self._t - sum(spent.values()))
        for name, seconds in spent.items():
            self._record(name, seconds)
        self._t = now

    def _record(self, stage: str, seconds: float) -> None:
        ms = round(max(0.0, seconds) * 1000, 1)
        self.timings[stage] = ms
        if self.on_stage:
            self.on_stage(stage, ms)


def derived_columns(profile: SchemaProfile, plan: Plan) -> list[ColumnProfile]:
    """The profiles of the measures `plan` derives (planning added them to `profile`)."""
    names = {d.name for d in plan.derived}
    return [c for c in profile.columns if c.name in names]


def with_derived_columns(profile: SchemaProfile, planned: PlannedAnalysis) -> SchemaProfile:
    """The table's profile plus the measures the planned analysis derives."""
    return with_columns(profile, planned.derived_columns)
