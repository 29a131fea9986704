"""Fit the planner's feature weights and write autoviz_core/planning/weights.json.

    .venv/bin/python scripts/fit_planner.py            # fit, report train and dev, write the file
    .venv/bin/python scripts/fit_planner.py --check    # fit and fail if the committed file differs

Training data: ../shared/eval/nvbench_train (879 questions; a candidate is correct when its chart
kind and plotted data equal the gold chart's, with the evaluation's own normalisation) and the
repository's own questions in bench/train/questions.jsonl (gold request fields and intents, on
tables that belong to no evaluation set). The request model is a conditional logit over each
question's candidates; the intent model a multinomial logit over the five intents, both with L2
regularisation, fitted with L-BFGS from zero (deterministic). Dev figures are measured on
nvbench_dev with the same candidate labelling; the analysis dev sets are scored by bench.eval.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import pickle
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autoviz_core.config import load_settings  # noqa: E402
from autoviz_core.contracts import (  # noqa: E402
    INTENTS,
    AnalysisRequest,
    RequestFilter,
)
from autoviz_core.data import load_table, profile_table, table_from_dataframe  # noqa: E402
from autoviz_core.planning.answers import (  # noqa: E402
    AnswerCandidate,
    answer_evidence,
    best_by_kind,
    generate_answers,
    kind_features,
    score_answers,
    slot_features,
)
from autoviz_core.planning.derive import read_question  # noqa: E402
from autoviz_core.planning.edits import (  # noqa: E402
    Edit,
    apply_edits,
    candidate_edits,
    edit_evidence,
    edit_features,
)
from autoviz_core.planning.features import (  # noqa: E402
    Candidate,
    candidate_features,
    generate_candidates,
    question_evidence,
)
from autoviz_core.planning.filters import ScoredFilter, filter_features  # noqa: E402
from autoviz_core.planning.filters import resolve as resolve_filters  # noqa: E402
from autoviz_core.planning.intent import intent_features  # noqa: E402
from autoviz_core.planning.request import (  # noqa: E402
    calibrated,
    complete_request,
    rank_request,
    repair_request,
    score_candidates,
    share_logit,
)
from autoviz_core.planning.weights import WEIGHTS_FILE, fitted_in_place  # noqa: E402
from autoviz_core.tools.charts import ChartParams, chart  # noqa: E402
from autoviz_core.tools.registry import ToolContext  # noqa: E402
from bench.nv_where import where_conditions  # noqa: E402
from bench.scoring import pairs  # noqa: E402
from bench.train.tables import TABLES  # noqa: E402

SHARED = Path(os.environ.get("AUTOVIZ_SHARED", REPO.parent / "shared"))
NV_TRAIN = SHARED / "eval" / "nvbench_train" / "cases.jsonl"
NV_DEV = SHARED / "eval" / "nvbench_dev" / "cases.jsonl"
OWN = REPO / "bench" / "train" / "questions.jsonl"
OWN_ANSWERS = REPO / "bench" / "train" / "answers.jsonl"
OWN_FILTERS = REPO / "bench" / "train" / "filters.jsonl"
L2_ANSWER = 1.0
L2_REQUEST = 3.0  # best held-out-by-table top-1 of 1, 3, 10 (scripts/fit_planner.py --cv)
L2_INTENT = 1.0
L2_FILTERS = 1.0
OWN_WEIGHT = 2.0  # own questions cover charts nvBench lacks; each counts twice
# nvBench has no intent labels; the ones derived from its chart kinds are weak evidence
NV_INTENT_WEIGHT = 0.1
# nvBench's chart questions, each as much as an own answer question
NV_ANSWER_WEIGHT = 1.0
DECIMALS = 3


@dataclass
class Example:
    """One training question: its candidates' features, which are correct, its intent gold."""

    id: str
    source: str
    feats: list[dict[str, float]]
    correct: list[bool]
    weight: float = 1.0
    intents: list[str] = field(default_factory=list)
    intent_feats: dict[str, float] = field(default_factory=dict)
    cues: Any = None
    profile: Any = None
    candidates: list[Candidate] = field(default_factory=list)
    table: str = ""  # which table it asks about (cross-validation holds out whole tables)


# ---------------------------------------------------------------- data
def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


_TABLES: dict[str, Any] = {}


def nv_table(path: Path) -> tuple[Any, Any]:
    key = str(path)
    if key not in _TABLES:
        t = load_table(path, load_settings().limits)
        _TABLES[key] = (t.df, profile_table(t.df))
    return _TABLES[key]  # type: ignore[no-any-return]


def own_table(name: str) -> tuple[Any, Any]:
    if name not in _TABLES:
        t = table_from_dataframe(TABLES[name](), name, load_settings().limits)
        _TABLES[name] = (t.df, profile_table(t.df))
    return _TABLES[name]  # type: ignore[no-any-return]


_CHART_CACHE: dict[tuple[str, str], Counter[tuple[str, str]] | None] = {}
_VALUES: dict[tuple[str, str], set[str]] = {}


def column_values(table_key: str, df: Any, column: str) -> set[str]:
    """A column's distinct values, normalised like the evaluation (for a cheap pre-check)."""
    key = (table_key, column)
    if key not in _VALUES:
        _VALUES[key] = {pairs([v], [None])[0][0] for v in df[column].dropna().unique()}
    return _VALUES[key]


def could_match(table_key: str, df: Any, req: Any, want_x: set[str], want_y: set[str]) -> bool:
    """False when the gold x (or raw y) values cannot all come from the candidate's columns."""
    if req.time_grain != "none" or req.x is None:
        return True
    if not want_x <= column_values(table_key, df, req.x):
        return False
    if req.agg == "none" and req.y is not None:
        return want_y <= column_values(table_key, df, req.y)
    return True


def chart_pairs(table_key: str, df: Any, req: Any) -> Counter[tuple[str, str]] | None:
    """The (x, y) pairs the chart tool plots for a request, normalised like the evaluation."""
    key = (table_key, req.model_dump_json())
    if key not in _CHART_CACHE:
        try:
            params = ChartParams.model_validate(
                {
                    "kind": req.chart, "x": req.x, "y": req.y, "agg": req.agg, "color": req.color,
                    "time_grain": req.time_grain, "filters": [f.model_dump() for f in req.filters],
                    "sort_by": req.sort_by, "sort_dir": req.sort_dir, "limit": req.limit,
                }
            )  # fmt: skip
            data = chart(df, params, ToolContext()).chart
            _CHART_CACHE[key] = Counter(pairs(data.x_values, data.y_values)) if data else None
        except Exception:
            _CHART_CACHE[key] = None
    return _CHART_CACHE[key]


def nv_intents(gold_chart: str) -> list[str]:
    """nvBench has no intent labels: a bar or pie per group compares; a scatter relates."""
    if gold_chart == "scatter":
        return ["segmentation_drivers", "general_eda"]
    return ["comparative_analysis"]


@dataclass
class Reading:
    """A question read against its table: the cues, the profile with any derived measures, the
    evidence and every candidate request (what a fit, and the weights test, start from)."""

    cues: Any
    profile: Any
    evidence: Any
    candidates: list[Candidate]
    df: Any
    derived: list[str]


def read_candidates(question: str, df: Any, prof: Any) -> Reading:
    """Read the question as the planner does and list its candidates."""
    read = read_question(question, prof, df)
    ev = question_evidence(read.cues, read.profile)
    derived = [d.name for d in read.derived]
    return Reading(read.cues, read.profile, ev, list(generate_candidates(ev)), read.df, derived)


def training_questions() -> Iterator[tuple[str, Any, Any]]:
    """(question, table, profile) of every training question: nvBench train, then our own."""
    for case in read_jsonl(NV_TRAIN):
        yield (case["question"], *nv_table(NV_TRAIN.parent / case["table"]))
    for case in read_jsonl(OWN):
        yield (case["question"], *own_table(case["table"]))


def produced_features(
    questions: Iterable[tuple[str, Any, Any]], request_weights: dict[str, float]
) -> tuple[set[str], set[str]]:
    """Every request and intent feature name the feature code gives these questions: all a fit
    on them can weigh. tests/eval/test_weights.py checks weights.json names nothing else."""
    request: set[str] = set()
    intent: set[str] = set()
    for question, df, prof in questions:
        read = read_candidates(question, df, prof)
        for cand in read.candidates:
            request.update(candidate_features(cand, read.evidence))
        intent.update(chosen_intent_features(read.cues, read.profile, request_weights))
    return request, intent


def nvbench_examples(path: Path, source: str) -> list[Example]:
    out = []
    for case in read_jsonl(path):
        table_path = path.parent / case["table"]
        df, prof = nv_table(table_path)
        table_key = str(table_path)
        read = read_candidates(case["question"], df, prof)
        if read.derived:  # the question's derived measures are columns of its own table
            df, table_key = read.df, f"{table_key}+{','.join(read.derived)}"
        cues, prof, ev, cands = read.cues, read.profile, read.evidence, read.candidates
        gold = case["gold"]
        want = Counter(pairs(gold["x"], gold["y"]))
        want_x, want_y = {a for a, _ in want}, {b for _, b in want}
        correct = []
        for c in cands:
            if c.chart != gold["chart"]:
                correct.append(False)
                continue
            req, _ = repair_request(complete_request(c, cues, prof), prof)
            if not could_match(table_key, df, req, want_x, want_y):
                correct.append(False)
                continue
            correct.append(chart_pairs(table_key, df, req) == want)
        out.append(
            Example(
                case["id"], source, [candidate_features(c, ev) for c in cands], correct,
                intents=nv_intents(gold["chart"]), cues=cues, profile=prof, candidates=cands,
                table="nv:" + case["table"],
            )
        )  # fmt: skip
    return out


def matches(c: Candidate, gold: dict[str, Any]) -> bool:
    """The candidate has every field the gold names ("more": the extra measures, in order)."""
    want = {**gold, "more": tuple(gold.get("more", ()))}
    return all(getattr(c, k) == v for k, v in want.items())


def own_examples(path: Path) -> list[Example]:
    out = []
    for case in read_jsonl(path):
        df, prof = own_table(case["table"])
        read = read_candidates(case["question"], df, prof)
        cues, prof, ev, cands = read.cues, read.profile, read.evidence, read.candidates
        gold = case["request"]
        correct = [matches(c, gold) for c in cands] if gold else [False] * len(cands)
        intents = case["intent"] if isinstance(case["intent"], list) else [case["intent"]]
        out.append(
            Example(
                case["id"], "own", [candidate_features(c, ev) for c in cands], correct,
                OWN_WEIGHT, intents, cues=cues, profile=prof, candidates=cands,
                table="own:" + case["table"],
            )
        )  # fmt: skip
    return out


# ---------------------------------------------------------------- answer examples
def answer_matches(c: AnswerCandidate, gold: dict[str, Any]) -> bool:
    """The candidate has every field the gold names."""
    return all(getattr(c, k) == v for k, v in gold.items())


@dataclass
class AnswerQuestion:
    """One question read for the answer model: its evidence, readings and gold readings."""

    id: str
    source: str
    aev: Any
    candidates: list[AnswerCandidate]
    golds: list[dict[str, Any]]
    table: str
    weight: float = 1.0

    def correct(self, c: AnswerCandidate) -> bool:
        return any(answer_matches(c, g) for g in self.golds)


def answer_question(
    ex_id: str,
    source: str,
    question: str,
    df: Any,
    prof: Any,
    golds: list[dict[str, Any]],
    table: str,
    request_weights: dict[str, float],
    weight: float = 1.0,
) -> AnswerQuestion:
    """A question's answer evidence (reading the chart request the fitted request model
    chooses, as at run time) and every reading of it."""
    read = read_question(question, prof, df)
    ranked = rank_request(read.cues, read.profile, request_weights)
    assert ranked.evidence is not None
    aev = answer_evidence(read.cues, ranked.evidence, read.profile, ranked.request)
    cands = list(dict.fromkeys(generate_answers(aev, read.profile)))
    return AnswerQuestion(ex_id, source, aev, cands, golds, table, weight)


def answer_questions(
    request_weights: dict[str, float],
) -> tuple[list[AnswerQuestion], list[AnswerQuestion], list[AnswerQuestion]]:
    """(own answer questions, chart questions from nvbench_train and the own chart questions,
    nvbench_dev chart questions): every chart question's gold reading is "chart"."""
    chart = [{"kind": "chart"}]
    own = []
    for case in read_jsonl(OWN_ANSWERS):
        df, prof = own_table(case["table"])
        gold = case["answer"] if isinstance(case["answer"], list) else [case["answer"]]
        own.append(
            answer_question(case["id"], "own_answers", case["question"], df, prof, gold,
                            "own:" + case["table"], request_weights)
        )  # fmt: skip
    charts = []
    for case in read_jsonl(NV_TRAIN):
        df, prof = nv_table(NV_TRAIN.parent / case["table"])
        charts.append(
            answer_question(case["id"], "nvbench_train", case["question"], df, prof, chart,
                            "nv:" + case["table"], request_weights, NV_ANSWER_WEIGHT)
        )  # fmt: skip
    for case in read_jsonl(OWN):
        df, prof = own_table(case["table"])
        charts.append(
            answer_question(case["id"], "own", case["question"], df, prof, chart,
                            "own:" + case["table"], request_weights)
        )  # fmt: skip
    dev = []
    for case in read_jsonl(NV_DEV):
        df, prof = nv_table(NV_DEV.parent / case["table"])
        dev.append(
            answer_question(case["id"], "nvbench_dev", case["question"], df, prof, chart,
                            "nv:" + case["table"], request_weights)
        )  # fmt: skip
    return own, charts, dev


def slot_examples(questions: list[AnswerQuestion]) -> list[Example]:
    """Within each gold kind, the readings of that kind labelled by the gold (the slot model)."""
    out = []
    for q in questions:
        for kind in dict.fromkeys(g["kind"] for g in q.golds):
            cands = [c for c in q.candidates if c.kind == kind]
            if len(cands) < 2:
                continue
            out.append(
                Example(
                    f"{q.id}:{kind}", q.source, [slot_features(c, q.aev) for c in cands],
                    [q.correct(c) for c in cands], q.weight, candidates=cands,  # type: ignore[arg-type]
                    table=q.table,
                )
            )  # fmt: skip
    return out


def kind_balance(questions: list[AnswerQuestion]) -> dict[str, float]:
    """A weight per gold kind so that each answer kind weighs the same in the kind model, and
    charts as much as all answer kinds together: the training questions' mix (many statistics,
    few changes) is how they were written, not how often people ask each kind."""
    totals: dict[str, float] = {}
    for q in questions:
        kind = q.golds[0]["kind"]
        totals[kind] = totals.get(kind, 0.0) + q.weight
    answer_kinds = [k for k in totals if k != "chart"]
    share = sum(totals.values()) / 2 / max(1, len(answer_kinds))
    out = {k: share / v for k, v in totals.items() if k != "chart"}
    out["chart"] = sum(totals.values()) / 2 / totals.get("chart", 1.0)
    return out


def kind_examples(questions: list[AnswerQuestion], slot_w: dict[str, float]) -> list[Example]:
    """One candidate per kind the question allows, described by the question's words and that
    kind's best reading under the fitted slot model (the kind model)."""
    out = []
    balance = kind_balance(questions)
    for q in questions:
        by_kind = best_by_kind(q.aev, q.aev.profile, slot_w)
        kinds = sorted(by_kind)
        gold_kinds = {g["kind"] for g in q.golds}
        feats = [kind_features(k, q.aev, by_kind[k][0].candidate) for k in kinds]
        out.append(
            Example(
                q.id, q.source, feats, [k in gold_kinds for k in kinds],
                q.weight * balance[q.golds[0]["kind"]],
                candidates=[AnswerCandidate(k) for k in kinds], table=q.table,  # type: ignore[arg-type]
            )
        )  # fmt: skip
    return out


def reading_top1(questions: list[AnswerQuestion], weights: dict[str, dict[str, float]]) -> float:
    """Share of questions whose best reading (kind, then fields) is a gold one."""
    hits = sum(
        q.correct(score_answers(q.aev, q.aev.profile, weights)[0].candidate) for q in questions
    )
    return round(hits / max(1, len(questions)), 3)


def fit_answers(request_weights: dict[str, float]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answer models and their train/dev top-1: the slot model (a conditional logit over a
    kind's readings), then the kind model (a conditional logit over the kinds, each described
    by its best reading under the slot model)."""
    own, charts, dev = answer_questions(request_weights)
    slot_w = fit_request(slot_examples(own), L2_ANSWER)
    kind_w = fit_request(kind_examples(own + charts, slot_w), L2_ANSWER)
    weights = {"kind": kind_w, "slots": slot_w}
    figures = {
        "answer_top1": {
            "own_answers": reading_top1(own, weights),
            "chart_train": reading_top1(charts, weights),
            "nvbench_dev_charts": reading_top1(dev, weights),
        },
        "questions": len(own),
    }
    return weights, figures


# ---------------------------------------------------------------- follow-up edit model
OWN_FOLLOWUPS = REPO / "bench" / "train" / "followups.jsonl"
L2_EDITS = 1.0
GOLD_OPS = {"==": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le", "in": "in",
            "outside": "outside"}  # fmt: skip


def gold_request(gold: dict[str, Any], df: Any) -> AnalysisRequest:
    """A conversation turn's gold state as a request (its filters in the planner's terms)."""
    filters = [f for g in gold.get("filters", []) for f in gold_filters(g, df)]
    return AnalysisRequest(
        chart=gold.get("chart", "bar"), x=gold.get("x"), y=gold.get("y"),
        agg=gold.get("agg", "none"), color=gold.get("color"),
        time_grain=gold.get("time_grain", "none"), filters=filters,
        limit=gold.get("limit", 0), sort_dir=gold.get("sort_dir", "desc"),
    )  # fmt: skip


def gold_filters(g: list[Any], df: Any) -> list[RequestFilter]:
    """[column, op, value] as request filters; a year alone on a date column is that year."""
    col, op, value = g
    dated = str(df[col].dtype).startswith("datetime")
    if dated and isinstance(value, int):
        start, last = f"{value}-01-01", f"{value}-12-31 23:59:59"
        after = f"{value + 1}-01-01"
        pairs = {
            "==": [("ge", start), ("le", last)], ">=": [("ge", start)], ">": [("ge", after)],
            "<": [("lt", start)], "<=": [("le", last)], "!=": [("ne", value)],
        }[op]  # fmt: skip
        return [RequestFilter(column=col, op=o, value=v) for o, v in pairs]  # type: ignore[arg-type]
    return [RequestFilter(column=col, op=GOLD_OPS[op], value=value)]  # type: ignore[arg-type]


def kept_rows(df: Any, filters: list[RequestFilter]) -> Any:
    import numpy as np

    from autoviz_core.tools.common import FilterCondition, condition_mask

    mask = np.ones(len(df), dtype=bool)
    for f in filters:
        try:
            mask &= condition_mask(df, FilterCondition.model_validate(f.model_dump()))[0].to_numpy()
        except Exception:
            return None
    return mask


def edit_correct(e: Edit, prev: AnalysisRequest, gold: dict[str, Any], df: Any, prof: Any) -> bool:
    """Whether making this one edit moves the field it changes to the turn's gold state."""
    if e.op in ("add_filter", "replace_filter", "clear_filters"):
        made = apply_edits(prev, [e], prof).filters
        want = kept_rows(df, [f for g in gold.get("filters", []) for f in gold_filters(g, df)])
        got = kept_rows(df, made)
        return want is not None and got is not None and bool((want == got).all())
    field_of = {"set_x": "x", "set_color": "color", "set_y": "y", "set_agg": "agg",
                "set_chart": "chart", "set_grain": "time_grain"}  # fmt: skip
    if e.op in field_of:
        want_value = e.column if e.op in ("set_x", "set_color", "set_y") else e.value
        return gold.get(field_of[e.op]) == want_value
    if e.op == "set_limit":
        return gold.get("limit") == e.value[0] and gold.get("sort_dir", "desc") == e.value[1]
    if e.op == "set_sort":
        return gold.get("sort_dir") == e.value
    return False


def edit_examples() -> list[tuple[str, dict[str, float], bool]]:
    """(table, features, correct) for every candidate edit of every own follow-up turn, read
    against the previous turn's gold state (teacher forcing)."""
    out = []
    for case in read_jsonl(OWN_FOLLOWUPS):
        df, prof = own_table(case["table"])
        turns = case["turns"]
        for before, turn in itertools.pairwise(turns):
            prev = gold_request(before["gold"], df)
            cues = read_question(turn["q"], prof, df, previous=prev).cues
            ev = edit_evidence(cues, prev, prof)
            for e in candidate_edits(ev):
                out.append(
                    (
                        case["table"],
                        edit_features(e, ev),
                        edit_correct(e, prev, turn["gold"], df, prof),
                    )
                )
    return out


def fit_binary(examples: list[tuple[str, dict[str, float], bool]], l2: float) -> dict[str, float]:
    """Logistic regression over named features, from zero with L-BFGS (deterministic)."""
    names = sorted({k for _, f, _ in examples for k in f})
    index = {n: i for i, n in enumerate(names)}
    rows, cols, vals = [], [], []
    for r, (_, f, _) in enumerate(examples):
        for k, v in f.items():
            rows.append(r)
            cols.append(index[k])
            vals.append(v)
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(examples), len(names)))
    y = np.array([1.0 if ok else -1.0 for _, _, ok in examples])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        margin = y * (x @ w)
        total = float(np.logaddexp(0.0, -margin).sum()) + 0.5 * l2 * float(w @ w)
        grad = x.T @ (-y / (1.0 + np.exp(margin))) + l2 * w
        return total, grad

    res = minimize(
        loss, np.zeros(len(names)), jac=True, method="L-BFGS-B", options={"maxiter": 1000}
    )
    return _rounded(dict(zip(names, res.x, strict=True)))


def edit_accuracy(examples: list[tuple[str, dict[str, float], bool]], w: dict[str, float]) -> float:
    hits = sum((sum(w.get(k, 0.0) * v for k, v in f.items()) >= 0) == ok for _, f, ok in examples)
    return round(hits / max(1, len(examples)), 3)


def fit_edits() -> tuple[dict[str, float], dict[str, Any]]:
    """The follow-up edit model and its accuracy over the own candidates (train), with a
    table-grouped held-out figure (every table left out once)."""
    examples = edit_examples()
    w = fit_binary(examples, L2_EDITS)
    tables = sorted({t for t, _, _ in examples})
    held = []
    for t in tables:
        held_w = fit_binary([e for e in examples if e[0] != t], L2_EDITS)
        held += [
            (e[0], e[1], e[2])
            for e in examples
            if e[0] == t and ((sum(held_w.get(k, 0.0) * v for k, v in e[1].items()) >= 0) == e[2])
        ]
    figures = {
        "edit_accuracy": {
            "train": edit_accuracy(examples, w),
            "held_out_tables": round(len(held) / max(1, len(examples)), 3),
        },
        "candidates": len(examples),
    }
    return w, figures


# ---------------------------------------------------------------- filter model
@dataclass
class FilterQuestion:
    """One training question's candidate filters: features, which keep a gold condition's
    rows, and the gold conditions (row masks) the question's kept filters should make."""

    table: str
    source: str
    feats: list[dict[str, float]]
    correct: list[bool]
    candidates: list[Any]
    gold: list[Any]
    df: Any


def candidate_keeps_gold(cand: Any, gold: list[Any], df: Any) -> bool:
    """The candidate keeps the rows of one gold condition, or of two together (a range)."""
    mask = kept_rows(df, list(cand.filters))
    if mask is None:
        return False
    if any(np.array_equal(mask, g) for g in gold):
        return True
    return any(np.array_equal(mask, a & b) for a, b in itertools.combinations(gold, 2))


def filter_question(
    question: str, df: Any, prof: Any, gold: list[Any], table: str, source: str,
    previous: AnalysisRequest | None = None,
) -> FilterQuestion:  # fmt: skip
    read = read_question(question, prof, df, previous=previous)
    cands = [s.candidate for s in read.cues.filter_readings]
    return FilterQuestion(
        table, source,
        [filter_features(c, read.cues, read.profile) for c in cands],
        [candidate_keeps_gold(c, gold, read.df) for c in cands],
        cands, gold, read.df,
    )  # fmt: skip


def nv_filter_questions(path: Path, source: str) -> list[FilterQuestion]:
    out = []
    for case in read_jsonl(path):
        df, prof = nv_table(path.parent / case["table"])
        gold = where_conditions(case["reference_query"], df)
        if gold is not None:
            out.append(
                filter_question(case["question"], df, prof, gold, "nv:" + case["table"], source)
            )
    return out


def own_filter_questions() -> list[FilterQuestion]:
    """Every turn of the own conversations: its words, read as a follow-up of the turn before,
    against the filters its gold state has (one condition per column)."""
    out = []
    for case in read_jsonl(OWN_FOLLOWUPS):
        df, prof = own_table(case["table"])
        previous = None
        for turn in case["turns"]:
            by_col: dict[str, list[RequestFilter]] = {}
            for g in turn["gold"].get("filters", []):
                by_col.setdefault(g[0], []).extend(gold_filters(g, df))
            gold = [m for fs in by_col.values() if (m := kept_rows(df, fs)) is not None]
            out.append(
                filter_question(turn["q"], df, prof, gold, "own:" + case["table"], "own", previous)
            )
            previous = gold_request(turn["gold"], df)
    return out


def own_filter_set() -> list[FilterQuestion]:
    """The own filter questions (bench/train/filters.jsonl)."""
    out = []
    for case in read_jsonl(OWN_FILTERS):
        df, prof = own_table(case["table"])
        by_col: dict[str, list[RequestFilter]] = {}
        for g in case["filters"]:
            by_col.setdefault(g[0], []).extend(gold_filters(g, df))
        gold = [m for fs in by_col.values() if (m := kept_rows(df, fs)) is not None]
        out.append(
            filter_question(case["question"], df, prof, gold, "own:" + case["table"], "own_filters")
        )
    return out


def kept_filters_right(q: FilterQuestion, w: dict[str, float]) -> bool:
    """The filters the model keeps make exactly the gold conditions (by the rows they keep)."""
    scored = [
        ScoredFilter(
            c,
            1.0
            / (
                1.0 + math.exp(-max(-30.0, min(30.0, sum(w.get(k, 0.0) * v for k, v in f.items()))))
            ),
            False,
        )
        for c, f in zip(q.candidates, q.feats, strict=True)
    ]
    kept = resolve_filters(scored)
    got = kept_rows(q.df, [f for c in kept for f in c.filters])
    want = np.ones(len(q.df), dtype=bool)
    for g in q.gold:
        want &= g
    return got is not None and bool(np.array_equal(got, want))


def filter_rate(
    questions: list[FilterQuestion], w: dict[str, float], filtered: bool | None = None
) -> str:
    chosen = [q for q in questions if filtered is None or bool(q.gold) == filtered]
    hits = sum(kept_filters_right(q, w) for q in chosen)
    return f"{hits / max(1, len(chosen)):.3f} ({hits}/{len(chosen)})"


def filter_rows(questions: list[FilterQuestion]) -> list[tuple[str, dict[str, float], bool]]:
    return [(q.table, f, ok) for q in questions for f, ok in zip(q.feats, q.correct, strict=True)]


def fit_filters() -> tuple[dict[str, float], dict[str, Any]]:
    """The filter model on nvBench train and the own conversations, with its rates (the kept
    filters exactly right) on them, on nvBench dev, and with whole tables held out (4 folds)."""
    train = (
        nv_filter_questions(NV_TRAIN, "nvbench_train") + own_filter_questions() + own_filter_set()
    )
    dev = nv_filter_questions(NV_DEV, "nvbench_dev")
    w = fit_binary(filter_rows(train), L2_FILTERS)
    # folds of nvBench's tables only: the own questions train every fold (adding an own table
    # must not reshuffle which nvBench tables are held out together)
    tables = sorted({q.table for q in train if q.source == "nvbench_train"})
    held: list[bool] = []
    held_filtered: list[bool] = []
    for k in range(4):
        out = {t for i, t in enumerate(tables) if i % 4 == k}
        fold_w = fit_binary(filter_rows([q for q in train if q.table not in out]), L2_FILTERS)
        for q in train:
            if q.table in out and q.source == "nvbench_train":
                (held_filtered if q.gold else held).append(kept_filters_right(q, fold_w))
    nv = [q for q in train if q.source == "nvbench_train"]
    own = [q for q in train if q.source == "own_filters"]
    figures = {
        "filters_right": {
            "nvbench_train_filtered": filter_rate(nv, w, True),
            "nvbench_train_unfiltered": filter_rate(nv, w, False),
            "nvbench_train_filtered_held_out_tables": f"{sum(held_filtered) / max(1, len(held_filtered)):.3f} ({sum(held_filtered)}/{len(held_filtered)})",
            "nvbench_train_unfiltered_held_out_tables": f"{sum(held) / max(1, len(held)):.3f} ({sum(held)}/{len(held)})",
            "own_questions": filter_rate(own, w),
            "nvbench_dev_filtered": filter_rate(dev, w, True),
            "nvbench_dev_unfiltered": filter_rate(dev, w, False),
        },
        "candidates": sum(len(q.feats) for q in train),
    }
    return w, figures


# ---------------------------------------------------------------- request model
def feature_index(examples: list[Example]) -> list[str]:
    names: set[str] = set()
    for ex in examples:
        if any(ex.correct):
            for f in ex.feats:
                names.update(f)
    return sorted(names)


def to_matrix(feats: list[dict[str, float]], index: dict[str, int]) -> np.ndarray:
    m = np.zeros((len(feats), len(index)))
    for i, f in enumerate(feats):
        for k, v in f.items():
            j = index.get(k)
            if j is not None:
                m[i, j] = v
    return m


def stacked(
    examples: list[Example], index: dict[str, int]
) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """All candidates of all examples as one sparse matrix, with segment starts and weights."""
    rows, cols, vals, ok, starts, weights = [], [], [], [], [], []
    r = 0
    for ex in examples:
        starts.append(r)
        weights.append(ex.weight)
        for f, good in zip(ex.feats, ex.correct, strict=True):
            for k, v in f.items():
                j = index.get(k)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
                    vals.append(v)
            ok.append(good)
            r += 1
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(r, len(index)))
    return x, np.array(ok), np.array(starts), np.array(weights)


def fit_request(examples: list[Example], l2: float) -> dict[str, float]:
    """Conditional logit: maximise the probability mass of each question's correct candidates."""
    usable = [ex for ex in examples if any(ex.correct)]
    names = feature_index(usable)
    index = {n: i for i, n in enumerate(names)}
    x, ok, starts, weights = stacked(usable, index)
    seg = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, x.shape[0])))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        s = s - np.maximum.reduceat(s, starts)[seg]
        p = np.exp(s)
        z_all = np.add.reduceat(p, starts)
        z_ok = np.add.reduceat(np.where(ok, p, 0.0), starts)
        total = float(weights @ (np.log(z_all) - np.log(z_ok))) + 0.5 * l2 * float(w @ w)
        coef = weights[seg] * (p / z_all[seg] - np.where(ok, p, 0.0) / z_ok[seg])
        return total, x.T @ coef + l2 * w

    res = minimize(
        loss, np.zeros(len(names)), jac=True, method="L-BFGS-B", options={"maxiter": 1000}
    )
    return _rounded(dict(zip(names, res.x, strict=True)))


def _rounded(w: dict[str, float]) -> dict[str, float]:
    return {k: round(float(v), DECIMALS) for k, v in sorted(w.items()) if abs(v) >= 10**-DECIMALS}


def top1(examples: list[Example], weights: dict[str, float]) -> float:
    """Share of questions whose best candidate is correct (ties broken like the planner)."""
    hits = 0
    for ex in examples:
        if not ex.feats:
            continue
        scores = [sum(weights.get(k, 0.0) * v for k, v in f.items()) for f in ex.feats]
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], ex.candidates[i].key()))
        hits += bool(ex.correct[order[0]])
    return round(hits / max(1, len(examples)), 3)


# ---------------------------------------------------------------- calibration
CALIBRATION_BINS = (0.0, 0.5, 0.7, 0.85, 0.95, 1.0)


def confidence_pairs(
    examples: list[Example], weights: dict[str, float]
) -> list[tuple[float, bool]]:
    """(the planner's raw confidence, whether its best reading is right) per question."""
    out = []
    for ex in examples:
        if not ex.feats or ex.cues is None:
            continue
        ranked = rank_request(ex.cues, ex.profile, weights)
        scores = [sum(weights.get(k, 0.0) * v for k, v in f.items()) for f in ex.feats]
        best = min(range(len(scores)), key=lambda i: (-scores[i], ex.candidates[i].key()))
        out.append((ranked.share, bool(ex.correct[best])))
    return out


def fit_calibration(examples: list[Example], weights: dict[str, float]) -> dict[str, float]:
    """Platt scaling of the ranking's share: P(right) = sigmoid(a * logit(share) + b), fitted
    by maximum likelihood on the training questions (the dev questions only report it)."""
    pairs = confidence_pairs(examples, weights)
    x = np.array([share_logit(c) for c, _ in pairs])
    y = np.array([float(ok) for _, ok in pairs])

    def loss(ab: np.ndarray) -> tuple[float, np.ndarray]:
        z = ab[0] * x + ab[1]
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-9
        nll = -float(np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
        g = p - y
        return nll, np.array([float(np.sum(g * x)), float(np.sum(g))])

    res = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return {"a": round(float(res.x[0]), DECIMALS), "b": round(float(res.x[1]), DECIMALS)}


def reliability(pairs: list[tuple[float, bool]], calibration: dict[str, float]) -> list[str]:
    """Calibrated confidence against accuracy by bin: 'lo-hi: n, mean confidence, accuracy'."""
    rows = []
    for lo, hi in itertools.pairwise(CALIBRATION_BINS):
        cs = [
            (calibrated(c, calibration), ok)
            for c, ok in pairs
            if lo <= calibrated(c, calibration) < hi
            or (hi == 1.0 and calibrated(c, calibration) == 1.0)
        ]
        if cs:
            conf = sum(c for c, _ in cs) / len(cs)
            acc = sum(ok for _, ok in cs) / len(cs)
            rows.append(f"{lo:.2f}-{hi:.2f}: n={len(cs)} confidence={conf:.2f} right={acc:.2f}")
    return rows


# ---------------------------------------------------------------- intent model
def chosen_intent_features(cues: Any, prof: Any, weights: dict[str, float]) -> dict[str, float]:
    """Intent features read the request the fitted request model chooses, as at run time."""
    scored, _ev = score_candidates(cues, prof, weights)
    req = complete_request(scored[0].candidate, cues, prof) if scored else None
    return intent_features(cues, req, prof)


def attach_intent_features(examples: list[Example], weights: dict[str, float]) -> None:
    for ex in examples:
        ex.intent_feats = chosen_intent_features(ex.cues, ex.profile, weights)


def fit_intent(examples: list[Example], l2: float) -> dict[str, float]:
    """Multinomial logit; a question with several acceptable intents credits all of them."""
    examples = [ex for ex in examples if _allowed(ex) & set(ex.intents)]
    names = sorted({k for ex in examples for k in ex.intent_feats})
    index = {n: i for i, n in enumerate(names)}
    labels = list(INTENTS)
    x = to_matrix([ex.intent_feats for ex in examples], index)
    ok = np.array([[lab in ex.intents for lab in labels] for ex in examples])
    allowed = np.array(
        [
            [
                lab != "time_series_investigation" or "has_temporal" in ex.intent_feats
                for lab in labels
            ]
            for ex in examples
        ]
    )
    wt = np.array([ex.weight if ex.source == "own" else NV_INTENT_WEIGHT for ex in examples])
    n_f, n_l = len(names), len(labels)

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = flat.reshape(n_f, n_l)
        s = x @ w
        s = np.where(allowed, s, -1e9)
        s = s - s.max(axis=1, keepdims=True)
        p = np.exp(s)
        z_all = p.sum(axis=1)
        z_ok = (p * ok).sum(axis=1)
        total = float((wt * (np.log(z_all) - np.log(z_ok))).sum()) + 0.5 * l2 * float(flat @ flat)
        g_scores = wt[:, None] * (p / z_all[:, None] - (p * ok) / z_ok[:, None])
        grad = x.T @ g_scores + l2 * w
        return total, grad.ravel()

    res = minimize(loss, np.zeros(n_f * n_l), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    w = res.x.reshape(n_f, n_l)
    return _rounded(
        {f"{lab}|{name}": w[i, j] for i, name in enumerate(names) for j, lab in enumerate(labels)}
    )


def _allowed(ex: Example) -> set[str]:
    """Intents the planner may choose for this table (time series needs a date column)."""
    return {
        i for i in INTENTS if i != "time_series_investigation" or "has_temporal" in ex.intent_feats
    }


def intent_accuracy(examples: list[Example], weights: dict[str, float]) -> float:
    hits = 0
    for ex in examples:
        allowed = [
            i
            for i in INTENTS
            if i != "time_series_investigation" or "has_temporal" in ex.intent_feats
        ]
        scores = {
            lab: sum(weights.get(f"{lab}|{k}", 0.0) * v for k, v in ex.intent_feats.items())
            for lab in allowed
        }
        best = sorted(allowed, key=lambda k: (-scores[k], INTENTS.index(k)))[0]
        hits += best in ex.intents
    return round(hits / max(1, len(examples)), 3)


# ---------------------------------------------------------------- main
def labelled(cache: Path | None) -> tuple[list[Example], list[Example], list[Example]]:
    """The three example sets; `cache` (experiments only) keeps them between runs."""
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    t0 = time.perf_counter()
    sets = (
        nvbench_examples(NV_TRAIN, "nvbench_train"),
        own_examples(OWN),
        nvbench_examples(NV_DEV, "nvbench_dev"),
    )
    print(f"labelled candidates in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(sets, fh)
    return sets


def table_of(ex: Example) -> str:
    """The table a question is about."""
    return ex.table


def cross_validate(train: list[Example], l2_values: list[float], folds: int = 4) -> None:
    """Held-out top-1 by table-grouped folds of the training pool, per L2 strength."""
    tables = sorted({table_of(ex) for ex in train})
    for l2 in l2_values:
        hits: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for k in range(folds):
            held = {t for i, t in enumerate(tables) if i % folds == k}
            w = fit_request([ex for ex in train if table_of(ex) not in held], l2)
            for source in ("nvbench_train", "own"):
                test = [
                    ex
                    for ex in train
                    if table_of(ex) in held and any(ex.correct) and ex.source == source
                ]
                hits[source] += round(top1(test, w) * len(test))
                total[source] += len(test)
        parts = ", ".join(f"{s} {hits[s] / max(1, total[s]):.3f} ({total[s]})" for s in total)
        print(
            f"l2={l2}: held-out top-1 {sum(hits.values()) / max(1, sum(total.values())):.3f}; {parts}"
        )


def fit(cache: Path | None = None) -> dict[str, Any]:
    """Every model; the filter model first, since the others read questions through it."""
    filters_w, filter_figures = fit_filters()
    with fitted_in_place("filters", filters_w):
        result = fit_readers(cache)
    result["filters"] = filters_w
    result["meta"]["figures"]["filters"] = filter_figures
    result["meta"]["l2"]["filters"] = L2_FILTERS
    return result


def fit_readers(cache: Path | None = None) -> dict[str, Any]:
    """The request, intent, answer and edit models (questions read with the filter model)."""
    nv_train, own, nv_dev = labelled(cache)
    train = nv_train + own
    request_w = fit_request(train, L2_REQUEST)
    calibration = fit_calibration(train, request_w)
    attach_intent_features(train, request_w)
    intent_w = fit_intent(train, L2_INTENT)
    answer_w, answer_figures = fit_answers(request_w)
    edits_w, edit_figures = fit_edits()
    figures = {
        "request_top1": {
            "nvbench_train": top1(nv_train, request_w),
            "own_train": top1([e for e in own if any(e.correct)], request_w),
            "nvbench_dev": top1(nv_dev, request_w),
        },
        "request_oracle": {
            "nvbench_train": round(sum(any(e.correct) for e in nv_train) / len(nv_train), 3),
            "nvbench_dev": round(sum(any(e.correct) for e in nv_dev) / len(nv_dev), 3),
        },
        "intent_accuracy": {
            "nvbench_train": intent_accuracy(nv_train, intent_w),
            "own_train": intent_accuracy(own, intent_w),
        },
        "calibration": {
            "nvbench_train": reliability(confidence_pairs(nv_train, request_w), calibration),
            "nvbench_dev": reliability(confidence_pairs(nv_dev, request_w), calibration),
        },
        "answer_top1": answer_figures["answer_top1"],
        "edits": edit_figures,
        "questions": {
            "nvbench_train": len(nv_train),
            "own_train": len(own),
            "nvbench_dev": len(nv_dev),
            "own_answers": answer_figures["questions"],
        },
    }
    return {
        "meta": {
            "fitted_by": "scripts/fit_planner.py",
            "l2": {
                "request": L2_REQUEST,
                "intent": L2_INTENT,
                "answer": L2_ANSWER,
                "edits": L2_EDITS,
            },
            "nvbench_answer_weight": NV_ANSWER_WEIGHT,
            "own_weight": OWN_WEIGHT,
            "nvbench_intent_weight": NV_INTENT_WEIGHT,
            "figures": figures,
        },
        "request": request_w,
        "calibration": calibration,
        "intent": intent_w,
        "answer": answer_w,
        "edits": edits_w,
    }


def refit_part(
    out: Path, name: str, fit_part: Callable[[], tuple[dict[str, float], dict[str, Any]]], l2: float
) -> int:
    """Refit one independent model into the weights file, keeping the others."""
    result = json.loads(out.read_text(encoding="utf-8"))
    result[name], figures = fit_part()
    result["meta"]["figures"][name] = figures
    result["meta"]["l2"][name] = l2
    print(json.dumps(figures, indent=2))
    out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--check", action="store_true", help="fail if the committed weights differ")
    ap.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    ap.add_argument("--cache", type=Path, default=None, help="experiments: reuse labelled examples")
    ap.add_argument(
        "--cv", type=float, nargs="*", default=None, help="cross-validate these L2 values"
    )
    ap.add_argument(
        "--answers-only",
        action="store_true",
        help="refit only the answer model, keeping the file's request and intent models "
        "(the fits are independent, so the result equals a full fit's)",
    )
    ap.add_argument(
        "--edits-only", action="store_true", help="refit only the follow-up edit model (as above)"
    )
    ap.add_argument(
        "--filters-only",
        action="store_true",
        help="refit only the filter model (experiments: the request model was labelled with the "
        "file's filter model, so a full fit follows)",
    )
    args = ap.parse_args(argv)
    if args.filters_only:
        return refit_part(args.out, "filters", fit_filters, L2_FILTERS)
    if args.edits_only:
        return refit_part(args.out, "edits", fit_edits, L2_EDITS)
    if args.answers_only:
        result = json.loads(args.out.read_text(encoding="utf-8"))
        answer_w, figures = fit_answers(result["request"])
        result["answer"] = answer_w
        result["meta"]["figures"]["answer_top1"] = figures["answer_top1"]
        result["meta"]["figures"]["questions"]["own_answers"] = figures["questions"]
        result["meta"]["l2"]["answer"] = L2_ANSWER
        result["meta"]["nvbench_answer_weight"] = NV_ANSWER_WEIGHT
        print(json.dumps(figures, indent=2))
        args.out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return 0
    if args.cv is not None:
        nv_train, own, _dev = labelled(args.cache)
        cross_validate(nv_train + own, args.cv or [0.3, 1.0, 3.0])
        return 0
    result = fit(args.cache)
    print(json.dumps(result["meta"]["figures"], indent=2))
    text = json.dumps(result, indent=1, sort_keys=True) + "\n"
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("weights reproduce" if same else f"weights differ from {args.out}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(
        f"wrote {args.out} ({len(result['request'])} request, {len(result['intent'])} intent, "
        f"{len(result['answer'])} answer weights)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
