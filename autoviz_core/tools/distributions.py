"""Distribution tools: histograms with sensible bins and box/violin plots by group."""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import Field

from autoviz_core.tools.claims import Claim, Ranked, fact
from autoviz_core.tools.common import (
    FilteredParams,
    empty_result,
    extremes,
    filtered_rows,
    fmt_num,
    join_labels,
    label,
    numeric_values,
    require_columns,
    to_json_list,
)
from autoviz_core.tools.registry import (
    ChartData,
    ToolContext,
    ToolResult,
    column_param,
    tool,
)

MAX_BINS = 50
MAX_BOX_GROUPS = 30


# ---------------------------------------------------------------- binning
def histogram_edges(values: np.ndarray, bins: int | None = None, cap: int = MAX_BINS) -> np.ndarray:
    """Bin edges: one bin per integer for small integer ranges, else Freedman–Diaconis, capped.

    Freedman–Diaconis adapts to spread without being thrown by outliers; the cap keeps a
    long-tailed million-row column from producing thousands of unreadable slivers.
    """
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return np.array([lo - 0.5, hi + 0.5])
    is_int = bool(np.all(np.mod(values, 1) == 0))
    if bins is None and is_int and hi - lo < cap:
        return np.arange(lo - 0.5, hi + 1.5, 1.0)
    if bins is None:
        q75, q25 = np.percentile(values, [75, 25])
        width = 2 * (q75 - q25) * len(values) ** (-1 / 3)
        bins = math.ceil((hi - lo) / width) if width > 0 else math.ceil(math.log2(len(values)) + 1)
    return np.linspace(lo, hi, max(1, min(int(bins), cap)) + 1)


def bin_labels(edges: np.ndarray) -> list[str]:
    """Readable, distinct labels "10–20" with as many decimals as the bin width needs."""
    width = float(np.min(np.diff(edges)))
    if width == 1.0 and np.all(np.mod(edges + 0.5, 1) == 0):
        return [fmt_num(int(a + 0.5)) for a in edges[:-1]]
    decimals = max(0, -math.floor(math.log10(width)) + 1) if width > 0 else 2
    fmt = f"{{:,.{decimals}f}}"
    return [f"{fmt.format(a)}–{fmt.format(b)}" for a, b in itertools.pairwise(edges)]


def histogram_table(values: pd.Series, bins: int | None = None) -> pd.DataFrame:
    """Counts per bin (bin, bin_start, bin_end, count) of the non-missing values."""
    v = values.dropna().to_numpy(dtype="float64")
    v = v[np.isfinite(v)]
    edges = histogram_edges(v, bins)
    counts, _ = np.histogram(v, edges)
    return pd.DataFrame(
        {
            "bin": bin_labels(edges),
            "bin_start": edges[:-1],
            "bin_end": edges[1:],
            "count": counts.astype("int64"),
        }
    )


def histogram_figure(table: pd.DataFrame, column: str, title: str) -> go.Figure:
    """A bar-per-bin figure (pre-binned, so the browser never receives raw rows)."""
    fig = go.Figure(go.Bar(x=table["bin"].tolist(), y=to_json_list(table["count"]), name=column))
    fig.update_layout(
        title=title,
        xaxis_title=column,
        yaxis_title="count",
        bargap=0.02,
    )
    fig.update_xaxes(type="category")
    return fig


class HistogramParams(FilteredParams):
    """Which numeric column to bin, and optionally how many bins."""

    column: str = column_param(role="numeric", description="numeric column to bin")
    bins: int | None = Field(None, ge=1, le=200, description="bin count; None = automatic")


@tool(
    "histogram",
    family="distributions",
    description="Distribution of one numeric column as binned counts (automatic bin width).",
    params=HistogramParams,
    produces="chart",
)
def histogram(df: pd.DataFrame, params: HistogramParams, ctx: ToolContext) -> ToolResult:
    """Bin a numeric column; findings give the centre, spread and skew direction."""
    df = filtered_rows(df, params)
    require_columns(df, [params.column])
    values = numeric_values(df[params.column])
    present = values.dropna()
    if present.empty:
        return empty_result(f"histogram of {params.column}", "no numeric values")
    table = histogram_table(values, params.bins)
    title = f"Distribution of {params.column}"
    chart = ChartData(
        kind="histogram",
        x=params.column,
        agg="count",
        x_values=table["bin"].tolist(),
        y_values=to_json_list(table["count"]),
        title=title,
        points_sent=len(table),
    )
    return ToolResult(
        summary=f"{len(table)} bins over {len(present):,} values of {params.column}.",
        table=table,
        figure=histogram_figure(table, params.column, title),
        chart=chart,
        claims=_distribution_claims(params.column, present, table),
        metrics={
            "bins": len(table),
            "values": len(present),
            "missing": int(values.isna().sum()),
        },
    )


def _distribution_claims(column: str, present: pd.Series, table: pd.DataFrame) -> list[Claim]:
    """Where the values lie: their real range (not the bins' edges), the bin holding the
    median, the busiest bin, the skew."""
    total = int(table["count"].sum())
    cumulative = table["count"].cumsum()
    middle = table.loc[int((cumulative >= total / 2).idxmax())]
    out = [
        fact(
            f"{column} runs from {fmt_num(present.min())} to {fmt_num(present.max())}; half of "
            f"its {total:,} values lie up to the {middle['bin']} bin."
        ),
        busiest_bin_claim(table, column, "values"),
    ]
    median, mean = float(present.median()), float(present.mean())
    std = float(present.std()) if len(present) > 1 else 0.0
    if std > 0 and abs(mean - median) > 0.1 * std:
        side = "right (a tail of high values)" if mean > median else "left (a tail of low values)"
        out.append(fact(f"{column} is skewed to the {side}."))
    return out


def busiest_bin_claim(table: pd.DataFrame, column: str, noun: str) -> Claim:
    """ "The most common range of X is a–b (n values)", or the bins that tie for it."""
    top = int(table["count"].max())
    bins = [str(b) for b in table.loc[table["count"] == top, "bin"]]
    ranking = Ranked(tuple(bins), len(table), len(table), measure=column, by="bin", agg="count")
    what = "value" if _one_value_bins(table) else "range"
    tie = Claim(
        f"The most common {what}s of {column} are {join_labels(bins)}, with {top:,} {noun} each.",
        (dataclasses.replace(ranking, says_tie=True),),
    )
    return Claim(
        f"The most common {what} of {column} is {bins[0]} with {top:,} {noun}.", (ranking,), tie
    )


def _one_value_bins(table: pd.DataFrame) -> bool:
    """Bins one whole number wide (a rating of 1..5): each bin is a value, not a range."""
    width = table["bin_end"] - table["bin_start"]
    return bool(len(table) and (width == 1).all() and (table["bin_start"] % 1 == 0.5).all())


def highest_median_claim(
    stats: pd.DataFrame, every: pd.Series, column: str, group_by: str | None
) -> Claim:
    """Which group sits highest and lowest by median: said of the drawn groups only when they
    are every group, else of every group; ties named as ties."""

    def claim(medians: pd.Series, instead: Claim | None) -> Claim:
        names = [label(g) for g in medians.index]
        hi, top, lo, low = extremes(names, medians.tolist())
        ranking = Ranked(
            tuple(hi), len(medians), len(every), measure=column, by=group_by, agg="median"
        )
        text = f"{hi[0]} has the highest median {column} ({fmt_num(top)}); "
        text += f"{join_labels(lo)} the lowest ({fmt_num(low)})."
        tie_text = f"{join_labels(hi)} share the highest median {column} ({fmt_num(top)}); "
        tie_text += f"{join_labels(lo)} the lowest ({fmt_num(low)})."
        tie = Claim(tie_text, (dataclasses.replace(ranking, says_tie=True),), instead)
        return Claim(text, (ranking,), tie if len(hi) > 1 else instead)

    shown = pd.Series(stats["median"].to_numpy(), index=stats["group"].to_numpy()).dropna()
    fallback = claim(every, None) if len(shown) != len(every) else None
    return claim(shown, fallback)


def box_stats(values: pd.Series, groups: pd.Series | None) -> pd.DataFrame:
    """Per-group count, quartiles, whisker ends (1.5·IQR fences) and outlier count."""
    frame = pd.DataFrame({"g": groups if groups is not None else "all", "v": values}).dropna()
    rows = []
    for key, part in frame.groupby("g", observed=True, sort=True)["v"]:
        v = part.to_numpy(dtype="float64")
        q1, med, q3 = np.percentile(v, [25, 50, 75])
        lo_f, hi_f = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
        inside = v[(v >= lo_f) & (v <= hi_f)]
        rows.append(
            {
                "group": key,
                "count": len(v),
                "min": float(v.min()),
                "q1": float(q1),
                "median": float(med),
                "q3": float(q3),
                "max": float(v.max()),
                "lower_fence": float(inside.min()) if len(inside) else float(q1),
                "upper_fence": float(inside.max()) if len(inside) else float(q3),
                "outliers": int(len(v) - len(inside)),
            }
        )
    return pd.DataFrame(rows)


def top_groups(groups: pd.Series, limit: int) -> list[object]:
    """The `limit` most frequent group keys (ties by key), so many-group plots stay legible."""
    counts = groups.value_counts(dropna=True)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [k for k, _ in ordered[:limit]]


def box_figure(
    values: pd.Series,
    groups: pd.Series | None,
    stats: pd.DataFrame,
    *,
    style: str,
    max_points: int,
    seed: int,
) -> tuple[go.Figure, int, bool]:
    """Raw-point boxes when small; precomputed boxes (or sampled violins) when large.

    Returns the figure, the number of values sent to the browser and whether it was summarised.
    """
    frame = pd.DataFrame({"g": groups if groups is not None else "all", "v": values}).dropna()
    summarised = len(frame) > max_points
    if summarised and style == "box":
        fig = go.Figure(
            go.Box(
                x=[label(g) for g in stats["group"]],
                q1=stats["q1"].tolist(),
                median=stats["median"].tolist(),
                q3=stats["q3"].tolist(),
                lowerfence=stats["lower_fence"].tolist(),
                upperfence=stats["upper_fence"].tolist(),
                name=str(values.name),
            )
        )
        return fig, 5 * len(stats), True
    if summarised:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(len(frame), size=max_points, replace=False))
        frame = frame.iloc[keep]
    fig = go.Figure()
    trace = go.Violin if style == "violin" else go.Box
    for key, part in frame.groupby("g", observed=True, sort=True)["v"]:
        fig.add_trace(trace(y=to_json_list(part), name=label(key)))
    return fig, len(frame), summarised


class BoxParams(FilteredParams):
    """A numeric column, optionally split by a categorical group column."""

    column: str = column_param(role="numeric", description="numeric values to summarise")
    group_by: str | None = column_param(None, role="groupable", description="optional groups")
    style: Literal["box", "violin"] = "box"
    max_groups: int = Field(MAX_BOX_GROUPS, ge=1, le=100)


@tool(
    "box_by_group",
    family="distributions",
    description="Box (or violin) plot of a numeric column, optionally per group.",
    params=BoxParams,
    produces="chart",
)
def box_by_group(df: pd.DataFrame, params: BoxParams, ctx: ToolContext) -> ToolResult:
    """Compare a numeric column's spread across groups; findings name the extremes."""
    df = filtered_rows(df, params)
    require_columns(df, [params.column, params.group_by])
    values = numeric_values(df[params.column])
    groups = df[params.group_by] if params.group_by else None
    if values.dropna().empty:
        return empty_result(f"box plot of {params.column}", "no numeric values")
    notes: list[str] = []
    all_values, all_groups = values, groups
    if groups is not None and groups.nunique() > params.max_groups:
        keep = top_groups(groups, params.max_groups)
        mask = groups.isin(keep)
        values, groups = values[mask], groups[mask]
        notes.append(f"showing the {params.max_groups} most frequent groups")
    stats = box_stats(values, groups)
    fig, sent, summarised = box_figure(
        values, groups, stats, style=params.style, max_points=ctx.max_chart_points, seed=ctx.seed
    )
    title = f"{params.column} by {params.group_by}" if params.group_by else f"{params.column}"
    fig.update_layout(
        title=title,
        xaxis_title=params.group_by or "",
        yaxis_title=params.column,
        showlegend=False,
    )
    if summarised:
        notes.append("box statistics precomputed" if params.style == "box" else "violins sampled")
    chart = ChartData(
        kind=params.style,
        x=params.group_by,
        y=params.column,
        agg="median",
        x_values=[label(g) for g in stats["group"]],
        y_values=to_json_list(stats["median"]),
        title=title,
        points_sent=sent,
    )
    shown_all = all_groups is None or len(stats) == all_groups.nunique()
    full = stats if shown_all else box_stats(all_values, all_groups)
    return ToolResult(
        summary=f"{params.style} plot of {params.column} over {len(stats)} group(s)"
        + (f" ({'; '.join(notes)})" if notes else "")
        + ".",
        table=full,
        figure=fig,
        chart=chart,
        claims=_box_claims(params.column, params.group_by, full, all_values, all_groups),
        metrics={"groups": len(stats), "points_sent": sent},
    )


def _box_claims(
    column: str,
    group_by: str | None,
    stats: pd.DataFrame,
    values: pd.Series,
    groups: pd.Series | None,
) -> list[Claim]:
    """Which group sits highest/lowest by median, and how many values lie beyond the fences."""
    out = []
    if group_by and groups is not None and len(stats) > 1:
        every = values.groupby(groups, observed=True).median().dropna()
        out.append(highest_median_claim(stats, every, column, group_by))
    elif len(stats):
        row = stats.iloc[0]
        out.append(
            fact(
                f"Half of the {column} values lie between {fmt_num(row['q1'])} and "
                f"{fmt_num(row['q3'])}."
            )
        )
    n_out = int(stats["outliers"].sum()) if len(stats) else 0
    if n_out:
        out.append(fact(f"{n_out:,} value(s) of {column} lie beyond the 1.5·IQR whiskers."))
    return out
