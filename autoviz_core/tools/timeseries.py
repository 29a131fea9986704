"""Time-series tools: parse dates, a metric per period, trend, change between periods, calendar profile.

Periods come from tools/periods.py: native spacing, gaps kept as gaps, partial periods marked,
labels at their grain. Findings state the unit of aggregation ("mean of lifeExp per year") and
only numbers that can be recomputed from the step's own output table.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import Field

from autoviz_core.tools.cache import shared
from autoviz_core.tools.common import (
    FilteredParams,
    ToolInputError,
    agg_label,
    aggregate_series,
    bucket_time,
    datetime_values,
    empty_result,
    extremes,
    filtered_rows,
    fmt_num,
    fmt_pct,
    join_labels,
    numeric_values,
    require_columns,
    scope_text,
    to_json_list,
    to_json_value,
)
from autoviz_core.tools.periods import (
    MAX_TREND_P,
    MIN_TREND_R2,
    SEASON_NAME,
    Periods,
    Seasonal,
    build_periods,
    fit_trend,
    phase_name,
    seasonal_cycle,
)
from autoviz_core.tools.registry import (
    ChartData,
    ToolContext,
    ToolParams,
    ToolResult,
    column_param,
    tool,
)
from autoviz_core.vocabulary import GroupAggregation, PeriodGrain


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


class SeriesParams(FilteredParams):
    """A date column, a metric (None = row count), how to combine it and the period length."""

    date_column: str = column_param(role="temporal", description="the date column")
    metric: str | None = column_param(None, role="numeric", description="None = count rows")
    agg: GroupAggregation = "sum"
    grain: PeriodGrain = "day"


def _metric_name(p: SeriesParams) -> str:
    return p.metric if p.metric and p.agg != "count" else "count"


def series_label(p: SeriesParams, grain: str) -> str:
    """The unit of aggregation in words: "mean of lifeExp per year for continent = Asia"."""
    return f"{agg_label(p.agg, p.metric)} per {grain}{scope_text(p.filters)}"


def periods_of(df: pd.DataFrame, p: SeriesParams) -> Periods:
    """The step's rows (filters applied) as periods of the metric; computed once per run for
    the same table, filters, metric, aggregation and grain (trend, change and anomaly steps
    share it)."""
    require_columns(df, [p.date_column, p.metric])
    filters = tuple(f.model_dump_json() for f in p.filters)
    key = ("periods", p.date_column, p.metric, p.agg, p.grain, filters)
    return shared(
        df,
        key,
        lambda: build_periods(filtered_rows(df, p), p.date_column, p.metric, p.agg, p.grain),
    )


def chart_x(periods: Periods) -> list[object]:
    """X values a plotly axis reads: plain years as numbers, other periods as ISO dates."""
    if periods.numeric_years:
        return [int(k) for k in periods.keys]
    return to_json_list(periods.keys)


def gap_findings(periods: Periods, what: str) -> list[str]:
    """Say which periods had no rows (left as gaps, or counted as 0 for counts and sums)."""
    empty = [lab for lab, none in zip(periods.labels, periods.no_rows, strict=True) if none]
    if not empty:
        return []
    unit = f"{periods.grain}s" if len(empty) > 1 else periods.grain
    if np.isfinite(periods.values[periods.no_rows]).all():
        return [f"{len(empty)} {unit} had no rows and count as 0 ({join_labels(empty)})."]
    return [f"{len(empty)} {unit} have no data and are left as gaps ({join_labels(empty)})."]


def partial_findings(periods: Periods) -> list[str]:
    """Name the partial first/last periods that comparisons leave out."""
    out = []
    for lab, rows, part in zip(periods.labels, periods.rows, periods.partial, strict=True):
        if part:
            out.append(
                f"{lab} is a partial {periods.grain} ({int(rows):,} rows) and is not compared "
                f"with whole {periods.grain}s."
            )
    return out


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
    """Also: whether periods with no rows stay in the table (as gaps, or 0 for counts/sums)."""

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
    periods = periods_of(df, params)
    if not periods.keys:
        return empty_result(f"{params.grain} series of {params.date_column}")
    table = periods.table(_metric_name(params))
    key, name = str(table.columns[0]), str(table.columns[2])
    if not params.fill_missing:
        table = table[table["rows"] > 0].reset_index(drop=True)
    what = series_label(params, periods.grain)
    x, y = to_json_list(table[key]), to_json_list(table[name])
    fig = line_figure(x, {what: y}, what, params.date_column, agg_label(params.agg, params.metric))
    findings = range_findings(table, name, what) + gap_findings(periods, what)
    return ToolResult(
        summary=f"{len(table):,} {periods.grain} periods of {what}.",
        table=table,
        figure=fig,
        chart=_line_chart(params.date_column, name, params.agg, x, y, what),
        findings=findings + periods.notes,
        metrics={"periods": len(table)},
    )


def range_findings(table: pd.DataFrame, y: str, what: str) -> list[str]:
    """The highest and lowest periods (ties named together), partial periods left out."""
    data = table[~table["partial"]].dropna(subset=[y]) if "partial" in table else table
    if data.empty:
        return []
    hi, top, lo, low = extremes(data["period"].tolist(), data[y].tolist())
    return [
        f"The highest {what} is {fmt_num(top)} ({join_labels(hi)}); "
        f"the lowest {fmt_num(low)} ({join_labels(lo)})."
    ]


# ---------------------------------------------------------------- trend
class TrendParams(SeriesParams):
    """Also: the rolling window, in periods."""

    window: int = Field(7, ge=1, le=365, description="rolling mean window in periods")


def trend_table(periods: Periods, name: str, window: int) -> tuple[pd.DataFrame, Seasonal | None]:
    """Per period: value, rolling mean, and (for a seasonal series) the value net of the cycle.

    `fitted` is what the trend line is fitted on: the value (or its seasonally adjusted form),
    missing for gaps and partial periods, so the finding can be recomputed from this table.
    """
    table = periods.table(name)
    value = table[table.columns[2]]
    table["rolling_mean"] = value.rolling(max(1, window), min_periods=1).mean()
    season = seasonal_cycle(periods)
    base = value - season.effect if season is not None else value
    if season is not None:
        table["seasonal_effect"] = season.effect
    table["fitted"] = base.where(periods.usable)
    return table, season


def trend_sentence(table: pd.DataFrame, what: str, grain: str, seasonal: bool) -> str:
    """A slope when the line explains enough of the series; "no clear trend" otherwise."""
    fit = fit_trend(table["t"].to_numpy(), table["fitted"].to_numpy())
    used = table.dropna(subset=["fitted"])
    span = f"{used['period'].iloc[0]}–{used['period'].iloc[-1]}" if len(used) else ""
    net = ", net of the seasonal cycle" if seasonal else ""
    if not np.isfinite(fit.r2):
        return f"Too few {grain}s of {what} to judge a trend."
    if fit.supported:
        direction = "rises" if fit.slope > 0 else "falls"
        ends = ""
        if not seasonal:
            first, last = used.iloc[0], used.iloc[-1]
            name = table.columns[2]
            ends = (
                f", from {fmt_num(first[name])} in {first['period']} "
                f"to {fmt_num(last[name])} in {last['period']}"
            )
        return (
            f"{what} {direction} by about {fmt_num(abs(fit.slope))} per {grain}{ends} "
            f"({fit.n} {grain}s{net}; R² = {fit.r2:.2f})."
        )
    if fit.r2 >= MIN_TREND_R2:  # a good line through too few points
        return (
            f"No clear trend in {what} ({span}{net}): with {fit.n} {grain}s, a straight line "
            f"(R² = {fit.r2:.2f}) could be chance (p ≥ {MAX_TREND_P:g})."
        )
    return (
        f"No clear trend in {what} ({span}{net}): a straight line explains "
        f"{fmt_pct(fit.r2)} of the variation (R² = {fit.r2:.2f})."
    )


def season_sentence(season: Seasonal, periods: Periods, what: str) -> str:
    """Where the calendar cycle peaks and bottoms, as effects on the period's level."""
    top = max(season.by_phase, key=lambda k: season.by_phase[k])
    low = min(season.by_phase, key=lambda k: season.by_phase[k])
    cycle = SEASON_NAME[periods.grain]
    return (
        f"{what} follows a {cycle} cycle: highest in {phase_name(top, periods.grain)} "
        f"({'+' if season.by_phase[top] >= 0 else ''}{fmt_num(season.by_phase[top])} on the "
        f"level), lowest in {phase_name(low, periods.grain)} ({fmt_num(season.by_phase[low])})."
    )


@tool(
    "trend",
    family="timeseries",
    description="Rolling mean and linear trend of a metric over time (net of a seasonal cycle).",
    params=TrendParams,
    produces="chart",
)
def trend(df: pd.DataFrame, params: TrendParams, ctx: ToolContext) -> ToolResult:
    """Direction over time, reported only when a straight line actually describes the series."""
    periods = periods_of(df, params)
    if not periods.keys:
        return empty_result(f"trend of {params.metric or 'rows'}")
    table, season = trend_table(periods, _metric_name(params), params.window)
    name = str(table.columns[2])
    what = series_label(params, periods.grain)
    fit = fit_trend(table["t"].to_numpy(), table["fitted"].to_numpy())
    x = chart_x(periods)
    fig = line_figure(
        x,
        {
            what: to_json_list(table[name]),
            f"{params.window}-{periods.grain} rolling mean": to_json_list(table["rolling_mean"]),
        },
        f"Trend of {what}",
        params.date_column,
        agg_label(params.agg, params.metric),
    )
    findings = [trend_sentence(table, what, periods.grain, season is not None)]
    if season is not None:
        findings.append(season_sentence(season, periods, what))
    findings += gap_findings(periods, what) + partial_findings(periods) + periods.notes
    return ToolResult(
        summary=f"Trend of {what} over {len(table)} {periods.grain}s.",
        table=table,
        figure=fig,
        chart=_line_chart(params.date_column, name, params.agg, x, to_json_list(table[name]), what),
        findings=findings,
        metrics={
            "slope": to_json_value(fit.slope),
            "r2": to_json_value(fit.r2),
            "p_value": to_json_value(fit.p_value),
            "trend_supported": fit.supported,
            "seasonal": season is not None,
            "periods": len(table),
        },
    )


# ---------------------------------------------------------------- period_change
def change_table(periods: Periods, name: str) -> tuple[pd.DataFrame, int]:
    """Each period against the one it should be compared with, and the lag used.

    A seasonal series is compared with the same phase one cycle earlier (July with the July
    before); any other series with the previous period at its native spacing. Gaps and partial
    periods are never compared.
    """
    table = periods.table(name)
    season = seasonal_cycle(periods)
    lag = season.length if season is not None else 1
    usable = pd.Series(periods.usable)
    value = table[table.columns[2]].where(usable)
    prev = value.shift(lag)
    table["compared_with"] = table["period"].shift(lag)
    table["previous"] = prev
    table["change"] = value - prev
    table["pct_change"] = 100 * (value - prev) / prev.abs().where(prev != 0)
    return table, lag


@tool(
    "period_change",
    family="timeseries",
    description="Change (absolute and %) of a metric against the comparable earlier period.",
    params=SeriesParams,
    produces="table",
)
def period_change(df: pd.DataFrame, params: SeriesParams, ctx: ToolContext) -> ToolResult:
    """Changes between comparable periods; findings name the latest change and the extremes."""
    periods = periods_of(df, params)
    if not periods.keys:
        return empty_result(f"period change of {params.metric or 'rows'}")
    table, lag = change_table(periods, _metric_name(params))
    name = str(table.columns[2])
    x = chart_x(periods)
    what = series_label(params, periods.grain)
    basis = "the same period a year before" if lag > 1 else f"the previous {periods.grain}"
    title = f"% change of {what} against {basis}"
    y = to_json_list(table["pct_change"])
    fig = go.Figure(go.Bar(x=x, y=y))
    fig.update_layout(title=title, xaxis_title=params.date_column, yaxis_title="% change")
    chart = ChartData(
        kind="bar", x=params.date_column, y="pct_change", agg="none", x_values=x, y_values=y,
        title=title, points_sent=len(x),
    )  # fmt: skip
    findings = change_findings(table, name, what, periods.grain)
    findings += partial_findings(periods) + gap_findings(periods, what) + periods.notes
    return ToolResult(
        summary=f"{len(table):,} {periods.grain}s of {what}, each against {basis}.",
        table=table,
        figure=fig,
        chart=chart,
        findings=findings,
        metrics={"periods": len(table), "lag": lag},
    )


def change_findings(table: pd.DataFrame, y: str, what: str, grain: str) -> list[str]:
    """The latest comparable change, then the largest rise and drop (ties named together)."""
    changes = table.dropna(subset=["change"])
    if changes.empty:
        return [f"No two comparable {grain}s of {what}: no change to report."]
    last = changes.iloc[-1]
    text = (
        f"{what}: {last['period']} was {fmt_num(last[y])} against {fmt_num(last['previous'])} "
        f"in {last['compared_with']}, a change of {_signed(last['change'])}"
    )
    if pd.notna(last["pct_change"]):
        text += f" ({_signed_pct(last['pct_change'])})"
    out = [text + "."]
    labels = [
        f"{a} (vs {b})" for a, b in zip(changes["period"], changes["compared_with"], strict=True)
    ]
    rises, top, drops, low = extremes(labels, changes["change"].tolist())
    if len(changes) > 1 and top > 0:
        out.append(f"The largest rise was {_signed(top)} in {join_labels(rises)}.")
    if len(changes) > 1 and low < 0:
        out.append(f"The largest drop was {_signed(low)} in {join_labels(drops)}.")
    return out


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + fmt_num(value)


def _signed_pct(pct: float) -> str:
    return ("+" if pct > 0 else "") + fmt_pct(pct / 100)


# ---------------------------------------------------------------- seasonality
class SeasonalityParams(FilteredParams):
    """Which calendar cycle to look at and how to combine the metric."""

    date_column: str = column_param(role="temporal", description="the date column")
    metric: str | None = column_param(None, role="numeric", description="None = count rows")
    agg: GroupAggregation = "mean"
    by: Literal["weekday", "month", "hour"] = "weekday"


_UNIT = {"weekday": "day", "month": "month", "hour": "hour"}


def calendar_values(rows: pd.DataFrame, p: SeasonalityParams) -> tuple[pd.DataFrame, str]:
    """Per calendar phase: the metric, like with like.

    A mean or median is taken over the rows of each phase. A sum or a count is first taken per
    day (per month for months), then averaged per phase: December has five Mondays and four
    Sundays, and a total over unequal numbers of days would compare them unfairly.
    """
    grain = {"weekday": "weekday", "month": "month_of_year", "hour": "hour"}[p.by]
    times = datetime_values(rows[p.date_column])
    keys = bucket_time(times, grain).rename(p.by)
    if p.metric is None:
        values = None
    elif p.agg == "count":
        values = rows[p.metric]
    else:
        values = numeric_values(rows[p.metric])
    name = p.metric if p.metric and p.agg != "count" else "count"
    if p.agg not in ("sum", "count"):
        table = aggregate_series(values, [keys], p.agg).rename(name).reset_index()
        table = table.set_axis([p.by, name], axis=1)
        table.attrs["p_value"] = _phase_test(values, keys)
        return table, agg_label(p.agg, p.metric)
    unit = _UNIT[p.by]
    unit_keys = bucket_time(times, {"day": "day", "month": "month", "hour": "day"}[unit])
    if p.by == "hour":
        unit_keys = times.dt.floor("h")
    per_unit = aggregate_series(values, [unit_keys.rename("u"), keys], p.agg).rename(name)
    frame = per_unit.reset_index()
    frame.columns = ["u", p.by, name]
    table = frame.groupby(p.by, observed=True, sort=True)[name].agg(["mean", "size"])
    table = table.reset_index().rename(columns={"mean": name, "size": f"{unit}s"})
    table.attrs["p_value"] = _phase_test(frame[name], frame[p.by])
    return table, f"mean {unit}ly {agg_label(p.agg, p.metric)}".replace("dayly", "daily")


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
    rows = filtered_rows(df, params)
    if rows.empty:
        return empty_result(f"seasonality of {params.metric or 'rows'}")
    table, what = calendar_values(rows, params)
    name = table.columns[1]
    table[params.by] = table[params.by].astype("object" if params.by != "hour" else "int64")
    what += f" by {params.by}{scope_text(params.filters)}"
    x, y = to_json_list(table[params.by]), to_json_list(table[name])
    fig = go.Figure(go.Bar(x=x, y=y))
    fig.update_layout(title=what, xaxis_title=params.by, yaxis_title=what)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[str(v) for v in x])
    chart = ChartData(
        kind="bar", x=params.by, y=params.metric, agg=params.agg, x_values=x, y_values=y,
        title=what, points_sent=len(x),
    )  # fmt: skip
    return ToolResult(
        summary=f"{what} over {len(table)} {params.by} values.",
        table=table,
        figure=fig,
        chart=chart,
        findings=season_findings(table, params.by, name, what),
        metrics={"buckets": len(table)},
    )


def _phase_test(values: pd.Series | None, phases: pd.Series) -> float:
    """Kruskal–Wallis p-value: could the phases' differences be chance? (1.0 when untestable)"""
    if values is None:
        return 1.0
    frame = pd.DataFrame(
        {"g": phases.to_numpy(), "v": pd.to_numeric(values, errors="coerce").to_numpy()}
    )
    samples = [part.to_numpy() for _, part in frame.dropna().groupby("g", observed=True)["v"]]
    samples = [x for x in samples if len(x) >= 2]
    if len(samples) < 2 or len(np.unique(np.concatenate(samples))) < 2:
        return 1.0
    from scipy import stats as sps  # only when a test runs: importing it costs ~50 MB and ~1 s

    return float(sps.kruskal(*samples).pvalue)


def season_findings(table: pd.DataFrame, by: str, y: str, what: str) -> list[str]:
    """Highest and lowest phase (ties named together), or that the differences look like chance."""
    data = table.dropna(subset=[y])
    if len(data) < 2:
        return []
    hi, top, lo, low = extremes([str(v) for v in data[by]], data[y].tolist())
    if fmt_num(top) == fmt_num(low):
        return [f"{what} is the same for every {by} ({fmt_num(top)})."]
    if table.attrs.get("p_value", 0.0) >= 0.05:
        return [
            f"No clear {by} pattern in {what}: values range from {fmt_num(low)} to "
            f"{fmt_num(top)}, differences chance would give (Kruskal–Wallis p ≥ 0.05)."
        ]
    text = (
        f"{join_labels(hi)} {'have' if len(hi) > 1 else 'has'} the highest {what} "
        f"({fmt_num(top)}), {join_labels(lo)} the lowest ({fmt_num(low)})"
    )
    if low > 0:
        text += f": {fmt_pct((top - low) / low)} higher"
    return [text + "."]
