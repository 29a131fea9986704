"""The tools' shared helpers (common.py) as SQL: filters, time buckets and group aggregations
compiled to ibis expressions over an engine table, with the pandas path's meaning.

Each function mirrors its pandas twin and says where the two differ; values and column names
are ibis literals and column references, so ibis quotes them for the engine's dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from autoviz_core.tools.common import (
    MONTHS,
    WEEKDAYS,
    FilterCondition,
    ToolInputError,
    _as_list,
    _date_range,
    _pair,
    _to_float,
    _value_text,
)
from autoviz_core.vocabulary import NUMBER_AGGREGATIONS

_TRUTHY = {"true", "yes", "1", "y", "t"}
_FALSY = {"false", "no", "0", "n", "f"}
_TRUNCATE = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def require_engine_columns(source: Any, columns: Sequence[str | None]) -> None:
    """Fail as common.require_columns does, naming the columns that exist."""
    have = list(source.table.columns)
    missing = [c for c in columns if c is not None and c not in have]
    if missing:
        raise ToolInputError(
            f"column(s) not in the table: {', '.join(missing)}",
            f"Available columns: {', '.join(have[:20])}.",
        )


# ---------------------------------------------------------------- filters
def filtered_table(source: Any, conditions: Sequence[FilterCondition]) -> tuple[Any, list[str]]:
    """The rows meeting every condition (an ibis table) and how each text condition matched."""
    predicates, notes = filter_predicates(source, conditions)
    table = source.table
    return (table.filter(predicates) if predicates else table), notes


def filter_predicates(
    source: Any, conditions: Sequence[FilterCondition]
) -> tuple[list[Any], list[str]]:
    """One boolean expression per condition over `source.table`, and how each text condition
    matched (for counting rows that meet conditions beside the rows that do not)."""
    require_engine_columns(source, [c.column for c in conditions])
    predicates, notes = [], []
    for cond in conditions:
        predicate, note = condition_expr(source, cond)
        predicates.append(predicate)
        if note:
            notes.append(note)
    return predicates, notes


def condition_expr(source: Any, cond: FilterCondition) -> tuple[Any, str]:
    """One condition as a boolean expression (common.condition_mask's rules by column type)."""
    col = source.table[cond.column]
    dtype = col.type()
    if dtype.is_boolean():
        return _bool_expr(col, cond), ""
    if dtype.is_numeric():
        return _numeric_expr(col, cond), ""
    if dtype.is_temporal():
        return _date_expr(col, cond), ""
    return _text_expr(source, col, cond)


def _numeric_expr(col: Any, cond: FilterCondition) -> Any:
    op, value, name = cond.op, cond.value, cond.column
    if op in ("contains", "startswith"):
        return _text_op(col.cast("string"), op, value, fold=False)
    if op == "in":
        return col.isin([_to_float(v, name) for v in _as_list(value)])
    if op in ("between", "outside"):
        lo, hi = _pair(value, name)
        inside = (col >= _to_float(lo, name)) & (col <= _to_float(hi, name))
        return inside if op == "between" else ~inside & col.notnull()
    return _compare(col, op, _to_float(value, name))


def _compare(col: Any, op: str, v: Any) -> Any:
    ops = {
        "eq": lambda: col == v,
        "ne": lambda: col != v,
        "gt": lambda: col > v,
        "ge": lambda: col >= v,
        "lt": lambda: col < v,
        "le": lambda: col <= v,
    }
    if op not in ops:
        raise ToolInputError(f"unsupported filter operator {op!r}")
    return ops[op]() & col.notnull()


def _date_expr(col: Any, cond: FilterCondition) -> Any:
    import ibis

    op, value, name = cond.op, cond.value, cond.column
    if op in ("contains", "startswith"):
        return _text_op(col.strftime("%Y-%m-%d %H:%M:%S"), op, value, fold=False)

    def stamp(ts: pd.Timestamp) -> Any:
        return ibis.literal(ts.to_pydatetime(), type="timestamp")

    if op == "in":
        ranges = [_date_range(v, name) for v in _as_list(value)]
        return ibis.or_(*[(col >= stamp(a)) & (col < stamp(b)) for a, b in ranges])
    if op in ("between", "outside"):
        lo, hi = _pair(value, name)
        inside = (col >= stamp(_date_range(lo, name)[0])) & (col < stamp(_date_range(hi, name)[1]))
        return inside if op == "between" else ~inside & col.notnull()
    start, end = (stamp(t) for t in _date_range(value, name))
    inside = (col >= start) & (col < end)
    return {
        "eq": inside,
        "ne": ((col < start) | (col >= end)) & col.notnull(),
        "gt": col >= end,
        "ge": col >= start,
        "lt": col < start,
        "le": col < end,
    }[op]


def _bool_expr(col: Any, cond: FilterCondition) -> Any:
    def as_bool(v: Any) -> bool:
        t = _value_text(v).casefold()
        if t in _TRUTHY:
            return True
        if t in _FALSY:
            return False
        raise ToolInputError(f"filter on {cond.column!r} needs true/false, got {v!r}")

    if cond.op == "in":
        return col.isin([as_bool(v) for v in _as_list(cond.value)])
    if cond.op not in ("eq", "ne"):
        raise ToolInputError(
            f"operator {cond.op!r} does not apply to the true/false column {cond.column!r}"
        )
    return _compare(col, cond.op, as_bool(cond.value))


def _text_expr(source: Any, col: Any, cond: FilterCondition) -> tuple[Any, str]:
    """Exact match first; only when no row matches, a case-insensitive match (reported)."""
    exact = _text_op(col, cond.op, cond.value, fold=False)
    if cond.op in ("gt", "ge", "lt", "le", "between", "outside") or _any_row(source, exact):
        return exact, ""
    folded = _text_op(col, cond.op, cond.value, fold=True)
    if not _any_row(source, folded):
        return exact, ""
    note = f"{cond.column} {cond.op} {_value_text(cond.value)!r} matched case-insensitively"
    return folded, note


def _any_row(source: Any, predicate: Any) -> bool:
    """Whether any row meets `predicate` (the engine stops at the first one)."""
    rows = source.table.filter(predicate).limit(1)
    return bool(source.scalar(rows.count(), "check a filter value"))


def _text_op(col: Any, op: str, value: Any, *, fold: bool) -> Any:
    def norm(v: Any) -> str:
        t = _value_text(v)
        return t.casefold() if fold else t

    t = col.strip()
    if fold:
        t = t.lower()
    if op == "in":
        mask = t.isin([norm(v) for v in _as_list(value)])
    elif op in ("between", "outside"):
        lo, hi = _pair(value, str(col.get_name()))
        mask = (t >= norm(lo)) & (t <= norm(hi))
        mask = mask if op == "between" else ~mask
    elif op == "contains":
        mask = t.contains(norm(value))
    elif op == "startswith":
        mask = t.startswith(norm(value))
    else:
        return _compare(t, op, norm(value))
    return mask & t.notnull()


# ---------------------------------------------------------------- time buckets
def is_dated(col: Any) -> bool:
    """A timestamp column, which a time grain can bucket (a year number cannot)."""
    return bool(col.type().is_temporal())


def bucket_expr(col: Any, grain: str) -> Any:
    """The period start (day ... year), the weekday or month index (0-based, sorted as the
    pandas path's ordered categories), or the hour, of a timestamp column."""
    if grain == "weekday":
        return col.day_of_week.index()
    if grain == "month_of_year":
        return col.month() - 1
    if grain == "hour":
        return col.hour()
    unit = _TRUNCATE.get(grain)
    if unit is None:
        raise ToolInputError(f"unknown time grain {grain!r}")
    return col.truncate(unit)


def bucket_labels(values: pd.Series, grain: str) -> pd.Series:
    """Weekday and month indexes as the ordered categories the pandas path plots."""
    names = {"weekday": WEEKDAYS, "month_of_year": MONTHS}.get(grain)
    if names is None:
        return values
    cats = pd.Categorical.from_codes(values.astype("int64"), categories=list(names), ordered=True)
    return pd.Series(cats, index=values.index, name=values.name)


# ---------------------------------------------------------------- aggregations
def measure_expr(source: Any, table: Any, column: str, agg: str) -> Any:
    """The column as the aggregation reads it: numbers as they are, yes/no as 0/1, numeric
    text ("1,200") converted (common.numeric_keep_ints); any column for a count."""
    col = table[column]
    dtype = col.type()
    if agg not in NUMBER_AGGREGATIONS or (dtype.is_numeric() and not dtype.is_boolean()):
        return col
    if dtype.is_boolean():
        return col.cast("float64")
    if dtype.is_temporal():
        raise ToolInputError(f"column {column!r} holds dates, not numbers")
    number = col.cast("string").replace(",", "").strip().try_cast("float64")
    present, converted = col.count(), number.count()
    counts = source.fetch(table.aggregate(p=present, c=converted), "check numbers").to_pylist()[0]
    if counts["p"] and counts["c"] < 0.5 * counts["p"]:
        raise ToolInputError(
            f"column {column!r} is not numeric", "Choose a numeric column for this parameter."
        )
    return number


def aggregate_metric(values: Any, agg: str, rows: Any) -> Any:
    """One aggregation per group: count (of values, or of rows when there are none), sum (0
    for a group of missing values, as pandas gives), mean, median, min, max."""
    if values is None:
        if agg != "count":
            raise ToolInputError(f"aggregation {agg!r} needs a metric column")
        return rows.count()
    if agg == "count":
        return values.count()
    if agg not in NUMBER_AGGREGATIONS:
        raise ToolInputError(f"unknown aggregation {agg!r}")
    whole = values.type().is_integer()
    if agg == "sum":
        # PostgreSQL sums integers as NUMERIC: keep them whole numbers of 64 bits, as pandas
        total = values.sum().cast("int64") if whole else values.sum()
        return total.fill_null(0)
    if agg in ("mean", "median"):
        return getattr(values.cast("float64"), agg)()  # AVG of integers is NUMERIC there too
    return getattr(values, agg)()
