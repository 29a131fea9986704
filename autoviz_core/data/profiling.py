"""Profile a table into a SchemaProfile: what each column is, so planning needs no guessing.

Roles: temporal, numeric, categorical, identifier, text, boolean. The planner, the resolver
and the prompts read roles from here; nothing downstream inspects dtypes again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from autoviz_core.data.cleaning import spread_sample
from autoviz_core.data.columnwise import map_columns
from autoviz_core.data.semantics import (
    additive_over_time,
    frequency_column,
    is_additive,
    is_panel,
    total_parts,
)
from autoviz_core.vocabulary import Role

SAMPLE_VALUES = 5
_ID_NAME = re.compile(r"(^|[_\s])(id|uuid|guid|key|code_id)$|^id[_\s]|[a-z]ID$|_num$|^iso", re.I)
_ID_SUFFIX = re.compile(r"(^|_)id$|[a-z]ID$", re.I)
_YEAR_NAME = re.compile(r"^(year|yr|yyyy|fiscal_year|season)$", re.I)
# The named groups of columns planning asks about; COLUMN_GROUPS (below) defines each.
ColumnGroup = Literal[
    "any",
    "numeric",
    "additive",
    "temporal",
    "datetime",
    "categorical",
    "groupable",
    "numeric_or_id",
    "category_like",
    "readable_groups",
    "few_periods",
    "identifier",
    "boolean",
    "text",
    "labels",
    "splits",
    "numeric_like",
    "asked_groups",
    "names",
]
# Limits of the "readable_groups" and "few_periods" groups (see COLUMN_GROUPS).
READABLE_GROUPS_MAX = 1000  # categories beyond this are labels, not groups
SMALL_INT_GROUPS_MAX = 12  # a number with this few values can group ("cylinders", "rating")
# A number column may still be the x of a chart with up to this many values when the question
# leads there ("documents per employee id", "sales by age"): the planner's candidates allow it,
# while groupings chosen unasked (readable_groups) stop at SMALL_INT_GROUPS_MAX. Setting both to
# 12 changed 39 evaluation cases (nvBench questions grouping by numbers with 13-30 values).
NUMBER_GROUPS_MAX = 30
# More groups than this make no readable chart, and ranking groupings by association over
# them rewards chance: the planner's candidate groupings, the resolver's choice of a grouping,
# the main categorical column and the counted-number filters ("8 cylinder cars") stop here.
MAX_GROUPS = 50
FEW_PERIODS_MAX = 50
_BOOL_WORDS = {
    frozenset({"true", "false"}),
    frozenset({"yes", "no"}),
    frozenset({"y", "n"}),
    frozenset({"t", "f"}),
    frozenset({"0", "1"}),
}


class ColumnProfile(BaseModel):
    """What one column is: role, dtype, how many distinct values, how much is missing."""

    name: str
    dtype: str
    role: Role
    cardinality: int
    missing_share: float
    sample_values: list[str] = Field(default_factory=list)
    unique: bool = False
    min: float | str | None = None
    max: float | str | None = None
    mean: float | None = None
    top_values: list[str] = Field(default_factory=list)  # most frequent (categorical/boolean)
    additive: bool = False  # sums across rows mean something (data/semantics.py decides)
    # ... and over time as well: False for a stock (population) or a level (data/semantics.py)
    additive_over_time: bool = False
    parts: list[str] = Field(default_factory=list)  # the columns this total adds up
    # how many each row counts, in a table of counts (data/semantics.frequency_column)
    frequency: bool = False
    derived_from: list[str] = Field(default_factory=list)  # the two columns a derived measure uses
    # figures that are estimates (the engine's approximate distinct count of a large column)
    approximate: list[str] = Field(default_factory=list)

    def in_group(self, group: ColumnGroup) -> bool:
        """Whether this column belongs to `group` (the COLUMN_GROUPS table decides)."""
        return COLUMN_GROUPS[group](self)


class SchemaProfile(BaseModel):
    """The whole table: rows, columns, shape, and one ColumnProfile per column."""

    n_rows: int
    n_columns: int
    shape: str
    columns: list[ColumnProfile]
    # Every distinct value of the low-cardinality text columns, when the table is not in memory
    # (the engine lists them, so the planner finds a rare value its sample lacks). Not dumped.
    category_values: dict[str, list[str]] = Field(default_factory=dict, exclude=True)

    def column(self, name: str) -> ColumnProfile | None:
        return next((c for c in self.columns if c.name == name), None)

    def names(self, *roles: Role) -> list[str]:
        """Column names with one of `roles` (all columns when none given), in table order."""
        return [c.name for c in self.columns if not roles or c.role in roles]

    def group(self, group: ColumnGroup) -> list[str]:
        """Column names in `group`, in table order, so every planning module asks one table."""
        return [c.name for c in self.columns if c.in_group(group)]

    def in_group(self, name: str | None, group: ColumnGroup) -> bool:
        """Whether the column `name` exists and belongs to `group` (False for no column)."""
        col = self.column(name) if name is not None else None
        return col is not None and col.in_group(group)


# ---------------------------------------------------------------- column groups
# Which columns can play which part, decided here once. Several modules need a slightly
# different notion of "a grouping" or "a number", and each of those notions is a named group
# (not a local rule), so that the differences are visible side by side.


def _roles(*roles: Role) -> Callable[[ColumnProfile], bool]:
    return lambda c: c.role in roles


def _readable_groups(c: ColumnProfile) -> bool:
    """Categories and yes/no with 2..1000 values, or numbers with 2..12 values (any numbers:
    the resolver never checked that they are whole)."""
    if c.cardinality < 2:
        return False
    if c.role in ("categorical", "boolean"):
        return c.cardinality <= READABLE_GROUPS_MAX
    return c.role == "numeric" and c.cardinality <= SMALL_INT_GROUPS_MAX and c.min is not None


def _numeric_like(c: ColumnProfile) -> bool:
    numeric_dtype = c.dtype.lower().startswith(("int", "float", "uint", "double"))
    return c.role == "numeric" or (
        c.role in ("identifier", "boolean", "temporal") and numeric_dtype
    )


def _asked_groups(c: ColumnProfile) -> bool:
    if c.cardinality < 1:
        return False
    if c.role in ("categorical", "boolean", "temporal", "identifier", "text"):
        return True
    return c.role == "numeric" and c.cardinality <= NUMBER_GROUPS_MAX


def _splits(c: ColumnProfile) -> bool:
    if c.role in ("categorical", "boolean"):
        return 1 < c.cardinality <= MAX_GROUPS
    return c.role == "numeric" and 1 < c.cardinality <= SMALL_INT_GROUPS_MAX


COLUMN_GROUPS: dict[ColumnGroup, Callable[[ColumnProfile], bool]] = {
    "any": lambda c: True,
    "numeric": _roles("numeric"),
    # a measure whose sum means something (totals first when a question names no measure)
    "additive": lambda c: c.role == "numeric" and c.additive,
    "temporal": _roles("temporal"),
    # dates stored as dates, which can be bucketed to a grain (a year column cannot)
    "datetime": lambda c: c.role == "temporal" and c.dtype.startswith("datetime"),
    # what a template means by a category column
    "categorical": _roles("categorical", "boolean"),
    # what a template means by a grouping column: categories and dates
    "groupable": _roles("categorical", "boolean", "temporal"),
    # what a numeric tool parameter accepts (a numeric id can be plotted)
    "numeric_or_id": _roles("numeric", "identifier"),
    # what a categorical tool parameter accepts (ids and dates name groups too)
    "category_like": _roles("categorical", "boolean", "identifier", "temporal"),
    # groupings the resolver may add to a supporting step
    "readable_groups": _readable_groups,
    # date columns with few distinct values, used as groups when the question names them
    "few_periods": lambda c: c.role == "temporal" and 1 < c.cardinality <= FEW_PERIODS_MAX,
    # row identifiers: never a grouping or a measure unless asked for
    "identifier": _roles("identifier"),
    "boolean": _roles("boolean"),
    # free text: words to search, not groups
    "text": _roles("text"),
    # columns whose values a question may name ("for Lisbon", "the Falcon 9")
    "labels": _roles("categorical", "boolean", "text", "identifier"),
    # columns that can split a chart's groups by colour: categories, or a number with few codes
    "splits": _splits,
    # numbers that can be summed or plotted on an axis (numeric, numeric ids, 0/1 flags)
    "numeric_like": _numeric_like,
    # groupings a question may ask for: any labels or dates, numbers with up to 30 values
    "asked_groups": _asked_groups,
    # columns that may name the rows ("name", "title"), by their kind
    "names": _roles("categorical", "text", "identifier"),
}


def profile_table(df: pd.DataFrame) -> SchemaProfile:
    """Profile every column and describe the table's shape."""
    names = [str(name) for name in df.columns]
    columns = map_columns(lambda name: profile_column(df[name], name, len(df)), names, len(df))
    add_table_semantics(df, columns)
    return SchemaProfile(
        n_rows=len(df), n_columns=len(df.columns), shape=_shape(columns, len(df)), columns=columns
    )


def add_table_semantics(df: pd.DataFrame, columns: list[ColumnProfile]) -> None:
    """What only the whole table tells: additivity over time (a panel's measures are levels
    unless named as flows) and which columns total others."""
    panel = is_panel(
        df, {c.name: c.cardinality for c in columns if "cardinality" not in c.approximate}
    )
    totals = total_parts(df)
    # groupings that repeat (a name or id column makes a list of things, not a table of counts)
    groups = [
        c.name
        for c in columns
        if c.in_group("asked_groups") and c.role != "identifier" and not c.unique
    ]
    weight = frequency_column(df, groups)
    for c in columns:
        c.additive_over_time = additive_over_time(c.name, c.additive, panel)
        c.parts = list(totals.get(c.name, ()))
        c.frequency = c.name == weight


def profile_column(col: pd.Series, name: str, n_rows: int) -> ColumnProfile:
    """One column's profile from one pass over its values plus work on its distinct values.

    Text columns are counted once (value_counts gives the cardinality and the top values);
    sample values come from the first rows; roles are decided on distinct values and samples.
    """
    missing = int(col.isna().sum())
    non_null = col.dropna() if missing else col
    counts = _value_counts(non_null)
    cardinality = len(counts) if counts is not None else distinct_count(non_null)
    role = infer_role(col, name, cardinality, n_rows, non_null=non_null, counts=counts)
    prof = ColumnProfile(
        name=name,
        dtype=str(col.dtype),
        role=role,
        cardinality=cardinality,
        missing_share=round(missing / n_rows if n_rows else 0.0, 4),
        sample_values=[_fmt(v) for v in _first_distinct(non_null, cardinality)],
        unique=bool(cardinality == len(non_null) and len(non_null) > 0),
    )
    _add_stats(prof, non_null, role, counts)
    prof.additive = is_additive(prof)
    return prof


def _value_counts(non_null: pd.Series) -> pd.Series | None:
    """Counts per distinct value for text-like and boolean columns (None for numbers/dates)."""
    if pd.api.types.is_numeric_dtype(non_null) and not pd.api.types.is_bool_dtype(non_null):
        return None
    if pd.api.types.is_datetime64_any_dtype(non_null):
        return None
    return non_null.value_counts(sort=True)


def distinct_count(values: pd.Series) -> int:
    """Distinct non-missing values, exact. Numbers and dates with many distinct values by
    sorting a copy (several times faster than hashing a million floats); few distinct values,
    text and anything else by hashing (nunique), which is then the faster one."""
    if values.hasnans:
        values = values.dropna()
    if len(values) == 0 or values.dtype.kind not in "iufM":  # text stays Arrow: no object copy
        return int(values.nunique())
    arr = values.to_numpy()
    if _few_distinct(arr):
        return int(values.nunique())
    if arr.dtype.kind == "f":
        arr = arr + 0.0  # -0.0 and 0.0 are one value, as for nunique
    return sorted_distinct(np.sort(arr))


def sorted_distinct(ordered: np.ndarray) -> int:
    """Distinct values of a sorted, non-empty array without NaN (one pass over neighbours)."""
    return int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1


def _few_distinct(arr: np.ndarray, head: int = 2000) -> bool:
    """Whether the first rows repeat values often, the case where a hash table stays small."""
    sample = arr[:head]
    return len(arr) > head and len(np.unique(sample)) * 2 < len(sample)


def _first_distinct(non_null: pd.Series, cardinality: int, k: int = SAMPLE_VALUES) -> list[Any]:
    """The first `k` distinct values in row order; the head of the column usually has them."""
    head = non_null.head(max(1000, k)).drop_duplicates()
    if len(head) >= min(k, cardinality):
        return list(head.head(k))
    return list(non_null.drop_duplicates().head(k))


def infer_role(
    col: pd.Series,
    name: str,
    cardinality: int,
    n_rows: int,
    *,
    non_null: pd.Series | None = None,
    counts: pd.Series | None = None,
) -> Role:
    """The column's role from its dtype, values and name (in that order of trust).

    Text is judged on its distinct values and a spread sample, never cell by cell.
    """
    if non_null is None:
        non_null = col.dropna()
    if pd.api.types.is_bool_dtype(col):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(col):
        return "temporal"
    if pd.api.types.is_numeric_dtype(col):
        return _numeric_role(non_null, name, cardinality)
    if non_null.empty:
        return "categorical"
    if cardinality == 2:
        distinct = counts.index if counts is not None else non_null.unique()
        if frozenset(str(v).lower() for v in distinct) in _BOOL_WORDS:
            return "boolean"
    if _ID_NAME.search(name) and cardinality >= 0.9 * len(non_null):
        return "identifier"
    sample = spread_sample(non_null).astype(str)  # a regex per cell is slow: judge a sample
    mean_len = float(sample.str.len().mean())
    words = float(sample.str.count(r"\s+").mean()) + 1
    if mean_len > 60 or (words > 6 and cardinality > 0.5 * len(non_null)):
        return "text"
    if cardinality == len(non_null) and len(non_null) > 50 and mean_len > 8 and words < 3:
        return "identifier"
    return "categorical"


def _numeric_role(non_null: pd.Series, name: str, cardinality: int) -> Role:
    if non_null.empty:
        return "numeric"
    is_int = _whole_numbers(non_null)
    if is_int and _YEAR_NAME.match(name) and non_null.between(1800, 2200).all():
        return "temporal"
    if is_int and cardinality == 2 and set(non_null.unique()) <= {0, 1}:
        return "boolean"
    if is_int and _ID_NAME.search(name) and cardinality >= 0.9 * len(non_null):
        return "identifier"
    if is_int and _ID_SUFFIX.search(name):
        return "identifier"
    return "numeric"


def _whole_numbers(values: pd.Series) -> bool:
    """True when every value is a whole number; a spread sample rules most columns out."""
    if pd.api.types.is_integer_dtype(values):
        return True
    if not bool((spread_sample(values) % 1 == 0).all()):
        return False
    return bool((values % 1 == 0).all())


def _add_stats(
    prof: ColumnProfile, non_null: pd.Series, role: Role, counts: pd.Series | None = None
) -> None:
    if non_null.empty:
        return
    if role in ("numeric",) and pd.api.types.is_numeric_dtype(non_null):
        prof.min, prof.max = _num(non_null.min()), _num(non_null.max())
        prof.mean = _num(_mean(non_null))
    elif role == "temporal":
        prof.min, prof.max = _fmt(non_null.min()), _fmt(non_null.max())
    if role in ("categorical", "boolean"):
        top = counts if counts is not None else non_null.value_counts()
        prof.top_values = [_fmt(v) for v in top.head(10).index]


def _mean(values: pd.Series) -> float:
    """The mean, also when the plain sum overflows (values near the float maximum)."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(values.mean())
        if not np.isfinite(mean):
            mean = float((values / len(values)).sum())
    return mean


def _num(value: Any) -> float:
    return round(float(value), 6)


def _fmt(value: Any) -> str:
    """A short display string for a sample value (dates without a midnight time)."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _shape(columns: list[ColumnProfile], n_rows: int) -> str:
    """A one-word description the planner and templates can filter on."""
    roles = [c.role for c in columns]
    if "temporal" in roles and "numeric" in roles:
        return "time_series"
    if roles.count("numeric") >= 2 and "categorical" not in roles:
        return "numeric_matrix"
    if "categorical" in roles and "numeric" in roles:
        return "grouped"
    return "tabular"
