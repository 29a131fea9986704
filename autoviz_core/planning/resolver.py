"""ParamResolver: every "auto" parameter gets a concrete value from the profile and the request.

Column parameters are filled by their role (numeric metric, group, date) preferring what the
question named; non-column "auto" values become the tool's own default, except time grains,
which follow the request or the span of the dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data.profiling import ColumnProfile, SchemaProfile
from autoviz_core.plan import PlanStep
from autoviz_core.planning.request import is_additive
from autoviz_core.planning.templates import AUTO
from autoviz_core.tools.registry import get_tool

GRAINS = ("day", "week", "month", "quarter", "year")
MAX_GROUPS = 50


@dataclass
class ResolveContext:
    """What the resolver may use: the table's profile, the request, the columns the question named."""

    profile: SchemaProfile
    request: AnalysisRequest
    mentioned: list[str] = field(default_factory=list)
    date_span_days: float | None = None

    def col(self, name: str | None) -> ColumnProfile | None:
        return self.profile.column(name) if name else None


def is_numeric_col(c: ColumnProfile | None) -> bool:
    return bool(c and c.role == "numeric")


def is_group_col(c: ColumnProfile | None) -> bool:
    """Columns that make readable groups: categories, yes/no, and small-range integers."""
    if c is None or c.cardinality < 2:
        return False
    if c.role in ("categorical", "boolean"):
        return c.cardinality <= MAX_GROUPS * 20
    return c.role == "numeric" and c.cardinality <= 12 and c.min is not None


def _first(names: list[str | None]) -> str | None:
    return next((n for n in names if n), None)


def numeric_candidates(ctx: ResolveContext) -> list[str]:
    """Numeric columns, best first: the request's metric, named ones, additive ones, the rest."""
    req = ctx.request
    numeric = [c.name for c in ctx.profile.columns if c.role == "numeric"]
    named = [c for c in ctx.mentioned if c in numeric]
    additive = [c for c in numeric if is_additive(c)]
    first = [req.y] if req.y and is_numeric_col(ctx.col(req.y)) else []
    return list(dict.fromkeys([*first, *named, *additive, *numeric]))


def group_candidates(ctx: ResolveContext, exclude: set[str]) -> list[str]:
    req = ctx.request
    cols = ctx.profile.columns
    groups = [c.name for c in cols if is_group_col(c) and c.name not in exclude]
    named = [c for c in ctx.mentioned if c in groups]
    first = [n for n in (req.x, req.color) if n in groups]
    cats = sorted(
        (c for c in cols if c.name in groups and c.role != "numeric"),
        key=lambda c: (c.cardinality > MAX_GROUPS, c.cardinality),
    )
    return list(dict.fromkeys([*first, *named, *(c.name for c in cats), *groups]))


def temporal_candidates(ctx: ResolveContext) -> list[str]:
    temporal = ctx.profile.names("temporal")
    first = [ctx.request.x] if ctx.request.x in temporal else []
    named = [c for c in ctx.mentioned if c in temporal]
    return list(dict.fromkeys([*first, *named, *temporal]))


def auto_grain(ctx: ResolveContext, date_column: str | None) -> str:
    """The request's grain, else one that gives a readable number of periods."""
    if ctx.request.time_grain in GRAINS:
        return ctx.request.time_grain
    col = ctx.col(date_column)
    if col and not col.dtype.startswith("datetime"):
        return "year"
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


def resolve_step(step: PlanStep, ctx: ResolveContext) -> tuple[PlanStep | None, list[str]]:
    """The step with every "auto" filled; None (and why) when a needed column does not exist."""
    spec = get_tool(step.tool)
    if spec is None:
        return None, [f"unknown tool {step.tool!r}"]
    params = dict(step.params)
    col_params = spec.column_params()
    used: set[str] = set()
    notes: list[str] = []
    # dates first, then metrics, then groups: groups must differ from the metric
    order = sorted(
        params, key=lambda p: {"temporal": 0, "numeric": 1}.get(col_params.get(p, ("", 0))[0], 2)
    )
    for name in order:
        if params[name] != AUTO:
            if isinstance(params[name], str):
                used.add(params[name])
            continue
        if name in col_params:
            role, multiple = col_params[name]
            value = _resolve_column(role, multiple, ctx, used)
            if value is _MISSING:
                return None, [f"{step.tool}.{name}: no suitable {role} column in this table"]
            if value is _DEFAULT:
                del params[name]
                continue
            params[name] = value
            if isinstance(value, str):
                used.add(value)
        elif name == "grain":
            params[name] = auto_grain(ctx, params.get("date_column"))
        else:
            del params[name]  # the tool's own default
    # a grain filled before its date column was known
    if step.params.get("grain") == AUTO and "date_column" in params:
        params["grain"] = auto_grain(ctx, params["date_column"])
    return step.model_copy(update={"params": params}), notes


class _Sentinel:
    pass


_MISSING: Any = _Sentinel()
_DEFAULT: Any = _Sentinel()


def _resolve_column(role: str, multiple: bool, ctx: ResolveContext, used: set[str]) -> Any:
    if multiple:
        return _DEFAULT  # list-of-columns parameters default to "all suitable columns"
    if role == "numeric":
        cands = [c for c in numeric_candidates(ctx) if c not in used] or numeric_candidates(ctx)
    elif role == "temporal":
        cands = temporal_candidates(ctx)
    elif role in ("groupable", "categorical"):
        cands = group_candidates(ctx, exclude=used)
    else:
        cands = [c for c in ctx.profile.names() if c not in used]
    return cands[0] if cands else _MISSING
