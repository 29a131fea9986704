"""What a measure means to a finding: along which axes a sum of it runs and whether it adds up
there, and which columns total others. Decided by data/semantics.py, read from the step's table.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from autoviz_core.data.semantics import (
    additive_over_time,
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
