"""Time as it really is: periods at their native spacing, gaps kept as gaps, partial periods marked.

A table of integer years sampled every five years stays a series of every-five-year periods;
a month with no rows is a gap (NaN), never a zero, unless rows are counted or an additive flow
is summed, where "no rows" truly means 0 (and the period is marked so a finding can say so).
Periods print at their grain: 1952, 2015-Q3, 2015-07, 2015-W28, 2015-07-14.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import bdtrc, stdtr  # t and binomial tails: scipy.stats costs ~50 MB, ~1 s

from autoviz_core.tools.claims import MAX_TREND_P, MIN_TREND_POINTS, MIN_TREND_R2
from autoviz_core.tools.common import (
    ToolInputError,
    aggregate_series,
    bucket_column,
    bucket_time,
    datetime_values,
    is_numeric,
    numeric_values,
)
from autoviz_core.vocabulary import PERIOD_GRAINS

_TINY = 1.0e-20  # as in scipy.stats.linregress: keeps r = +-1 from dividing by zero
_GRAIN_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "quarter": 91.31, "year": 365.25}
_RANGE_FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}
_NEXT = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(days=7),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}
# The calendar cycle a grain can show, in periods, and what one phase of it is called.
SEASON_LENGTH = {"day": 7, "week": 52, "month": 12, "quarter": 4}
SEASON_NAME = {"day": "weekly", "week": "yearly", "month": "yearly", "quarter": "yearly"}
MIN_SEASONAL_STRENGTH = 0.5  # share of the non-trend variation the cycle explains
MIN_CYCLES = 3  # phase effects from two cycles fit noise as well as a season
# A straight line is reported as a trend only when it explains something and is unlikely chance
# (the thresholds are the trend claim's preconditions, tools/claims.py).
ADDITIVE_AGGS = ("count", "sum")
# Columns every period table adds; a source column with one of these names is renamed.
RESERVED = ("period", "rows", "t", "partial", "value", "expected", "upper", "lower", "flag")


def grain_index(grain: str) -> int:
    return PERIOD_GRAINS.index(grain) if grain in PERIOD_GRAINS else 0


def coarser(a: str, b: str) -> str:
    """The coarser of two grains ("month" vs "day" -> "month")."""
    return a if grain_index(a) >= grain_index(b) else b


def native_grain(times: pd.Series) -> tuple[str, float]:
    """The grain the data were recorded at (from the typical gap between dates) and that gap in days."""
    distinct = pd.Series(times.dropna().unique()).sort_values()
    if len(distinct) < 2:
        return "day", 1.0
    gap = float(distinct.diff().dropna().dt.total_seconds().median()) / 86400
    for grain in PERIOD_GRAINS:
        if gap <= _GRAIN_DAYS[grain] * 1.5:
            return grain, max(gap, 1.0)
    return "year", gap


def calendar_grain(values: Any) -> str:
    """The grain dates are recorded at, when every one of them starts its period (monthly data
    stored as 2021-05-01 is a month, printed 2021-05); else "day"."""
    times = pd.to_datetime(pd.Series(list(values)), errors="coerce").dropna()
    if len(times) < 2 or (times != times.dt.normalize()).any():
        return "day"
    grain, _ = native_grain(times)
    starts = {
        "year": (times.dt.month == 1) & (times.dt.day == 1),
        "quarter": times.dt.is_quarter_start,
        "month": times.dt.day == 1,
    }
    fits = starts.get(grain)
    return grain if fits is not None and bool(fits.all()) else "day"


def period_label(key: Any, grain: str) -> str:
    """A period as people write it at its grain: 1952, 2015-Q3, 2015-07, week of 2015-07-13,
    2015-07-14. A week is named by its first day, in the data's own calendar: an ISO label
    puts Monday 2019-12-30 in "2020-W01", a year the data may not reach."""
    if grain == "week" and not isinstance(key, (int, np.integer, float, np.floating)):
        if key is None or key is pd.NaT:
            return "(missing)"
        ts = pd.Timestamp(key).normalize()
        return f"week of {(ts - pd.Timedelta(days=ts.day_of_week)).strftime('%Y-%m-%d')}"
    return period_id(key, grain)


def period_id(key: Any, grain: str) -> str:
    """A period's identifier at its grain, weeks as ISO weeks (2015-W29): how a question may
    name a period, so both sides of a comparison are spelled the same way."""
    if key is None or (isinstance(key, float) and np.isnan(key)) or key is pd.NaT:
        return "(missing)"
    if isinstance(key, (int, np.integer, float, np.floating)):
        return str(int(key))
    ts = pd.Timestamp(key)
    if grain == "year":
        return f"{ts.year}"
    if grain == "quarter":
        return f"{ts.year}-Q{ts.quarter}"
    if grain == "month":
        return ts.strftime("%Y-%m")
    if grain == "week":
        iso = ts.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")


def position(key: Any, grain: str) -> float:
    """The period's place on a time axis counted in its grain (for slopes "per month")."""
    if isinstance(key, (int, np.integer, float, np.floating)):
        return float(key)
    ts = pd.Timestamp(key)
    if grain == "year":
        return float(ts.year)
    if grain == "quarter":
        return float(ts.year * 4 + ts.quarter - 1)
    if grain == "month":
        return float(ts.year * 12 + ts.month - 1)
    days = (ts.normalize() - pd.Timestamp("1970-01-01")).days
    return days / 7.0 if grain == "week" else float(days)


@dataclass
class Periods:
    """One metric per period, in time order, with what a reader must know about each period."""

    date_column: str
    grain: str
    keys: list[Any]
    values: np.ndarray
    rows: np.ndarray
    partial: np.ndarray
    step: int = 1
    numeric_years: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [period_label(k, self.grain) for k in self.keys]

    @property
    def positions(self) -> np.ndarray:
        return np.array([position(k, self.grain) for k in self.keys], dtype="float64")

    @property
    def no_rows(self) -> np.ndarray:
        return self.rows == 0

    @property
    def usable(self) -> np.ndarray:
        """Periods a comparison may use: they have a value and cover the whole period."""
        return np.isfinite(self.values) & ~self.partial

    @property
    def key_column(self) -> str:
        """The table's date column: the source name unless it clashes with a column added here."""
        return self.date_column if self.date_column not in RESERVED else f"{self.date_column}_key"

    def table(self, value_name: str) -> pd.DataFrame:
        """The series as a table: key, label at grain, value, rows behind it, position, partial."""
        keys: Any = (
            pd.array(self.keys, dtype="Int64")
            if self.numeric_years
            else pd.DatetimeIndex(self.keys)
        )
        value_column = value_name if value_name not in RESERVED[:4] else f"{value_name}_value"
        return pd.DataFrame(
            {
                self.key_column: keys,
                "period": self.labels,
                value_column: self.values,
                "rows": self.rows.astype("int64"),
                "t": self.positions,
                "partial": self.partial.astype(bool),
            }
        )


def _period_keys(
    df: pd.DataFrame, column: str, grain: str, share: bool
) -> tuple[pd.Series, str, bool, list[str], float]:
    """Per-row period keys, the grain used, whether keys are plain years, notes, native gap in
    days. When `share`, the keys are the run's buckets of the column (tools.cache), which a
    sum's check of what it adds up reads again."""
    s = df[column]
    if is_numeric(s):
        years = numeric_values(s)
        present = years.dropna()
        if len(present) and not ((present % 1 == 0).all() and present.between(1, 9999).all()):
            raise ToolInputError(f"column {s.name!r} holds numbers that are not years")
        notes = [] if grain == "year" else [f"{s.name} holds years: periods are years"]
        return years.astype("Int64"), "year", True, notes, 365.25
    times = datetime_values(s)
    native, gap_days = native_grain(times)
    used = coarser(grain, native)
    notes = []
    if used != grain:
        notes.append(f"{s.name} is recorded about once a {native}: periods are {used}s")
    keys = bucket_column(df, column, used) if share else bucket_time(times, used)
    return keys, used, False, notes, gap_days


def _native_step(positions: np.ndarray) -> int:
    """How many periods apart the data usually are (5 for every-five-year data, else 1)."""
    if len(positions) < 3:
        return 1
    diffs = np.rint(np.diff(positions)).astype("int64")
    diffs = diffs[diffs > 0]
    if not len(diffs):
        return 1
    values, counts = np.unique(diffs, return_counts=True)
    return max(1, int(values[np.argmax(counts)]))


def _expected_keys(present: list[Any], grain: str, numeric: bool, step: int) -> list[Any]:
    """Every period between the first and the last at the native step (present ones kept).

    Days follow the data's own calendar: a weekday that never has a row (the weekend of
    trading days) is outside it, not a gap of zeros."""
    if numeric:
        first, last = int(present[0]), int(present[-1])
        full: list[Any] = list(range(first, last + 1, step))
    else:
        rng = pd.date_range(present[0], present[-1], freq=_RANGE_FREQ[grain])
        if grain == "day" and len(rng) >= 2 * 7:
            rng = rng[rng.day_of_week.isin(weekdays_of(present))]
        full = list(rng)[::step]
    have = {position(k, grain) for k in present}
    want = {position(k, grain) for k in full}
    return full if have <= want else present


def weekdays_of(keys: list[Any]) -> set[int]:
    """The weekdays a daily series has rows on (Monday = 0)."""
    return {int(pd.Timestamp(k).day_of_week) for k in keys}


def _partial_edges(times: pd.Series, keys: list[Any], grain: str, native_days: float) -> np.ndarray:
    """First/last periods the data cover only in part (a week that starts on a Thursday)."""
    partial = np.zeros(len(keys), dtype=bool)
    present = times.dropna()
    if not len(keys) or present.empty:
        return partial
    first_start = pd.Timestamp(keys[0])
    if (present.min() - first_start).total_seconds() / 86400 > 0.5 * native_days:
        partial[0] = True
    last_end = pd.Timestamp(keys[-1]) + _NEXT[grain]
    if (last_end - present.max()).total_seconds() / 86400 > 1.5 * native_days:
        partial[-1] = True
    return partial


def build_periods(
    df: pd.DataFrame,
    date_column: str,
    metric: str | None,
    agg: str,
    grain: str,
    *,
    share_keys: bool = True,
) -> Periods:
    """The metric aggregated per period at its native spacing, gaps and partial periods marked.
    `share_keys=False` for a passing part of a table (one group's rows), whose keys no other
    step reads: the run cache would keep the part alive."""
    keys_per_row, used, numeric, notes, native_days = _period_keys(
        df, date_column, grain, share_keys
    )
    keys_per_row = keys_per_row.rename(date_column)
    if metric is None:
        values = None
    elif agg == "count":
        values = df[metric]
    else:
        values = numeric_values(df[metric])
    per_period = aggregate_series(values, [keys_per_row], agg).astype("float64")
    rows_per_period = keys_per_row.dropna().value_counts()
    present = sorted(per_period.index.tolist())
    if not present:
        empty = np.array([], dtype="float64")
        return Periods(date_column, used, [], empty, empty, empty.astype(bool), 1, numeric, notes)
    step = _native_step(np.array([position(k, used) for k in present]))
    keys = _expected_keys(present, used, numeric, step)
    values_out = np.array([per_period.get(k, np.nan) for k in keys], dtype="float64")
    rows = np.array([int(rows_per_period.get(k, 0)) for k in keys], dtype="int64")
    if agg in ADDITIVE_AGGS:
        values_out = np.where(rows == 0, 0.0, values_out)  # no rows: truly nothing counted
    times = None if numeric else datetime_values(df[date_column])
    native_grain_of_data = "year" if times is None else native_grain(times)[0]
    if times is None or used == native_grain_of_data:
        partial = np.zeros(len(keys), dtype=bool)
    else:
        partial = _partial_edges(times, keys, used, native_days)
        partial |= _thin(times, keys, used, native_grain_of_data)
    return Periods(date_column, used, keys, values_out, rows, partial, step, numeric, notes)


MIN_COVERAGE = 0.8  # share of its days (or months...) a period needs to count as whole
DENSE = 0.9  # a regular series has rows on at least this share of its days (or months...)


def _thin(times: pd.Series, keys: list[Any], grain: str, native: str) -> np.ndarray:
    """Periods missing a good part of their native moments inside the data's span (a month
    with a week of days absent): their totals would compare a part with wholes."""
    out = np.zeros(len(keys), dtype=bool)
    if native not in _RANGE_FREQ or grain_index(native) >= grain_index(grain):
        return out
    # the distinct moments first: bucketing a million rows' times costs what bucketing their
    # few distinct values does not, and the set of native moments is the same
    moments = pd.Series(bucket_time(pd.Series(times.dropna().unique()), native).unique())
    if moments.empty:
        return out
    weekdays = weekdays_of(list(moments)) if native == "day" else set(range(7))
    every = pd.date_range(moments.min(), moments.max(), freq=_RANGE_FREQ[native])
    if native == "day":
        every = every[every.day_of_week.isin(weekdays)]
    if len(moments) < DENSE * len(every):
        return out  # an event log, not a regular series: a quiet month is not a partial one
    have = bucket_time(moments, grain).value_counts()
    for i, key in enumerate(keys):
        span = pd.date_range(key, pd.Timestamp(key) + _NEXT[grain], freq=_RANGE_FREQ[native])
        span = span[(span < pd.Timestamp(key) + _NEXT[grain]) & (span >= moments.min())]
        span = span[span <= moments.max()]
        if native == "day":
            span = span[span.day_of_week.isin(weekdays)]
        expected = len(span)
        out[i] = bool(expected and have.get(pd.Timestamp(key), 0) < MIN_COVERAGE * expected)
    return out


# ---------------------------------------------------------------- seasonality
@dataclass
class Seasonal:
    """A calendar cycle found in a series: the effect of each phase and how much it explains."""

    length: int
    effect: np.ndarray  # one value per period of the series (the phase's effect)
    by_phase: dict[int, float]
    strength: float


def phase_of(key: Any, grain: str) -> int:
    """Where a period sits in its calendar cycle (weekday, week of year, month, quarter)."""
    ts = pd.Timestamp(key)
    if grain == "day":
        return int(ts.day_of_week)
    if grain == "week":
        return int(min(ts.isocalendar().week, 52)) - 1
    if grain == "month":
        return int(ts.month) - 1
    return int(ts.quarter) - 1


def phase_name(phase: int, grain: str) -> str:
    if grain == "day":
        return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[phase]
    if grain == "month":
        return pd.Timestamp(2001, phase + 1, 1).strftime("%B")
    if grain == "quarter":
        return f"Q{phase + 1}"
    return f"week {phase + 1}"


def cycle_length(p: Periods) -> int | None:
    """Periods in one calendar cycle of the series (a week of days is 5 on trading days), or
    None when the grain has no cycle or the spacing is irregular."""
    length = SEASON_LENGTH.get(p.grain)
    if length is None or p.numeric_years or p.step != 1:
        return None
    if p.grain == "day" and p.keys:
        return len(weekdays_of(p.keys))
    return length


def seasonal_cycle(p: Periods) -> Seasonal | None:
    """The calendar cycle of a series when it is strong (classical decomposition, robust medians).

    Trend = centred moving average over one cycle; each phase's effect = the median of the
    detrended values at that phase; strength = 1 - var(remainder) / var(effect + remainder).
    Needs three whole cycles of regular periods; partial periods are left out.
    """
    length = cycle_length(p)
    if length is None:
        return None
    values = np.where(p.partial, np.nan, p.values)
    if np.isfinite(values).sum() < MIN_CYCLES * length:
        return None
    series = pd.Series(values).interpolate(limit_direction="both")
    trend = series.rolling(length, center=True, min_periods=length).mean()
    if length % 2 == 0:
        trend = trend.rolling(2, min_periods=2).mean().shift(-1)
    detrended = series - trend
    phases = np.array([phase_of(k, p.grain) for k in p.keys])
    by_phase = pd.Series(detrended.to_numpy()).groupby(phases).median()
    by_phase = by_phase - by_phase.mean()
    effect = np.array([by_phase.get(ph, 0.0) for ph in phases], dtype="float64")
    remainder = detrended - effect
    ok = remainder.notna() & np.isfinite(values)
    total = float(np.var(detrended[ok]))
    if total <= 0:
        return None
    strength = max(0.0, 1 - float(np.var(remainder[ok])) / total)
    if strength < MIN_SEASONAL_STRENGTH:
        return None
    phase_effects = {int(k): float(v) for k, v in by_phase.items()}
    return Seasonal(length, effect, phase_effects, strength)


# ---------------------------------------------------------------- trend
@dataclass(frozen=True)
class TrendFit:
    """A least-squares line through (position, value) and whether it is worth reporting."""

    slope: float
    intercept: float
    r2: float
    p_value: float
    n: int

    @property
    def supported(self) -> bool:
        return bool(
            self.n >= MIN_TREND_POINTS
            and np.isfinite(self.r2)
            and self.r2 >= MIN_TREND_R2
            and self.p_value <= MAX_TREND_P
        )


def fit_trend(positions: np.ndarray, values: np.ndarray) -> TrendFit:
    """The line through the finite points (scipy's linregress: slope, R², p-value)."""
    x = np.asarray(positions, dtype="float64")
    y = np.asarray(values, dtype="float64")
    ok = np.isfinite(x) & np.isfinite(y)
    n = int(ok.sum())
    if n < 3 or np.ptp(x[ok]) == 0:
        return TrendFit(float("nan"), float("nan"), float("nan"), float("nan"), n)
    if np.ptp(y[ok]) == 0:
        return TrendFit(0.0, float(y[ok][0]), 0.0, 1.0, n)
    slope, intercept, r, p_value = linregress(x[ok], y[ok])
    return TrendFit(slope, intercept, r**2, p_value, n)


def linregress(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Slope, intercept, r and the two-sided p-value of the least-squares line: the formulas of
    scipy.stats.linregress (tests compare the two), without importing scipy.stats for a line."""
    xmean, ymean = float(np.mean(x)), float(np.mean(y))
    ssxm, ssxym, _, ssym = (float(v) for v in np.cov(x, y, bias=True).flat)
    if ssxm == 0.0 or ssym == 0.0:
        r = float("nan") if ssxym == 0 else 0.0
    else:
        r = min(1.0, max(-1.0, ssxym / np.sqrt(ssxm * ssym)))
    slope = ssxym / ssxm if ssxm else float("nan")
    df = len(x) - 2
    if df < 1:
        return slope, ymean - slope * xmean, r, float("nan")
    t = r * np.sqrt(df / ((1.0 - r + _TINY) * (1.0 + r + _TINY)))
    return slope, ymean - slope * xmean, r, float(2 * stdtr(df, -abs(t)))


def sign_test_p(larger: int, n: int) -> float:
    """Two-sided sign test: the chance of a split at least as uneven as `larger` of `n` when
    up and down are equally likely (scipy.stats.binomtest's p-value, without importing it)."""
    if n <= 0:
        return 1.0
    return float(min(1.0, 2 * bdtrc(max(larger, n - larger) - 1, n, 0.5)))
