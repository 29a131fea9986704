"""Group comparison: a metric's count, mean, median, spread and range per group, with a test."""

from __future__ import annotations

import dataclasses
from typing import Literal

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
    group_name,
    higher_than,
    join_labels,
    label,
    numeric_values,
    require_columns,
    scope_text,
    to_json_list,
)
from autoviz_core.tools.registry import (
    ChartData,
    ToolContext,
    ToolResult,
    column_param,
    tool,
)

STAT_COLUMNS = ["count", "mean", "median", "std", "min", "max"]


class CompareParams(FilteredParams):
    """The metric, the group column, and which statistic orders the groups."""

    metric: str = column_param(role="numeric", description="numeric column to compare")
    group_by: str = column_param(role="groupable", description="the groups")
    sort_by: Literal["count", "mean", "median", "std", "min", "max"] = "mean"
    descending: bool = True
    max_groups: int = Field(50, ge=1, le=1000)


def group_table(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """count/mean/median/std/min/max of `values` per non-missing group."""
    frame = pd.DataFrame({"g": groups, "v": values})
    frame = frame[frame["g"].notna()]
    out = frame.groupby("g", observed=True, sort=True)["v"].agg(STAT_COLUMNS)
    return out.reset_index()


def difference_test(values: pd.Series, groups: pd.Series) -> tuple[str, float] | None:
    """Mann–Whitney U for two groups, Kruskal–Wallis for more: rank tests need no normality."""
    frame = pd.DataFrame({"g": groups, "v": values}).dropna()
    samples = [part.to_numpy() for _, part in frame.groupby("g", observed=True, sort=True)["v"]]
    samples = [s for s in samples if len(s) >= 2]
    if len(samples) < 2 or frame["v"].nunique() < 2:
        return None
    from scipy import stats as sps  # only when a test runs: importing it costs ~50 MB and ~1 s

    if len(samples) == 2:
        return "Mann–Whitney U", float(sps.mannwhitneyu(samples[0], samples[1]).pvalue)
    return "Kruskal–Wallis", float(sps.kruskal(*samples).pvalue)


@tool(
    "compare_groups",
    family="comparison",
    description="Compare a metric across groups: count, mean, median, std, min, max; sorted.",
    params=CompareParams,
    produces="table",
)
def compare_groups(df: pd.DataFrame, params: CompareParams, ctx: ToolContext) -> ToolResult:
    """Per-group statistics and a rank test saying whether the groups plausibly differ."""
    df = filtered_rows(df, params)
    require_columns(df, [params.metric, params.group_by])
    values = numeric_values(df[params.metric])
    groups = df[params.group_by]
    if values.dropna().empty:
        return empty_result(f"{params.metric} by {params.group_by}", "no numeric values")
    every = group_table(values, groups).rename(columns={"g": params.group_by})
    every = every.sort_values(params.sort_by, ascending=not params.descending, kind="stable")
    every = every.reset_index(drop=True)
    table = every.head(params.max_groups)
    test = difference_test(values, groups)
    x, y = [label(v) for v in table[params.group_by]], to_json_list(table[params.sort_by])
    title = f"{params.sort_by} of {params.metric} by {params.group_by}"
    fig = go.Figure(go.Bar(x=x, y=y))
    fig.update_layout(
        title=title,
        xaxis_title=params.group_by,
        yaxis_title=f"{params.sort_by} of {params.metric}",
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x)
    agg = params.sort_by if params.sort_by in ("count", "mean", "median", "min", "max") else "none"
    chart = ChartData(
        kind="bar", x=params.group_by, y=params.metric, agg=agg, x_values=x,  # type: ignore[arg-type]
        y_values=y, title=title, points_sent=len(x),
    )  # fmt: skip
    return ToolResult(
        summary=f"{params.metric} compared across {len(every)} {params.group_by} groups"
        + (f" (the first {len(table)} drawn)." if len(table) < len(every) else "."),
        table=every,
        figure=fig,
        chart=chart,
        claims=_compare_claims(table, every, params, test),
        metrics={
            "groups": len(table),
            "test": test[0] if test else None,
            "p_value": test[1] if test else None,
        },
    )


def _compare_claims(
    table: pd.DataFrame, every: pd.DataFrame, p: CompareParams, test: tuple[str, float] | None
) -> list[Claim]:
    """Highest and lowest mean (of the listed groups only when they are every group; ties
    said as ties), and whether the gap could be chance."""
    fallback = _extremes_claim(every, every, p) if len(every) != len(table) else None
    out = [c for c in (_extremes_claim(table, every, p, fallback),) if c is not None]
    if out and test is not None:
        name, pvalue = test
        out.append(
            fact(
                f"{name} test: the difference is unlikely to be chance (p < 0.05)."
                if pvalue < 0.05
                else f"{name} test: the difference could be chance (p ≥ 0.05)."
            )
        )
    return out


def _extremes_claim(
    table: pd.DataFrame, every: pd.DataFrame, p: CompareParams, instead: Claim | None = None
) -> Claim | None:
    data = table.dropna(subset=["mean"])
    if data.empty:
        return None
    groups = [group_name(p.group_by, label(v), p.metric) for v in data[p.group_by]]
    hi, top, lo, low = extremes(groups, data["mean"].tolist())
    what = f"mean {p.metric}{scope_text(p.filters)}"
    n_groups = int(every["mean"].notna().sum())
    ranking = Ranked(
        tuple(hi), len(data), n_groups, says_tie=len(hi) > 1, measure=p.metric, by=p.group_by,
        agg="mean", filters=tuple(f.model_dump(mode="json") for f in p.filters),
    )  # fmt: skip
    if len(data) == 1:
        return Claim(f"Only {groups[0]} has values: {what} {fmt_num(top)}.", (ranking,), instead)
    if fmt_num(top) == fmt_num(low):
        text = f"Every {p.group_by} has the same {what}: {fmt_num(top)}."
        return Claim(text, (dataclasses.replace(ranking, says_tie=True),), instead)
    verb = "tie for" if len(hi) > 1 else "has"
    text = f"{join_labels(hi)} {verb} the highest {what}: {fmt_num(top)}"
    text += f" vs {fmt_num(low)} for {join_labels(lo)}"
    if low != 0:
        text += f" ({higher_than(top, low)})"
    return Claim(text + ".", (ranking,), instead)
