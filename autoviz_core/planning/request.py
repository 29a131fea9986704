"""Question + cues -> AnalysisRequest: what the primary chart must show.

Three modes (config planner.request_mode): "cues" decides alone; "model" lets the model fill
every field under the table's enums; "hybrid" keeps what the cues decided and lets the model
choose only the undecided fields, from enums the cues narrowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autoviz_core.contracts import AnalysisRequest, RequestFilter
from autoviz_core.data.profiling import ColumnProfile, SchemaProfile
from autoviz_core.planning.cues import ADDITIVE, COUNT_COLUMN, Cues
from autoviz_core.planning.text import column_tokens

GROUPABLE = ("categorical", "boolean", "temporal", "identifier")


@dataclass
class CueRequest:
    """The request the cues support, and which fields they actually decided."""

    request: AnalysisRequest
    decided: set[str] = field(default_factory=set)

    @property
    def decisive(self) -> bool:
        return {"x", "chart", "agg"} <= self.decided and (
            self.request.agg == "count" or "y" in self.decided or self.request.chart == "histogram"
        )


def is_additive(name: str) -> bool:
    """Money, counts and quantities add up; ages, prices and rates are averaged."""
    return bool(set(column_tokens(name)) & ADDITIVE)


def main_measure(profile: SchemaProfile) -> str | None:
    """The numeric column a question about 'the data' most likely means."""
    numeric = profile.names("numeric")
    additive = [c for c in numeric if is_additive(c)]
    ranked = additive or numeric
    return ranked[0] if ranked else None


def main_group(profile: SchemaProfile, exclude: set[str] | None = None) -> str | None:
    """A categorical column with a readable number of groups (fewest distinct, > 1)."""
    exclude = exclude or set()
    cats = [
        c
        for c in profile.columns
        if c.role in ("categorical", "boolean") and c.name not in exclude and c.cardinality > 1
    ]
    cats.sort(key=lambda c: (c.cardinality > 50, c.cardinality))
    return cats[0].name if cats else None


def _col(profile: SchemaProfile, name: str | None) -> ColumnProfile | None:
    return profile.column(name) if name else None


def _role(profile: SchemaProfile, name: str | None) -> str | None:
    c = _col(profile, name)
    return c.role if c else None


def _cardinality(profile: SchemaProfile, name: str | None) -> int:
    c = _col(profile, name)
    return c.cardinality if c else 0


def _is_numeric(profile: SchemaProfile, name: str | None) -> bool:
    c = _col(profile, name)
    return bool(c and c.role in ("numeric", "identifier") and c.dtype not in ("str", "object"))


def _is_temporal(profile: SchemaProfile, name: str | None) -> bool:
    c = _col(profile, name)
    return bool(c and c.role == "temporal")


def request_from_cues(cues: Cues, profile: SchemaProfile, intent: str) -> CueRequest:
    """Build the request from cues alone, recording which fields the question decided."""
    decided: set[str] = set()
    filter_only = cues.filter_columns - {cues.x_hint, cues.y_hint, cues.group_hint}
    mentioned = [
        c for c in cues.columns if c not in filter_only and not _entity_only(c, cues, profile)
    ]
    x = cues.x_hint or cues.group_hint
    y = cues.y_hint
    agg = cues.agg
    if (
        agg == "count"
        and cues.agg_target
        and x is None
        and not _is_numeric(profile, cues.agg_target)
    ):
        others = [
            c
            for c in cues.columns
            if c != cues.agg_target and c not in cues.filter_columns and not _is_numeric(profile, c)
        ]
        x = others[0] if others else cues.agg_target  # "the number of first names": per first name
    elif agg and cues.agg_target and cues.agg_target != x:
        y = y or cues.agg_target
    x = _prefer_name_over_partial_id(x, cues, profile)
    if x:
        decided.add("x")
    if y:
        decided.add("y")
    rest = [c for c in mentioned if c not in (x, y)]
    x, y, rest = _fill_axes(x, y, rest, cues, profile, intent, agg)
    color = None
    temporal_cols = profile.names("temporal")
    if (
        x
        and not _is_temporal(profile, x)
        and temporal_cols
        and not cues.x_hint
        and (cues.temporal or intent == "time_series_investigation")
        and _role(profile, x) in ("categorical", "boolean")
    ):
        color, x = x, next((c for c in cues.columns if c in temporal_cols), temporal_cols[0])
    if x and "x" not in decided and mentioned and x in mentioned:
        decided.add("x")
    if y and "y" not in decided and y in mentioned:
        decided.add("y")
    chart = _chart(cues, profile, x, y, agg, intent)
    agg = _aggregation(cues, profile, x, y, agg, chart)
    if cues.agg or cues.superlative or (agg == "none" and "x" in decided and "y" in decided):
        decided.add("agg")
    if agg == "count":
        y, agg = _count_column_sum(profile, None, agg)
    if cues.chart or agg == "count" or (x and y):
        decided.add("chart")
    req = AnalysisRequest(chart=chart, x=x, y=y, agg=agg)
    req.color = color or _color(cues, profile, x, y, chart)
    req.time_grain = _grain(cues, profile, x)
    req.filters = list(cues.filters)
    req.sort_by, req.sort_dir = _sort(cues, req)
    req.limit = cues.limit
    return CueRequest(req, decided)


def _fill_axes(
    x: str | None,
    y: str | None,
    rest: list[str],
    cues: Cues,
    profile: SchemaProfile,
    intent: str,
    agg: str | None,
) -> tuple[str | None, str | None, list[str]]:
    temporal_x = cues.temporal or intent == "time_series_investigation" or cues.time_grain
    if x is None and temporal_x:
        x = next((c for c in rest if _is_temporal(profile, c)), None) or next(
            iter(profile.names("temporal")), None
        )
        rest = [c for c in rest if c != x]
    if x is None and rest:
        if y is None and agg is None and len(rest) >= 2:
            x, y = rest[0], rest[1]
            rest = rest[2:]
            if _is_numeric(profile, x) and not _is_numeric(profile, y) and cues.chart != "scatter":
                x, y = y, x  # bars go over the categories, heights are the numbers
        else:
            groupish = [
                c for c in rest if not _is_numeric(profile, c) or _cardinality(profile, c) <= 30
            ]
            pick = groupish[0] if (groupish and (agg or y)) else rest[0]
            rest = [c for c in rest if c != pick]
            if y is None and agg not in (None, "count") and _is_numeric(profile, pick) and not rest:
                y = pick  # "average age" alone: the metric, not the group
            else:
                x = pick
    if y is None and rest and agg != "count":
        y = next((c for c in rest if _is_numeric(profile, c)), None)
    if (
        x
        and y is None
        and agg is None
        and cues.chart in ("bar", "pie")
        and len(cues.filter_columns) == 1
    ):
        only = next(iter(cues.filter_columns))
        y = only if _is_numeric(profile, only) and only != x else None  # "populations between"
    if (
        x
        and y is None
        and agg is None
        and _is_numeric(profile, x)
        and not _is_temporal(profile, x)
        and cues.chart in ("bar", "pie")
        and not cues.group_hint
    ):
        x, y = _entity_column(profile, exclude={x}), x  # "the elevation of the airports"
    if x is None and (y or agg == "count"):
        x = _entity_column(profile, exclude={y} if y else set())
    if (
        y is None
        and agg is None
        and intent != "comparative_analysis"
        and not (_is_numeric(profile, x) and not _is_temporal(profile, x))
    ):
        y = main_measure(profile)  # "a weekend effect on sales": the table's main measure
    return x, y, rest


def _entity_only(column: str, cues: Cues, profile: SchemaProfile) -> bool:
    """'artists' matching Artist_ID only by its entity word names the rows, not the id column."""
    col = _col(profile, column)
    return bool(
        col
        and col.role == "identifier"
        and not any(m.column == column and m.exact for m in cues.mentions)
        and column not in (cues.x_hint, cues.y_hint)
    )


def _prefer_name_over_partial_id(x: str | None, cues: Cues, profile: SchemaProfile) -> str | None:
    """'for each cinema' matching Cinema_ID only by its entity word means the cinema's name."""
    col = _col(profile, x)
    if not col or col.role != "identifier":
        return x
    if any(m.column == x and m.exact for m in cues.mentions):
        return x
    names = [c.name for c in profile.columns if "name" in column_tokens(c.name)]
    return names[0] if names else x


def _entity_column(profile: SchemaProfile, exclude: set[str]) -> str | None:
    """'for each cinema' when 'cinema' is no column: the table's name column, else a group."""
    names = [
        c.name for c in profile.columns if c.name not in exclude and "name" in column_tokens(c.name)
    ]
    if names:
        return names[0]
    return main_group(profile, exclude)


def _chart(
    cues: Cues, profile: SchemaProfile, x: str | None, y: str | None, agg: str | None, intent: str
) -> str:
    chart = cues.chart
    x_num = _is_numeric(profile, x) and not _is_temporal(profile, x)
    if chart == "histogram":
        if x and (agg or y or not x_num):
            return "bar"
        return "histogram"
    if chart:
        return chart
    if _is_temporal(profile, x) and cues.time_grain == "weekday":
        return "bar"
    if _is_temporal(profile, x) and (
        cues.temporal or intent == "time_series_investigation" or cues.time_grain
    ):
        return "line"
    if x_num and _is_numeric(profile, y) and agg is None:
        return "scatter"
    if x_num and y is None and agg is None:
        return "histogram"
    if x is None and y and agg is None:
        return "box" if intent == "anomaly_detection" else "histogram"
    return "bar"


def _aggregation(
    cues: Cues, profile: SchemaProfile, x: str | None, y: str | None, agg: str | None, chart: str
) -> str:
    if chart in ("histogram", "box") or (chart == "scatter" and agg is None):
        return "none"
    if agg:
        return agg
    if y is None:
        return "count"
    if (
        cues.group_hint is None
        and not cues.superlative
        and not cues.temporal
        and cues.chart
        and chart in ("bar", "pie", "scatter")
        and cues.x_hint is None
        and x in cues.columns
    ):
        return "none"  # "name and capacity of each cinema": the rows themselves
    if cues.x_hint and cues.y_hint and not cues.group_hint:
        return "none"
    return "sum" if is_additive(y) else "mean"


def _count_column_sum(profile: SchemaProfile, y: str | None, agg: str) -> tuple[str | None, str]:
    """In a pre-counted table (a 'count' column), 'how many' means the sum of that column."""
    counts = [c.name for c in profile.columns if c.role == "numeric" and COUNT_COLUMN.match(c.name)]
    if counts:
        return counts[0], "sum"
    return y, agg


def _color(
    cues: Cues, profile: SchemaProfile, x: str | None, y: str | None, chart: str
) -> str | None:
    if chart != "line" or not _is_temporal(profile, x):
        return None
    groups = [
        c
        for c in cues.columns
        if c not in (x, y)
        and _col(profile, c)
        and _col(profile, c).role in ("categorical", "boolean")  # type: ignore[union-attr]
        and c not in {f.column for f in cues.filters}
    ]
    return groups[0] if groups else None


def _grain(cues: Cues, profile: SchemaProfile, x: str | None) -> str:
    if not cues.time_grain or not _is_temporal(profile, x):
        return "none"
    col = _col(profile, x)
    if col and col.dtype.startswith(("int", "float")):
        return "none"  # a year column is already at its grain
    return cues.time_grain


def _sort(cues: Cues, req: AnalysisRequest) -> tuple[str, str]:
    if req.chart == "line":
        return "x", "asc"
    if cues.sort_dir:
        by = cues.sort_by
        if by is None and cues.sort_column in (req.x, req.y) and cues.sort_column is not None:
            by = "x" if cues.sort_column == req.x else "y"
        return by or ("y" if req.agg != "none" else "x"), cues.sort_dir
    if cues.superlative and req.chart in ("bar", "pie"):
        low = re.search(r"\b(lowest|least|smallest|worst|fewest)\b", cues.question.lower())
        return "y", "asc" if low else "desc"
    return "none", "desc"


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
    if req.agg not in ("count", "none") and req.y and not _is_numeric(profile, req.y):
        notes.append(f"{req.agg} of non-numeric {req.y!r} is not possible; counting instead.")
        req.agg, req.y = "count", None
    if req.chart == "histogram":
        target = req.x if _is_numeric(profile, req.x) else req.y
        if not _is_numeric(profile, target):
            req.chart = "bar"
            req.agg = "count" if req.x else req.agg
        else:
            req.x, req.y, req.agg = target, None, "none"
    if req.chart in ("bar", "pie", "line") and req.x is None:
        req.x = next(iter(profile.names("temporal")), None) if req.chart == "line" else None
        req.x = req.x or main_group(profile) or next(iter(profile.names()), None)
        notes.append(f"No x column was given; using {req.x!r}.")
    if req.chart in ("bar", "pie", "line") and req.y is None and req.agg not in ("count",):
        req.agg = "count"
    if req.chart == "scatter" and (req.x is None or req.y is None):
        nums = [c for c in profile.names("numeric") if c not in (req.x, req.y)]
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
    if req.time_grain != "none" and not _is_temporal(profile, req.x):
        req.time_grain = "none"
    if req.sort_by == "none" and req.chart == "line":
        req.sort_by, req.sort_dir = "x", "asc"
    return req, notes


def merge_requests(cue: CueRequest, model: AnalysisRequest) -> AnalysisRequest:
    """Hybrid: what the cues decided stands; the model fills the rest."""
    merged = model.model_copy(deep=True)
    for key in cue.decided:
        setattr(merged, key, getattr(cue.request, key))
    if cue.request.filters:
        merged.filters = list(cue.request.filters)
    if cue.request.sort_by != "none":
        merged.sort_by, merged.sort_dir = cue.request.sort_by, cue.request.sort_dir
    if cue.request.limit:
        merged.limit = cue.request.limit
    if cue.request.time_grain != "none":
        merged.time_grain = cue.request.time_grain
    if cue.request.color:
        merged.color = cue.request.color
    return merged


def filters_text(filters: list[RequestFilter]) -> str:
    return "; ".join(f"{f.column} {f.op} {f.value}" for f in filters) or "none"
