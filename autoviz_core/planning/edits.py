"""Follow-ups as typed edits of the previous request, read with fitted weights.

A follow-up ("only for Lisbon", "leave out Friday", "split by sex", "by region instead", "as a
pie", "what about Sunday?") changes the request the person is looking at. Its evidence (column
and value mentions, filters, lexicon words) proposes candidate edits of a closed set of kinds
(`EditOp`); each is scored by a logistic model over named features (which words sit before
the evidence, what the previous request does with the column) whose weights are fitted by
scripts/fit_planner.py on the repository's own conversations (bench/train/followups.jsonl).
Edits above even odds are applied, one per field (the likelier wins). Exclusion is read where
filters are read (planning/cues.py, the lexicon's "ne" words): an exclusion is never an equality.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from autoviz_core.contracts import NONE, AnalysisRequest, RequestFilter
from autoviz_core.data.profiling import (
    SchemaProfile,
)
from autoviz_core.planning.cues import Cues
from autoviz_core.planning.lexicon import PhraseHit, load_lexicon
from autoviz_core.vocabulary import AGGREGATIONS, CHART_KINDS, TIME_GRAINS

EditOp = Literal[
    "add_filter",  # keep the earlier filters on the column and add these
    "replace_filter",  # the column's earlier filters give way to these
    "clear_filters",  # every filter goes ("for everyone again")
    "set_x",  # group by another column
    "set_color",  # split the groups by a column
    "set_y",  # measure another column
    "set_agg",
    "set_chart",
    "set_grain",
    "set_limit",  # top or bottom N
    "set_sort",
]
APPLY_AT = 0.5  # an edit is made when the model gives it at least even odds
NEAR = 3  # words before the evidence that a phrase may stand ("only for the Lisbon office")


@dataclass(frozen=True, eq=False)
class Edit:
    """One change of the previous request, and the question tokens that asked for it."""

    op: EditOp
    column: str | None = None
    value: Any = None  # an aggregation, chart, grain, limit or sort direction
    filters: tuple[RequestFilter, ...] = ()
    span: tuple[int, int] = (-1, -1)

    def key(self) -> tuple[str, ...]:
        return (
            self.op,
            self.column or "",
            str(self.value),
            str([f.model_dump() for f in self.filters]),
        )

    def slot(self) -> str:
        """The field of the request this edit changes (one edit per field is kept)."""
        if self.op in ("add_filter", "replace_filter"):
            return f"filter:{self.column}"
        return self.op


@dataclass
class EditEvidence:
    """The follow-up read against the previous request."""

    cues: Cues
    previous: AnalysisRequest
    profile: SchemaProfile
    hits: list[PhraseHit]
    words: set[str] = field(default_factory=set)


def edit_evidence(cues: Cues, previous: AnalysisRequest, profile: SchemaProfile) -> EditEvidence:
    """Follow-up words outside the mentions, and the question's classes of words."""
    taken = {i for m in cues.mentions for i in range(m.start, m.end)}
    taken |= {i for v in cues.values for i in range(v.start, v.end)}
    hits = load_lexicon().find_follow_up_words(cues.toks, skip=taken)
    words = {f"f:{h.label}" for h in hits}
    words |= {
        f"{h.kind}:{h.label}"
        for h in cues.hits
        if h.kind in ("agg", "chart", "grain", "group", "series")
    }
    if any(h.kind == "filter" and h.label == "ne" for h in cues.hits):
        words.add("exclusion")
    words.add(f"n_tokens:{min(len(cues.toks), 6)}")
    return EditEvidence(cues, previous, profile, hits, words)


# ---------------------------------------------------------------- candidates
def candidate_edits(ev: EditEvidence) -> list[Edit]:
    """Every edit the follow-up's evidence could mean."""
    cues, prev = ev.cues, ev.previous
    out: list[Edit] = []
    by_column: dict[str, list[RequestFilter]] = {}
    for f in cues.filters:
        by_column.setdefault(f.column, []).append(f)
    for column, filters in by_column.items():
        span = _filter_span(cues, column)
        out.append(Edit("add_filter", column, filters=tuple(filters), span=span))
        if any(f.column == column for f in prev.filters):
            out.append(Edit("replace_filter", column, filters=tuple(filters), span=span))
    if prev.filters:
        out.append(Edit("clear_filters", span=(0, len(cues.toks))))
    for m in cues.mentions:
        if m.column in cues.filter_columns:
            continue
        col = ev.profile.column(m.column)
        if col is None:
            continue
        span = (m.start, m.end)
        if not col.in_group("text") and m.column != prev.x:
            out.append(Edit("set_x", m.column, span=span))
        if col.in_group("splits") and m.column != prev.color:
            out.append(Edit("set_color", m.column, span=span))
        if col.in_group("numeric_or_id") and m.column != prev.y:
            out.append(Edit("set_y", m.column, span=span))
    for h in cues.hits:
        span = (h.start, h.end)
        if h.kind == "agg" and h.label in AGGREGATIONS and h.label != prev.agg:
            out.append(Edit("set_agg", value=h.label, span=span))
        elif h.kind == "chart" and h.label in CHART_KINDS and h.label != prev.chart:
            out.append(Edit("set_chart", value=h.label, span=span))
        elif h.kind == "grain" and h.label in TIME_GRAINS and h.label != prev.time_grain:
            out.append(Edit("set_grain", value=h.label, span=span))
    if cues.limit:
        out.append(Edit("set_limit", value=(cues.limit, cues.sort_dir or "desc")))
    elif cues.sort_dir or cues.superlative:
        direction = cues.sort_dir or ("asc" if cues.superlative == "low" else "desc")
        out.append(Edit("set_sort", value=direction))
    return list({e.key(): e for e in out}.values())


def already_shown(cues: Cues, current: AnalysisRequest) -> bool:
    """A follow-up whose every piece of evidence the current request already has (asking for
    bars when bars are shown): understood, nothing to change."""
    named = [h for h in cues.hits if h.kind in ("chart", "agg", "grain")]
    if not (cues.mentions or cues.filters or named):
        return False  # nothing was said that could be shown already
    shown = {current.x, current.y, current.color, *(f.column for f in current.filters)}
    if any(m.column not in shown for m in cues.mentions):
        return False
    same = {"chart": current.chart, "agg": current.agg, "grain": current.time_grain}
    if any(h.kind in same and h.label != same[h.kind] for h in cues.hits):
        return False
    return all(
        any(
            (g.column, g.op, str(g.value)) == (f.column, f.op, str(f.value))
            for g in current.filters
        )
        for f in cues.filters
    )


def _filter_span(cues: Cues, column: str) -> tuple[int, int]:
    """Where the question names a filter: its value, else its column, else the whole question."""
    spans = [(v.start, v.end) for v in cues.values if v.column == column]
    spans += [(m.start, m.end) for m in cues.mentions if m.column == column]
    if spans:
        return min(spans)
    numbers = [i for i, t in enumerate(cues.toks) if t.text[:1].isdigit()]
    return (numbers[0], numbers[0] + 1) if numbers else (0, len(cues.toks))


# ---------------------------------------------------------------- features
def _before(ev: EditEvidence, span: tuple[int, int], label: str, window: int = NEAR) -> bool:
    return any(h.label == label and 0 <= span[0] - h.end <= window for h in ev.hits)


def _after(ev: EditEvidence, span: tuple[int, int], label: str, window: int = NEAR) -> bool:
    return any(h.label == label and 0 <= h.start - span[1] <= window for h in ev.hits)


def _hit_before(ev: EditEvidence, span: tuple[int, int], kind: str, window: int = 2) -> bool:
    return any(h.kind == kind and 0 <= span[0] - h.end <= window for h in ev.cues.hits)


def edit_features(e: Edit, ev: EditEvidence) -> dict[str, float]:
    """The named features of one candidate edit (what the fit sees)."""
    prev = ev.previous
    f: dict[str, float] = {f"op:{e.op}": 1.0}
    for w in ev.words:
        f[f"op:{e.op}|{w}"] = 1.0
    for label in ("instead", "split", "only", "about", "again", "also", "make", "every"):
        if _before(ev, e.span, label):
            f[f"op:{e.op}|{label}_before"] = 1.0
        if _after(ev, e.span, label):
            f[f"op:{e.op}|{label}_after"] = 1.0
    if _hit_before(ev, e.span, "group"):
        f[f"op:{e.op}|group_word_before"] = 1.0
    if _hit_before(ev, e.span, "series"):
        f[f"op:{e.op}|series_word_before"] = 1.0
    if e.op in ("add_filter", "replace_filter"):
        f.update(_filter_features(e, ev))
    elif e.column is not None:
        f.update(_column_features(e, ev))
    elif e.op == "set_agg":
        f[f"op:set_agg|prev_y:{'set' if prev.y else 'none'}"] = 1.0
        f[f"op:set_agg|to:{e.value}|prev:{prev.agg}"] = 1.0
    elif e.op == "set_grain":
        x = ev.profile.column(prev.x) if prev.x else None
        f[f"op:set_grain|prev_x_temporal:{int(bool(x and x.in_group('temporal')))}"] = 1.0
        if ev.cues.filters:  # "only the summer months, June to August": the months filter
            f["op:set_grain|with_filter"] = 1.0
    elif e.op == "set_chart":
        f[f"op:set_chart|to:{e.value}"] = 1.0
    elif e.op == "clear_filters":
        filtered = {g.column for g in prev.filters}
        named = {m.column for m in ev.cues.mentions} | {v.column for v in ev.cues.values}
        f["op:clear_filters|names_filtered_column"] = float(bool(filtered & named))
        f["op:clear_filters|new_filters"] = float(bool(ev.cues.filters))
    return f


def _filter_features(e: Edit, ev: EditEvidence) -> dict[str, float]:
    prev = ev.previous
    earlier = [g for g in prev.filters if g.column == e.column]
    ops = sorted({f.op for f in e.filters})
    out = {f"op:{e.op}|f_op:{'+'.join(ops)}": 1.0, f"op:{e.op}|earlier:{len(earlier) > 0:d}": 1.0}
    if earlier:
        same_kind = {g.op == "ne" for g in earlier} == {f.op == "ne" for f in e.filters}
        out[f"op:{e.op}|earlier_same_kind:{same_kind:d}"] = 1.0
    out[f"op:{e.op}|on_x:{int(e.column == prev.x)}"] = 1.0
    out[f"op:{e.op}|on_color:{int(e.column == prev.color)}"] = 1.0
    return out


def _column_features(e: Edit, ev: EditEvidence) -> dict[str, float]:
    prev, col = ev.previous, ev.profile.column(e.column or "")
    out: dict[str, float] = {}
    if col is None:
        return out
    card = (
        "2"
        if col.cardinality <= 2
        else "12"
        if col.cardinality <= 12
        else "50"
        if col.cardinality <= 50
        else "many"
    )
    out[f"op:{e.op}|role:{col.role}"] = 1.0
    out[f"op:{e.op}|card:{card}"] = 1.0
    for slot in ("x", "y", "color"):
        out[f"op:{e.op}|is_prev_{slot}:{int(getattr(prev, slot) == e.column)}"] = 1.0
    out[f"op:{e.op}|prev_color:{int(prev.color is not None)}"] = 1.0
    out[f"op:{e.op}|prev_y:{int(prev.y is not None)}"] = 1.0
    mention = max((m.score for m in ev.cues.mentions if m.column == e.column), default=0.0)
    out[f"op:{e.op}|mention"] = mention
    if any(w.startswith("agg:") for w in ev.words) and e.op == "set_y":
        out["op:set_y|with_agg_word"] = 1.0
    return out


# ---------------------------------------------------------------- reading and applying
@dataclass
class ScoredEdit:
    edit: Edit
    probability: float


def read_edits(ev: EditEvidence, weights: dict[str, float]) -> list[ScoredEdit]:
    """Every candidate with the model's probability, likeliest first."""
    scored = []
    for e in candidate_edits(ev):
        s = sum(weights.get(k, 0.0) * v for k, v in edit_features(e, ev).items())
        scored.append(ScoredEdit(e, 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, s))))))
    scored.sort(key=lambda s: (-s.probability, s.edit.key()))
    return scored


def chosen_edits(scored: Sequence[ScoredEdit]) -> list[Edit]:
    """The edits at even odds or better, the likeliest one per field of the request."""
    out: dict[str, Edit] = {}
    for s in scored:
        if s.probability >= APPLY_AT and s.edit.slot() not in out:
            out[s.edit.slot()] = s.edit
    return list(out.values())


def apply_edits(
    previous: AnalysisRequest, edits: Sequence[Edit], profile: SchemaProfile
) -> AnalysisRequest:
    """The previous request with the edits made (it is copied, never changed in place)."""
    req = previous.model_copy(deep=True)
    ordered = sorted(edits, key=lambda e: e.op != "clear_filters")  # clear first, then add
    for e in ordered:
        if e.op == "clear_filters":
            req.filters = []
        elif e.op == "add_filter":
            new = [f for f in e.filters if not _has(req.filters, f)]
            pinned = {f.op for f in e.filters} <= {"eq", "in"}
            keep = [
                g
                for g in req.filters
                if not (pinned and g.column == e.column and g.op in ("eq", "in"))
            ]
            req.filters = [*keep, *(f.model_copy() for f in new)]
        elif e.op == "replace_filter":
            req.filters = [g for g in req.filters if g.column != e.column] + [
                f.model_copy() for f in e.filters
            ]
        elif e.op == "set_x":
            req.x = e.column
            if req.color == e.column:
                req.color = None
            col = profile.column(e.column or "")
            if col is None or not col.in_group("temporal"):
                req.time_grain = NONE
        elif e.op == "set_color":
            req.color = e.column
        elif e.op == "set_y":
            req.y = e.column
            if req.agg in ("count", "none") and req.chart in ("bar", "line", "pie"):
                col = profile.column(e.column or "")
                req.agg = "sum" if col is not None and col.additive else "mean"
        elif e.op == "set_agg":
            req.agg = str(e.value)
        elif e.op == "set_chart":
            req.chart = str(e.value)
        elif e.op == "set_grain":
            req.time_grain = str(e.value)
        elif e.op == "set_limit":
            req.limit, req.sort_dir = e.value
            req.sort_by = "y"
        elif e.op == "set_sort":
            req.sort_by, req.sort_dir = (
                ("y", str(e.value)) if req.sort_by != "x" else ("x", str(e.value))
            )
    return req


def _has(filters: Sequence[RequestFilter], f: RequestFilter) -> bool:
    return any((g.column, g.op, str(g.value)) == (f.column, f.op, str(f.value)) for g in filters)
