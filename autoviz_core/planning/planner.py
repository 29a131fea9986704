"""The planner: question -> cues -> intent -> request -> template -> adapted, validated plan.

The planner never executes anything. Each stage is a function in its own module; this one
wires them together, times them, and records every model call for provenance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

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
from autoviz_core.data.derived import Derived
from autoviz_core.data.profiling import SchemaProfile
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
from autoviz_core.planning.carry import carry_edits
from autoviz_core.planning.change_options import (
    KEEP,
    NOT_ASKED,
    NOTHING_TO_CHOOSE,
    change_options,
)
from autoviz_core.planning.cues import Cues
from autoviz_core.planning.derive import read_question
from autoviz_core.planning.diff import PlanDiff, plan_diff
from autoviz_core.planning.followup import (
    FollowUpPlan,
    PreviousVersion,
    follow_up_question,
    read_follow_up,
    request_changes,
)
from autoviz_core.planning.intent import intent_from_cues
from autoviz_core.planning.planned import (
    PRIMARY_ID,
    Alternative,
    Chosen,
    ModelCall,
    OnStage,
    PlannedAnalysis,
    PlanningMode,
    PlanningTable,
    PlanningTrace,
    StageTimer,
    derived_columns,
    with_derived_columns,
)
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

NO_VALID_CHANGE = "the model proposed no valid change; the template plan is kept"


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


@dataclass(frozen=True)
class _Ask:
    """A choice put to the model: its stage (for provenance), the prompt and what fills it,
    the backend, and the record of calls it adds to."""

    stage: str
    prompt: str
    context: dict[str, Any]
    backend: Backend
    calls: list[ModelCall]


def _pick(ask: _Ask, labels: list[str], *, first_stands: bool = True) -> int:
    """The index of the option the model names among `labels` (best first): under an enum of
    the labels, or, for a backend without a grammar, by number (the first nine), asked once as
    listed and once with the list rotated by half its length. A small model tends to name the
    same position whatever it holds; its answer counts only when both orders name the same
    option. (Rotation, not reversal: a reversed list of odd length keeps its middle option in
    place, so a model that always names the middle would pass.) When the first option is what
    stands without the model (`first_stands`: the best reading, or keeping the plan) and the
    model names it, there is nothing to check: the second order is not asked."""
    if not asks_numbered(ask.backend):
        options = "\n".join(f"- {w}" for w in labels)
        msgs = prompts.messages(ask.prompt, **ask.context, options=options)
        value = _call(ask.backend, ask.stage, msgs, choice_contract(labels), ask.calls)
        return labels.index(str(value.choice))
    shown = labels[:MAX_NUMBERED_OPTIONS]
    first = _numbered(ask, shown)
    if len(shown) == 1 or (first == 0 and first_stands):
        return first
    shift = len(shown) // 2
    rotated = shown[shift:] + shown[:shift]
    named = _numbered(ask, rotated)
    if (named + shift) % len(shown) != first:
        raise BackendError(
            f"{ask.backend.name}: its choice followed the order of the options, not what they say "
            f"(option {first + 1} as listed, option {named + 1} with the list rotated)",
            "A larger model, or one with a grammar (llama.cpp, vLLM), chooses by content.",
        )
    return first


def _numbered(ask: _Ask, labels: list[str]) -> int:
    """The index of the option the model names by its number in `labels` listed 1, 2, ..."""
    options = numbered.option_lines(labels)
    msgs = prompts.messages(ask.prompt, system="numbered_system", **ask.context, options=options)
    contract = numbered_choice_contract(len(labels))
    value = _call(ask.backend, ask.stage, msgs, contract, ask.calls)
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
            ask = _Ask("intent", "choose_intent", context, backend, calls)
            index = _pick(ask, labels, first_stands=stands)
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
            ask = _Ask("answer", "choose_answer", context, backend, calls)
            pick = _model_pick(ask, options, answer_label)
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
    return _model_pick(_Ask("request", "choose", context, backend, calls), options, label_request)


Option = TypeVar("Option", AnalysisRequest, AnswerRequest)


def _model_pick(ask: _Ask, options: list[Option], label: Callable[[Option], str]) -> Option:
    """The option the model names, from the ranking's best ones (best first) each said in plain
    words (`_pick`); options that read the same are offered once."""
    labels = list(dict.fromkeys(label(o) for o in options))
    by_label = {label(o): o for o in reversed(options)}
    picked = labels[_pick(ask, labels)]
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


@dataclass
class Adapted:
    """What the adaptation stage did: the plan after it, the rationale a reviewer reads, its
    notes, the model's change counts, and whether the model's answer is a stage of the diff."""

    plan: Plan
    rationale: str
    notes: list[PlanNote]
    model_changes: dict[str, int] = field(default_factory=dict)
    model_stage: bool = False


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


@dataclass
class _Run:
    """One planning call's working state: the question read against the table (with any
    derived measures added to both), the model calls made, and the stage timer."""

    question: str
    df: pd.DataFrame
    profile: SchemaProfile
    cues: Cues
    derived: list[Derived]
    timer: StageTimer
    mode: PlanningMode
    calls: list[ModelCall] = field(default_factory=list)


@dataclass
class _Decided:
    """What the stages before plan building decided."""

    intent: str
    request: AnalysisRequest
    template: Template
    answer: AnswerRequest | None


@dataclass(frozen=True)
class Planner:
    """The planner of a session: its settings, its model backend (None: no model) and the
    table's name in prompts. `plan` is the one entry, for first questions and follow-ups."""

    settings: PlannerSettings = field(default_factory=PlannerSettings)
    backend: Backend | None = None
    on_stage: OnStage | None = None

    @overload
    def plan(
        self,
        question: str,
        table: PlanningTable,
        previous: None = None,
        *,
        chosen: Chosen | None = None,
    ) -> PlannedAnalysis: ...

    @overload
    def plan(
        self, question: str, table: PlanningTable, previous: PreviousVersion
    ) -> FollowUpPlan: ...

    def plan(
        self,
        question: str,
        table: PlanningTable,
        previous: PreviousVersion | None = None,
        *,
        chosen: Chosen | None = None,
    ) -> PlannedAnalysis | FollowUpPlan:
        """Plan `question` on this table: a new question (with what the person `chosen`
        fixed), or a follow-up of the `previous` version. Raises BackendError if a model call
        fails where the settings require the model."""
        if previous is None:
            return self._plan_question(question, table, chosen or Chosen())
        return self._plan_follow_up(question, previous, table)

    # ------------------------------------------------------------------ a new question
    def _read(self, question: str, table: PlanningTable, mode: PlanningMode) -> _Run:
        read = read_question(question, table.profile, table.df)
        df = table.df if read.df is None else read.df
        timer = StageTimer(self.on_stage)
        return _Run(question, df, read.profile, read.cues, list(read.derived), timer, mode)

    def _plan_question(
        self,
        question: str,
        table: PlanningTable,
        chosen: Chosen,
        mode: PlanningMode = PlanningMode.QUESTION,
    ) -> PlannedAnalysis:
        settings, backend, name = self.settings, self.backend, table.name
        run = self._read(question, table, mode)
        cues, profile, timer, calls = run.cues, run.profile, run.timer, run.calls
        ranked = rank_request(cues, profile)
        timer.lap("cues")
        intent_first = settings.intent_mode == "model" and backend is not None
        intent, intent_source = chosen.intent or "", "person"
        if not chosen.intent and intent_first:
            intent, intent_source = decide_intent(
                cues, None, profile, backend, settings.intent_mode, calls, name
            )
            timer.lap("intent")
        answer, answer_source, answer_confidence = AnswerRequest(), "person", 1.0
        reading: AnswerReading | None = None
        if chosen.request is not None:
            req, req_notes = repair_request(chosen.request.model_copy(deep=True), profile)
            req_source = "person"
            answer = chosen.answer.model_copy(deep=True) if chosen.answer else AnswerRequest()
        else:
            req, req_source, req_notes = decide_request(
                cues, profile, intent, backend, settings.request_mode, calls, name, ranked
            )
            reading, answer, answer_source = decide_answer(
                cues, profile, ranked, backend, settings.request_mode, calls, name
            )
            answer_confidence = reading.confidence
            if answer.kind not in ("chart", "unsupported"):
                req, req_notes = repair_request(evidence_request(answer, req), profile)
        timer.lap("request")
        if not chosen.intent and not intent_first:
            intent, intent_source = decide_intent(
                cues, req, profile, backend, settings.intent_mode, calls, name
            )
            timer.lap("intent")
        template, scores = select_template(intent, profile, req, cues.temporal)
        if chosen.template and (picked := get_template(chosen.template)):
            template = picked
        timer.lap("template")
        template_plan, plan, diff, notes = self._build(run, _Decided(intent, req, template, answer))
        timer.lap("adaptation", "validation")
        plan, template_plan = (
            plan.with_derived(run.derived),
            template_plan.with_derived(run.derived),
        )
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
            trace=PlanningTrace.of(cues, mode),
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

    def _build(self, run: _Run, decided: _Decided) -> tuple[Plan, Plan, PlanDiff, list[PlanNote]]:
        """(template plan, adapted + validated plan, diff, notes).

        The template plan is the template resolved from the table alone; the question then
        sets the measure, aggregation, filters, grouping and grain; the model's changes are
        kept only when they validate. The diff names which of these each difference came
        from. Validation is timed where it runs (between the other work)."""
        df, profile, cues, timer = run.df, run.profile, run.cues, run.timer
        req, template, answer = decided.request, decided.template, decided.answer
        span = date_span_days(df, profile)
        alone = ResolveContext(profile, AnalysisRequest(), [], span, df)
        ctx = ResolveContext(profile, req, named_columns(cues, req), span, df)
        template_steps_alone = template_steps(template, alone, profile)[0]
        with timer.within("validation"):
            template_plan, _ = validate_plan(Plan(steps=template_steps_alone), profile)
        parts = question_parts(cues, req, decided.intent, answer, profile)
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
        if self.settings.adapt_mode == "model" and self.backend is not None:
            known = {s.id for s in plan.steps}

            def check(step: PlanStep) -> tuple[PlanStep | None, str]:
                return _check_change(step, ctx, profile, known, timer, parts)

            adapted = self._adapt(run, plan, decided.intent, check, self.backend)
            plan, rationale, model_changes = adapted.plan, adapted.rationale, adapted.model_changes
            notes += adapted.notes
            if adapted.model_stage:
                stages.append(("model", plan))
        if not any(s.primary for s in plan.steps):
            notes.append(
                PlanNote(PRIMARY_ID, "rejected", "the primary chart could not be validated")
            )
        diff = plan_diff(template_plan, plan, rationale, [n.text() for n in notes], stages)
        diff.model_changes = model_changes
        return template_plan, plan, diff, notes

    # ------------------------------------------------------------------ the model's changes
    def _adapt(
        self, run: _Run, plan: Plan, intent: str, check: StepCheck, backend: Backend
    ) -> Adapted:
        """The model's changes to `plan`, kept where `check` validates them; the plan as it
        is, with the reason, when the model fails or is not asked (the adaptation is
        optional: never fail)."""
        try:
            proposal, chosen = self._propose(run, plan, intent, check, backend)
        except (BackendError, TimeoutError) as exc:
            reason = _record_failure(run.calls, "adapt", exc)
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

    @staticmethod
    def _propose(
        run: _Run, plan: Plan, intent: str, check: StepCheck, backend: Backend
    ) -> tuple[Any, str]:
        """(the model's proposal in the adaptation contract's shape, the rationale when the
        model chose a numbered option), or (None, why the model is not asked).

        A backend with a grammar fills the adaptation contract. One without is asked to
        choose by number among "keep the plan" and the planner's own checked changes
        (change_options), and is not asked at all when there is no such change."""
        if not asks_numbered(backend):
            msgs = prompts.messages(
                "adapt",
                question=run.question,
                intent=intent,
                column_names=", ".join(run.profile.names()[:40]),
                steps=_steps_text(plan),
                tools=", ".join(sorted({s.tool for s in plan.steps})),
            )
            return _call(backend, "adapt", msgs, contract_for(plan), run.calls), ""
        options = change_options(plan, check, MAX_NUMBERED_OPTIONS - 1)
        if not options:
            return None, f"{NOT_ASKED}: {NOTHING_TO_CHOOSE}"
        labels = [KEEP, *(o.label for o in options)]
        context = {
            "question": run.question,
            "intent": intent,
            "steps": _steps_text(plan),
            "keep": KEEP,
        }
        index = _pick(_Ask("adapt", "adapt_numbered", context, backend, run.calls), labels)
        if index == 0:
            return {"changes": []}, ""
        chosen = (
            f"The model chose “{labels[index]}” of {len(labels)} numbered options, in both orders."
        )
        return {"changes": [options[index - 1].change]}, chosen

    # ------------------------------------------------------------------ a follow-up
    def _plan_follow_up(
        self, follow_up: str, previous: PreviousVersion, table: PlanningTable
    ) -> FollowUpPlan:
        """The next version: the previous request changed by the follow-up, the edits kept."""
        df, profile = table.df, table.profile
        reading = read_follow_up(follow_up, previous.request, profile, df)
        question = follow_up_question(previous.question, follow_up)
        if reading.understood:
            chosen = Chosen(intent=previous.intent or None, request=reading.request)
            planned = self._plan_question(question, table, chosen, PlanningMode.FOLLOW_UP)
            planned = dataclasses.replace(
                planned,
                intent_source="follow-up" if previous.intent else planned.intent_source,
                request_source="follow-up",
            )
            reading = dataclasses.replace(reading, request=planned.request)
        else:
            planned = self._plan_question(question, table, Chosen())
            reading = dataclasses.replace(
                reading,
                request=planned.request,
                changes=[
                    "No change to the previous request could be read from the follow-up, "
                    "so it was planned as a new question together with the previous one",
                    *request_changes(previous.request, planned.request),
                ],
            )
        plan, kept = carry_edits(
            previous.planned_plan or previous.plan, previous.plan, planned.plan
        )
        if kept:
            planned = _with_kept_edits(planned, plan, profile)
        return FollowUpPlan(planned, reading, kept, plan_diff(previous.plan, planned.plan))


def _with_kept_edits(
    planned: PlannedAnalysis, plan: Plan, profile: SchemaProfile
) -> PlannedAnalysis:
    """The new version's plan with the person's earlier edits carried onto it, validated."""
    checked, notes = validate_plan(plan, with_derived_columns(profile, planned))
    checked = checked.with_derived(planned.plan.derived)
    return dataclasses.replace(
        planned,
        plan=checked,
        notes=[*planned.notes, *notes],
        diff=plan_diff(
            planned.template_plan,
            checked,
            planned.diff.rationale,
            [n.text() for n in [*planned.notes, *notes]],
        ),
    )
