"""Time-series tools: parse dates, resample to a grain, trend, period-over-period change, seasonality."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import Field

from autoviz_core.tools.cache import shared
from autoviz_core.tools.common import (
    ToolInputError,
    agg_label,
    aggregate_series,
    bucket_column,
    bucket_time,
    datetime_values,
    empty_result,
    fmt_num,
    fmt_pct,
    label,
    numeric_values,
    require_columns,
    to_json_list,
    to_json_value,
)
from autoviz_core.tools.registry import (
    ChartData,
    ToolContext,
    ToolParams,
    ToolResult,
    column_param,
    tool,
)

Grain = Literal["day", "week", "month", "quarter", "year"]
AggName = Literal["count", "sum", "mean", "median", "min", "max"]
# date_range frequencies whose points are the period starts bucket_time produces
_RANGE_FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}


def period_series(
    df: pd.DataFrame,
    date_column: str,
    metric: str | None,
    agg: str,
    grain: str,
    *,
    fill_missing: bool = True,
) -> pd.Series:
    """The metric aggregated per period (index = period start, ascending).

    Empty periods are filled (0 for count/sum, missing otherwise) so a gap in the data shows
    as a gap or a zero instead of the line silently joining distant points. Computed once per
    run for a table and (date, metric, agg, grain): trend, change and anomaly steps share it.
    """
    key = ("period_series", date_column, metric, agg, grain, fill_missing)
    return shared(
        df, key, lambda: _period_series(df, date_column, metric, agg, grain, fill_missing)
    )


def _period_series(
    df: pd.DataFrame,
    date_column: str,
    metric: str | None,
    agg: str,
    grain: str,
    fill_missing: bool,
) -> pd.Series:
    keys = bucket_column(df, date_column, grain).rename(date_column)
    if metric is None:
        values = None
    elif agg == "count":
        values = df[metric]
    else:
        values = numeric_values(df[metric])
    out = aggregate_series(values, [keys], agg).astype("float64")
    out.index = pd.DatetimeIndex(out.index, name=date_column)
    if fill_missing and len(out) > 1:
        full = pd.date_range(out.index.min(), out.index.max(), freq=_RANGE_FREQ[grain])
        fill = 0.0 if agg in ("count", "sum") else np.nan
        out = out.reindex(full.as_unit(out.index.unit), fill_value=fill)
        out.index.name = date_column
    return out


def line_figure(
    x: list[object], series: dict[str, list[object]], title: str, x_title: str, y_title: str
) -> go.Figure:
    """One line per named series over shared x values."""
    fig = go.Figure()
    for name, y in series.items():
        fig.add_trace(
            go.Scatter(x=x, y=y, mode="lines+markers" if len(x) <= 200 else "lines", name=name)
        )
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        template="plotly_white",
        showlegend=len(series) > 1,
    )
    return fig


def _line_chart(
    x_col: str, y_name: str, agg: str, x: list[object], y: list[object], title: str
) -> ChartData:
    return ChartData(
        kind="line", x=x_col, y=y_name, agg=agg,  # type: ignore[arg-type]
        x_values=x, y_values=y, title=title, points_sent=len(x),
    )  # fmt: skip


class SeriesParams(ToolParams):
    """A date column, a metric (None = row count), how to combine it and the period length."""

    date_column: str = column_param(role="temporal", description="the date column")
    metric: str | None = column_param(None, role="numeric", description="None = count rows")
    agg: AggName = "sum"
    grain: Grain = "day"


def _metric_name(p: SeriesParams) -> str:
    return p.metric if p.metric and p.agg != "count" else "count"


# ---------------------------------------------------------------- parse_dates
class ParseDatesParams(ToolParams):
    """The text column holding dates and, optionally, its strftime format."""

    column: str = column_param(role="any", description="column holding dates as text")
    format: str | None = Field(None, description='strftime format, e.g. "%d/%m/%Y"; None = detect')
    dayfirst: bool = False


@tool(
    "parse_dates",
    family="timeseries",
    description="Convert a text column to dates so time tools can use it.",
    params=ParseDatesParams,
    produces="table",
)
def parse_dates(df: pd.DataFrame, params: ParseDatesParams, ctx: ToolContext) -> ToolResult:
    """Parse a date column; the summary reports how many values could not be read."""
    require_columns(df, [params.column])
    s = df[params.column]
    if params.format or params.dayfirst:
        fmt = params.format or "mixed"
        parsed = pd.to_datetime(
            s.astype("string"), errors="coerce", format=fmt, dayfirst=params.dayfirst
        )
    else:
        parsed = datetime_values(s)
    failed = int((parsed.isna() & s.notna()).sum())
    if s.notna().any() and failed > 0.5 * s.notna().sum():
        raise ToolInputError(f"most values of {params.column!r} are not dates")
    out = df.copy()
    out[params.column] = parsed
    present = parsed.dropna()
    findings = []
    if len(present):
        findings.append(
            f"{params.column} runs from {to_json_value(present.min())} to {to_json_value(present.max())}."
        )
    summary = f"Parsed {len(present):,} dates in {params.column}"
    summary += f"; {failed:,} value(s) could not be read." if failed else "."
    return ToolResult(summary=summary, table=out, findings=findings, metrics={"unparsed": failed})


# ---------------------------------------------------------------- resample
class ResampleParams(SeriesParams):
    """Also: whether to fill periods with no rows."""

    fill_missing: bool = True


@tool(
    "resample",
    family="timeseries",
    description="Aggregate a metric per day/week/month/quarter/year (a regular time series).",
    params=ResampleParams,
    produces="table",
)
def resample(df: pd.DataFrame, params: ResampleParams, ctx: ToolContext) -> ToolResult:
    """Regular periods make trends comparable; the output feeds charts and anomaly steps."""
    require_columns(df, [params.date_column, params.metric])
    if df.empty:
        return empty_result(f"{params.grain} series of {params.date_column}")
    series = period_series(
        df,
        params.date_column,
        params.metric,
        params.agg,
        params.grain,
        fill_missing=params.fill_missing,
    )
    name = _metric_name(params)
    table = series.rename(name).reset_index()
    x, y = to_json_list(table[params.date_column]), to_json_list(table[name])
    what = agg_label(params.agg, params.metric)
    title = f"{what} per {params.grain}"
    fig = line_figure(x, {what: y}, title, params.date_column, what)
    findings = _range_findings(table, params.date_column, name, what)
    return ToolResult(
        summary=f"{len(table):,} {params.grain} periods of {what}.",
        table=table,
        figure=fig,
        chart=_line_chart(params.date_column, name, params.agg, x, y, title),
        findings=findings,
        metrics={"periods": len(table)},
    )


def _range_findings(table: pd.DataFrame, x: str, y: str, what: str) -> list[str]:
    data = table.dropna(subset=[y])
    if data.empty:
        return []
    hi = data.loc[data[y].idxmax()]
    lo = data.loc[data[y].idxmin()]
    return [
        f"The highest {what} is {fmt_num(hi[y])} ({label(hi[x])}); "
        f"the lowest {fmt_num(lo[y])} ({label(lo[x])})."
    ]


# ---------------------------------------------------------------- trend
class TrendParams(SeriesParams):
    """Also: the rolling window, in periods."""

    window: int = Field(7, ge=1, le=365, description="rolling mean window in periods")


def linear_slope(values: np.ndarray) -> tuple[float, float]:
    """Least-squares slope per period and R² of a straight line through the values."""
    y = np.asarray(values, dtype="float64")
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return float("nan"), float("nan")
    x = np.arange(len(y), dtype="float64")[ok]
    slope, intercept = np.polyfit(x, y[ok], 1)
    resid = y[ok] - (slope * x + intercept)
    ss_tot = float(((y[ok] - y[ok].mean()) ** 2).sum())
    r2 = 1 - float((resid**2).sum()) / ss_tot if ss_tot > 0 else float("nan")
    return float(slope), r2


@tool(
    "trend",
    family="timeseries",
    description="Rolling mean and linear slope of a metric over time.",
    params=TrendParams,
    produces="chart",
)
def trend(df: pd.DataFrame, params: TrendParams, ctx: ToolContext) -> ToolResult:
    """Smooth day-to-day noise with a rolling mean and summarise direction with one slope."""
    require_columns(df, [params.date_column, params.metric])
    if df.empty:
        return empty_result(f"trend of {params.metric or 'rows'}")
    series = period_series(df, params.date_column, params.metric, params.agg, params.grain)
    name = _metric_name(params)
    rolling = series.rolling(params.window, min_periods=1).mean()
    table = pd.DataFrame({name: series, "rolling_mean": rolling}).reset_index()
    slope, r2 = linear_slope(series.to_numpy())
    what = agg_label(params.agg, params.metric)
    x = to_json_list(table[params.date_column])
    title = f"Trend of {what} per {params.grain}"
    fig = line_figure(
        x,
        {
            what: to_json_list(table[name]),
            f"{params.window}-{params.grain} rolling mean": to_json_list(rolling),
        },
        title,
        params.date_column,
        what,
    )
    findings = []
    if np.isfinite(slope):
        direction = "rises" if slope > 0 else "falls" if slope < 0 else "stays flat"
        findings.append(
            f"{what} {direction} by about {fmt_num(abs(slope))} per {params.grain} "
            f"over {len(series)} {params.grain}s (R² = {r2:.2f})."
            if np.isfinite(r2)
            else f"{what} {direction} by about {fmt_num(abs(slope))} per {params.grain}."
        )
    return ToolResult(
        summary=f"Trend of {what} over {len(series)} {params.grain}s; slope {fmt_num(slope)} per {params.grain}.",
        table=table,
        figure=fig,
        chart=_line_chart(
            params.date_column, name, params.agg, x, to_json_list(table[name]), title
        ),
        findings=findings,
        metrics={"slope": to_json_value(slope), "r2": to_json_value(r2), "periods": len(series)},
    )


# ---------------------------------------------------------------- period_change
@tool(
    "period_change",
    family="timeseries",
    description="Period-over-period change (absolute and %) of a metric.",
    params=SeriesParams,
    produces="table",
)
def period_change(df: pd.DataFrame, params: SeriesParams, ctx: ToolContext) -> ToolResult:
    """Changes between consecutive periods; findings name the latest change and the extremes."""
    require_columns(df, [params.date_column, params.metric])
    if df.empty:
        return empty_result(f"period change of {params.metric or 'rows'}")
    series = period_series(df, params.date_column, params.metric, params.agg, params.grain)
    name = _metric_name(params)
    prev = series.shift(1)
    pct = (series - prev) / prev.abs().where(prev != 0)
    table = pd.DataFrame(
        {name: series, "change": series - prev, "pct_change": 100 * pct}
    ).reset_index()
    x = to_json_list(table[params.date_column])
    what = agg_label(params.agg, params.metric)
    title = f"% change of {what} per {params.grain}"
    y = to_json_list(table["pct_change"])
    fig = go.Figure(go.Bar(x=x, y=y))
    fig.update_layout(
        title=title, xaxis_title=params.date_column, yaxis_title="% change", template="plotly_white"
    )
    chart = ChartData(
        kind="bar", x=params.date_column, y="pct_change", agg="none", x_values=x, y_values=y,
        title=title, points_sent=len(x),
    )  # fmt: skip
    return ToolResult(
        summary=f"{len(table):,} {params.grain}s of {what} with period-over-period change.",
        table=table,
        figure=fig,
        chart=chart,
        findings=_change_findings(table, params.date_column, name, what, params.grain),
        metrics={"periods": len(table)},
    )


def _change_findings(table: pd.DataFrame, x: str, y: str, what: str, grain: str) -> list[str]:
    changes = table.dropna(subset=["change"])
    if changes.empty:
        return [f"Only one {grain} of data: no change to report."]
    last = changes.iloc[-1]
    text = f"In the latest {grain} ({label(last[x])}) {what} changed by {fmt_num(last['change'])}"
    if pd.notna(last["pct_change"]):
        text += f" ({fmt_pct(last['pct_change'] / 100)})"
    out = [text + "."]
    rise = changes.loc[changes["change"].idxmax()]
    drop = changes.loc[changes["change"].idxmin()]
    if rise["change"] > 0:
        out.append(f"The largest rise was {fmt_num(rise['change'])} into {label(rise[x])}.")
    if drop["change"] < 0:
        out.append(f"The largest drop was {fmt_num(drop['change'])} into {label(drop[x])}.")
    return out


# ---------------------------------------------------------------- seasonality
class SeasonalityParams(ToolParams):
    """Which calendar cycle to look at and how to combine the metric."""

    date_column: str = column_param(role="temporal", description="the date column")
    metric: str | None = column_param(None, role="numeric", description="None = count rows")
    agg: AggName = "mean"
    by: Literal["weekday", "month", "hour"] = "weekday"


@tool(
    "seasonality",
    family="timeseries",
    description="A metric by weekday, month of year or hour of day, in calendar order.",
    params=SeasonalityParams,
    produces="chart",
)
def seasonality(df: pd.DataFrame, params: SeasonalityParams, ctx: ToolContext) -> ToolResult:
    """Calendar-ordered profile (Monday..Sunday, January..December) and its peak and trough."""
    require_columns(df, [params.date_column, params.metric])
    if df.empty:
        return empty_result(f"seasonality of {params.metric or 'rows'}")
    grain = {"weekday": "weekday", "month": "month_of_year", "hour": "hour"}[params.by]
    keys = bucket_time(df[params.date_column], grain).rename(params.by)
    if params.metric is None:
        values = None
    elif params.agg == "count":
        values = df[params.metric]
    else:
        values = numeric_values(df[params.metric])
    name = params.metric if params.metric and params.agg != "count" else "count"
    table = aggregate_series(values, [keys], params.agg).rename(name).reset_index()
    table.columns = [params.by, name]
    table[params.by] = table[params.by].astype("object" if params.by != "hour" else "int64")
    what = agg_label(params.agg, params.metric)
    x, y = to_json_list(table[params.by]), to_json_list(table[name])
    title = f"{what} by {params.by}"
    fig = go.Figure(go.Bar(x=x, y=y))
    fig.update_layout(title=title, xaxis_title=params.by, yaxis_title=what, template="plotly_white")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[str(v) for v in x])
    chart = ChartData(
        kind="bar", x=params.by, y=params.metric, agg=params.agg, x_values=x, y_values=y,
        title=title, points_sent=len(x),
    )  # fmt: skip
    return ToolResult(
        summary=f"{what} over {len(table)} {params.by} values.",
        table=table,
        figure=fig,
        chart=chart,
        findings=_season_findings(table, params.by, name, what),
        metrics={"buckets": len(table)},
    )


def _season_findings(table: pd.DataFrame, by: str, y: str, what: str) -> list[str]:
    data = table.dropna(subset=[y])
    if len(data) < 2:
        return []
    hi = data.loc[data[y].idxmax()]
    lo = data.loc[data[y].idxmin()]
    text = f"{label(hi[by])} has the highest {what} ({fmt_num(hi[y])}), {label(lo[by])} the lowest ({fmt_num(lo[y])})"
    if lo[y] > 0:
        text += f": {fmt_pct((hi[y] - lo[y]) / lo[y])} higher"
    return [text + "."]
