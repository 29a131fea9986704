"""Group comparison: a metric's count, mean, median, spread and range per group, with a test."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import plotly.graph_objects as go
from pydantic import Field
from scipy import stats as sps

from autoviz_core.tools.common import (
    empty_result,
    fmt_num,
    fmt_pct,
    label,
    numeric_values,
    require_columns,
    to_json_list,
)
from autoviz_core.tools.registry import (
    ChartData,
    ToolContext,
    ToolParams,
    ToolResult,
    column_param,
    tool,
)

STAT_COLUMNS = ["count", "mean", "median", "std", "min", "max"]


class CompareParams(ToolParams):
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
    require_columns(df, [params.metric, params.group_by])
    values = numeric_values(df[params.metric])
    groups = df[params.group_by]
    if values.dropna().empty:
        return empty_result(f"{params.metric} by {params.group_by}", "no numeric values")
    table = group_table(values, groups).rename(columns={"g": params.group_by})
    table = table.sort_values(params.sort_by, ascending=not params.descending, kind="stable")
    table = table.head(params.max_groups).reset_index(drop=True)
    test = difference_test(values, groups)
    x, y = [label(v) for v in table[params.group_by]], to_json_list(table[params.sort_by])
    title = f"{params.sort_by} of {params.metric} by {params.group_by}"
    fig = go.Figure(go.Bar(x=x, y=y))
    fig.update_layout(
        title=title,
        xaxis_title=params.group_by,
        yaxis_title=f"{params.sort_by} of {params.metric}",
        template="plotly_white",
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x)
    agg = params.sort_by if params.sort_by in ("count", "mean", "median", "min", "max") else "none"
    chart = ChartData(
        kind="bar", x=params.group_by, y=params.metric, agg=agg, x_values=x,  # type: ignore[arg-type]
        y_values=y, title=title, points_sent=len(x),
    )  # fmt: skip
    return ToolResult(
        summary=f"{params.metric} compared across {len(table)} {params.group_by} groups.",
        table=table,
        figure=fig,
        chart=chart,
        findings=_compare_findings(table, params, test),
        metrics={
            "groups": len(table),
            "test": test[0] if test else None,
            "p_value": test[1] if test else None,
        },
    )


def _compare_findings(
    table: pd.DataFrame, p: CompareParams, test: tuple[str, float] | None
) -> list[str]:
    data = table.dropna(subset=["mean"])
    if data.empty:
        return []
    order = data.sort_values("mean", ascending=False, kind="stable")
    hi, lo = order.iloc[0], order.iloc[-1]
    text = f"{label(hi[p.group_by])} has the highest mean {p.metric}: {fmt_num(hi['mean'])}"
    if len(order) > 1:
        text += f" vs {fmt_num(lo['mean'])} for {label(lo[p.group_by])}"
        if lo["mean"] != 0:
            text += f" ({fmt_pct((hi['mean'] - lo['mean']) / abs(lo['mean']))} higher)"
    out = [text + "."]
    if test is not None:
        name, pvalue = test
        verdict = (
            "a real difference is likely" if pvalue < 0.05 else "the difference could be chance"
        )
        out.append(f"{name} test p = {pvalue:.3g}: {verdict}.")
    return out
