"""The SchemaProfile of a table that stays where it lives, computed by SQL.

One aggregate query reads every column once (non-missing count, approximate distinct count,
min, max, mean, whether the numbers are whole); then each low-cardinality column is grouped
exactly (its distinct values, their counts, its top values). A distinct count stays an
estimate only for columns with many values, and the profile says so (`approximate`).
Roles follow the same rules as data/profiling.py, read from these figures instead of a
pandas column; the text-length rules read the seeded sample.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from autoviz_core.data.cleaning import spread_sample
from autoviz_core.data.profiling import (
    _BOOL_WORDS,
    _ID_NAME,
    _ID_SUFFIX,
    _YEAR_NAME,
    SAMPLE_VALUES,
    ColumnProfile,
    SchemaProfile,
    _fmt,
    _num,
    _shape,
)
from autoviz_core.data.semantics import is_additive
from autoviz_core.engine.source import EngineTable
from autoviz_core.vocabulary import Role

# Columns whose estimated distinct count is at most this are grouped exactly: their values
# feed the planner's value index (it reads up to 20,000 per column), top values and roles.
EXACT_TEXT_VALUES = 20_000
EXACT_NUMBER_VALUES = 50  # small whole-number codes ("rating", "cylinders") are groups
EXACT_ROWS = 2_000_000  # up to this many rows every distinct count is exact (cheap there)
ESTIMATE_SLACK = 1.1  # the estimate may be ~2% low; group anything that could be under the cut
TOP_VALUES = 10


def profile_engine_table(
    et: EngineTable, sample: pd.DataFrame, head: pd.DataFrame
) -> SchemaProfile:
    """Profile every column by SQL; `sample` (seeded) and `head` (first rows) are pandas frames
    of the same columns, for dtypes, text lengths and sample values."""
    stats = _column_stats(et)
    columns: list[ColumnProfile] = []
    values: dict[str, list[str]] = {}
    for name in et.table.columns:
        col = _profile_one(et, name, stats, sample[name], head[name], values)
        columns.append(col)
    return SchemaProfile(
        n_rows=et.n_rows,
        n_columns=len(columns),
        shape=_shape(columns, et.n_rows),
        columns=columns,
        category_values=values,
    )


def _column_stats(et: EngineTable) -> dict[str, Any]:
    """One scan: per column its non-missing count, estimated distinct count and, for numbers
    and dates, min and max (numbers: mean and whether any value has a fraction)."""
    t = et.table
    aggs: dict[str, Any] = {}
    for i, name in enumerate(t.columns):
        c = t[name]
        dtype = c.type()
        aggs[f"n{i}"] = c.count()
        aggs[f"d{i}"] = c.nunique() if et.n_rows <= EXACT_ROWS else c.approx_nunique()
        if dtype.is_numeric() and not dtype.is_boolean():
            aggs[f"lo{i}"], aggs[f"hi{i}"] = c.min(), c.max()
            aggs[f"mean{i}"] = c.cast("float64").mean()
            if dtype.is_floating() or dtype.is_decimal():
                aggs[f"frac{i}"] = (c.cast("float64").floor() != c.cast("float64")).any()
        elif dtype.is_temporal():
            aggs[f"lo{i}"], aggs[f"hi{i}"] = c.min(), c.max()
    row = et.fetch(t.aggregate(**aggs), "profile").to_pylist()[0]
    return row


def _profile_one(
    et: EngineTable,
    name: str,
    stats: dict[str, Any],
    sample: pd.Series,
    head: pd.Series,
    values: dict[str, list[str]],
) -> ColumnProfile:
    i = list(et.table.columns).index(name)
    dtype = et.table[name].type()
    present = int(stats[f"n{i}"] or 0)
    estimate = int(stats[f"d{i}"] or 0)
    texty = dtype.is_string()
    limit = EXACT_TEXT_VALUES if texty or dtype.is_boolean() else EXACT_NUMBER_VALUES
    counts = None
    if estimate <= limit * ESTIMATE_SLACK:
        counts = _value_counts(et, name, limit)
    exact = counts is not None or et.n_rows <= EXACT_ROWS
    cardinality = len(counts) if counts is not None else min(estimate, present)
    prof = ColumnProfile(
        name=name,
        dtype=str(sample.dtype),
        role="categorical",
        cardinality=cardinality,
        missing_share=round(1 - present / et.n_rows if et.n_rows else 0.0, 4),
        sample_values=[_fmt(v) for v in _first_distinct(head)],
        unique=bool(exact and cardinality == present and present > 0),
        approximate=[] if exact else ["cardinality"],
    )
    prof.role = _role(dtype, name, cardinality, present, stats, i, sample, counts)
    _add_stats(prof, dtype, stats, i, counts)
    if counts is not None and (texty or dtype.is_boolean()):
        values[name] = [str(v) for v in sorted(counts, key=str)]
    prof.additive = is_additive(prof)
    return prof


def _value_counts(et: EngineTable, name: str, limit: int) -> dict[Any, int] | None:
    """Exact counts per distinct value (most frequent first, ties by value), or None when the
    column has more than `limit` values after all."""
    t = et.table
    present = t.filter(t[name].notnull())
    expr = present.group_by(present[name].name("value")).agg(n=present.count())
    expr = expr.order_by([expr.n.desc(), expr.value]).limit(limit + 1)
    rows = et.fetch(expr, f"profile {name}").to_pylist()
    if len(rows) > limit:
        return None
    return {r["value"]: int(r["n"]) for r in rows}


def _first_distinct(head: pd.Series, k: int = SAMPLE_VALUES) -> list[Any]:
    return list(head.dropna().drop_duplicates().head(k))


def _role(
    dtype: Any,
    name: str,
    cardinality: int,
    present: int,
    stats: dict[str, Any],
    i: int,
    sample: pd.Series,
    counts: dict[Any, int] | None,
) -> Role:
    """data/profiling.infer_role's rules, on the engine's figures."""
    if dtype.is_boolean():
        return "boolean"
    if dtype.is_temporal():
        return "temporal"
    if dtype.is_numeric():
        return _numeric_role(dtype, name, cardinality, present, stats, i)
    if present == 0:
        return "categorical"
    distinct = frozenset(str(v).lower() for v in counts) if counts is not None else frozenset()
    if cardinality == 2 and distinct in _BOOL_WORDS:
        return "boolean"
    if _ID_NAME.search(name) and cardinality >= 0.9 * present:
        return "identifier"
    text = spread_sample(sample.dropna()).astype(str)
    if text.empty:
        return "categorical"
    mean_len = float(text.str.len().mean())
    words = float(text.str.count(r"\s+").mean()) + 1
    if mean_len > 60 or (words > 6 and cardinality > 0.5 * present):
        return "text"
    if cardinality >= present and present > 50 and mean_len > 8 and words < 3:
        return "identifier"
    return "categorical"


def _numeric_role(
    dtype: Any, name: str, cardinality: int, present: int, stats: dict[str, Any], i: int
) -> Role:
    if present == 0:
        return "numeric"
    lo, hi = stats.get(f"lo{i}"), stats.get(f"hi{i}")
    whole = dtype.is_integer() or not stats.get(f"frac{i}", True)
    low = float(lo) if lo is not None else float("nan")  # nan fails every comparison below
    high = float(hi) if hi is not None else float("nan")
    if whole and _YEAR_NAME.match(name) and low >= 1800 and high <= 2200:
        return "temporal"
    if whole and cardinality == 2 and low >= 0 and high <= 1:
        return "boolean"
    if whole and _ID_NAME.search(name) and cardinality >= 0.9 * present:
        return "identifier"
    if whole and _ID_SUFFIX.search(name):
        return "identifier"
    return "numeric"


def _add_stats(
    prof: ColumnProfile, dtype: Any, stats: dict[str, Any], i: int, counts: dict[Any, int] | None
) -> None:
    lo, hi = stats.get(f"lo{i}"), stats.get(f"hi{i}")
    if prof.role == "numeric" and lo is not None:
        prof.min, prof.max = _num(lo), _num(hi)
        mean = stats.get(f"mean{i}")
        prof.mean = _num(mean) if mean is not None else None
    elif prof.role == "temporal" and lo is not None:
        as_time = pd.Timestamp if dtype.is_temporal() else (lambda v: v)
        prof.min, prof.max = _fmt(as_time(lo)), _fmt(as_time(hi))
    if prof.role in ("categorical", "boolean") and counts is not None:
        prof.top_values = [_fmt(v) for v in list(counts)[:TOP_VALUES]]
