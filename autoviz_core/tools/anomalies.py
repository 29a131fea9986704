"""Anomaly tools: IQR fences, robust z-scores (median/MAD) and rolling anomalies over time.

Each returns the flagged rows with a `reason` sentence, so a person can check a flag by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import Field

from autoviz_core.tools.claims import Claim, Unusual
from autoviz_core.tools.common import (
    FilteredParams,
    agg_label,
    datetime_values,
    empty_result,
    filtered_rows,
    fmt_num,
    is_numeric,
    is_temporal,
    join_labels,
    label,
    numeric_values,
    require_columns,
    scope_text,
    to_json_list,
)
from autoviz_core.tools.measures import table_time
from autoviz_core.tools.periods import (
    SEASON_LENGTH,
    SEASON_NAME,
    Periods,
    Seasonal,
    build_periods,
    fit_trend,
    native_grain,
    phase_of,
    seasonal_cycle,
)
from autoviz_core.tools.registry import (
    ChartData,
    ToolContext,
    ToolResult,
    column_param,
    tool,
)
from autoviz_core.vocabulary import GroupAggregation, PeriodGrain

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
    fig.update_layout(title=title, xaxis_title="row", yaxis_title=column)
    both = pd.concat([normal, flagged]).sort_values("i", kind="stable")
    chart = ChartData(
        kind="scatter", x="row", y=column, x_values=to_json_list(both["i"]), y_values=to_json_list(both["v"]),
        title=title, points_sent=len(both),
    )  # fmt: skip
    return fig, chart


ID_ROLES_MAX_SHARE = 0.5  # a naming column has many distinct values (countries, names)


def row_names(df: pd.DataFrame, column: str) -> list[str]:
    """A short name per row for findings ("Kuwait 1957: "): its label column and its date/year."""
    parts: list[pd.Series] = []
    texty = [
        c
        for c in df.columns
        if c != column
        and not is_numeric(df[c])
        and not is_temporal(df[c])
        and df[c].nunique() > ID_ROLES_MAX_SHARE * min(len(df), 200) ** 0.5
    ]
    dated = [
        c for c in df.columns if c != column and (is_temporal(df[c]) or str(c).lower() == "year")
    ]
    if not texty and dated and df[dated[0]].duplicated().any():
        # several rows per date (one per store): the grouping names the row
        texty = [c for c in df.columns if c != column and not is_numeric(df[c]) and c not in dated]
    if texty:
        parts.append(df[texty[0]].astype("string").fillna("?"))
    if dated:
        parts.append(pd.Series([label(v) for v in df[dated[0]]], index=df.index, dtype="string"))
    if not parts:
        return [""] * len(df)  # the table's row_index names the row
    joined = parts[0] if len(parts) == 1 else parts[0] + " " + parts[1]
    return [f"{v}: " for v in joined.tolist()]


def outlier_claims(
    table: pd.DataFrame,
    column: str,
    n_rows: int,
    rule: str,
    rule_in_words: str,
    pattern: RowPattern,
) -> list[Claim]:
    """How many rows lie beyond the rule, with the most extreme ones named; or that none does.

    Rows whose value is ordinary for their weekday (or month), when the table's calendar
    pattern is significant, are explained by it: the claim naming them is not said, and the
    rows beyond the rule within their own weekday are said instead.
    The rule's numbers (fences, median) are columns of the flagged table, so they are printed
    only when there is a flagged row to carry them.
    """
    none = Claim(
        f"No row of {column} lies beyond {rule_in_words}: all {n_rows:,} rows checked.",
        denies=(Unusual(pattern.tested, pattern.name),),
    )
    if table.empty:
        return [none]
    names = [_short(r) for r in table["reason"]]
    explained = tuple(n for n, e in zip(names, pattern.explained, strict=True) if e)
    unusual = Unusual(pattern.tested, pattern.name, explained)
    verb = "lies" if len(table) == 1 else "lie"
    text = (
        f"{len(table):,} of {n_rows:,} rows of {column} {verb} beyond {rule}; most extreme: "
        f"{join_labels(names[:3], limit=3)}."
    )
    kept = [n for n, e in zip(names, pattern.explained, strict=True) if not e]
    if kept:
        instead = Claim(
            f"{len(kept):,} of {n_rows:,} rows of {column} lie beyond {rule} and are unusual "
            f"for their {pattern.unit} too; most extreme: {join_labels(kept[:3], limit=3)}.",
            (Unusual(pattern.tested, pattern.name),),
        )
    else:
        instead = Claim(
            f"The {len(table):,} rows of {column} beyond {rule} are ordinary for their "
            f"{pattern.unit}: the {pattern.name} pattern explains them, so none is called "
            "unusual.",
            denies=(unusual,),
        )
    if not pattern.tested:
        instead = Claim(
            f"{len(table):,} row(s) of {column} lie beyond {rule}, but the dates cover too "
            f"little time to tell them from a {pattern.name} pattern: none is called unusual.",
            denies=(unusual,),
        )
    return [Claim(text, (unusual,), instead)]


def _short(reason: str) -> str:
    return reason.split(" > ")[0].split(" < ")[0].split(": robust")[0]


@dataclass(frozen=True)
class RowPattern:
    """The calendar pattern tested before rows are called unusual: its name ("weekly",
    "yearly", "" when there is none), the unit ("weekday"), whether the dates allowed a test,
    and per flagged row whether its value is ordinary within its own phase."""

    name: str
    unit: str
    tested: bool
    explained: tuple[bool, ...]


MIN_PATTERN_CYCLES = 2  # cycles the dates must cover before a pattern can be told from an outlier


def row_pattern(
    df: pd.DataFrame,
    values: pd.Series,
    flagged: np.ndarray,
    beyond: Callable[[pd.Series, float], bool],
) -> RowPattern:
    """Test the calendar patterns the dates can show before rows are called unusual: the
    weekday for daily data (two weeks at least), the month of the year (two years at least).
    A flagged row is explained when a pattern is significant (Kruskal–Wallis) and the row is
    not beyond the same rule within its own phase (`beyond(phase values, value)`), or when
    most rows of its phase in the other cycles are flagged the same way (every December)."""
    time = table_time(df)
    nothing = tuple(False for _ in flagged)
    if time is None or is_numeric(df[time]):
        return RowPattern("", "row", True, nothing)
    times = datetime_values(df[time])
    if times.notna().sum() < 2:
        return RowPattern("", "row", True, nothing)
    span_days = float((times.max() - times.min()).total_seconds() / 86400)
    daily = native_grain(times)[0] == "day"
    if daily and span_days < 7 * MIN_PATTERN_CYCLES:
        return RowPattern("weekly", "weekday", False, nothing)
    candidates = [("weekly", "weekday", times.dt.day_of_week)] if daily else []
    if span_days >= 365.25 * MIN_PATTERN_CYCLES - 31:
        candidates.append(("yearly", "month", times.dt.month))
    elif not daily:
        return RowPattern("yearly", "month", False, nothing)
    side = np.sign(values - values.median())
    flag_mask = pd.Series(False, index=values.index)
    flag_mask.iloc[list(flagged)] = True
    best: RowPattern | None = None
    for name, unit, phase in candidates:
        significant = _phase_p(values, phase) < 0.05
        explained = []
        for i in flagged:
            same = (phase == phase.iloc[i]) & (values.index != values.index[i])
            recurs = bool(
                same.any() and (flag_mask[same] & (side[same] == side.iloc[i])).mean() >= 0.5
            )
            ordinary = significant and not beyond(values[same].dropna(), float(values.iloc[i]))
            explained.append(recurs or ordinary)
        found = RowPattern(name, unit, True, tuple(explained))
        if best is None or sum(found.explained) > sum(best.explained):
            best = found
    return best or RowPattern("", "row", True, nothing)


def _phase_p(values: pd.Series, phase: pd.Series) -> float:
    from scipy import stats as sps

    frame = pd.DataFrame({"v": values.to_numpy(), "g": phase.to_numpy()}).dropna()
    samples = [part.to_numpy() for _, part in frame.groupby("g")["v"] if len(part) >= 2]
    if len(samples) < 2 or frame["v"].nunique() < 2:
        return 1.0
    return float(sps.kruskal(*samples).pvalue)


def _summary(n_flagged: int, n: int, column: str, rule: str) -> str:
    return f"{n_flagged:,} of {n:,} rows flagged on {column} ({rule})."


# ---------------------------------------------------------------- IQR
class IqrParams(FilteredParams):
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
    df = filtered_rows(df, params).reset_index(drop=True)
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
    names = row_names(df, params.column)

    def reason_at(i: int) -> str:
        if arr[i] > hi:
            return f"{names[i]}{params.column} {fmt_num(arr[i])} > Q3+{k}·IQR = {fmt_num(hi)}"
        return f"{names[i]}{params.column} {fmt_num(arr[i])} < Q1−{k}·IQR = {fmt_num(lo)}"

    table = _flagged_table(df, mask, severity.fillna(0), reason_at)
    fig, chart = _strip_figure(values, mask, params.column, f"{params.column}: IQR outliers", ctx)
    table["lower_fence"], table["upper_fence"] = lo, hi
    order = table["row_index" if "row_index" in table else "_row_index"].to_numpy()

    def beyond(phase: pd.Series, value: float) -> bool:
        a, b = float(phase.quantile(0.25)), float(phase.quantile(0.75))
        return bool(value > b + params.k * (b - a) or value < a - params.k * (b - a))

    claims = outlier_claims(
        table,
        params.column,
        len(df),
        f"the IQR fences {fmt_num(lo)} and {fmt_num(hi)}",
        f"the IQR fences (Q1 − {k}·IQR, Q3 + {k}·IQR)",
        row_pattern(df, values, order, beyond),
    )
    return ToolResult(
        summary=_summary(
            int(mask.sum()), len(df), params.column, f"IQR fences {fmt_num(lo)}–{fmt_num(hi)}"
        ),
        table=table,
        figure=fig,
        chart=chart,
        claims=claims,
        metrics={"flagged": int(mask.sum()), "lower": lo, "upper": hi, "q1": q1, "q3": q3},
    )


# ---------------------------------------------------------------- robust z
class RobustZParams(FilteredParams):
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
    df = filtered_rows(df, params).reset_index(drop=True)
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
    names = row_names(df, params.column)

    def reason_at(i: int) -> str:
        return (
            f"{names[i]}{params.column} {fmt_num(arr[i])}: robust z = {zarr[i]:.1f} "
            f"(median {fmt_num(median)}, MAD {fmt_num(mad)})"
        )

    table = _flagged_table(df, mask, z.abs().fillna(0), reason_at)
    fig, chart = _strip_figure(
        values, mask, params.column, f"{params.column}: robust z-score outliers", ctx
    )
    table["robust_z"] = [
        float(zarr[i]) for i in table["row_index" if "row_index" in table else "_row_index"]
    ]
    table["median"] = median
    order = table["row_index" if "row_index" in table else "_row_index"].to_numpy()

    def beyond(phase: pd.Series, value: float) -> bool:
        centre = float(phase.median())
        spread = MAD_TO_SIGMA * float((phase - centre).abs().median())
        return bool(spread > 0 and abs(value - centre) / spread > params.threshold)

    claims = outlier_claims(
        table,
        params.column,
        len(df),
        f"|robust z| = {params.threshold:g} (median {fmt_num(median)})",
        f"|robust z| = {params.threshold:g}",
        row_pattern(df, values, order, beyond),
    )
    return ToolResult(
        summary=_summary(
            int(mask.sum()), len(df), params.column, f"|robust z| > {params.threshold:g}"
        ),
        table=table,
        figure=fig,
        chart=chart,
        claims=claims,
        metrics={"flagged": int(mask.sum()), "median": median, "mad": mad},
    )


# ---------------------------------------------------------------- rolling anomalies
class RollingParams(FilteredParams):
    """The time series (date, metric, aggregation, grain) and the rolling rule."""

    date_column: str = column_param(role="temporal", description="the date column")
    metric: str | None = column_param(None, role="numeric", description="None = count rows")
    agg: GroupAggregation = "sum"
    grain: PeriodGrain = "day"
    group_by: str | None = column_param(
        None, role="categorical", description="one series per group"
    )
    window: int = Field(7, ge=3, le=365, description="centred rolling window, in periods")
    k: float = Field(3.5, gt=0, le=20, description="flag beyond rolling median ± k·MAD")
    direction: Literal["both", "high", "low"] = "both"


def rolling_flags(series: pd.Series, window: int, k: float, direction: str) -> pd.DataFrame:
    """Rolling median as the expected level; flag values beyond it ± k·(robust spread).

    The spread is the noise of the whole series, from the scaled MAD of consecutive differences
    divided by √2: a MAD over a few neighbours, or around a median that passes through the
    point itself, underestimates it and flags ordinary periods. It is floored at 1% of the
    typical level so a flat series does not flag tiny wiggles.
    """
    window = max(3, min(window, len(series)))
    med = series.rolling(window, center=True, min_periods=max(3, window // 2)).median()
    steps = series.dropna().diff().dropna()
    step_mad = float((steps - steps.median()).abs().median()) / np.sqrt(2) if len(steps) else 0.0
    resid = (series - med).dropna()
    resid_mad = float((resid - resid.median()).abs().median()) if len(resid) else 0.0
    floor = 0.01 * float(series.abs().median()) if series.notna().any() else 0.0
    # the larger of the two: differences understate a wandering series, residuals a noisy one
    scale = max(MAD_TO_SIGMA * max(step_mad, resid_mad), floor, 1e-12)
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


def period_bands(periods: Periods, p: RollingParams) -> tuple[pd.DataFrame, Seasonal | None]:
    """Each period with its expected level and band; the calendar cycle is part of "expected".

    For a seasonal series (summer warmer than winter, weekends quieter than weekdays) the
    rolling rule runs on the values net of the cycle, and the cycle is added back to the band,
    so the season itself is never an anomaly. Gaps and partial periods are never flagged.
    """
    season = seasonal_cycle(periods)
    effect = season.effect if season is not None else np.zeros(len(periods.keys))
    usable = pd.Series(periods.usable & ~periods.no_rows)  # a period without rows is a gap
    fit = fit_trend(periods.positions, np.where(usable, periods.values - effect, np.nan))
    if fit.supported:  # a steady rise is expected too: the first and last periods are not odd
        effect = effect + fit.intercept + fit.slope * periods.positions
    adjusted = pd.Series(periods.values - effect).where(usable)
    flags = rolling_flags(adjusted, p.window, p.k, p.direction)
    table = periods.table("value").drop(columns=["t"])
    table["value"] = table["value"].where(~pd.Series(periods.no_rows))
    table["expected"] = flags["rolling_median"] + effect
    table["upper"] = flags["upper"] + effect
    table["lower"] = flags["lower"] + effect
    table["flag"] = flags["flag"].astype(bool) & usable
    table["recurring"] = recurring(periods, table)
    return table, season


def pattern_testable(periods: Periods) -> bool:
    """Whether the series is long enough to tell its calendar cycle (weekly for days, yearly
    for weeks, months, quarters) from an unusual period: two whole cycles. A grain with no
    cycle (years, irregular spacing) has nothing to test."""
    length = SEASON_LENGTH.get(periods.grain)
    if length is None or periods.numeric_years or periods.step != 1:
        return True
    return int(periods.usable.sum()) >= MIN_PATTERN_CYCLES * length


def recurring(periods: Periods, table: pd.DataFrame) -> np.ndarray:
    """Flagged periods whose departure recurs at the same phase of the other cycles (every
    December high): the calendar pattern explains them, whatever the cycle's overall strength."""
    out = np.zeros(len(table), dtype=bool)
    length = SEASON_LENGTH.get(periods.grain)
    if length is None or periods.numeric_years or periods.step != 1:
        return out
    phases = np.array([phase_of(k, periods.grain) for k in periods.keys])
    dev = (table["value"] - table["expected"]).to_numpy(dtype="float64")
    half = 0.5 * (table["upper"] - table["expected"]).to_numpy(dtype="float64")
    for i in np.flatnonzero(table["flag"].to_numpy()):
        others = (phases == phases[i]) & np.isfinite(dev) & (np.arange(len(dev)) != i)
        if not others.any():
            continue
        same = (np.sign(dev[others]) == np.sign(dev[i])) & (np.abs(dev[others]) >= half[others])
        out[i] = bool(same.mean() >= 0.5)
    return out


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
    rows = filtered_rows(df, params)
    if rows.empty:
        return empty_result(f"rolling anomalies of {params.metric or 'rows'}")
    frames, seasonal, grain, tested = [], False, str(params.grain), True
    for key, part in _group_frames(rows, params.group_by):
        periods = build_periods(
            part, params.date_column, params.metric, params.agg, params.grain, share_keys=False
        )
        bands, season = period_bands(periods, params)
        seasonal = seasonal or season is not None
        tested = tested and pattern_testable(periods)
        grain = periods.grain
        if params.group_by:
            bands.insert(0, params.group_by, key)
        frames.append(bands)
    bands = pd.concat(frames, ignore_index=True)
    what = f"{agg_label(params.agg, params.metric)} per {grain}{scope_text(params.filters)}"
    bands["reason"] = [
        _rolling_reason(r, params, what) if r["flag"] else "" for r in bands.to_dict("records")
    ]
    bands["severity"] = (
        (bands["value"] - bands["expected"]).abs() / (bands["upper"] - bands["expected"])
    ).where(bands["flag"])
    table = _flagged_first(bands)
    fig, chart = _band_figure(bands, params, what, ctx, periods.key_column)
    claims = rolling_claims(table, params, what, grain, seasonal, tested)
    n_flagged = int(table["flag"].sum())
    return ToolResult(
        summary=f"{n_flagged:,} anomalous {grain}(s) of {what} (window {params.window}, k = {params.k:g}).",
        table=table,
        figure=fig,
        chart=chart,
        claims=claims,
        metrics={"flagged": n_flagged, "periods": len(table), "seasonal": seasonal},
    )


def _flagged_first(bands: pd.DataFrame) -> pd.DataFrame:
    """Flagged periods first, most extreme first; then every other period in time order."""
    flagged = bands[bands["flag"]].sort_values("severity", ascending=False, kind="stable")
    return pd.concat([flagged, bands[~bands["flag"]]], ignore_index=True)


def rolling_claims(
    table: pd.DataFrame, p: RollingParams, what: str, grain: str, seasonal: bool, tested: bool
) -> list[Claim]:
    """Which periods stand out, with their values and expected levels; or that none does.

    Proposed of every flagged period; a period whose departure recurs at the same phase of the
    other cycles is explained by the calendar pattern, and a series too short for two cycles
    cannot tell the two apart: the validator then says what holds instead.
    """
    checked = table[table["value"].notna() & ~table["partial"]]
    flagged = table[table["flag"]]
    cycle = SEASON_NAME.get(grain, "")
    rule = f"their expected level ± {p.k:g}·MAD" + (
        " (calendar cycle included)" if seasonal else ""
    )
    if flagged.empty:
        text = (
            f"No {grain} stands out in {what} beyond {rule}: all {len(checked):,} {grain}s "
            "stay within their expected range."
        )
        return [Claim(text, denies=(Unusual(tested, cycle),))]
    explained = tuple(_label_of(r, p) for r in flagged[flagged["recurring"]].to_dict("records"))
    unusual = Unusual(tested, cycle, explained)
    kept = flagged[~flagged["recurring"]]
    if not tested:
        instead = Claim(
            f"{len(flagged):,} {grain}(s) of {what} lie beyond {rule}, but {len(checked):,} "
            f"{grain}s are too few to tell an unusual {grain} from the {cycle} pattern (two "
            f"cycles are needed): none is called unusual.",
            denies=(unusual,),
        )
    elif kept.empty:
        instead = Claim(
            f"No {grain} stands out in {what} beyond its {cycle} pattern: the {len(flagged):,} "
            f"{grain}(s) beyond {rule} depart the same way at the same time in other cycles.",
            denies=(unusual,),
        )
    else:
        instead = _flagged_claim(kept, checked, p, what, grain, rule, Unusual(tested, cycle))
    return [_flagged_claim(flagged, checked, p, what, grain, rule, unusual, instead)]


def _label_of(row: dict[str, object], p: RollingParams) -> str:
    return f"{_who(row, p)}{row['period']}"


def _flagged_claim(
    flagged: pd.DataFrame,
    checked: pd.DataFrame,
    p: RollingParams,
    what: str,
    grain: str,
    rule: str,
    unusual: Unusual,
    instead: Claim | None = None,
) -> Claim:
    shown = [
        f"{_who(r, p)}{r['period']} ({fmt_num(r['value'])} vs expected {fmt_num(r['expected'])})"
        for r in flagged.head(3).to_dict("records")
    ]
    more = f" (all {len(flagged):,} are listed in the table)" if len(flagged) > 3 else ""
    text = (
        f"{len(flagged):,} of {len(checked):,} {grain}s stand out in {what} beyond {rule}: "
        f"{join_labels(shown, limit=3)}{more}."
        if len(flagged) > 1
        else f"1 of {len(checked):,} {grain}s stands out in {what} beyond {rule}: {shown[0]}."
    )
    return Claim(text, (unusual,), instead)


def _who(row: dict[str, object], p: RollingParams) -> str:
    return f"{label(row[p.group_by])} " if p.group_by else ""


def _group_frames(df: pd.DataFrame, group_by: str | None) -> list[tuple[object, pd.DataFrame]]:
    if group_by is None:
        return [(None, df)]
    return [(k, part) for k, part in df.groupby(group_by, observed=True, sort=True)]


def _rolling_reason(row: dict[str, object], p: RollingParams, what: str) -> str:
    when = str(row["period"])
    who = _who(row, p)
    v, med = row["value"], row["expected"]
    if v > row["upper"]:  # type: ignore[operator]
        bound, sign = row["upper"], ">"
        rel = "+"
    else:
        bound, sign = row["lower"], "<"
        rel = "−"
    return (
        f"{who}{when}: {what} {fmt_num(v)} {sign} expected {fmt_num(med)} "
        f"{rel} {p.k:g}·MAD = {fmt_num(bound)}"
    )


def _band_figure(
    bands: pd.DataFrame, p: RollingParams, what: str, ctx: ToolContext, key_col: str
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
        x = to_json_list(part[key_col])
        fig.add_trace(go.Scatter(x=x, y=to_json_list(part["value"]), mode="lines", name=name))
        flagged = part[part["flag"]]
        fig.add_trace(
            go.Scatter(
                x=to_json_list(flagged[key_col]), y=to_json_list(flagged["value"]), mode="markers",
                name=f"{name}: anomaly", marker={"color": "crimson", "size": 10},
            )
        )  # fmt: skip
    if not p.group_by:
        x = to_json_list(bands[key_col])
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
    title = f"{what} with rolling anomaly band"
    fig.update_layout(title=title, xaxis_title=p.date_column, yaxis_title=what)
    chart = ChartData(
        kind="line", x=p.date_column, y=p.metric, color=p.group_by, agg=p.agg,
        x_values=to_json_list(bands[key_col]), y_values=to_json_list(bands["value"]),
        color_values=to_json_list(bands[p.group_by]) if p.group_by else None,
        title=title, points_sent=len(bands),
    )  # fmt: skip
    return fig, chart
