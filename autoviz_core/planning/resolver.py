"""ParamResolver: every "auto" parameter gets a concrete value, and supporting steps inherit the question.

A supporting step takes the request's measure, aggregation, filters, grouping and grain unless
the template fixed them. A measure that does not add up is never summed (data/semantics.py
decides). A step that brings in a column the question did not name says why in its `note`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data.profiling import MAX_GROUPS, ColumnProfile, SchemaProfile
from autoviz_core.data.semantics import default_agg
from autoviz_core.plan import PlanStep
from autoviz_core.planning.templates import AUTO
from autoviz_core.tools.registry import ToolSpec, get_tool
from autoviz_core.tools.relationships import correlation_ratio
from autoviz_core.vocabulary import PERIOD_GRAINS

# An unnamed grouping is brought in only when it has few groups: with many, eta rises by chance.
UNNAMED_MAX_GROUPS = 20
STRONGEST = "strongest"  # template value: the grouping most associated with the metric
ETA_SAMPLE_ROWS = 200_000  # enough rows to rank groupings; bounded so planning stays fast
CALENDAR_MIN_DAYS = 2 * 365  # a month-of-year profile needs two years


@dataclass
class ResolveContext:
    """What the resolver may use: the profile, the request, the columns the question named, the data."""

    profile: SchemaProfile
    request: AnalysisRequest
    mentioned: list[str] = field(default_factory=list)
    date_span_days: float | None = None
    df: pd.DataFrame | None = None

    def col(self, name: str | None) -> ColumnProfile | None:
        return self.profile.column(name) if name else None

    def is_number(self, name: str | None) -> bool:
        """A numeric column (a numeric id or a 0/1 flag is not a measure to fill in)."""
        return self.profile.in_group(name, "numeric")

    @property
    def named(self) -> set[str]:
        """Every column the question names: its mentions and filters. A request column the
        ranking filled in (a fallback grouping or measure) is not named by the question."""
        req = self.request
        return {c for c in (*(f.column for f in req.filters), *self.mentioned) if c}


def numeric_candidates(ctx: ResolveContext) -> list[str]:
    """Numeric columns, best first: the request's metric, named ones, additive ones, the rest."""
    req = ctx.request
    named = [c for c in ctx.mentioned if ctx.is_number(c)]
    additive = ctx.profile.group("additive")
    first = [c for c in (req.y, req.x) if c and ctx.is_number(c)]
    return list(dict.fromkeys([*first, *named, *additive, *ctx.profile.group("numeric")]))


def group_candidates(ctx: ResolveContext, exclude: set[str]) -> list[str]:
    """Group columns the question asked for: the request's x and colour, then named ones."""
    req = ctx.request
    groups = [c for c in ctx.profile.group("readable_groups") if c not in exclude]
    named = [c for c in ctx.mentioned if c in groups]
    first = [
        n
        for n in (req.x, req.color)
        if n
        and n in ctx.named
        and n not in exclude
        and (n in groups or ctx.profile.in_group(n, "few_periods"))
    ]
    return list(dict.fromkeys([*first, *named]))


def unnamed_groups(ctx: ResolveContext, exclude: set[str]) -> list[str]:
    """Category columns the question did not name, fewest groups first."""
    cols = [
        c
        for c in ctx.profile.columns
        if c.in_group("readable_groups")
        and not c.in_group("numeric")
        and c.cardinality <= UNNAMED_MAX_GROUPS
        and c.name not in exclude | ctx.named
    ]
    cols.sort(key=lambda c: (c.cardinality > MAX_GROUPS, c.cardinality, c.name))
    return [c.name for c in cols]


def temporal_candidates(ctx: ResolveContext) -> list[str]:
    temporal = ctx.profile.group("temporal")
    first = [ctx.request.x] if ctx.request.x in temporal else []
    named = [c for c in ctx.mentioned if c in temporal]
    return list(dict.fromkeys([*first, *named, *temporal]))


def auto_grain(ctx: ResolveContext, date_column: str | None) -> str:
    """The request's grain, else one that gives a readable number of periods."""
    if ctx.request.time_grain in PERIOD_GRAINS:
        return ctx.request.time_grain
    if ctx.col(date_column) and not ctx.profile.in_group(date_column, "datetime"):
        return "year"  # a year column: its values are the periods
    span = ctx.date_span_days
    if span is None:
        return "day"
    if span <= 92:
        return "day"
    if span <= 2 * 365:
        return "week"
    if span <= 8 * 365:
        return "month"
    return "year"


def strongest_grouping(
    ctx: ResolveContext, metric: str | None, options: list[str]
) -> tuple[str, str]:
    """The option that explains most of the metric (eta) and the reason in words."""
    df = ctx.df
    if df is None or metric is None or metric not in df.columns:
        return options[0], "the table's grouping with the fewest groups"
    rows = df if len(df) <= ETA_SAMPLE_ROWS else df.sample(ETA_SAMPLE_ROWS, random_state=0)
    values = pd.to_numeric(rows[metric], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    scores = []
    for name in options:
        groups = rows[name]
        known = groups.notna().to_numpy() & ~np.isnan(values)
        eta = correlation_ratio(values[known], groups[known]) if known.sum() > 2 else 0.0
        scores.append((-(eta if eta == eta else 0.0), name))
    best_eta, best = min(scores)
    return best, f"the grouping most associated with {metric} (eta = {-best_eta:.2f})"


# ---------------------------------------------------------------- one step
def resolve_step(step: PlanStep, ctx: ResolveContext) -> tuple[PlanStep | None, list[str]]:
    """The step with every "auto" filled and the question inherited; None (and why) if it cannot run."""
    spec = get_tool(step.tool)
    if spec is None:
        return None, [f"unknown tool {step.tool!r}"]
    fill = _StepFill(spec, dict(step.params), ctx)
    params, why, used = fill.params, fill.why, fill.used
    col_params = spec.column_params()
    # dates first, then metrics, then groups: groups must differ from the metric
    order = sorted(
        params, key=lambda p: {"temporal": 0, "numeric": 1}.get(col_params.get(p, ("", 0))[0], 2)
    )
    for name in order:
        value = params[name]
        if value not in (AUTO, STRONGEST):
            if isinstance(value, str):
                used.add(value)
            continue
        if name in col_params:
            problem = fill.column(name)
            if problem:
                return None, [problem]
        elif name == "grain":
            params[name] = auto_grain(ctx, params.get("date_column"))
        elif name == "by" and step.tool == "seasonality":
            by = _calendar_cycle(ctx, params)
            if by is None:
                return None, ["a calendar profile needs daily data or two years of dates"]
            params[name] = by
        else:
            del params[name]  # the tool's own default
    if step.params.get("grain") == AUTO and "date_column" in params:
        params["grain"] = auto_grain(ctx, params["date_column"])
    _inherit(spec, params, ctx, why)
    _without_own_parts(spec, params, ctx)
    note = "; ".join(dict.fromkeys([step.note, *why] if step.note else why))
    return step.model_copy(update={"params": params, "note": note}), why


def _without_own_parts(spec: ToolSpec, params: dict[str, Any], ctx: ResolveContext) -> None:
    """A step about a derived measure does not explain it by the columns it is made of
    ("all other columns" leaves out cost and revenue when the target is cost % of revenue)."""
    if "columns" not in spec.column_params() or params.get("columns"):
        return
    parts = {
        p
        for v in params.values()
        if isinstance(v, str) and (c := ctx.col(v))
        for p in c.derived_from
    }
    if parts:
        params["columns"] = [n for n in ctx.profile.names() if n not in parts]


@dataclass
class _StepFill:
    """One step's parameters being filled: the columns already used (a grouping must differ
    from the measure) and the reasons given for columns the question did not name."""

    spec: ToolSpec
    params: dict[str, Any]
    ctx: ResolveContext
    used: set[str] = field(default_factory=set)
    why: list[str] = field(default_factory=list)

    def take(self, name: str, column: str) -> None:
        self.params[name] = column
        self.used.add(column)

    def column(self, name: str) -> str | None:
        """Fill one column parameter; a reason string when no suitable column exists."""
        spec, params, ctx = self.spec, self.params, self.ctx
        role, multiple = spec.column_params()[name]
        optional = spec.params_model.model_fields[name].default is None
        if multiple:
            del params[name]  # list-of-columns parameters default to "all suitable columns"
            return None
        if role == "numeric":
            return self.metric(name, optional)
        if role in ("groupable", "categorical"):
            return self.group(name, optional)
        cands = (
            temporal_candidates(ctx)
            if role == "temporal"
            else [c for c in ctx.profile.names() if c not in self.used]
        )
        if not cands:
            kind = "suitable temporal column" if role == "temporal" else "column left"
            return f"{spec.name}.{name}: no {kind} in this table"
        self.take(name, cands[0])
        return None

    def metric(self, name: str, optional: bool) -> str | None:
        """The request's measure; a row count when the question counts rows; else the main
        measure."""
        ctx = self.ctx
        req = ctx.request
        named_numbers = [c for c in (req.x, *ctx.mentioned) if ctx.is_number(c)]
        if optional and req.agg == "count" and not ctx.is_number(req.y) and not named_numbers:
            del self.params[name]  # None: count rows, as the question does
            return None
        cands = [c for c in numeric_candidates(ctx) if c not in self.used]
        cands = cands or numeric_candidates(ctx)
        if not cands:
            return f"{name}: no suitable numeric column in this table"
        self.take(name, cands[0])
        if cands[0] not in ctx.named:
            kind = "additive " if (col := ctx.col(cands[0])) and col.additive else ""
            self.why.append(
                f"{cands[0]}: the question names no measure; it is the table's main {kind}measure"
            )
        return None

    def group(self, name: str, optional: bool) -> str | None:
        """The question's grouping; an unnamed one only when the step needs it, with the
        reason."""
        ctx, params = self.ctx, self.params
        wanted = params[name]
        cands = group_candidates(ctx, exclude=self.used)
        if cands and wanted != STRONGEST:
            self.take(name, cands[0])
            if cands[0] not in ctx.mentioned:
                self.why.append(f"{cands[0]}: the grouping of the answer chart")
            return None
        if optional and wanted != STRONGEST:
            del params[name]  # the question asks for no grouping: none is added
            return None
        options = cands or unnamed_groups(ctx, exclude=self.used)
        if not options:
            return f"{self.spec.name}.{name}: no suitable grouping column in this table"
        metric = params.get("metric") or params.get("column") or params.get("target")
        choice, reason = strongest_grouping(
            ctx, metric if isinstance(metric, str) else None, options
        )
        self.take(name, choice)
        if choice not in ctx.named:
            self.why.append(f"{choice}: not named in the question; {reason}")
        return None


def _calendar_cycle(ctx: ResolveContext, params: dict[str, Any]) -> str | None:
    """Weekday profile for daily series; month-of-year profile for two years or more."""
    grain = auto_grain(ctx, params.get("date_column"))
    if not ctx.profile.in_group(params.get("date_column"), "datetime"):
        return None
    if grain == "day":
        return "weekday"
    if grain in ("week", "month") and (ctx.date_span_days or 0) >= CALENDAR_MIN_DAYS:
        return "month"
    return None


def _inherit(spec: ToolSpec, params: dict[str, Any], ctx: ResolveContext, why: list[str]) -> None:
    """The request's aggregation, filters and colour grouping, where the step takes them."""
    fields = spec.params_model.model_fields
    req = ctx.request
    metric = params.get("metric")
    if "agg" in fields:
        asked = params.get("agg") or (req.agg if metric == req.y else None)
        agg = "count" if metric is None else default_agg(ctx.col(metric), asked)
        if asked == "sum" and agg != "sum":
            why.append(f"{metric} is not additive: averaged, never summed")
        params["agg"] = agg
    if "filters" in fields and req.filters and not params.get("filters"):
        params["filters"] = [f.model_dump() for f in req.filters]
    if (
        "group_by" in fields
        and "group_by" not in params
        and req.color
        and spec.name == "rolling_anomalies"
    ):
        params["group_by"] = req.color
