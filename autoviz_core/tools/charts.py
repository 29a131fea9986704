"""The primary chart: a structured request (kind, x, y, agg, colour, grain, filters, sort, limit).

Order of operations is fixed and documented because it decides what the chart means:
filter -> bucket time -> aggregate (or keep raw rows) -> sort -> limit -> bound points -> plot.
`ChartData` records exactly what was plotted, in plotted order, as plain JSON values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import Field

from autoviz_core.tools.claims import Claim, Ranked, Summed, fact, failures
from autoviz_core.tools.common import (
    FilterCondition,
    ToolInputError,
    above_lowest,
    agg_label,
    aggregate_series,
    apply_filters,
    bucket_column,
    bucket_time,
    describe_condition,
    extremes,
    fmt_num,
    fmt_pct,
    group_name,
    is_numeric,
    is_temporal,
    join_labels,
    label,
    looks_temporal,
    numeric_keep_ints,
    numeric_values,
    require_columns,
    to_json_list,
    to_json_value,
)
from autoviz_core.tools.distributions import (
    MAX_BOX_GROUPS,
    box_figure,
    box_stats,
    busiest_bin_claim,
    highest_median_claim,
    histogram_table,
    top_groups,
)
from autoviz_core.tools.measures import part_of_total, summed, table_time
from autoviz_core.tools.periods import build_periods, calendar_grain, period_label
from autoviz_core.tools.registry import (
    ChartData,
    ToolContext,
    ToolParams,
    ToolResult,
    column_param,
    tool,
)
from autoviz_core.tools.relationships import relation_claim
from autoviz_core.vocabulary import (
    NUMBER_AGGREGATIONS,
    PERIOD_GRAINS,
    RANKED_CHART_KINDS,
    Aggregation,
    ChartKind,
    SortBy,
    SortDir,
    TimeGrain,
)

SCATTERGL_ABOVE = 1000


class ChartParams(ToolParams):
    """The analysis request as chart parameters; names match the request contract."""

    kind: ChartKind = "bar"
    x: str | None = column_param(None, role="any", description="x axis / group / pie names")
    # y may be any column: "count" of a text column counts its non-missing values.
    y: str | None = column_param(None, role="any", description="value column (numeric to sum)")
    measures: list[str] = column_param(
        [], role="numeric", multiple=True, description="more value columns, one series each"
    )
    agg: Aggregation = "none"
    color: str | None = column_param(None, role="groupable", description="series / colour")
    time_grain: TimeGrain = "none"
    filters: list[FilterCondition] = Field(default_factory=list)
    sort_by: SortBy = "none"
    sort_dir: SortDir = "desc"
    limit: int = Field(0, ge=0, description="keep the first N groups after sorting; 0 = all")


# ---------------------------------------------------------------- preparation
MEASURE = "measure"  # the colour (or x) that names which value column a point comes from


def _prepare(df: pd.DataFrame, p: ChartParams, notes: list[str]) -> tuple[pd.DataFrame, str | None]:
    """A frame with columns x / y / c (those in use), x bucketed to the time grain."""
    if p.measures and p.y is not None:
        return _prepare_measures(df, p, notes)
    x_col, color = p.x, p.color
    if x_col is None and color is not None and p.agg != "none":
        x_col, color = color, None  # a grouped chart with only a colour groups by the colour
    frame = pd.DataFrame(index=df.index)
    if x_col is not None:
        frame["x"] = _x_values(df[x_col], p.time_grain, notes, df)
    if p.y is not None:
        needs_number = p.agg in NUMBER_AGGREGATIONS or (
            p.agg == "none" and p.kind in ("scatter", "line", "pie")
        )
        y = df[p.y]
        frame["y"] = numeric_keep_ints(y) if needs_number or is_numeric(y) else y
    if color is not None:
        frame["c"] = df[color]
    return frame, x_col


def _prepare_measures(
    df: pd.DataFrame, p: ChartParams, notes: list[str]
) -> tuple[pd.DataFrame, str | None]:
    """Several value columns side by side ("wounds vs disease by month"): one long frame whose
    colour names the column (or whose x does, when there is no x: "total of A, B and C")."""
    names = list(dict.fromkeys([p.y, *p.measures]))
    x = _x_values(df[p.x], p.time_grain, notes, df) if p.x is not None else None
    parts = []
    for name in names:
        part = pd.DataFrame({"y": numeric_keep_ints(df[name])}, index=df.index)
        if x is not None:
            part["x"] = x
            part["c"] = name
        else:
            part["x"] = name
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    if x is not None:
        frame["c"] = pd.Categorical(frame["c"], categories=names, ordered=True)
    else:
        frame["x"] = pd.Categorical(frame["x"], categories=names, ordered=True)
    return frame[[c for c in ("x", "y", "c") if c in frame]], p.x or MEASURE


def _x_values(
    s: pd.Series, grain: str, notes: list[str], df: pd.DataFrame | None = None
) -> pd.Series:
    """X as plotted: bucketed when a time grain is asked for and x holds dates."""
    if grain == "none":
        return s
    if looks_temporal(s):
        return bucket_time(s, grain) if df is None else bucket_column(df, str(s.name), grain)
    notes.append(f"time grain {grain!r} ignored: {s.name} is not a date column")
    return s


def _aggregate(frame: pd.DataFrame, agg: str) -> pd.DataFrame:
    """Group by x (and colour) and aggregate y; keys come back sorted ascending."""
    keys = [frame[k] for k in ("x", "c") if k in frame]
    if not keys:
        keys = [pd.Series("all rows", index=frame.index)]
    out = aggregate_series(frame.get("y"), keys, agg)
    result = out.reset_index()
    names = [k for k in ("x", "c") if k in frame] or ["x"]
    result.columns = [*names, "y"]
    return result


# ---------------------------------------------------------------- sorting and limiting
def _sort(frame: pd.DataFrame, p: ChartParams, notes: list[str]) -> pd.DataFrame:
    """Apply sort_by/sort_dir; a line always runs along x ascending so it never zig-zags."""
    if p.kind == "line" and "x" in frame:
        if p.sort_by == "y":
            notes.append("line charts are drawn along x ascending; sort by y ignored")
        return frame.sort_values(_cols(frame, "x", "c"), kind="stable", na_position="last")
    if p.sort_by == "none" or p.sort_by not in ("x", "y") or p.sort_by not in frame:
        return frame
    asc = p.sort_dir == "asc"
    return frame.sort_values(p.sort_by, ascending=asc, kind="stable", na_position="last")


def _cols(frame: pd.DataFrame, *names: str) -> list[str]:
    return [n for n in names if n in frame]


def _limit(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """First `limit` rows, or first `limit` x groups when a colour splits each group."""
    if limit <= 0:
        return frame
    if "c" in frame and "x" in frame:
        keep = pd.unique(frame["x"])[:limit]
        return frame[frame["x"].isin(keep)]
    return frame.head(limit)


# ---------------------------------------------------------------- bounding the browser payload
def _bound(frame: pd.DataFrame, kind: str, ctx: ToolContext, notes: list[str]) -> pd.DataFrame:
    """Never send more than ctx.max_chart_points points; say how the rest was reduced."""
    n, cap = len(frame), max(1, ctx.max_chart_points)
    if n <= cap:
        return frame
    if kind == "scatter":
        rng = np.random.default_rng(ctx.seed)
        keep = np.sort(rng.choice(n, size=cap, replace=False))
        notes.append(f"showing a seeded random sample of {cap:,} of {n:,} points")
        return frame.iloc[keep]
    if kind == "line":
        notes.append(f"line thinned from {n:,} to at most {cap:,} points (min/max per bucket)")
        return _thin_line(frame, cap)
    return _top_categories(frame, cap, notes)


def _top_categories(frame: pd.DataFrame, cap: int, notes: list[str]) -> pd.DataFrame:
    """Keep the x categories with the largest |y| totals, in their plotted order."""
    if "x" not in frame:
        notes.append(f"showing the first {cap:,} of {len(frame):,} rows")
        return frame.head(cap)
    weight = frame["y"].abs() if "y" in frame and is_numeric(frame["y"]) else 1
    totals = (
        pd.DataFrame({"x": frame["x"], "w": weight})
        .groupby("x", observed=True, sort=False, dropna=False)["w"]
        .agg(["sum", "size"])
    )
    totals = totals.sort_values("sum", ascending=False, kind="stable")
    kept = totals.index[totals["size"].cumsum() <= cap]
    notes.append(f"showing the top {len(kept):,} of {len(totals):,} categories by value")
    return frame[frame["x"].isin(kept)]


def _thin_line(frame: pd.DataFrame, cap: int) -> pd.DataFrame:
    """Keep the min and max point of each x-bucket per series, so spikes survive thinning."""
    if "c" in frame:
        series = [part for _, part in frame.groupby("c", observed=True, sort=True, dropna=False)]
    else:
        series = [frame]
    budget = max(2, cap // max(1, len(series)))
    kept = []
    for part in series:
        if len(part) <= budget:
            kept.append(part)
            continue
        buckets = np.arange(len(part)) * (budget // 2) // len(part)
        y = part["y"].to_numpy(dtype="float64", na_value=np.nan)
        pos = pd.DataFrame({"b": buckets, "y": y, "i": np.arange(len(part))}).dropna()
        idx = pd.unique(
            np.concatenate(
                [
                    pos.loc[pos.groupby("b")["y"].idxmin(), "i"].to_numpy(),
                    pos.loc[pos.groupby("b")["y"].idxmax(), "i"].to_numpy(),
                ]
            )
        )
        kept.append(part.iloc[np.sort(idx)])
    return pd.concat(kept) if kept else frame


# ---------------------------------------------------------------- figures
def _series(frame: pd.DataFrame) -> list[tuple[Any, pd.DataFrame]]:
    """(colour key, rows) per series in ascending key order; one unnamed series without colour."""
    if "c" not in frame:
        return [(None, frame)]
    return [(k, part) for k, part in frame.groupby("c", observed=True, sort=True, dropna=False)]


def _xy(part: pd.DataFrame) -> tuple[list[Any], list[Any]]:
    x = to_json_list(part["x"]) if "x" in part else list(range(1, len(part) + 1))
    y = to_json_list(part["y"]) if "y" in part else []
    return x, y


def _xy_figure(frame: pd.DataFrame, kind: str) -> go.Figure:
    fig = go.Figure()
    if kind == "pie":
        x, y = _xy(frame)
        fig.add_trace(go.Pie(labels=[label(v) for v in x], values=y, sort=False))
        return fig
    many = len(frame) > SCATTERGL_ABOVE
    for key, part in _series(frame):
        x, y = _xy(part)
        name = label(key) if key is not None else None
        if kind == "bar":
            fig.add_trace(go.Bar(x=x, y=y, name=name))
        elif kind == "line":
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=name))
        else:
            trace = go.Scattergl if many else go.Scatter
            fig.add_trace(trace(x=x, y=y, mode="markers", name=name))
    return fig


def _layout(
    fig: go.Figure, p: ChartParams, x_col: str | None, title: str, frame: pd.DataFrame
) -> None:
    """Axis titles are the column names; bars keep their plotted category order."""
    fig.update_layout(
        title=title,
        xaxis_title=x_col or "",
        yaxis_title=agg_label(p.agg, p.y),
        legend_title_text=p.color or "",
        showlegend=p.color is not None,
    )
    if p.kind == "bar" and "x" in frame and not is_temporal(frame["x"]):
        order = [label(v) for v in pd.unique(frame["x"])]
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=order)
    if p.kind == "bar" and p.color is not None:
        fig.update_layout(barmode="group")


def _title(p: ChartParams, x_col: str | None) -> str:
    what = agg_label(p.agg, p.y) if p.agg != "none" else (p.y or "rows")
    if p.measures:
        names = [p.y or "", *p.measures]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        what = f"{p.agg} of {listed}" if p.agg not in ("none", "count") else listed
        if x_col == MEASURE:
            return what
    parts = [what]
    if x_col:
        parts.append(f"by {x_col}" + (f" ({p.time_grain})" if p.time_grain != "none" else ""))
    if p.color and p.color != x_col:
        parts.append(f"and {p.color}")
    return " ".join(parts)


# ---------------------------------------------------------------- findings
def _calendar(data: pd.DataFrame) -> str:
    """The grain raw dates on x were recorded at (a month's data as its first day)."""
    x = data["x"]
    return calendar_grain(x) if is_temporal(x) else "day"


def x_label(value: Any, p: ChartParams, calendar: str = "day") -> str:
    """An x value for a sentence: periods at the chart's grain (raw dates at the grain they
    were recorded at: monthly data as 2021-05), whole numbers without ".0"."""
    if p.time_grain in PERIOD_GRAINS and isinstance(value, (pd.Timestamp, np.datetime64)):
        return period_label(value, p.time_grain)
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return period_label(value, calendar)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return label(value)


@dataclass(frozen=True)
class SumContext:
    """What a sum chart's findings need beyond the plotted frame: the axes the sum runs along,
    and (when it runs over time but the measure is a level) the same chart for the latest
    moment of the table's time column, where a total of it does mean something."""

    summed: Summed
    # "In 2007", the chart of that moment, its sum, and the moment as a filter
    latest: tuple[str, pd.DataFrame, Summed, tuple[dict[str, Any], ...]] | None = None


def _group_claims(
    full: pd.DataFrame,
    shown: pd.DataFrame,
    p: ChartParams,
    x_col: str | None,
    sums: SumContext | None = None,
    partial: frozenset[Any] = frozenset(),
) -> list[Claim]:
    """The ranked list for a top-N, else highest vs lowest group (ties named together). The
    sentence is first made of the drawn groups; the validator keeps it only when they are all
    the groups, else the same sentence over every group is said."""
    data = _xy_data(shown)
    if data is None:
        return []
    if p.kind == "line" and x_col:
        return _line_claims(data, p, sums, partial)
    every = _xy_data(full)
    assert every is not None
    if p.sort_by == "y" and p.limit and p.kind in RANKED_CHART_KINDS:
        return [_top_claim(data, every, p, x_col, sums)]
    fallback = (
        _extreme_claims(every, every, p, x_col, sums, "") if len(every) != len(data) else None
    )
    claims = _extreme_claims(data, every, p, x_col, sums, "", fallback)
    return claims


def _xy_data(frame: pd.DataFrame) -> pd.DataFrame | None:
    if "y" not in frame or "x" not in frame or "c" in frame or frame.empty:
        return None
    y = pd.to_numeric(frame["y"], errors="coerce")
    data = pd.DataFrame({"x": frame["x"].to_numpy(), "y": y.to_numpy()}).dropna(subset=["y"])
    return None if data.empty else data


def _what(p: ChartParams) -> str:
    return agg_label(p.agg, p.y) if p.agg != "none" else (p.y or "value")


def _sum_asserts(p: ChartParams, sums: SumContext | None) -> tuple[Summed, ...]:
    return (sums.summed,) if sums is not None and p.agg == "sum" else ()


def _top_claim(
    data: pd.DataFrame, every: pd.DataFrame, p: ChartParams, x_col: str | None,
    sums: SumContext | None,
) -> Claim:  # fmt: skip
    names = [group_name(x_col, x_label(v, p, _calendar(data)), p.y) for v in data["x"]]
    ranked = [f"{n} ({fmt_num(v)})" for n, v in zip(names, data["y"], strict=True)]
    order = "Top" if p.sort_dir == "desc" else "Bottom"
    ranking = Ranked(
        (names[0],), len(every), len(every), measure=p.y, by=x_col, agg=p.agg,
        direction="max" if p.sort_dir == "desc" else "min", grain=p.time_grain,
        filters=_filter_dicts(p),
    )  # fmt: skip
    text = f"{order} {len(ranked)} {x_col} by {_what(p)}: {join_labels(ranked, limit=10)}."
    return Claim(text, (ranking, *_sum_asserts(p, sums)), _latest_claim(p, x_col, sums))


def _extreme_claims(
    data: pd.DataFrame,
    every: pd.DataFrame,
    p: ChartParams,
    x_col: str | None,
    sums: SumContext | None,
    when: str,
    fallback: list[Claim] | None = None,
    moment: tuple[dict[str, Any], ...] = (),
) -> list[Claim]:
    """ "A has the highest X: v, n% above the lowest, B (w)." and A's share of the total."""
    what = _what(p)
    names = [group_name(x_col, x_label(v, p, _calendar(data)), p.y) for v in data["x"]]
    hi, top, lo, low = extremes(names, data["y"].tolist())
    ranking = Ranked(
        tuple(hi), len(data), len(every), says_tie=len(hi) > 1, measure=p.y, by=x_col,
        agg=p.agg, grain=p.time_grain, filters=_filter_dicts(p) + moment,
    )  # fmt: skip
    asserts = (ranking, *_sum_asserts(p, sums))
    later: Sequence[Claim | None] = fallback or (
        [_latest_claim(p, x_col, sums)] if when == "" else []
    )
    if len(data) > 1 and fmt_num(top) == fmt_num(low):
        text = f"{when}All {len(data)} {x_col or 'groups'} have the same {what}: {fmt_num(top)}."
        return [Claim(text, asserts[1:], _first(later))]
    verb = "tie for" if len(hi) > 1 else "has"
    text = f"{when}{join_labels(hi)} {verb} the highest {what}: {fmt_num(top)}"
    if len(data) > 1:
        above = above_lowest(top, low) if low != 0 else "above the lowest"
        text += f", {above}, {join_labels(lo)} ({fmt_num(low)})"
    out = [Claim(text + ".", asserts, _first(later))]
    total = float(data["y"].sum())
    if p.agg in ("sum", "count") and total > 0 and len(data) > 1 and len(hi) == 1:
        share = f"{when}{hi[0]} accounts for {fmt_pct(top / total)} of the total."
        out.append(Claim(share, asserts, _nth(later, 1)))
    return out


def _first(claims: Sequence[Claim | None]) -> Claim | None:
    return claims[0] if claims else None


def _nth(claims: Sequence[Claim | None], i: int) -> Claim | None:
    return claims[i] if len(claims) > i else None


def _latest_claim(p: ChartParams, x_col: str | None, sums: SumContext | None) -> Claim | None:
    """The same ranking for the latest moment only, where a total of a level means something;
    else the reason no total is stated."""
    if sums is None or p.agg != "sum" or not failures(Claim("", (sums.summed,))):
        return None  # the sum holds: nothing to say in its place
    if sums.latest is None:
        why = "; ".join(failures(Claim("", (sums.summed,))))
        by = f" by {x_col}" if x_col else ""
        return Claim(f"No total of {sums.summed.measure}{by} is stated: {why}.")
    when, frame, summed_latest, moment = sums.latest
    data = _xy_data(frame)
    if data is None:
        return None
    return _extreme_claims(
        data, data, p, x_col, SumContext(summed_latest), f"{when}, ", moment=moment
    )[0]


def _filter_dicts(p: ChartParams) -> tuple[dict[str, Any], ...]:
    return tuple(f.model_dump(mode="json") for f in p.filters)


def _line_claims(
    data: pd.DataFrame, p: ChartParams, sums: SumContext | None, partial: frozenset[Any]
) -> list[Claim]:
    """Where the line peaks and bottoms; a change over time is the trend step's to report.
    Proposed over every point; when a period is only partly covered by the data, the validator
    says the same over whole periods instead."""
    calendar = _calendar(data)
    cut = data["x"].isin(partial)
    whole = None
    if cut.any() and (~cut).sum() >= 2:
        left_out = join_labels([x_label(v, p, calendar) for v in data.loc[cut, "x"]])
        whole = _line_claim(
            data[~cut], p, sums, calendar, f" (whole {p.time_grain}s only: {left_out} is partial)"
        )
    partial_names = tuple(x_label(v, p, calendar) for v in data.loc[cut, "x"])
    return [_line_claim(data, p, sums, calendar, "", partial_names, whole)]


def _line_claim(
    data: pd.DataFrame,
    p: ChartParams,
    sums: SumContext | None,
    calendar: str,
    note: str,
    partial: tuple[str, ...] = (),
    whole: Claim | None = None,
) -> Claim:
    names = [x_label(v, p, calendar) for v in data["x"]]
    values = data["y"].tolist()
    what = _what(p)
    hi, top, lo, low = extremes(names, values)
    ranking = Ranked(
        tuple(hi), len(values), len(values), says_tie=len(hi) > 1, measure=p.y, by=p.x,
        agg=p.agg, grain=p.time_grain, filters=_filter_dicts(p), partial=partial,
    )  # fmt: skip
    asserts = (ranking, *_sum_asserts(p, sums))
    instead = whole or (_latest_claim(p, None, sums) if asserts[1:] else None)
    if fmt_num(top) == fmt_num(low):
        text = f"{what} is {fmt_num(top)} at every one of the {len(values)} points{note}."
        return Claim(text, asserts[1:], instead)
    text = (
        f"{what} ranges from {fmt_num(low)} ({join_labels(lo)}) to {fmt_num(top)} "
        f"({join_labels(hi)}) over {len(values)} points, {names[0]} to {names[-1]}{note}."
    )
    return Claim(text, asserts, instead)


def _scatter_claims(frame: pd.DataFrame, p: ChartParams, df: pd.DataFrame | None) -> list[Claim]:
    if "x" not in frame or "y" not in frame or not is_numeric(frame["x"]):
        return []
    pair = pd.DataFrame({"x": numeric_values(frame["x"]), "y": numeric_values(frame["y"])}).dropna()
    if len(pair) < 3 or pair["x"].std() == 0 or pair["y"].std() == 0:
        return []
    part = df is not None and p.x is not None and p.y is not None and part_of_total(df, p.x, p.y)
    return [relation_claim(str(p.x), str(p.y), pair["x"], pair["y"], part, df=df)]


# ---------------------------------------------------------------- kinds
def xy_params(p: ChartParams, notes: list[str]) -> ChartParams:
    """A bar/line/scatter/pie request made drawable: no y and no aggregation counts rows."""
    if p.kind == "scatter" and p.y is None and p.agg == "none":
        raise ToolInputError("a scatter chart needs a y column")
    if p.y is None and p.agg == "none":
        p = p.model_copy(update={"agg": "count"})
        notes.append("no y column: counting rows per group")
    return p


def _xy_chart(df: pd.DataFrame, p: ChartParams, ctx: ToolContext, notes: list[str]) -> ToolResult:
    """Bar, line, scatter and pie: aggregate or raw rows, then sort, limit, bound, plot."""
    p = xy_params(p, notes)
    frame, x_col = _prepare(df, p, notes)
    sums = _sum_context(df, frame, p)
    frame = _aggregate(frame, p.agg) if p.agg != "none" else frame.reset_index(drop=True)
    return xy_result(frame, p, ctx, notes, x_col, sums, df, _partial_periods(df, p))


def _partial_periods(df: pd.DataFrame, p: ChartParams) -> frozenset[Any]:
    """The x periods the data cover only in part (a year whose data end in June), when x
    buckets dates to a coarser grain than they were recorded at."""
    if p.time_grain not in PERIOD_GRAINS or p.x is None or p.agg == "none":
        return frozenset()
    if not looks_temporal(df[p.x]):
        return frozenset()
    try:
        periods = build_periods(df, p.x, None, "count", p.time_grain)
    except ToolInputError:
        return frozenset()
    return frozenset(
        pd.Timestamp(k) for k, part in zip(periods.keys, periods.partial, strict=True) if part
    )


def _sum_context(df: pd.DataFrame, frame: pd.DataFrame, p: ChartParams) -> SumContext | None:
    """The axes a sum chart adds its measure along; for a level summed over time, the same
    chart of the latest moment (where its total means something)."""
    if p.agg != "sum" or p.y is None or p.measures or p.y not in df:
        return None
    keys = [frame[k] for k in ("x", "c") if k in frame]
    total = summed(df, p.y, keys)
    time = table_time(df)
    level_over_time = total.over_time and not total.additive_over_time
    if not (level_over_time and total.additive_across_groups) or time is None:
        return SumContext(total)  # a stock's total of one moment is the only one worth saying
    if time in (p.x, p.color):
        return SumContext(total)
    moments = df[time].dropna()
    if moments.empty:
        return SumContext(total)
    last = moments.max()
    rows = df[df[time] == last]
    part, _ = _prepare(rows, p, [])
    latest = _aggregate(part, p.agg)
    keys = [part[k] for k in ("x", "c") if k in part]
    when = (
        f"On {period_label(last, 'day')}" if isinstance(last, pd.Timestamp) else f"In {label(last)}"
    )
    moment = ({"column": time, "op": "eq", "value": to_json_value(last)},)
    return SumContext(total, (when, latest, summed(rows, p.y, keys), moment))


def xy_result(
    frame: pd.DataFrame,
    p: ChartParams,
    ctx: ToolContext,
    notes: list[str],
    x_col: str | None,
    sums: SumContext | None = None,
    df: pd.DataFrame | None = None,
    partial: frozenset[Any] = frozenset(),
) -> ToolResult:
    """The chart of a prepared frame (x / y / c; aggregated with keys ascending, or raw rows):
    sort, limit, bound, plot, findings. The pandas and the SQL path both end here."""
    if (
        p.kind == "line"
        and p.agg == "none"
        and "x" in frame
        and frame.duplicated(_cols(frame, "x", "c")).any()
    ):
        notes.append(
            "x repeats within a series: an aggregation (e.g. sum) would draw one point per x"
        )
    every = _sort(frame, p, notes)
    limited = _limit(every, p.limit)
    total_points = len(limited)
    frame = _bound(limited, p.kind, ctx, notes)
    title = _title(p, x_col)
    fig = _xy_figure(frame, p.kind)
    _layout(fig, p, x_col, title, frame)
    chart = _chart_data(frame, p, x_col, title)
    claims = (
        _group_claims(every, frame, p, x_col, sums, partial)
        if p.kind != "scatter"
        else _scatter_claims(limited, p, df)
    )
    if p.kind == "pie" and p.agg not in ("sum", "count"):
        claims.append(
            fact(f"The slices are {_what(p)}, not parts of a whole: their sizes are no shares.")
        )
    return _result(p, chart, fig, frame, notes, claims, total_points, x_col)


def _chart_data(frame: pd.DataFrame, p: ChartParams, x_col: str | None, title: str) -> ChartData:
    x, y = _xy(frame)
    return ChartData(
        kind=p.kind,
        x=x_col,
        y=p.y,
        color=(MEASURE if p.measures else p.color) if "c" in frame else None,
        agg=p.agg,
        x_values=x,
        y_values=y,
        color_values=to_json_list(frame["c"]) if "c" in frame else None,
        title=title,
        points_sent=len(frame),
    )


def _result(
    p: ChartParams,
    chart: ChartData,
    fig: go.Figure,
    table: pd.DataFrame,
    notes: list[str],
    claims: list[Claim],
    total_points: int,
    x_col: str | None,
) -> ToolResult:
    names = {
        "x": x_col or "x",
        "y": agg_label(p.agg, p.y) or "value",
        "c": MEASURE if p.measures else (p.color or "color"),
    }
    if p.measures:
        names["y"] = f"{p.agg} of value" if p.agg not in ("none", "count") else "value"
    if p.agg == "none" and p.y:
        names["y"] = p.y
    out = table.rename(columns=names).reset_index(drop=True)
    summary = f"{p.kind} chart of {chart.title}: {chart.points_sent:,} point(s)"
    if notes:
        summary += " (" + "; ".join(notes) + ")"
    return ToolResult(
        summary=summary + ".",
        table=out,
        figure=fig,
        chart=chart,
        claims=claims,
        metrics={"points_sent": chart.points_sent, "points_total": total_points, "notes": notes},
    )


def _histogram_chart(
    df: pd.DataFrame, p: ChartParams, ctx: ToolContext, notes: list[str]
) -> ToolResult:
    column = p.x if p.x is not None else p.y
    if p.x is not None and p.y is not None and not is_numeric(df[p.x]) and is_numeric(df[p.y]):
        column = p.y
    if column is None:
        raise ToolInputError("a histogram needs a numeric x column")
    values = numeric_values(df[column])
    if values.dropna().empty:
        raise ToolInputError(f"{column!r} has no numeric values to bin")
    table = histogram_table(values)
    title = f"Distribution of {column}"
    from autoviz_core.tools.distributions import histogram_figure

    fig = histogram_figure(table, column, title)
    chart = ChartData(
        kind="histogram",
        x=column,
        agg="count",
        x_values=table["bin"].tolist(),
        y_values=to_json_list(table["count"]),
        title=title,
        points_sent=len(table),
    )
    claims = [busiest_bin_claim(table, column, "rows")]
    summary = f"histogram of {column}: {len(table)} bins" + (
        f" ({'; '.join(notes)})" if notes else ""
    )
    return ToolResult(
        summary + ".", table, fig, chart, metrics={"points_sent": len(table), "notes": notes},
        claims=claims,
    )  # fmt: skip


def _box_chart(df: pd.DataFrame, p: ChartParams, ctx: ToolContext, notes: list[str]) -> ToolResult:
    y_col, x_col = p.y, p.x
    if y_col is None and x_col is not None and is_numeric(df[x_col]):
        y_col, x_col = x_col, None
    if y_col is None:
        raise ToolInputError("a box chart needs a numeric y column")
    values = numeric_values(df[y_col])
    groups = _x_values(df[x_col], p.time_grain, notes) if x_col else None
    all_values, all_groups = values, groups
    if groups is not None and groups.nunique() > MAX_BOX_GROUPS:
        keep = top_groups(groups, MAX_BOX_GROUPS)
        values, groups = values[groups.isin(keep)], groups[groups.isin(keep)]
        notes.append(f"showing the {MAX_BOX_GROUPS} most frequent groups")
    stats = box_stats(values, groups)
    fig, sent, summarised = box_figure(
        values, groups, stats, style="box", max_points=ctx.max_chart_points, seed=ctx.seed
    )
    title = f"{y_col} by {x_col}" if x_col else y_col
    fig.update_layout(title=title, xaxis_title=x_col or "", yaxis_title=y_col)
    if summarised:
        notes.append("box statistics precomputed")
    chart = ChartData(
        kind="box",
        x=x_col,
        y=y_col,
        agg="median",
        x_values=[label(g) for g in stats["group"]],
        y_values=to_json_list(stats["median"]),
        title=title,
        points_sent=sent,
    )
    claims = []
    if len(stats) > 1 and all_groups is not None:
        every = all_values.groupby(all_groups, observed=True).median().dropna()
        claims.append(highest_median_claim(stats, every, y_col, x_col))
    summary = f"box chart of {title}: {len(stats)} group(s)" + (
        f" ({'; '.join(notes)})" if notes else ""
    )
    shown_all = all_groups is None or len(stats) == all_groups.nunique()
    table = stats if shown_all else box_stats(all_values, all_groups)
    return ToolResult(
        summary + ".", table, fig, chart, metrics={"points_sent": sent, "notes": notes},
        claims=claims,
    )  # fmt: skip


def _heatmap_chart(
    df: pd.DataFrame, p: ChartParams, ctx: ToolContext, notes: list[str]
) -> ToolResult:
    """x and colour are the two categorical axes; y is aggregated into each cell."""
    q = heatmap_params(p, notes)
    agg = q.agg
    frame, _ = _prepare(df, q, notes)
    total = None
    if agg == "sum" and q.y is not None and q.y in df:
        total = summed(df, q.y, [frame[k] for k in ("x", "c") if k in frame])
    return heatmap_result(_aggregate(frame, agg), q, ctx, notes, total)


def heatmap_params(p: ChartParams, notes: list[str]) -> ChartParams:
    """x and colour are required; cells are a mean of y (a count without y) unless asked."""
    if p.x is None or p.color is None:
        raise ToolInputError("a heatmap needs an x column and a color column (the second axis)")
    agg = p.agg if p.agg != "none" else ("mean" if p.y else "count")
    if agg != p.agg:
        notes.append(f"cells aggregated with {agg}")
    return p.model_copy(update={"agg": agg})


def heatmap_result(
    cells: pd.DataFrame,
    p: ChartParams,
    ctx: ToolContext,
    notes: list[str],
    total: Summed | None = None,
) -> ToolResult:
    """The heatmap of aggregated cells (x, c, y with keys ascending); both paths end here."""
    agg = p.agg
    assert p.x is not None and p.color is not None
    every = cells
    cells = _bound_cells(cells, ctx.max_chart_points, notes)
    xs = list(pd.unique(cells["x"]))
    cs = list(pd.unique(cells.sort_values("c", kind="stable")["c"]))
    pivot = cells.pivot(index="c", columns="x", values="y").reindex(index=cs, columns=xs)
    z = [to_json_list(row) for row in pivot.to_numpy(dtype="float64", na_value=np.nan)]
    fig = go.Figure(
        go.Heatmap(x=[label(v) for v in xs], y=[label(v) for v in cs], z=z, colorscale="Blues")
    )
    title = f"{agg_label(agg, p.y)} by {p.x} and {p.color}"
    fig.update_layout(title=title, xaxis_title=p.x, yaxis_title=p.color)
    chart = ChartData(
        kind="heatmap",
        x=p.x,
        y=p.y,
        color=p.color,
        agg=agg,
        x_values=to_json_list(cells["x"]),
        y_values=to_json_list(cells["y"]),
        color_values=to_json_list(cells["c"]),
        title=title,
        points_sent=len(cells),
    )
    claims = [_largest_cell_claim(cells, every, p, total)] if len(cells) else []
    table = cells.rename(columns={"x": p.x, "c": p.color, "y": agg_label(agg, p.y)})
    summary = f"heatmap of {title}: {len(cells):,} cells" + (
        f" ({'; '.join(notes)})" if notes else ""
    )
    return ToolResult(
        summary + ".", table, fig, chart, metrics={"points_sent": len(cells), "notes": notes},
        claims=claims,
    )  # fmt: skip


def _largest_cell_claim(
    cells: pd.DataFrame, every: pd.DataFrame, p: ChartParams, total: Summed | None
) -> Claim:
    """The largest cell of the drawn cells, kept only when they are every cell and one leads."""

    def claim(frame: pd.DataFrame, instead: Claim | None) -> Claim:
        top = frame["y"].max()
        lead = frame[frame["y"].map(fmt_num) == fmt_num(top)]
        names = [f"{label(r['x'])} / {label(r['c'])}" for r in lead.to_dict("records")]
        ranking = Ranked(
            tuple(names), len(frame), len(every), says_tie=len(names) > 1, measure=p.y,
            by=f"{p.x} and {p.color}", agg=p.agg,
        )  # fmt: skip
        verb = "cells are" if len(names) > 1 else "cell is"
        text = f"The largest {verb} {join_labels(names)}: {fmt_num(top)}."
        asserts = (ranking, *((total,) if total is not None else ()))
        return Claim(text, asserts, instead)

    fallback = claim(every, None) if len(every) != len(cells) else None
    return claim(cells, fallback)


def _bound_cells(cells: pd.DataFrame, cap: int, notes: list[str]) -> pd.DataFrame:
    """Keep the x and colour categories with the largest totals so cells stay under the cap."""
    if len(cells) <= cap:
        return cells
    n_c = cells["c"].nunique()
    keep_c = (
        cells.groupby("c", observed=True)["y"]
        .sum()
        .abs()
        .nlargest(min(n_c, max(1, cap // 2)))
        .index
    )
    cells = cells[cells["c"].isin(keep_c)]
    per_x = max(1, cap // max(1, len(keep_c)))
    keep_x = cells.groupby("x", observed=True)["y"].sum().abs().nlargest(per_x).index
    notes.append(f"showing the top {len(keep_x)} x and {len(keep_c)} colour categories")
    return cells[cells["x"].isin(keep_x)]


# ---------------------------------------------------------------- the tool
@tool(
    "chart",
    family="charts",
    description=(
        "The primary chart answering the question: filters, optional time bucketing, "
        "aggregation by x (and colour), sort, limit; bar/line/scatter/pie/histogram/box/heatmap."
    ),
    params=ChartParams,
    produces="chart",
)
def chart(df: pd.DataFrame, params: ChartParams, ctx: ToolContext) -> ToolResult:
    """Build the chart a request describes; ChartData holds the plotted values in order."""
    require_columns(df, [params.x, params.y, params.color, *(f.column for f in params.filters)])
    data, notes = apply_filters(df, params.filters)
    if params.filters:
        notes.insert(0, f"{len(data):,} of {len(df):,} rows after filters")
    if data.empty:
        return _empty_chart(params, df, notes)
    builders = {"histogram": _histogram_chart, "box": _box_chart, "heatmap": _heatmap_chart}
    builder = builders.get(params.kind, _xy_chart)
    return builder(data, params, ctx, notes)


def _empty_chart(p: ChartParams, df: pd.DataFrame, notes: list[str]) -> ToolResult:
    """No rows to plot: an empty chart and a sentence saying which filters removed everything."""
    if p.filters:
        conds = "; ".join(describe_condition(f) for f in p.filters)
        reason = f"no rows match the filters ({conds})"
    else:
        reason = "the table has no rows"
    fig = go.Figure()
    fig.update_layout(title=f"No data: {reason}")
    chart_data = ChartData(kind=p.kind, x=p.x, y=p.y, color=p.color, agg=p.agg, title=reason)
    return ToolResult(
        summary=f"Nothing to plot: {reason}.",
        table=pd.DataFrame(),
        figure=fig,
        chart=chart_data,
        claims=[fact(f"Nothing to plot: {reason}.")],
        metrics={"points_sent": 0, "rows_in": len(df), "notes": notes},
    )
