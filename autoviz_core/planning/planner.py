"""The planner: question -> cues -> intent -> request -> template -> adapted, validated plan.

The planner never executes anything. Each stage is a function in its own module; this one
wires them together, times them, and records every model call for provenance.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from autoviz_core.config import PlannerSettings
from autoviz_core.contracts import (
    MAX_NUMBERED_OPTIONS,
    NONE,
    AnalysisRequest,
    AnswerRequest,
    answer_contract,
    choice_contract,
    intent_contract,
    numbered_choice_contract,
    request_contract,
)
from autoviz_core.data.derived import with_columns
from autoviz_core.data.profiling import ColumnProfile, SchemaProfile
from autoviz_core.errors import BackendError
from autoviz_core.llm import numbered
from autoviz_core.llm.base import Backend, Generation
from autoviz_core.plan import Plan, PlanStep
from autoviz_core.planning import prompts
from autoviz_core.planning.adaptation import StepCheck, apply_changes, contract_for
from autoviz_core.planning.answers import (
    ANSWER_ID,
    AnswerReading,
    answer_call,
    answer_label,
    evidence_request,
    read_answer,
)
from autoviz_core.planning.answers import (
    CONFIDENT as ANSWER_CONFIDENT,
)
from autoviz_core.planning.change_options import (
    KEEP,
    NOT_ASKED,
    NOTHING_TO_CHOOSE,
    change_options,
)
from autoviz_core.planning.cues import Cues
from autoviz_core.planning.derive import read_question
from autoviz_core.planning.diff import PlanDiff, plan_diff
from autoviz_core.planning.intent import intent_from_cues
from autoviz_core.planning.request import (
    CONFIDENT,
    MAX_ALTERNATIVES,
    RankedRequest,
    label_request,
    merge_requests,
    rank_request,
    repair_request,
)
from autoviz_core.planning.resolver import ResolveContext, resolve_step
from autoviz_core.planning.support import question_parts, serves, step_part
from autoviz_core.planning.templates import (
    AUTO,
    Template,
    get_template,
    role_counts,
    select_template,
)
from autoviz_core.planning.validation import PlanNote, validate_plan, validate_step
from autoviz_core.planning.weights import load_weights
from autoviz_core.tools.registry import get_tool
from autoviz_core.vocabulary import INTENTS, PART_WORDS

PRIMARY_ID = "answer"
NO_VALID_CHANGE = "the model proposed no valid change; the template plan is kept"
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
    cues: dict[str, Any] = field(default_factory=dict)
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


# Completion budgets per stage (tokens): the JSON of each contract fits with room to spare;
# the configured limits.llm_max_tokens still caps them inside the backend.
STAGE_MAX_TOKENS = {"intent": 64, "request": 320, "answer": 320, "adapt": 320}


def _call(backend: Backend, stage: str, msgs: Any, contract: Any, calls: list[ModelCall]) -> Any:
    gen: Generation = backend.generate(msgs, contract, max_tokens=STAGE_MAX_TOKENS.get(stage))
    calls.append(ModelCall(stage, gen.raw, dict(gen.timings), gen.attempts))
    return gen.value


def _context(profile: SchemaProfile, question: str, name: str) -> dict[str, Any]:
    return {
        "table": name,
        "rows": profile.n_rows,
        "columns": prompts.describe_columns(profile),
        "question": question,
    }


def asks_numbered(backend: Backend | None) -> bool:
    """A backend without a grammar is asked only numbered choices among the planner's own
    options: a small model prompted for JSON almost never writes a valid plan change, but it
    names one of a few numbered options in one token, and every option is valid."""
    return getattr(backend, "strategy", None) == "prompt_validate"


def _asked(mode: str, backend: Backend | None, confident: bool, has_options: bool) -> bool:
    """Whether a stage asks the model: never in cues mode; in hybrid mode when the ranking is
    unsure; in model mode always, except that a backend without a grammar only chooses among
    the ranking's readings, so it is not asked when there is one."""
    if mode == "cues" or backend is None:
        return False
    if mode == "hybrid":
        return not confident
    return has_options or not asks_numbered(backend)


def _pick(
    labels: list[str],
    stage: str,
    prompt: str,
    context: dict[str, Any],
    backend: Backend,
    calls: list[ModelCall],
    *,
    first_stands: bool = True,
) -> int:
    """The index of the option the model names among `labels` (best first): under an enum of
    the labels, or, for a backend without a grammar, by number (the first nine), asked once as
    listed and once with the list rotated by half its length. A small model tends to name the
    same position whatever it holds; its answer counts only when both orders name the same
    option. (Rotation, not reversal: a reversed list of odd length keeps its middle option in
    place, so a model that always names the middle would pass.) When the first option is what
    stands without the model (`first_stands`: the best reading, or keeping the plan) and the
    model names it, there is nothing to check: the second order is not asked."""
    if not asks_numbered(backend):
        msgs = prompts.messages(prompt, **context, options="\n".join(f"- {w}" for w in labels))
        value = _call(backend, stage, msgs, choice_contract(labels), calls)
        return labels.index(str(value.choice))
    shown = labels[:MAX_NUMBERED_OPTIONS]
    first = _numbered(shown, stage, prompt, context, backend, calls)
    if len(shown) == 1 or (first == 0 and first_stands):
        return first
    shift = len(shown) // 2
    rotated = shown[shift:] + shown[:shift]
    named = _numbered(rotated, stage, prompt, context, backend, calls)
    if (named + shift) % len(shown) != first:
        raise BackendError(
            f"{backend.name}: its choice followed the order of the options, not what they say "
            f"(option {first + 1} as listed, option {named + 1} with the list rotated)",
            "A larger model, or one with a grammar (llama.cpp, vLLM), chooses by content.",
        )
    return first


def _numbered(
    labels: list[str],
    stage: str,
    prompt: str,
    context: dict[str, Any],
    backend: Backend,
    calls: list[ModelCall],
) -> int:
    """The index of the option the model names by its number in `labels` listed 1, 2, ..."""
    options = numbered.option_lines(labels)
    msgs = prompts.messages(prompt, system="numbered_system", **context, options=options)
    value = _call(backend, stage, msgs, numbered_choice_contract(len(labels)), calls)
    return int(value.number) - 1


# ---------------------------------------------------------------- intent
def decide_intent(
    cues: Cues,
    request: AnalysisRequest | None,
    profile: SchemaProfile,
    backend: Backend | None,
    mode: str,
    calls: list[ModelCall],
    table_name: str = "data",
) -> tuple[str, str]:
    """(intent, how it was decided: cues | model | hybrid)."""
    verdict = intent_from_cues(cues, request, profile)
    if mode == "cues" or backend is None or (mode == "hybrid" and verdict.decisive):
        return verdict.label, "cues"
    labels: list[str] = list(INTENTS) if mode == "model" else list(verdict.candidates)
    hint = "" if mode == "model" else f" The question's wording suggests: {verdict.label}."
    context = {**_context(profile, cues.question, table_name), "hint": hint}
    try:
        if asks_numbered(backend):
            # hybrid lists the cues' label first; model mode lists every intent in a fixed order
            stands = mode == "hybrid"
            index = _pick(
                labels, "intent", "choose_intent", context, backend, calls, first_stands=stands
            )
            return labels[index], mode
        msgs = prompts.messages("intent", **context, labels=", ".join(labels))
        value = _call(backend, "intent", msgs, intent_contract(labels), calls)
    except (BackendError, TimeoutError) as exc:
        if mode != "hybrid":
            raise  # the person asked the model to decide: its failure is the answer
        _record_failure(calls, "intent", exc)  # hybrid: the ranking's intent stands
        return verdict.label, "cues"
    return str(value.intent), mode


# ---------------------------------------------------------------- request
def decide_request(
    cues: Cues,
    profile: SchemaProfile,
    intent: str,
    backend: Backend | None,
    mode: str,
    calls: list[ModelCall],
    table_name: str = "data",
    ranked: RankedRequest | None = None,
) -> tuple[AnalysisRequest, str, list[str]]:
    """The request: the best-ranked candidate, or the model's pick (hybrid: among the top ones)."""
    ranked = ranked or rank_request(cues, profile)
    confident = ranked.confidence >= CONFIDENT or not ranked.alternatives
    if not _asked(mode, backend, confident, bool(ranked.alternatives)):
        req, notes = repair_request(ranked.request.model_copy(deep=True), profile)
        return req, "cues", notes
    assert backend is not None
    try:
        if mode == "hybrid" or asks_numbered(backend):  # a choice among the ranked readings
            chosen = _choose_candidate(cues, profile, ranked, backend, calls, table_name)
            req, notes = repair_request(chosen, profile)
            return req, mode, notes
        msgs = prompts.messages(
            "request", **_context(profile, cues.question, table_name), intent=intent, hint=""
        )
        value = _call(backend, "request", msgs, request_contract(profile.names()), calls)
    except (BackendError, TimeoutError) as exc:
        if mode != "hybrid":
            raise  # the person asked the model to decide: its failure is the answer
        # hybrid: the model only chooses among ranked readings, so the best-ranked one stands
        reason = _record_failure(calls, "request", exc)
        req, notes = repair_request(ranked.request.model_copy(deep=True), profile)
        return (
            req,
            "cues",
            [f"the model could not choose ({reason}); the best reading is used", *notes],
        )
    model_req = merge_requests(ranked.request, AnalysisRequest.from_contract(value))
    req, notes = repair_request(model_req, profile)
    return req, "model", notes


def decide_answer(
    cues: Cues,
    profile: SchemaProfile,
    ranked: RankedRequest,
    backend: Backend | None,
    mode: str,
    calls: list[ModelCall],
    table_name: str = "data",
) -> tuple[AnswerReading, AnswerRequest, str]:
    """What value the question asks for: the best-ranked reading, or the model's (hybrid: the
    model picks among the top readings when the ranking is unsure; model: it fills the answer
    contract under this table's enums). A model that fails leaves the ranking's reading."""
    assert ranked.evidence is not None
    reading = read_answer(
        cues, ranked.evidence, profile, load_weights().get("answer", {}), ranked.request
    )
    confident = reading.confidence >= CONFIDENT or not reading.alternatives
    if not _asked(mode, backend, confident, bool(reading.alternatives)):
        return reading, reading.answer, "cues"
    assert backend is not None
    try:
        if mode == "hybrid" or asks_numbered(backend):  # a choice among the ranked readings
            options = [reading.answer, *(a for a, _p in reading.alternatives)]
            context = _context(profile, cues.question, table_name)
            pick = _model_pick(
                options, answer_label, "answer", "choose_answer", context, backend, calls
            )
            return reading, pick, mode
        msgs = prompts.messages("answer", **_context(profile, cues.question, table_name), hint="")
        value = _call(backend, "answer", msgs, answer_contract(profile.names()), calls)
    except (BackendError, TimeoutError) as exc:
        if mode != "hybrid":
            raise
        _record_failure(calls, "answer", exc)
        return reading, reading.answer, "cues"
    return reading, AnswerRequest.from_contract(value), "model"


def _record_failure(calls: list[ModelCall], stage: str, exc: BaseException) -> str:
    """Record a failed model call for provenance; the one-line reason."""
    reason = " ".join(str(getattr(exc, "message", exc) or type(exc).__name__).split())
    calls.append(ModelCall(stage, "", {}, 0, error=reason))
    return reason


def _choose_candidate(
    cues: Cues,
    profile: SchemaProfile,
    ranked: RankedRequest,
    backend: Backend,
    calls: list[ModelCall],
    table_name: str,
) -> AnalysisRequest:
    """Hybrid: the model picks one of the top candidates, named in plain words, by enum."""
    options = [ranked.request, *(alt for alt, _p in ranked.alternatives)]
    context = _context(profile, cues.question, table_name)
    return _model_pick(options, label_request, "request", "choose", context, backend, calls)


Option = TypeVar("Option", AnalysisRequest, AnswerRequest)


def _model_pick(
    options: list[Option],
    label: Callable[[Option], str],
    stage: str,
    prompt: str,
    context: dict[str, Any],
    backend: Backend,
    calls: list[ModelCall],
) -> Option:
    """The option the model names, from the ranking's best ones (best first) each said in plain
    words (`_pick`); options that read the same are offered once."""
    labels = list(dict.fromkeys(label(o) for o in options))
    by_label = {label(o): o for o in reversed(options)}
    picked = labels[_pick(labels, stage, prompt, context, backend, calls)]
    return by_label[picked].model_copy(deep=True)


def alternatives_of(ranked: RankedRequest, chosen: AnalysisRequest) -> list[Alternative]:
    """The runners-up to offer when the planner is not sure (none when it is)."""
    if ranked.confidence >= CONFIDENT:
        return []
    options = [(ranked.request, ranked.confidence), *ranked.alternatives]
    out = []
    for req, p in options:
        if (req.chart, req.x, req.y, req.agg, req.color) == (
            chosen.chart,
            chosen.x,
            chosen.y,
            chosen.agg,
            chosen.color,
        ):
            continue
        out.append(Alternative(label_request(req), req, p))
    return out[:MAX_ALTERNATIVES]


def _confidence(
    ranked: RankedRequest, reading: AnswerReading | None, answer: AnswerRequest
) -> float:
    """How sure the chosen reading is: the answer reading's when it asks for a value, else the
    chart ranking's; 1 when the person chose it."""
    if reading is None:
        return 1.0
    if answer.kind not in ("chart", "unsupported"):
        return reading.confidence
    return ranked.confidence


def _alternatives(
    ranked: RankedRequest,
    reading: AnswerReading | None,
    req: AnalysisRequest,
    answer: AnswerRequest,
    profile: SchemaProfile,
) -> list[Alternative]:
    """The runners-up to offer when not sure: other values the question may ask for when it
    reads as a value, other charts when it reads as a chart; none when the person chose."""
    if reading is None:
        return []
    if answer.kind in ("chart", "unsupported"):
        return alternatives_of(ranked, req)
    if reading.confidence >= ANSWER_CONFIDENT:
        return []
    out = []
    for alt, p in reading.alternatives:
        chart = alt.kind in ("chart", "unsupported")
        evidence = ranked.request if chart else evidence_request(alt, ranked.request)
        shown, _ = repair_request(evidence.model_copy(deep=True), profile)
        if chart and _signature_of(shown) == _signature_of(req):
            continue  # the chart already shown beside the answer is no other reading
        label = label_request(shown) if chart else answer_label(alt)
        out.append(Alternative(label, shown, p, None if chart else alt))
    return out[:MAX_ALTERNATIVES]


def _signature_of(req: AnalysisRequest) -> tuple[Any, ...]:
    return (req.chart, req.x, req.y, req.agg, req.color)


# ---------------------------------------------------------------- plan
def primary_step(req: AnalysisRequest) -> PlanStep:
    """The chart that answers the question directly, built from the request."""
    params: dict[str, Any] = {
        "kind": req.chart,
        "x": req.x,
        "y": req.y,
        "agg": req.agg,
        "color": req.color,
        "time_grain": req.time_grain,
        "filters": [f.model_dump() for f in req.filters],
        "sort_by": req.sort_by,
        "sort_dir": req.sort_dir,
        "limit": req.limit,
    }
    if req.measures:
        params["measures"] = list(req.measures)
    return PlanStep(
        id=PRIMARY_ID,
        tool="chart",
        params=params,
        primary=True,
        origin="question",
        supports="chart",
    )


def answer_step(answer: AnswerRequest) -> PlanStep | None:
    """The step that computes the asked value; None when a chart answers the question."""
    call = answer_call(answer)
    if call is None:
        return None
    tool, params = call
    return PlanStep(
        id=ANSWER_ID, tool=tool, params=params, answer=True, origin="answer", supports="answer"
    )


def repeats_chart(step: PlanStep, chart: PlanStep) -> bool:
    """A supporting step that would draw the primary chart again (a histogram of the column
    the answer's histogram shows, a box of the same measure and groups, the same scatter)."""
    p, c = step.params, chart.params
    if (p.get("filters") or []) != (c.get("filters") or []):
        return False
    kind = c.get("kind")
    if step.tool == "histogram":
        return kind == "histogram" and p.get("column") == c.get("x")
    if step.tool == "box_by_group":
        return kind == "box" and (p.get("column"), p.get("group_by")) == (c.get("y"), c.get("x"))
    if step.tool == "scatter":
        return kind == "scatter" and {p.get("x"), p.get("y")} == {c.get("x"), c.get("y")}
    return False


def template_steps(
    template: Template,
    ctx: ResolveContext,
    profile: SchemaProfile,
    parts: set[str] | None = None,
) -> tuple[list[PlanStep], list[PlanNote]]:
    """The template's steps with "auto" resolved; a step that cannot run, or (given the
    question's `parts`) serves no part of the question, is left out (why)."""
    counts = role_counts(profile)
    steps: list[PlanStep] = []
    notes: list[PlanNote] = []
    for ts in template.steps:
        if parts is not None and not serves(ts.supports, parts):
            shows = PART_WORDS[ts.supports]
            notes.append(
                PlanNote(
                    ts.id, "info", f"left out: the question does not ask what it shows ({shows})"
                )
            )
            continue
        if any(counts.get(role, 0) < n for role, n in ts.needs.items()):
            notes.append(PlanNote(ts.id, "info", f"left out: the table lacks {ts.needs}"))
            continue
        draft = PlanStep(id=ts.id, tool=ts.tool, params=dict(ts.params), supports=ts.supports)
        step, why = resolve_step(draft, ctx)
        if step is None:
            notes.append(PlanNote(ts.id, "info", "left out: " + "; ".join(why)))
            continue
        steps.append(step)
    return steps, notes


def date_span_days(df: pd.DataFrame, profile: SchemaProfile) -> float | None:
    for c in profile.columns:
        if c.in_group("temporal") and pd.api.types.is_datetime64_any_dtype(df[c.name]):
            s = df[c.name].dropna()
            if len(s):
                return float((s.max() - s.min()).total_seconds() / 86400)
    return None


def build_plan(
    question: str,
    df: pd.DataFrame,
    profile: SchemaProfile,
    intent: str,
    req: AnalysisRequest,
    cues: Cues,
    template: Template,
    backend: Backend | None,
    adapt_mode: str,
    calls: list[ModelCall],
    timer: StageTimer | None = None,
    answer: AnswerRequest | None = None,
) -> tuple[Plan, Plan, PlanDiff, list[PlanNote]]:
    """(template plan, adapted + validated plan, diff, notes).

    The template plan is the template resolved from the table alone; the question then sets
    the measure, aggregation, filters, grouping and grain; the model's changes are kept only
    when they validate. The diff names which of these each difference came from.
    `timer` is told how long validation took (it runs between the other work).
    """
    timer = timer or StageTimer()
    span = date_span_days(df, profile)
    alone = ResolveContext(profile, AnalysisRequest(), [], span, df)
    ctx = ResolveContext(profile, req, named_columns(cues, req), span, df)
    template_steps_alone = template_steps(template, alone, profile)[0]
    with timer.within("validation"):
        template_plan, _ = validate_plan(Plan(steps=template_steps_alone), profile)
    parts = question_parts(cues, req, intent, answer, profile)
    steps, notes = template_steps(template, ctx, profile, parts)
    first = primary_step(req)
    repeats = [s for s in steps if repeats_chart(s, first)]
    notes += [
        PlanNote(s.id, "info", "left out: the answer's chart already shows it") for s in repeats
    ]
    steps = [s for s in steps if s not in repeats]
    asked = answer_step(answer) if answer is not None else None
    with timer.within("validation"):
        plan, vnotes = validate_plan(
            Plan(steps=[*([asked] if asked else []), first, *steps]), profile
        )
    notes += vnotes
    stages: list[tuple[str, Plan]] = [("question", plan)]
    rationale, model_changes = "The model was not asked to adapt the plan.", {}
    if adapt_mode == "model" and backend is not None:
        known = {s.id for s in plan.steps}

        def check(step: PlanStep) -> tuple[PlanStep | None, str]:
            return _check_change(step, ctx, profile, known, timer, parts)

        adapted = _adapt(plan, question, intent, profile, backend, calls, check)
        plan, rationale, model_changes = adapted.plan, adapted.rationale, adapted.model_changes
        notes += adapted.notes
        if adapted.model_stage:
            stages.append(("model", plan))
    if not any(s.primary for s in plan.steps):
        notes.append(PlanNote(PRIMARY_ID, "rejected", "the primary chart could not be validated"))
    diff = plan_diff(template_plan, plan, rationale, [n.text() for n in notes], stages)
    diff.model_changes = model_changes
    return template_plan, plan, diff, notes


@dataclass
class Adapted:
    """What the adaptation stage did: the plan after it, the rationale a reviewer reads, its
    notes, the model's change counts, and whether the model's answer is a stage of the diff."""

    plan: Plan
    rationale: str
    notes: list[PlanNote]
    model_changes: dict[str, int] = field(default_factory=dict)
    model_stage: bool = False


def _adapt(
    plan: Plan,
    question: str,
    intent: str,
    profile: SchemaProfile,
    backend: Backend,
    calls: list[ModelCall],
    check: StepCheck,
) -> Adapted:
    """The model's changes to `plan`, kept where `check` validates them; the plan as it is, with
    the reason, when the model fails or is not asked (the adaptation is optional: never fail)."""
    try:
        proposal, chosen = _propose(plan, question, intent, profile, backend, calls, check)
    except (BackendError, TimeoutError) as exc:
        reason = _record_failure(calls, "adapt", exc)
        note = PlanNote("adapt", "info", f"{NO_VALID_CHANGE}: {reason}")
        return Adapted(plan, f"The model proposed no valid change ({reason}).", [note])
    if proposal is None:  # `chosen` says why the model was not asked
        return Adapted(
            plan, f"{chosen[:1].upper()}{chosen[1:]}.", [PlanNote("adapt", "info", chosen)]
        )
    outcome = apply_changes(plan, proposal, check)
    notes = [PlanNote("adapt", "info", a) for a in outcome.applied]
    notes += [PlanNote("adapt", "rejected", s) for s in outcome.skipped]
    counts = {
        "proposed": outcome.proposed,
        "accepted": len(outcome.applied),
        "rejected": len(outcome.skipped),
    }
    rationale = chosen if chosen and outcome.applied else outcome.review_rationale()
    return Adapted(outcome.plan, rationale, notes, counts, model_stage=True)


def _propose(
    plan: Plan,
    question: str,
    intent: str,
    profile: SchemaProfile,
    backend: Backend,
    calls: list[ModelCall],
    check: StepCheck,
) -> tuple[Any, str]:
    """(the model's proposal in the adaptation contract's shape, the rationale when the model
    chose a numbered option), or (None, why the model is not asked).

    A backend with a grammar fills the adaptation contract. One without is asked to choose by
    number among "keep the plan" and the planner's own checked changes (change_options), and
    is not asked at all when there is no such change."""
    if not asks_numbered(backend):
        msgs = prompts.messages(
            "adapt",
            question=question,
            intent=intent,
            column_names=", ".join(profile.names()[:40]),
            steps=_steps_text(plan),
            tools=", ".join(sorted({s.tool for s in plan.steps})),
        )
        return _call(backend, "adapt", msgs, contract_for(plan), calls), ""
    options = change_options(plan, check, MAX_NUMBERED_OPTIONS - 1)
    if not options:
        return None, f"{NOT_ASKED}: {NOTHING_TO_CHOOSE}"
    labels = [KEEP, *(o.label for o in options)]
    context = {"question": question, "intent": intent, "steps": _steps_text(plan), "keep": KEEP}
    index = _pick(labels, "adapt", "adapt_numbered", context, backend, calls)
    if index == 0:
        return {"changes": []}, ""
    chosen = f"The model chose “{labels[index]}” of {len(labels)} numbered options, in both orders."
    return {"changes": [options[index - 1].change]}, chosen


def named_columns(cues: Cues, req: AnalysisRequest) -> list[str]:
    """Columns the question itself names: mentions, compared values' column, filters."""
    named = [*cues.columns, cues.group_hint, *(f.column for f in req.filters)]
    return list(dict.fromkeys(c for c in named if c))


def _check_change(
    step: PlanStep,
    ctx: ResolveContext,
    profile: SchemaProfile,
    known: set[str],
    timer: StageTimer,
    parts: set[str] | None = None,
) -> tuple[PlanStep | None, str]:
    """A model-changed step resolved like a template step, then validated; or why it is not
    valid. It must serve a part of the question, as a template's step must."""
    part = step_part(step.tool, step.supports)
    if parts is not None and not step.primary and not serves(part, parts):
        return None, "it serves no part of the question"
    step = step.model_copy(update={"supports": part})
    resolved = _resolve_again(step, ctx)
    with timer.within("validation"):
        valid, vnotes = validate_step(resolved, profile, known)
    if valid is None:
        return None, "; ".join(n.message for n in vnotes if n.level == "rejected") or "invalid"
    return valid, ""


def _resolve_again(step: PlanStep, ctx: ResolveContext) -> PlanStep:
    """Model-added or modified steps may carry "auto" or leave a column out: resolve them too."""
    if step.primary:
        return step
    spec = get_tool(step.tool)
    params = dict(step.params)
    if spec is not None:
        for name, info in spec.params_model.model_fields.items():
            if name in spec.column_params() and info.is_required() and name not in params:
                params[name] = AUTO
    resolved, _ = resolve_step(step.model_copy(update={"params": params}), ctx)
    return resolved or step


def _steps_text(plan: Plan) -> str:
    return "\n".join(
        f"- {s.id}: {s.tool}({', '.join(f'{k}={v}' for k, v in s.params.items() if v not in (None, [], NONE))})"
        for s in plan.steps
    )


def cues_summary(cues: Cues) -> dict[str, Any]:
    return {
        "columns": cues.columns,
        "values": [(v.column, v.value) for v in cues.values],
        "agg": cues.agg,
        "agg_target": cues.agg_target,
        "chart": cues.chart,
        "mentions": [
            {"column": m.column, "span": [m.start, m.end], "score": m.score, "kind": m.kind}
            for m in cues.mentions
        ],
        "time_grain": cues.time_grain,
        "temporal": cues.temporal,
        "sort": [cues.sort_by, cues.sort_dir],
        "limit": cues.limit,
        "filters": [f.model_dump() for f in cues.filters],
        "intent_words": cues.intent_words,
    }


def plan_question(
    question: str,
    df: pd.DataFrame,
    profile: SchemaProfile,
    backend: Backend | None,
    settings: PlannerSettings | None = None,
    *,
    table_name: str = "data",
    on_stage: OnStage | None = None,
    chosen: Chosen | None = None,
) -> PlannedAnalysis:
    """Plan the analysis of `question` on this table, with what the person `chosen` fixed.
    Raises BackendError if a model call fails."""
    settings = settings or PlannerSettings()
    chosen = chosen or Chosen()
    intent_override, template_override = chosen.intent, chosen.template
    request_override = chosen.request
    timer = StageTimer(on_stage)
    calls: list[ModelCall] = []
    read = read_question(question, df, profile)
    cues, df, profile = read.cues, read.df, read.profile
    ranked = rank_request(cues, profile)
    timer.lap("cues")
    intent_first = settings.intent_mode == "model" and backend is not None
    intent, intent_source = intent_override or "", "person"
    if not intent_override and intent_first:
        intent, intent_source = decide_intent(
            cues, None, profile, backend, settings.intent_mode, calls, table_name
        )
        timer.lap("intent")
    answer, answer_source, answer_confidence = AnswerRequest(), "person", 1.0
    reading: AnswerReading | None = None
    if request_override is not None:
        req, req_notes = repair_request(request_override.model_copy(deep=True), profile)
        req_source = "person"
        answer = chosen.answer.model_copy(deep=True) if chosen.answer else AnswerRequest()
    else:
        req, req_source, req_notes = decide_request(
            cues, profile, intent, backend, settings.request_mode, calls, table_name, ranked
        )
        reading, answer, answer_source = decide_answer(
            cues, profile, ranked, backend, settings.request_mode, calls, table_name
        )
        answer_confidence = reading.confidence
        if answer.kind not in ("chart", "unsupported"):
            req, req_notes = repair_request(evidence_request(answer, req), profile)
    timer.lap("request")
    if not intent_override and not intent_first:
        intent, intent_source = decide_intent(
            cues, req, profile, backend, settings.intent_mode, calls, table_name
        )
        timer.lap("intent")
    template, scores = select_template(intent, profile, req, cues.temporal)
    if template_override and (picked := get_template(template_override)):
        template = picked
    timer.lap("template")
    template_plan, plan, diff, notes = build_plan(
        question,
        df,
        profile,
        intent,
        req,
        cues,
        template,
        backend,
        settings.adapt_mode,
        calls,
        timer,
        answer,
    )
    timer.lap("adaptation", "validation")
    plan, template_plan = plan.with_derived(read.derived), template_plan.with_derived(read.derived)
    notes = [PlanNote("request", "repaired", n) for n in req_notes] + notes
    return PlannedAnalysis(
        question=question,
        intent=intent,
        intent_source=intent_source,
        request=req,
        request_source=req_source,
        template_id=template.id,
        template_scores=scores,
        template_plan=template_plan,
        plan=plan,
        diff=diff,
        notes=notes,
        cues=cues_summary(cues),
        timings_ms=timer.timings,
        model_calls=calls,
        backend=getattr(backend, "name", "") if backend else "",
        confidence=_confidence(ranked, reading, answer),
        alternatives=_alternatives(ranked, reading, req, answer, profile),
        derived_columns=derived_columns(profile, plan),
        answer=answer,
        answer_source=answer_source,
        answer_confidence=answer_confidence,
        model_not_asked=next((n.message for n in notes if n.message.startswith(NOT_ASKED)), ""),
    )


def derived_columns(profile: SchemaProfile, plan: Plan) -> list[ColumnProfile]:
    """The profiles of the measures `plan` derives (planning added them to `profile`)."""
    names = {d.name for d in plan.derived}
    return [c for c in profile.columns if c.name in names]


def with_derived_columns(profile: SchemaProfile, planned: PlannedAnalysis) -> SchemaProfile:
    """The table's profile plus the measures the planned analysis derives."""
    return with_columns(profile, planned.derived_columns)


def revalidate(planned: PlannedAnalysis, edited: Plan, profile: SchemaProfile) -> PlannedAnalysis:
    """A person's edits go through the same validation (strictly: a value that does not fit is
    shown as an error, not replaced); the diff is recomputed against the template."""
    plan, notes = validate_plan(edited, with_derived_columns(profile, planned), strict=True)
    plan = plan.with_derived(planned.plan.derived)
    stages = [*(s for s in planned.diff.stages if s[0] != "user"), ("user", plan)]
    diff = plan_diff(
        planned.template_plan, plan, planned.diff.rationale, [n.text() for n in notes], stages
    )
    diff.model_changes = planned.diff.model_changes
    return PlannedAnalysis(**{**planned.__dict__, "plan": plan, "diff": diff, "notes": notes})
