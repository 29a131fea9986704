"""The SchemaProfile of a table that stays where it lives, computed by SQL.

Up to EXACT_ROWS rows, one aggregate query reads every column once (non-missing and distinct
counts, min, max, mean, whether the numbers are whole): every figure exact. Above it, reading
every value of every column would cost more than the question (measured: distinct counts of 12
columns took 7.7 s at 20 M rows where the grouped answer took 0.5 s), so the missing counts,
minima and maxima come from the Parquet footers (or one aggregate query for a database), the
distinct count, mean and wholeness of a column from the seeded sample. Either way every
low-cardinality column is then grouped exactly over the whole table (its values, their counts,
its top values), so a rare value is never missed; what stays an estimate is listed in the
column's `approximate`. Roles follow data/profiling.py's rules, read from these figures; the
text-length rules read the sample. A profile of unchanged files is kept in the cache.
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
from autoviz_core.engine import profile_cache
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
    from_sample = et.profiled_from_sample
    key = None if from_sample else profile_cache.key(et, f"exact up to {EXACT_ROWS} rows")
    cached = profile_cache.load(et, key)
    if cached is not None:
        return cached
    exact = et.n_rows <= EXACT_ROWS and not from_sample
    stats = (
        _sample_stats(et, sample)
        if from_sample
        else _exact_stats(et)
        if exact
        else _quick_stats(et, sample)
    )
    columns: list[ColumnProfile] = []
    values: dict[str, list[str]] = {}
    for name in et.table.columns:
        col = _profile_one(et, name, stats, sample[name], head[name], values, exact)
        columns.append(col)
    profile = SchemaProfile(
        n_rows=et.n_rows,
        n_columns=len(columns),
        shape=_shape(columns, et.n_rows),
        columns=columns,
        category_values=values,
    )
    profile_cache.save(et, key, profile)
    return profile


def _exact_stats(et: EngineTable) -> dict[str, Any]:
    """One scan: per column its non-missing and distinct counts and, for numbers and dates,
    min and max (numbers: mean and whether any value has a fraction)."""
    t = et.table
    aggs: dict[str, Any] = {}
    for i, name in enumerate(t.columns):
        c = t[name]
        dtype = c.type()
        aggs[f"n{i}"] = c.count()
        aggs[f"d{i}"] = c.nunique()
        if dtype.is_numeric() and not dtype.is_boolean():
            aggs[f"lo{i}"], aggs[f"hi{i}"] = c.min(), c.max()
            aggs[f"mean{i}"] = c.cast("float64").mean()
            if dtype.is_floating() or dtype.is_decimal():
                aggs[f"frac{i}"] = ((c.cast("float64") % 1) != 0).any()
        elif dtype.is_temporal():
            aggs[f"lo{i}"], aggs[f"hi{i}"] = c.min(), c.max()
    return dict(et.fetch(t.aggregate(**aggs), "profile").to_pylist()[0])


def _quick_stats(et: EngineTable, sample: pd.DataFrame) -> dict[str, Any]:
    """Missing counts, minima and maxima from the Parquet footers where every row group has
    them (else one aggregate query); distinct counts, means and wholeness from the sample."""
    t = et.table
    footer = parquet_footer_stats(et)
    stats: dict[str, Any] = {}
    missing: dict[str, Any] = {}
    for i, name in enumerate(t.columns):
        dtype = t[name].type()
        ranged = (dtype.is_numeric() and not dtype.is_boolean()) or dtype.is_temporal()
        known = footer.get(name)
        if known is not None and (known[1] is not None or not ranged):
            stats[f"n{i}"] = et.n_rows - known[0]
            if ranged:
                stats[f"lo{i}"], stats[f"hi{i}"] = known[1], known[2]
        else:
            missing[f"n{i}"] = t[name].count()
            if ranged:
                missing[f"lo{i}"], missing[f"hi{i}"] = t[name].min(), t[name].max()
        values = sample[name].dropna()
        if ranged and not dtype.is_temporal() and len(values):
            numbers = values.astype("float64")
            stats[f"mean{i}"] = float(numbers.mean())
            stats[f"frac{i}"] = bool((numbers % 1 != 0).any())
    if missing:
        stats.update(et.fetch(t.aggregate(**missing), "profile").to_pylist()[0])
    for i, name in enumerate(t.columns):
        present = int(stats.get(f"n{i}") or 0)
        stats[f"d{i}"] = estimate_distinct(sample[name].dropna(), present)
    return stats


def _sample_stats(et: EngineTable, sample: pd.DataFrame) -> dict[str, Any]:
    """Every figure from the sample, scaled to the table's (estimated) row count: a CSV read
    in place, where one aggregate query would parse the whole file before the answer."""
    t = et.table
    stats: dict[str, Any] = {}
    for i, name in enumerate(t.columns):
        dtype = t[name].type()
        values = sample[name].dropna()
        share = len(values) / len(sample) if len(sample) else 0.0
        stats[f"n{i}"] = round(share * et.n_rows)
        ranged = (dtype.is_numeric() and not dtype.is_boolean()) or dtype.is_temporal()
        if ranged and len(values):
            stats[f"lo{i}"], stats[f"hi{i}"] = values.min(), values.max()
            if not dtype.is_temporal():
                numbers = values.astype("float64")
                stats[f"mean{i}"] = float(numbers.mean())
                stats[f"frac{i}"] = bool((numbers % 1 != 0).any())
        stats[f"d{i}"] = estimate_distinct(values, int(stats[f"n{i}"]))
    return stats


def estimate_distinct(values: pd.Series, present: int) -> int:
    """The column's distinct count estimated from a sample of it (GEE: values seen once in
    the sample stand for sqrt(N/n) values each; values seen twice or more for themselves);
    a sample of distinct values only is taken as a unique column."""
    n = len(values)
    if n == 0 or present == 0:
        return 0
    counts = values.value_counts(sort=False)
    once = int((counts == 1).sum())
    if once == n:
        return present
    estimate = (present / n) ** 0.5 * once + (len(counts) - once)
    return int(min(present, max(len(counts), round(estimate))))


def parquet_footer_stats(et: EngineTable) -> dict[str, tuple[int, Any, Any]]:
    """Per column (profile name): missing count, min and max over every row group, read from
    the Parquet footers (no data read). Min and max are None where a row group lacks them."""
    if not et.files or et.dialect != "duckdb":
        return {}
    try:
        rows = et.backend.con.execute(
            "SELECT path_in_schema, stats_null_count, stats_min_value, stats_max_value "
            "FROM parquet_metadata($1)",
            [et.files],
        ).fetchall()
    except Exception:  # an unusual file: the aggregate query reads the same figures
        return {}
    by_file_name: dict[str, list[tuple[Any, Any, Any]]] = {}
    for path, nulls, lo, hi in rows:
        by_file_name.setdefault(path, []).append((nulls, lo, hi))
    out: dict[str, tuple[int, Any, Any]] = {}
    for name in et.table.columns:
        groups = by_file_name.get(et.original_names.get(name, name))
        if not groups or any(nulls is None for nulls, _, _ in groups):
            continue
        parse = _parser(et.table[name].type())
        lows = [parse(lo) for _, lo, _ in groups]
        highs = [parse(hi) for _, _, hi in groups]
        known = all(v is not None for v in lows + highs)
        out[name] = (
            sum(int(nulls) for nulls, _, _ in groups),
            min(lows) if known else None,
            max(highs) if known else None,
        )
    return out


def _parser(dtype: Any) -> Any:
    """Text of a footer statistic -> a value of the column's type (None when it is not one)."""

    def parse(text: Any) -> Any:
        if text is None:
            return None
        try:
            if dtype.is_integer():
                return int(text)
            if dtype.is_floating() or dtype.is_decimal():
                return float(text)
            if dtype.is_temporal():
                return pd.Timestamp(text).to_pydatetime()
        except (TypeError, ValueError):
            return None
        return None

    return parse


def _profile_one(
    et: EngineTable,
    name: str,
    stats: dict[str, Any],
    sample: pd.Series,
    head: pd.Series,
    values: dict[str, list[str]],
    exact_counts: bool,
) -> ColumnProfile:
    i = list(et.table.columns).index(name)
    dtype = et.table[name].type()
    present = int(stats[f"n{i}"] or 0)
    estimate = int(stats[f"d{i}"] or 0)
    texty = dtype.is_string()
    limit = EXACT_TEXT_VALUES if texty or dtype.is_boolean() else EXACT_NUMBER_VALUES
    counts = None
    from_sample = et.profiled_from_sample
    if estimate <= limit * ESTIMATE_SLACK and (texty or exact_counts) and not from_sample:
        counts = _value_counts(et, name, limit)
    elif estimate <= limit * ESTIMATE_SLACK:
        # numbers and yes/no of a big table: their few values from the sample (grouping the
        # whole table took ~1 s a column at 100 M rows; a text value must not be missed, these
        # only decide roles and small groups)
        counts = _sample_counts(sample)
    exact = ((counts is not None and (texty or exact_counts)) or exact_counts) and not from_sample
    cardinality = len(counts) if counts is not None else min(estimate, present)
    prof = ColumnProfile(
        name=name,
        dtype=str(sample.dtype),
        role="categorical",
        cardinality=cardinality,
        missing_share=round(1 - present / et.n_rows if et.n_rows else 0.0, 4),
        sample_values=[_fmt(v) for v in _first_distinct(head)],
        unique=bool(exact and cardinality == present and present > 0),
        approximate=([] if exact else ["cardinality"])
        + _estimated_mean(dtype, exact_counts)
        + (["missing_share", "range", "values"] if from_sample else []),
    )
    prof.role = _role(dtype, name, cardinality, present, stats, i, sample, counts)
    _add_stats(prof, dtype, stats, i, counts)
    if counts is not None and (texty or dtype.is_boolean()):
        values[name] = [str(v) for v in sorted(counts, key=str)]
    prof.additive = is_additive(prof)
    return prof


def _estimated_mean(dtype: Any, exact_counts: bool) -> list[str]:
    numeric = dtype.is_numeric() and not dtype.is_boolean()
    return ["mean"] if numeric and not exact_counts else []


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


def _sample_counts(sample: pd.Series) -> dict[Any, int]:
    """Counts per value in the sample (most frequent first, ties by value)."""
    counts = sample.dropna().value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return {k.item() if hasattr(k, "item") else k: int(v) for k, v in ordered}


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
