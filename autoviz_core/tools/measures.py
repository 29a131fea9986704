"""What a measure means to a finding: along which axes a sum of it runs and whether it adds up
there, and which columns total others. Decided by data/semantics.py, read from the step's table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from autoviz_core.data.semantics import (
    additive_over_time,
    is_identifier,
    is_year_name,
    panel_entity,
    series_additive,
    time_columns,
    total_parts,
)
from autoviz_core.tools.cache import shared
from autoviz_core.tools.claims import Summed


def table_time(df: pd.DataFrame) -> str | None:
    """The column that places a row in time (the first, when there are several), or None."""
    return shared(df, ("table_time",), lambda: next(iter(time_columns(df)), None))


def is_panel_table(df: pd.DataFrame) -> bool:
    """One row per entity and period (countries x years): its unnamed measures are levels."""
    time = table_time(df)
    return time is not None and shared(
        df, ("panel", time), lambda: panel_entity(df, time) is not None
    )


def totals(df: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Total column -> the columns it adds up (computed once per run and table)."""
    return shared(df, ("totals",), lambda: total_parts(df))


def part_of_total(df: pd.DataFrame, a: str, b: str) -> bool:
    """Whether one of the two columns is a total that contains the other."""
    parts = totals(df)
    return a in parts.get(b, ()) or b in parts.get(a, ())


def is_code(df: pd.DataFrame, column: str) -> bool:
    """A number that names rather than measures (an id, a zip code) or places a row in time (a
    year): never a measure to average, correlate or rank others against."""
    s = df[column]
    return is_year_name(column) or shared(df, ("code", column), lambda: is_identifier(s))


TREND_RHO = 0.5  # a rank correlation with time this strong (and significant) is a drift


def time_order(df: pd.DataFrame) -> pd.Index | None:
    """The rows of a single series in time order (one row per moment), or None when the
    table is not one (no time column, or several rows per moment: groups, a panel)."""
    time = table_time(df)
    if time is None:
        return None
    moments = df[time].dropna()
    if len(moments) < 8 or moments.duplicated().any():
        return None
    return moments.sort_values(kind="stable").index


def drifts(values: pd.Series, order: pd.Index) -> bool:
    """Whether the series drifts over time: Spearman's rho with time order, strong and
    significant (a level that wanders, like a price, rather than noise around a mean)."""
    from scipy import stats as sps

    v = pd.to_numeric(values.loc[order], errors="coerce").dropna()
    if len(v) < 8 or v.nunique() < 2:
        return False
    rho, p = sps.spearmanr(np.arange(len(v)), v.to_numpy())
    return bool(abs(rho) >= TREND_RHO and p < 0.05)


def both_drift(df: pd.DataFrame, x: str, y: str) -> pd.Index | None:
    """The time order of the rows when both columns drift over it (else None)."""
    order = time_order(df)
    if order is None or x not in df or y not in df:
        return None
    return order if drifts(df[x], order) and drifts(df[y], order) else None


def summed(df: pd.DataFrame, measure: str, keys: Sequence[pd.Series]) -> Summed:
    """The axes a sum of `measure` per group of `keys` runs along, on the rows of `df`.

    Over groups: some group holds several rows of one moment (several countries in one year).
    Over time: some group holds several moments of the table's time column (several years of a
    country, several days of a month). Without a time column every sum runs over groups only.
    """
    across = series_additive(measure, df[measure])
    over_time_ok = additive_over_time(measure, across, is_panel_table(df))
    time = table_time(df)
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)}, index=df.index)
    frame = frame[df[measure].notna()]
    if frame.empty:
        return Summed(measure, False, False, across, over_time_ok)
    names = list(frame.columns) or None
    if time is None or time == measure:
        sizes = frame.groupby(names, observed=True).size() if names else pd.Series([len(frame)])
        return Summed(measure, bool((sizes > 1).any()), False, across, over_time_ok)
    frame["t"] = df.loc[frame.index, time]
    if names:
        per = frame.groupby(names, observed=True)["t"].agg(["nunique", "size"])
    else:
        per = pd.DataFrame({"nunique": [frame["t"].nunique()], "size": [len(frame)]})
    over_time = bool((per["nunique"] > 1).any())
    over_groups = bool((per["size"] > per["nunique"]).any())
    return Summed(measure, over_groups, over_time, across, over_time_ok)
