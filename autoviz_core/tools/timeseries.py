"""Time-series tools: parse dates, a metric per period, trend, change between periods, calendar profile.

Periods come from tools/periods.py: native spacing, gaps kept as gaps, partial periods marked,
labels at their grain. Findings state the unit of aggregation ("mean of lifeExp per year") and
only numbers that can be recomputed from the step's own output table.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import Field

from autoviz_core.tools.cache import shared
from autoviz_core.tools.claims import (
    ALPHA,
    Changed,
    Claim,
    Ranked,
    Summed,
    Trending,
    also_asserting,
    fact,
)
from autoviz_core.tools.common import (
    FilteredParams,
    ToolInputError,
    agg_label,
    aggregate_series,
    bucket_column,
    bucket_time,
    datetime_values,
    empty_result,
    extremes,
    filtered_rows,
    fmt_num,
    fmt_pct,
    higher_than,
    join_labels,
    numeric_values,
    p_text,
    require_columns,
    scope_text,
    to_json_list,
    to_json_value,
)
from autoviz_core.tools.measures import summed
from autoviz_core.tools.periods import (
    MAX_TREND_P,
    MIN_TREND_POINTS,
    MIN_TREND_R2,
    SEASON_NAME,
    Periods,
    Seasonal,
    build_periods,
    fit_trend,
    period_label,
    phase_name,
    seasonal_cycle,
    sign_test_p,
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


def sum_asserted(df: pd.DataFrame, p: SeriesParams, periods: Periods) -> tuple[Summed, ...]:
    """A per-period sum asserts that the measure adds up along the axes it runs: across the
    groups within a period, and over the moments a period gathers (days of a month)."""
    if p.agg != "sum" or p.metric is None or not periods.keys:
        return ()
    rows = filtered_rows(df, p)
    keys = (
        rows[p.date_column]
        if periods.numeric_years
        else bucket_column(rows, p.date_column, periods.grain)
    )
    return (summed(rows, p.metric, [keys]),)


def level_summed(p: SeriesParams, grain: str) -> Claim:
    """What is said instead of a finding about a sum that does not add up."""
    return fact(
        f"No finding about the sum of {p.metric} per {grain} is stated: {p.metric} is a level, "
        "not an amount that accumulates, so that sum counts it again at every moment."
    )


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
            f"{params.column} runs from {period_label(present.min(), 'day')} to "
            f"{period_label(present.max(), 'day')}."
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
    claims = [
        also_asserting(c, sum_asserted(df, params, periods), level_summed(params, periods.grain))
        for c in range_claims(table, name, what)
    ]
    claims += [fact(n) for n in gap_findings(periods, what) + periods.notes]
    return ToolResult(
        summary=f"{len(table):,} {periods.grain} periods of {what}.",
        table=table,
        figure=fig,
        chart=_line_chart(params.date_column, name, params.agg, x, y, what),
        claims=claims,
        metrics={"periods": len(table)},
    )


def range_claims(table: pd.DataFrame, y: str, what: str) -> list[Claim]:
    """The highest and lowest periods (ties named together), partial periods left out."""
    data = table[~table["partial"]].dropna(subset=[y]) if "partial" in table else table
    if data.empty:
        return []
    hi, top, lo, low = extremes(data["period"].tolist(), data[y].tolist())
    ranking = Ranked(tuple(hi), len(data), len(data), says_tie=len(hi) > 1, measure=y, by="period")
    return [
        Claim(
            f"The highest {what} is {fmt_num(top)} ({join_labels(hi)}); "
            f"the lowest {fmt_num(low)} ({join_labels(lo)}).",
            (ranking,),
        )
    ]


# ---------------------------------------------------------------- trend
class TrendParams(SeriesParams):
    """Also: the rolling window, in periods."""

    window: int = Field(7, ge=1, le=365, description="rolling mean window in periods")


def trend_table(
    periods: Periods, name: str, window: int
) -> tuple[pd.DataFrame, Seasonal | None, pd.Series]:
    """Per period: value, rolling mean, and (for a seasonal series) the value net of the cycle.

    `fitted` is what the trend line is fitted on: the value (or its seasonally adjusted form),
    missing for gaps, partial periods and periods without rows (a period nobody recorded is
    not a zero), so the finding can be recomputed from this table. Also returned: the same
    values with those periods counted as 0, what a line through every period would fit.
    """
    table = periods.table(name)
    value = table[table.columns[2]]
    table["rolling_mean"] = value.rolling(max(1, window), min_periods=1).mean()
    season = seasonal_cycle(periods)
    base = value - season.effect if season is not None else value
    if season is not None:
        table["seasonal_effect"] = season.effect
    table["fitted"] = base.where(periods.usable & ~periods.no_rows)
    return table, season, base.where(periods.usable)


def trend_claim(
    table: pd.DataFrame, filled_in: pd.Series, what: str, grain: str, seasonal: bool
) -> Claim:
    """A slope when the line explains enough of the series; else a year-on-year change of like
    periods when there is one; else "no clear trend". The line is first proposed through every
    period (those without rows counted as 0); the validator keeps it only when none was filled.
    """
    honest = _line_claim(table, table["fitted"], what, grain, seasonal, None)
    if filled_in.notna().sum() == table["fitted"].notna().sum():
        return honest
    return _line_claim(table, filled_in, what, grain, seasonal, honest)


def _line_claim(
    table: pd.DataFrame,
    fitted: pd.Series,
    what: str,
    grain: str,
    seasonal: bool,
    instead: Claim | None,
) -> Claim:
    fit = fit_trend(table["t"].to_numpy(), fitted.to_numpy())
    used = table[fitted.notna()]
    filled = int((used["rows"] == 0).sum())
    span = f"{used['period'].iloc[0]}–{used['period'].iloc[-1]}" if len(used) else ""
    net = ", net of the seasonal cycle" if seasonal else ""
    line = Trending(
        fit.n,
        float(fit.r2) if np.isfinite(fit.r2) else 0.0,
        float(fit.p_value) if np.isfinite(fit.p_value) else 1.0,
        filled,
        grain=grain,
    )
    if not np.isfinite(fit.r2):
        no_trend = Claim(f"Too few {grain}s of {what} to judge a trend.", denies=(line,))
    elif fit.n < MIN_TREND_POINTS:
        no_trend = Claim(
            f"No trend is stated for {what} ({span}{net}): {fit.n} {grain}s are too few to "
            f"tell a line (R² = {fit.r2:.2f}) from chance.",
            denies=(line,),
        )
    elif fit.r2 >= MIN_TREND_R2:  # a good line, but it could be chance
        no_trend = Claim(
            f"No clear trend in {what} ({span}{net}): with {fit.n} {grain}s, a straight line "
            f"(R² = {fit.r2:.2f}) could be chance (p ≥ {MAX_TREND_P:g}).",
            denies=(line,),
        )
    else:
        no_trend = Claim(
            f"No clear trend in {what} ({span}{net}): a straight line explains "
            f"{fmt_pct(fit.r2)} of the variation (R² = {fit.r2:.2f}).",
            denies=(line,),
        )
    otherwise = instead or year_on_year_claim(table, what, grain, no_trend) or no_trend
    if not np.isfinite(fit.r2):
        return otherwise
    direction = "rises" if fit.slope > 0 else "falls"
    ends = ""
    if not seasonal and len(used):
        first, last = used.iloc[0], used.iloc[-1]
        name = table.columns[2]
        ends = (
            f", from {fmt_num(first[name])} in {first['period']} "
            f"to {fmt_num(last[name])} in {last['period']}"
        )
    text = (
        f"{what} {direction} by about {fmt_num(abs(fit.slope))} per {grain}{ends} "
        f"({fit.n} {grain}s{net}; R² = {fit.r2:.2f})."
    )
    return Claim(text, (line,), otherwise)


YOY_MIN_PAIRS = 6  # like periods a year apart needed to speak of a year-on-year change
_YEAR_LAG = {"week": 52, "month": 12, "quarter": 4}


def year_on_year_claim(table: pd.DataFrame, what: str, grain: str, instead: Claim) -> Claim | None:
    """When a line does not describe the series, whether like periods a year apart differ one
    way (a sign test over every matched pair): a seasonal series can grow 19% a year while a
    straight line through its peaks and troughs explains little."""
    lag = _YEAR_LAG.get(grain)
    if lag is None or "partial" not in table:
        return None
    name = table.columns[2]
    value = table[name].where(~table["partial"] & (table["rows"] > 0))
    previous = value.shift(lag)
    steps = table["t"] - table["t"].shift(lag)
    pairs = pd.DataFrame({"now": value, "before": previous, "apart": steps}).dropna()
    pairs = pairs[(pairs["apart"] - _cycle_span(grain)).abs() < 0.5]
    if len(pairs) < YOY_MIN_PAIRS or (pairs["before"] <= 0).any():
        return None
    up = int((pairs["now"] > pairs["before"]).sum())
    down = int((pairs["now"] < pairs["before"]).sum())
    p = sign_test_p(max(up, down), up + down)
    if p >= ALPHA:
        return None
    pct = float((pairs["now"] / pairs["before"] - 1).mean())
    first, last = table.loc[pairs.index[0], "period"], table.loc[pairs.index[-1], "period"]
    before_first = table.loc[pairs.index[0] - lag, "period"]
    change = Changed(str(first), str(before_first), adjacent=True, whole=True)
    verb = "higher" if up > down else "lower"
    text = (
        f"Year on year, {what} was {fmt_pct(abs(pct))} {verb} on average: "
        f"{max(up, down)} of {up + down} {grain}s from {first} to {last} were {verb} than "
        f"the same {grain} a year before (sign test {p_text(p)})."
    )
    return Claim(text, (change,), instead)


def _cycle_span(grain: str) -> float:
    """How far apart, in positions, a period and the same period a year before are."""
    return {"week": 52.0, "month": 12.0, "quarter": 4.0}[grain]


def season_claim(season: Seasonal, periods: Periods, what: str) -> Claim:
    """Where the calendar cycle peaks and bottoms, as effects on the period's level."""
    top = max(season.by_phase, key=lambda k: season.by_phase[k])
    low = min(season.by_phase, key=lambda k: season.by_phase[k])
    cycle = SEASON_NAME[periods.grain]
    tops = [k for k, v in season.by_phase.items() if fmt_num(v) == fmt_num(season.by_phase[top])]
    phases = Ranked(
        tuple(phase_name(k, periods.grain) for k in tops), len(season.by_phase),
        len(season.by_phase), says_tie=len(tops) > 1, by="phase",
    )  # fmt: skip
    return Claim(
        f"{what} follows a {cycle} cycle: highest in {phase_name(top, periods.grain)} "
        f"({'+' if season.by_phase[top] >= 0 else ''}{fmt_num(season.by_phase[top])} on the "
        f"level), lowest in {phase_name(low, periods.grain)} ({fmt_num(season.by_phase[low])}).",
        (phases,),
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
    table, season, filled_in = trend_table(periods, _metric_name(params), params.window)
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
    claims = [
        also_asserting(
            trend_claim(table, filled_in, what, periods.grain, season is not None),
            sum_asserted(df, params, periods),
            level_summed(params, periods.grain),
        )
    ]
    if season is not None:
        claims.append(season_claim(season, periods, what))
    notes = gap_findings(periods, what) + partial_findings(periods) + periods.notes
    claims += [fact(n) for n in notes]
    return ToolResult(
        summary=f"Trend of {what} over {len(table)} {periods.grain}s.",
        table=table,
        figure=fig,
        chart=_line_chart(params.date_column, name, params.agg, x, to_json_list(table[name]), what),
        claims=claims,
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
    before); any other series with the previous period at its native spacing. Each period with
    rows is set against the period `lag` rows before it that has rows too; `adjacent` says
    whether that is really the period it should be compared with (not one across a gap) and
    `whole` whether both are whole periods, so the validator says only changes between like,
    adjacent periods.
    """
    table = periods.table(name)
    season = seasonal_cycle(periods)
    lag = season.length if season is not None else 1
    has_value = pd.Series(np.isfinite(periods.values) & ~periods.no_rows, index=table.index)
    value = table[table.columns[2]].where(has_value)
    known = table[has_value]
    earlier = known.shift(lag)
    table["compared_with"] = earlier["period"].reindex(table.index)
    table["previous"] = earlier[table.columns[2]].reindex(table.index)
    gap = (known["t"] - earlier["t"]).reindex(table.index)
    table["adjacent"] = ((gap - lag * periods.step).abs() < 0.5) & has_value
    partial = pd.Series(periods.partial, index=table.index)
    earlier_partial = partial[has_value].shift(lag).reindex(table.index)
    table["whole"] = ~partial & (earlier_partial == False) & has_value  # noqa: E712
    table["change"] = value - table["previous"]
    table["pct_change"] = (
        100 * table["change"] / table["previous"].abs().where(table["previous"] != 0)
    )
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
    comparable = table["adjacent"] & table["whole"]
    y = to_json_list(table["pct_change"].where(comparable))
    fig = go.Figure(go.Bar(x=x, y=y))
    fig.update_layout(title=title, xaxis_title=params.date_column, yaxis_title="% change")
    chart = ChartData(
        kind="bar", x=params.date_column, y="pct_change", agg="none", x_values=x, y_values=y,
        title=title, points_sent=len(x),
    )  # fmt: skip
    claims = [
        also_asserting(c, sum_asserted(df, params, periods), level_summed(params, periods.grain))
        for c in change_claims(table, name, what, periods.grain)
    ]
    notes = partial_findings(periods) + gap_findings(periods, what) + periods.notes
    claims += [fact(n) for n in notes]
    return ToolResult(
        summary=f"{len(table):,} {periods.grain}s of {what}, each against {basis}.",
        table=table,
        figure=fig,
        chart=chart,
        claims=claims,
        metrics={"periods": len(table), "lag": lag},
    )


CHANGE_CANDIDATES = 12  # earlier changes tried when the latest is not between like periods


def change_claims(table: pd.DataFrame, y: str, what: str, grain: str) -> list[Claim]:
    """The latest change, then the largest rise and drop (ties named together): each proposed
    from every change the table has; the validator keeps those between adjacent, whole
    periods, and otherwise the next one is tried."""
    changes = table.dropna(subset=["change"])
    none = Claim(f"No two comparable {grain}s of {what}: no change to report.")
    if changes.empty:
        return [none]
    recent = changes.iloc[::-1].head(CHANGE_CANDIDATES).to_dict("records")
    out = [_chain([_change_claim(r, y, what) for r in recent], none)]
    valid = changes[changes["adjacent"] & changes["whole"]]
    for word, ascending, sign in (("rise", False, 1), ("drop", True, -1)):
        order = changes.sort_values("change", ascending=ascending, kind="stable")
        order = order[order["change"] * sign > 0].head(CHANGE_CANDIDATES)
        if len(valid) > 1 and len(order):
            out.append(_chain([_extreme_change(order, r, word) for r in order.to_dict("records")]))
    return out


def _chain(claims: list[Claim], last: Claim | None = None) -> Claim:
    """The first claim, each later one said in its place when the one before does not hold."""
    out = last
    for claim in reversed(claims):
        out = dataclasses.replace(claim, instead=out)
    assert out is not None
    return out


def _changed(row: dict[str, Any]) -> Changed:
    return Changed(
        str(row["period"]), str(row["compared_with"]), bool(row["adjacent"]), bool(row["whole"])
    )


def _change_claim(row: dict[str, Any], y: str, what: str) -> Claim:
    text = (
        f"{what}: {row['period']} was {fmt_num(row[y])} against {fmt_num(row['previous'])} "
        f"in {row['compared_with']}, a change of {_signed(row['change'])}"
    )
    if pd.notna(row["pct_change"]):
        text += f" ({_signed_pct(row['pct_change'])})"
    return Claim(text + ".", (_changed(row),))


def _extreme_change(order: pd.DataFrame, row: dict[str, Any], word: str) -> Claim:
    """ "The largest rise was +x in P (vs Q)", other comparable periods with the same change
    named with it."""
    same = order[order["change"].map(fmt_num) == fmt_num(row["change"])]
    same = same[same["adjacent"] & same["whole"]]
    names = [f"{a} (vs {b})" for a, b in zip(same["period"], same["compared_with"], strict=True)]
    own = f"{row['period']} (vs {row['compared_with']})"
    names = names if own in names else [own]
    text = f"The largest {word} was {_signed(row['change'])} in {join_labels(names)}."
    return Claim(text, (_changed(row),))


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
        claims=season_claims(table, params.by, name, what),
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


def season_claims(table: pd.DataFrame, by: str, y: str, what: str) -> list[Claim]:
    """Highest and lowest phase (ties named together), or that the differences look like chance."""
    data = table.dropna(subset=[y])
    if len(data) < 2:
        return []
    hi, top, lo, low = extremes([str(v) for v in data[by]], data[y].tolist())
    ranking = Ranked(tuple(hi), len(data), len(data), says_tie=len(hi) > 1, measure=y, by=by)
    if fmt_num(top) == fmt_num(low):
        return [fact(f"{what} is the same for every {by} ({fmt_num(top)}).")]
    if table.attrs.get("p_value", 0.0) >= 0.05:
        return [
            fact(
                f"No clear {by} pattern in {what}: values range from {fmt_num(low)} to "
                f"{fmt_num(top)}, differences chance would give (Kruskal–Wallis p ≥ 0.05)."
            )
        ]
    text = (
        f"{join_labels(hi)} {'have' if len(hi) > 1 else 'has'} the highest {what} "
        f"({fmt_num(top)}), {join_labels(lo)} the lowest ({fmt_num(low)})"
    )
    if low > 0:
        text += f": {higher_than(top, low)}"
    return [Claim(text + ".", (ranking,))]
