"""Anomaly tools: IQR fences, robust z-scores (median/MAD) and rolling anomalies over time.

Each returns the flagged rows with a `reason` sentence, so a person can check a flag by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import Field

from autoviz_core.tools.common import (
    agg_label,
    empty_result,
    fmt_num,
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
from autoviz_core.tools.timeseries import AggName, Grain, period_series

MAD_TO_SIGMA = 1.4826  # scales the median absolute deviation to a normal standard deviation
MAX_FLAGGED_ROWS = 1000


def _flagged_table(
    df: pd.DataFrame, mask: pd.Series, severity: pd.Series, reason_at: Callable[[int], str]
) -> pd.DataFrame:
    """Flagged rows, most extreme first, with their row position and a reason.

    Reasons are written only for the rows kept, so a million-row column stays fast.
    """
    positions = np.flatnonzero(mask.to_numpy())
    sev = severity.to_numpy()[positions]
    order = positions[np.argsort(-sev, kind="stable")][:MAX_FLAGGED_ROWS]
    out = df.iloc[order].copy()
    out.insert(0, "row_index" if "row_index" not in df.columns else "_row_index", order)
    out["reason"] = [reason_at(int(i)) for i in order]
    return out.reset_index(drop=True)


def _strip_figure(
    values: pd.Series, mask: pd.Series, column: str, title: str, ctx: ToolContext
) -> tuple[go.Figure, ChartData]:
    """Values by row position with flagged points highlighted (normal points sampled if many)."""
    pos = np.arange(len(values))
    normal = pd.DataFrame({"i": pos, "v": values.to_numpy()})[~mask.to_numpy()].dropna()
    flagged = pd.DataFrame({"i": pos, "v": values.to_numpy()})[mask.to_numpy()].head(
        MAX_FLAGGED_ROWS
    )
    budget = max(0, ctx.max_chart_points - len(flagged))
    if len(normal) > budget:
        rng = np.random.default_rng(ctx.seed)
        normal = normal.iloc[np.sort(rng.choice(len(normal), size=budget, replace=False))]
    trace = go.Scattergl if len(normal) + len(flagged) > 1000 else go.Scatter
    fig = go.Figure()
    fig.add_trace(
        trace(
            x=to_json_list(normal["i"]), y=to_json_list(normal["v"]), mode="markers", name="normal"
        )
    )
    fig.add_trace(
        trace(x=to_json_list(flagged["i"]), y=to_json_list(flagged["v"]), mode="markers", name="flagged",
              marker={"color": "crimson", "size": 9})
    )  # fmt: skip
    fig.update_layout(title=title, xaxis_title="row", yaxis_title=column, template="plotly_white")
    both = pd.concat([normal, flagged]).sort_values("i", kind="stable")
    chart = ChartData(
        kind="scatter", x="row", y=column, x_values=to_json_list(both["i"]), y_values=to_json_list(both["v"]),
        title=title, points_sent=len(both),
    )  # fmt: skip
    return fig, chart


def _summary(n_flagged: int, n: int, column: str, rule: str) -> str:
    return f"{n_flagged:,} of {n:,} rows flagged on {column} ({rule})."


# ---------------------------------------------------------------- IQR
class IqrParams(ToolParams):
    """The numeric column and the fence multiplier."""

    column: str = column_param(role="numeric", description="numeric column to check")
    k: float = Field(1.5, gt=0, le=10, description="fence = Q1 − k·IQR, Q3 + k·IQR")


@tool(
    "iqr_outliers",
    family="anomalies",
    description="Rows whose value lies beyond the Tukey fences (Q1 − k·IQR, Q3 + k·IQR).",
    params=IqrParams,
    produces="table",
)
def iqr_outliers(df: pd.DataFrame, params: IqrParams, ctx: ToolContext) -> ToolResult:
    """Tukey fences: quartiles ignore the outliers they are looking for."""
    require_columns(df, [params.column])
    values = numeric_values(df[params.column])
    present = values.dropna()
    if present.empty:
        return empty_result(f"IQR outliers of {params.column}", "no numeric values")
    q1, q3 = float(present.quantile(0.25)), float(present.quantile(0.75))
    iqr = q3 - q1
    lo, hi = q1 - params.k * iqr, q3 + params.k * iqr
    mask = ((values > hi) | (values < lo)).fillna(False).astype(bool)
    k = f"{params.k:g}"
    severity = (values - hi).clip(lower=0) + (lo - values).clip(lower=0)
    arr = values.to_numpy()

    def reason_at(i: int) -> str:
        if arr[i] > hi:
            return f"{params.column} {fmt_num(arr[i])} > Q3+{k}·IQR = {fmt_num(hi)}"
        return f"{params.column} {fmt_num(arr[i])} < Q1−{k}·IQR = {fmt_num(lo)}"

    table = _flagged_table(df, mask, severity.fillna(0), reason_at)
    fig, chart = _strip_figure(values, mask, params.column, f"{params.column}: IQR outliers", ctx)
    n_hi, n_lo = int((values > hi).sum()), int((values < lo).sum())
    findings = [
        f"{int(mask.sum()):,} rows ({100 * mask.mean():.1f}%) fall outside "
        f"{fmt_num(lo)}–{fmt_num(hi)} for {params.column}: {n_hi:,} high, {n_lo:,} low."
    ]
    if len(table):
        findings.append(f"Most extreme: {table['reason'].iloc[0]}.")
    return ToolResult(
        summary=_summary(
            int(mask.sum()), len(df), params.column, f"IQR fences {fmt_num(lo)}–{fmt_num(hi)}"
        ),
        table=table,
        figure=fig,
        chart=chart,
        findings=findings,
        metrics={"flagged": int(mask.sum()), "lower": lo, "upper": hi, "q1": q1, "q3": q3},
    )


# ---------------------------------------------------------------- robust z
class RobustZParams(ToolParams):
    """The numeric column and the robust z threshold (3.5 is the usual Iglewicz–Hoaglin cut)."""

    column: str = column_param(role="numeric", description="numeric column to check")
    threshold: float = Field(3.5, gt=0, le=50)


@tool(
    "robust_zscore_outliers",
    family="anomalies",
    description="Rows whose robust z-score (median/MAD) exceeds a threshold.",
    params=RobustZParams,
    produces="table",
)
def robust_zscore_outliers(df: pd.DataFrame, params: RobustZParams, ctx: ToolContext) -> ToolResult:
    """Median and MAD are not dragged by the outliers, unlike mean and std."""
    require_columns(df, [params.column])
    values = numeric_values(df[params.column])
    present = values.dropna()
    if present.empty:
        return empty_result(f"robust z-score outliers of {params.column}", "no numeric values")
    median = float(present.median())
    mad = float((present - median).abs().median())
    scale = MAD_TO_SIGMA * mad
    if scale == 0:
        # Over half the values are identical; fall back to the mean absolute deviation.
        scale = 1.2533 * float((present - median).abs().mean())
    z = pd.Series(0.0, index=values.index) if scale == 0 else (values - median) / scale
    mask = (z.abs() > params.threshold).fillna(False).astype(bool)
    arr, zarr = values.to_numpy(), z.to_numpy()

    def reason_at(i: int) -> str:
        return (
            f"{params.column} {fmt_num(arr[i])}: robust z = {zarr[i]:.1f} "
            f"(median {fmt_num(median)}, MAD {fmt_num(mad)})"
        )

    table = _flagged_table(df, mask, z.abs().fillna(0), reason_at)
    fig, chart = _strip_figure(
        values, mask, params.column, f"{params.column}: robust z-score outliers", ctx
    )
    findings = [
        f"{int(mask.sum()):,} rows have |robust z| > {params.threshold:g} on {params.column}."
    ]
    if len(table):
        findings.append(f"Most extreme: {table['reason'].iloc[0]}.")
    return ToolResult(
        summary=_summary(
            int(mask.sum()), len(df), params.column, f"|robust z| > {params.threshold:g}"
        ),
        table=table,
        figure=fig,
        chart=chart,
        findings=findings,
        metrics={"flagged": int(mask.sum()), "median": median, "mad": mad},
    )


# ---------------------------------------------------------------- rolling anomalies
class RollingParams(ToolParams):
    """The time series (date, metric, aggregation, grain) and the rolling rule."""

    date_column: str = column_param(role="temporal", description="the date column")
    metric: str | None = column_param(None, role="numeric", description="None = count rows")
    agg: AggName = "sum"
    grain: Grain = "day"
    group_by: str | None = column_param(
        None, role="categorical", description="one series per group"
    )
    window: int = Field(7, ge=3, le=365, description="centred rolling window, in periods")
    k: float = Field(3.0, gt=0, le=20, description="flag beyond rolling median ± k·MAD")
    direction: Literal["both", "high", "low"] = "both"


def rolling_flags(series: pd.Series, window: int, k: float, direction: str) -> pd.DataFrame:
    """Rolling median and scaled MAD around each period; flag values beyond median ± k·MAD.

    The MAD is floored at 1% of the typical level so a flat stretch does not flag tiny wiggles.
    """
    roll = series.rolling(window, center=True, min_periods=max(3, window // 2))
    med = roll.median()
    mad = (
        (series - med).abs().rolling(window, center=True, min_periods=max(3, window // 2)).median()
    )
    floor = 0.01 * float(series.abs().median()) if series.notna().any() else 0.0
    scale = (MAD_TO_SIGMA * mad).clip(lower=floor if floor > 0 else 1e-12)
    upper, lower = med + k * scale, med - k * scale
    high, low = series > upper, series < lower
    flag = high if direction == "high" else low if direction == "low" else (high | low)
    return pd.DataFrame(
        {
            "value": series,
            "rolling_median": med,
            "upper": upper,
            "lower": lower,
            "flag": flag.fillna(False),
        }
    )


@tool(
    "rolling_anomalies",
    family="anomalies",
    description="Periods whose aggregated metric lies beyond a rolling median ± k·MAD band.",
    params=RollingParams,
    produces="table",
)
def rolling_anomalies(df: pd.DataFrame, params: RollingParams, ctx: ToolContext) -> ToolResult:
    """Aggregate to a grain (per group if asked), then compare each period with its neighbours."""
    require_columns(df, [params.date_column, params.metric, params.group_by])
    if df.empty:
        return empty_result(f"rolling anomalies of {params.metric or 'rows'}")
    parts = _group_frames(df, params.group_by)
    frames = []
    for key, part in parts:
        series = period_series(part, params.date_column, params.metric, params.agg, params.grain)
        flags = rolling_flags(series, params.window, params.k, params.direction).reset_index()
        if params.group_by:
            flags.insert(0, params.group_by, key)
        frames.append(flags)
    bands = pd.concat(frames, ignore_index=True)
    what = agg_label(params.agg, params.metric)
    flagged = bands[bands["flag"]].copy()
    flagged["reason"] = [_rolling_reason(r, params, what) for r in flagged.to_dict("records")]
    flagged["_sev"] = (flagged["value"] - flagged["rolling_median"]).abs() / (
        flagged["upper"] - flagged["rolling_median"]
    )
    flagged = flagged.sort_values("_sev", ascending=False, kind="stable").drop(
        columns=["_sev", "flag"]
    )
    fig, chart = _band_figure(bands, params, what, ctx)
    findings = [
        f"{len(flagged):,} of {len(bands):,} {params.grain}s stand out from their rolling median."
    ]
    if len(flagged):
        findings.append(f"Largest: {flagged['reason'].iloc[0]}.")
    return ToolResult(
        summary=f"{len(flagged):,} anomalous {params.grain}(s) of {what} (window {params.window}, k = {params.k:g}).",
        table=flagged.reset_index(drop=True),
        figure=fig,
        chart=chart,
        findings=findings,
        metrics={"flagged": len(flagged), "periods": len(bands)},
    )


def _group_frames(df: pd.DataFrame, group_by: str | None) -> list[tuple[object, pd.DataFrame]]:
    if group_by is None:
        return [(None, df)]
    return [(k, part) for k, part in df.groupby(group_by, observed=True, sort=True)]


def _rolling_reason(row: dict[str, object], p: RollingParams, what: str) -> str:
    when = label(row[p.date_column])
    who = f"{label(row[p.group_by])} " if p.group_by else ""
    v, med = row["value"], row["rolling_median"]
    if v > row["upper"]:  # type: ignore[operator]
        bound, sign = row["upper"], ">"
        rel = "+"
    else:
        bound, sign = row["lower"], "<"
        rel = "−"
    return (
        f"{who}{when}: {what} {fmt_num(v)} {sign} rolling median {fmt_num(med)} "
        f"{rel} {p.k:g}·MAD = {fmt_num(bound)}"
    )


def _band_figure(
    bands: pd.DataFrame, p: RollingParams, what: str, ctx: ToolContext
) -> tuple[go.Figure, ChartData]:
    """The series with its band and flagged periods (one line per group when grouped)."""
    fig = go.Figure()
    groups = (
        [(None, bands)]
        if not p.group_by
        else list(bands.groupby(p.group_by, observed=True, sort=True))
    )
    for key, part in groups:
        name = label(key) if key is not None else what
        x = to_json_list(part[p.date_column])
        fig.add_trace(go.Scatter(x=x, y=to_json_list(part["value"]), mode="lines", name=name))
        flagged = part[part["flag"]]
        fig.add_trace(
            go.Scatter(
                x=to_json_list(flagged[p.date_column]), y=to_json_list(flagged["value"]), mode="markers",
                name=f"{name}: anomaly", marker={"color": "crimson", "size": 10},
            )
        )  # fmt: skip
    if not p.group_by:
        x = to_json_list(bands[p.date_column])
        fig.add_trace(
            go.Scatter(
                x=x,
                y=to_json_list(bands["upper"]),
                mode="lines",
                name="upper band",
                line={"dash": "dot"},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=to_json_list(bands["lower"]),
                mode="lines",
                name="lower band",
                line={"dash": "dot"},
            )
        )
    title = f"{what} per {p.grain} with rolling anomaly band"
    fig.update_layout(
        title=title, xaxis_title=p.date_column, yaxis_title=what, template="plotly_white"
    )
    chart = ChartData(
        kind="line", x=p.date_column, y=p.metric, color=p.group_by, agg=p.agg,
        x_values=to_json_list(bands[p.date_column]), y_values=to_json_list(bands["value"]),
        color_values=to_json_list(bands[p.group_by]) if p.group_by else None,
        title=title, points_sent=len(bands),
    )  # fmt: skip
    return fig, chart
