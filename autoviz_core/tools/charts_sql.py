"""The chart tool where the data lives: filters, time buckets and group aggregations run as SQL
in the engine; the aggregated rows are then sorted, limited, bounded, plotted and worded by the
pandas path's own code (charts.xy_result, charts.heatmap_result), so both paths draw the same.

Charts of raw values (a scatter, a histogram, a box, bars of unaggregated rows) read the rows
they need: all of them when they fit the budget and the sample size, else a seeded sample, and
the chart's summary says which.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from autoviz_core.engine.sample import rows_within_budget, sample_frame, to_frame
from autoviz_core.tools.charts import (
    MEASURE,
    ChartParams,
    _box_chart,
    _empty_chart,
    _histogram_chart,
    _partial_periods,
    _xy_chart,
    heatmap_params,
    heatmap_result,
    xy_params,
    xy_result,
)
from autoviz_core.tools.registry import ToolContext, ToolResult, sql_implementation
from autoviz_core.tools.sql_common import (
    aggregate_metric,
    bucket_expr,
    bucket_labels,
    filtered_table,
    is_dated,
    measure_expr,
    require_engine_columns,
)


@sql_implementation("chart")
def chart_sql(source: Any, params: ChartParams, ctx: ToolContext) -> ToolResult:
    """The chart a request describes, computed where the data lives."""
    require_engine_columns(
        source,
        [params.x, params.y, params.color, *params.measures, *(f.column for f in params.filters)],
    )
    table, notes = filtered_table(source, params.filters)
    rows = source.n_rows
    if params.filters:
        rows = int(source.scalar(table.count(), "count filtered rows") or 0)
        notes.insert(0, f"{rows:,} of {source.n_rows:,} rows after filters")
    if rows == 0:
        return _empty_chart(params, pd.DataFrame(index=pd.RangeIndex(source.n_rows)), notes)
    if params.kind in ("histogram", "box"):
        builder = _histogram_chart if params.kind == "histogram" else _box_chart
        return builder(_raw_rows(source, table, params, ctx, rows, notes), params, ctx, notes)
    if params.kind == "heatmap":
        q = heatmap_params(params, notes)
        keys = {"x": _x_key(table, q, q.x, notes), "c": table[q.color]}
        cells = _grouped(source, table, keys, q, notes)
        return heatmap_result(_labelled(cells, q), q, ctx, notes)
    p = xy_params(params, notes)
    if p.agg == "none":
        return _xy_chart(_raw_rows(source, table, p, ctx, rows, notes), p, ctx, notes)
    frame, x_col = _grouped_xy(source, table, p, notes)
    partial = _partial_periods(moments_of(source, table, p), p)
    return xy_result(frame, p, ctx, notes, x_col, partial=partial)


MAX_MOMENTS = 200_000  # distinct dates read to tell whole periods from partial ones


def moments_of(source: Any, table: Any, p: ChartParams) -> pd.DataFrame:
    """The distinct dates of a bucketed x (one row each): what tells a period the data cover
    only in part, read where the data live (the pandas path reads them from its rows)."""
    if p.x is None or p.time_grain == "none" or not is_dated(table[p.x]):
        return pd.DataFrame({p.x or "x": pd.Series(dtype="datetime64[ns]")})
    distinct = table.select(table[p.x]).distinct().limit(MAX_MOMENTS)
    return to_frame(source.fetch(distinct, "distinct dates"))


# ---------------------------------------------------------------- raw rows
def _raw_rows(
    source: Any, table: Any, p: ChartParams, ctx: ToolContext, rows: int, notes: list[str]
) -> pd.DataFrame:
    """The columns the chart reads, for every filtered row or a seeded sample of them."""
    names = list(dict.fromkeys(c for c in (p.x, p.y, p.color, *p.measures) if c is not None))
    frame, info = sample_frame(
        source, ctx.seed, expr=table.select(*names), rows=source.sample_rows, n=rows
    )
    if not info.complete:
        notes.append(f"drawn from {info.text()}")
    return frame


# ---------------------------------------------------------------- grouped
def _x_key(table: Any, p: ChartParams, column: str | None, notes: list[str]) -> Any:
    """The x column bucketed to the time grain when it holds dates (else as it is, noted)."""
    if column is None:
        return None
    col = table[column]
    if p.time_grain == "none":
        return col
    if is_dated(col):
        return bucket_expr(col, p.time_grain)
    notes.append(f"time grain {p.time_grain!r} ignored: {column} is not a date column")
    return col


def _grouped_xy(
    source: Any, table: Any, p: ChartParams, notes: list[str]
) -> tuple[pd.DataFrame, str | None]:
    """x / y / c per group, keys ascending: charts._prepare + charts._aggregate, in SQL."""
    if p.measures and p.y is not None:
        return _grouped_measures(source, table, p, notes), p.x or MEASURE
    x_col, color = p.x, p.color
    if x_col is None and color is not None:
        x_col, color = color, None
    keys = {"x": _x_key(table, p, x_col, notes), "c": table[color] if color else None}
    frame = _grouped(source, table, keys, p, notes)
    return _labelled(frame, p), x_col


def _grouped(
    source: Any, table: Any, keys: dict[str, Any], p: ChartParams, notes: list[str]
) -> pd.DataFrame:
    """One row per group of the non-missing keys (one group of all rows without keys)."""
    import ibis

    used = {f"k_{k}": e for k, e in keys.items() if e is not None}
    if not used:
        used = {"k_x": ibis.literal("all rows")}
    values = measure_expr(source, table, p.y, p.agg) if p.y is not None else None
    cols = dict(used)
    if values is not None:
        cols["v"] = values
    m = table.select(**cols)
    m = m.filter([m[k].notnull() for k in used])
    metric = aggregate_metric(m["v"] if values is not None else None, p.agg, m)
    groups = m.group_by(list(used)).aggregate(y=metric)
    frame = _fetch_groups(source, groups, notes)
    return frame.rename(columns={k: k[2:] for k in used}).sort_values(
        [k[2:] for k in used], kind="stable", ignore_index=True
    )


def _fetch_groups(source: Any, groups: Any, notes: list[str]) -> pd.DataFrame:
    """The groups, or the largest by |value| when all of them would not fit the budget."""
    cap = rows_within_budget(source, groups)
    result = source.fetch(groups.limit(cap + 1), "aggregate")
    if result.num_rows <= cap:
        return to_frame(result)
    biggest = groups.order_by(groups["y"].abs().desc()).limit(cap)
    notes.append(f"more than {cap:,} groups, over the memory budget: kept the {cap:,} largest")
    return to_frame(source.fetch(biggest, "aggregate (largest groups)"))


def _labelled(frame: pd.DataFrame, p: ChartParams) -> pd.DataFrame:
    """Weekday and month indexes as their ordered names, as the pandas path groups them."""
    if "x" in frame and p.time_grain in ("weekday", "month_of_year"):
        frame["x"] = bucket_labels(frame["x"], p.time_grain)
    return frame


def _grouped_measures(source: Any, table: Any, p: ChartParams, notes: list[str]) -> pd.DataFrame:
    """Several value columns side by side: one aggregation per measure, colour (or x, when
    there is no x) naming the measure, as charts._prepare_measures lays them out."""
    names = list(dict.fromkeys([p.y, *p.measures]))
    x = _x_key(table, p, p.x, notes)
    parts = []
    for name in names:
        q = p.model_copy(update={"y": name, "measures": []})
        part = _grouped(source, table, {"x": x}, q, notes) if x is not None else None
        if part is None:
            part = _grouped(source, table, {}, q, notes).assign(x=name)
        else:
            part = _labelled(part, p).assign(c=name)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    order = pd.CategoricalDtype(names, ordered=True)
    if x is not None:
        frame["c"] = frame["c"].astype(order)
        return frame.sort_values(["x", "c"], kind="stable", ignore_index=True)[["x", "y", "c"]]
    frame["x"] = frame["x"].astype(order)
    return frame.sort_values("x", kind="stable", ignore_index=True)[["x", "y"]]
