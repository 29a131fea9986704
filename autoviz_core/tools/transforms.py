"""Table transforms whose output feeds later steps: aggregate, filter, sort and top-N rows."""

from __future__ import annotations

import dataclasses
from typing import Literal

import pandas as pd
from pydantic import Field

from autoviz_core.tools.claims import Claim, Ranked, Summed
from autoviz_core.tools.common import (
    FilterCondition,
    ToolInputError,
    above_lowest,
    aggregate_series,
    apply_filters,
    bucket_time,
    describe_condition,
    fmt_num,
    fmt_pct,
    join_labels,
    label,
    looks_temporal,
    numeric_keep_ints,
    numeric_values,
    require_columns,
)
from autoviz_core.tools.measures import summed
from autoviz_core.tools.registry import (
    ToolContext,
    ToolParams,
    ToolResult,
    column_param,
    tool,
)
from autoviz_core.vocabulary import BucketGrain, GroupAggregation


class AggregateParams(ToolParams):
    """Group keys, the metric and how to combine it."""

    group_by: list[str] = column_param(role="groupable", multiple=True, description="group keys")
    metric: str | None = column_param(None, role="numeric", description="None = count rows")
    agg: GroupAggregation = "count"
    time_grain: BucketGrain = "none"
    output_column: str | None = Field(
        None, description="name of the value column; default: the metric's name, or 'count'"
    )


def output_name(metric: str | None, agg: str, override: str | None) -> str:
    """Keep the metric's own name so a chart step on this output can say y=<metric>."""
    if override:
        return override
    if metric is None or agg == "count":
        return "count"
    return metric


@tool(
    "aggregate",
    family="transforms",
    description="Group by one or more columns and count/sum/mean/median/min/max a metric.",
    params=AggregateParams,
    produces="table",
)
def aggregate(df: pd.DataFrame, params: AggregateParams, ctx: ToolContext) -> ToolResult:
    """One row per group, keys ascending; temporal keys can be bucketed to a grain first."""
    if not params.group_by:
        raise ToolInputError("aggregate needs at least one group_by column")
    require_columns(df, [*params.group_by, params.metric])
    keys = [
        _key(df[c], params.time_grain if i == 0 else "none") for i, c in enumerate(params.group_by)
    ]
    if params.metric is None:
        values = None
    elif params.agg == "count":
        values = df[params.metric]
    else:
        values = numeric_keep_ints(df[params.metric])
    total = summed(df, params.metric, keys) if params.agg == "sum" and params.metric else None
    out = aggregate_series(values, keys, params.agg)
    name = output_name(params.metric, params.agg, params.output_column)
    table = out.reset_index()
    table.columns = [*params.group_by, name]
    what = f"{params.agg} of {params.metric}" if params.metric else "row count"
    return ToolResult(
        summary=f"{len(table):,} groups by {', '.join(params.group_by)} ({what}).",
        table=table,
        claims=extremes_claims(table, params.group_by, name, what, params.agg, total),
        metrics={"groups": len(table)},
    )


def _key(s: pd.Series, grain: str) -> pd.Series:
    """Group key, bucketed when a grain is asked for and the column holds dates."""
    if grain != "none" and looks_temporal(s):
        return bucket_time(s, grain)
    return s


def extremes_claims(
    table: pd.DataFrame,
    keys: list[str],
    value: str,
    what: str,
    agg: str,
    total: Summed | None = None,
) -> list[Claim]:
    """ "North has the highest total revenue: 59,385, 35% above the lowest, South (43,950)."."""
    data = table.dropna(subset=[value])
    if data.empty:
        return []
    order = data.sort_values(value, ascending=False, kind="stable")
    top, low = order.iloc[0], order.iloc[-1]

    def name(row: pd.Series) -> str:
        return " / ".join(label(row[k]) for k in keys)

    leaders = tuple(name(r) for _, r in order[order[value] == top[value]].iterrows())
    ranking = Ranked(leaders, len(order), len(order), measure=value, by=", ".join(keys), agg=agg)
    asserts = (ranking, *((total,) if total is not None else ()))
    text = f"{name(top)} has the highest {what}: {fmt_num(top[value])}"
    if len(order) > 1 and low[value] != 0:
        above = above_lowest(float(top[value]), float(low[value]))
        text += f", {above}, {name(low)} ({fmt_num(low[value])})"
    tie = Claim(
        f"{join_labels(list(leaders))} tie for the highest {what}: {fmt_num(top[value])}.",
        (dataclasses.replace(ranking, says_tie=True), *asserts[1:]),
    )
    out = [Claim(text + ".", asserts, tie)]
    grand = float(data[value].sum())
    if agg in ("sum", "count") and grand > 0 and len(order) > 1:
        share = f"{name(top)} accounts for {fmt_pct(float(top[value]) / grand)} of the total."
        out.append(Claim(share, asserts))
    return out


class FilterParams(ToolParams):
    """Conditions on rows; all must hold (or any, with combine="any")."""

    conditions: list[FilterCondition] = Field(default_factory=list)
    combine: Literal["all", "any"] = "all"


@tool(
    "filter_rows",
    family="transforms",
    description="Keep rows meeting conditions (eq ne gt ge lt le contains startswith in between).",
    params=FilterParams,
    produces="table",
)
def filter_rows(df: pd.DataFrame, params: FilterParams, ctx: ToolContext) -> ToolResult:
    """Filter with type-aware comparisons; text matches exactly first, case-insensitively only
    when the exact match finds nothing, and the summary says so."""
    require_columns(df, [c.column for c in params.conditions])
    out, notes = apply_filters(df, params.conditions, combine=params.combine)
    conds = f" {'and' if params.combine == 'all' else 'or'} ".join(
        describe_condition(c) for c in params.conditions
    )
    summary = f"Kept {len(out):,} of {len(df):,} rows"
    if conds:
        summary += f" where {conds}"
    if notes:
        summary += " (" + "; ".join(notes) + ")"
    findings = [summary + "."]
    if len(out) == 0 and len(df):
        findings.append("No rows match: later steps on this output will have nothing to show.")
    return ToolResult(
        summary=summary + ".",
        table=out.reset_index(drop=True),
        findings=findings,
        metrics={"rows_in": len(df), "rows_out": len(out), "notes": notes},
    )


class SortParams(ToolParams):
    """Columns to sort by, in priority order."""

    by: list[str] = column_param(role="any", multiple=True, description="sort keys")
    ascending: bool = True


@tool(
    "sort_rows",
    family="transforms",
    description="Sort rows by one or more columns (stable; missing values last).",
    params=SortParams,
    produces="table",
)
def sort_rows(df: pd.DataFrame, params: SortParams, ctx: ToolContext) -> ToolResult:
    """A stable sort, so equal keys keep their input order and runs are repeatable."""
    if not params.by:
        raise ToolInputError("sort_rows needs at least one column in 'by'")
    require_columns(df, params.by)
    out = df.sort_values(params.by, ascending=params.ascending, kind="stable", na_position="last")
    direction = "ascending" if params.ascending else "descending"
    return ToolResult(
        summary=f"Sorted {len(out):,} rows by {', '.join(params.by)} ({direction}).",
        table=out.reset_index(drop=True),
        metrics={"rows": len(out)},
    )


class TopNParams(ToolParams):
    """The ranking column and how many rows to keep."""

    column: str = column_param(role="numeric", description="column to rank by")
    n: int = Field(10, ge=1, le=100_000)
    largest: bool = True


@tool(
    "top_n",
    family="transforms",
    description="The N rows with the largest (or smallest) values of a column.",
    params=TopNParams,
    produces="table",
)
def top_n(df: pd.DataFrame, params: TopNParams, ctx: ToolContext) -> ToolResult:
    """Rank rows by a numeric column; ties keep input order so the cut is deterministic."""
    require_columns(df, [params.column])
    values = numeric_values(df[params.column])
    order = values.sort_values(ascending=not params.largest, kind="stable", na_position="last")
    keep = order.dropna().index[: params.n]
    out = df.loc[keep].reset_index(drop=True)
    word = "largest" if params.largest else "smallest"
    findings = []
    if len(out):
        findings.append(
            f"The {word} {params.column} is {fmt_num(values[keep[0]])}; "
            f"the top {len(out)} range down to {fmt_num(values[keep[-1]])}."
        )
    return ToolResult(
        summary=f"{len(out)} rows with the {word} {params.column}.",
        table=out,
        findings=findings,
        metrics={"rows": len(out)},
    )
