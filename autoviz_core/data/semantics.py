"""What a measure means for aggregation: whether it adds up across rows, decided once for all stages.

The profile sets `ColumnProfile.additive` from here; the planner, the resolver and every tool
default read it (or `default_agg`), so "sum of temperature" cannot appear in one stage while
another averages. The words live in semantics.yaml beside this file.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from autoviz_core.data.names import name_words
from autoviz_core.data_files import read_yaml
from autoviz_core.errors import ConfigError
from autoviz_core.vocabulary import GROUP_AGGREGATIONS

VOCABULARY_FILE = Path(__file__).with_name("semantics.yaml")


class MeasureColumn(Protocol):
    """What additivity reads of a column (a ColumnProfile): described here rather than imported,
    because profiling imports this module to fill `ColumnProfile.additive`."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def dtype(self) -> str: ...
    @property
    def min(self) -> float | str | None: ...


class Vocabulary(BaseModel):
    """The two word lists; a word may not be in both (that would be undecidable)."""

    model_config = ConfigDict(extra="forbid")

    additive: frozenset[str]
    non_additive: frozenset[str]
    stock: frozenset[str] = frozenset()
    total: frozenset[str] = frozenset()
    frequency: frozenset[str] = frozenset()

    @field_validator("additive", "non_additive", "stock", "total", "frequency", mode="before")
    @classmethod
    def _lower(cls, words: list[str]) -> frozenset[str]:
        return frozenset(str(w).strip().lower() for w in words)

    def model_post_init(self, _: object) -> None:
        both = self.additive & self.non_additive
        if both:
            raise ValueError(f"words in both lists: {sorted(both)}")


@lru_cache(maxsize=1)
def vocabulary(path: str = str(VOCABULARY_FILE)) -> Vocabulary:
    """The validated vocabulary (read once)."""
    try:
        return Vocabulary.model_validate(read_yaml(path))
    except (ValueError, OSError) as exc:
        raise ConfigError(f"{Path(path).name}: invalid additivity vocabulary: {exc}") from None


def name_tokens(name: str) -> list[str]:
    """The name's words (data/names.py) and, for several, the words run together: "car_hours" ->
    [car, hours, carhours], so a name written either way finds its word in semantics.yaml."""
    tokens = list(name_words(name))
    return [*tokens, "".join(tokens)] if len(tokens) > 1 else tokens


# Words naming a number that names a row (an id, a code): never a total, never a measure.
ID_WORDS = frozenset({"id", "code", "key", "zip", "postcode", "iso"})


def additive_by_name(name: str) -> bool | None:
    """True/False when the name decides it; None when the name says nothing either way."""
    words = set(name_tokens(name))
    vocab = vocabulary()
    if words & vocab.non_additive or words & ID_WORDS:
        return False
    if words & vocab.additive:
        return True
    return None


def is_additive(column: MeasureColumn) -> bool:
    """Whether summing this column across rows gives a meaningful total.

    The name decides when it can; otherwise whole non-negative numbers are taken as counts
    (people, votes, items) and anything else (fractions, measurements) as a level to average.
    """
    if column.role != "numeric":
        return False
    by_name = additive_by_name(column.name)
    if by_name is not None:
        return by_name
    whole = column.dtype.lower().startswith(("int", "uint"))
    low = column.min if isinstance(column.min, (int, float)) else None
    return bool(whole and low is not None and low >= 0)


def default_agg(column: MeasureColumn | None, asked: str | None = None) -> str:
    """How to combine the column per group: what was asked, but never a sum of a level.

    `asked` is the request's aggregation ("none"/None when the question named none). A count
    needs no column; a column that does not add up is averaged even when a sum was asked.
    """
    if asked == "count" or column is None:
        return "count"
    additive = is_additive(column)
    if asked in GROUP_AGGREGATIONS and not (asked == "sum" and not additive):
        return asked
    return "sum" if additive else "mean"


# ---------------------------------------------------------------- additivity along each axis
# A sum can run along two axes: across groups (several countries in one year) and over time
# (several years of one country). Flows (sales, births) add up along both; stocks (population,
# balances) only across groups; levels (prices, rates) along neither.
YEAR_WORDS = frozenset({"year", "yr", "yyyy", "season", "fiscal"})
PANEL_MAX_ENTITY_COLUMNS = 5  # candidate entity columns tried when looking for a panel


def additive_over_time(name: str, additive_across_groups: bool, panel: bool) -> bool:
    """Whether summing the measure over several moments of one series means something.

    A stock word decides (population summed over years counts people again); in a panel (one
    row per entity and period) a measure that no flow word names is taken as a level recorded
    per period, not an amount that accumulates, so it is not summed over time either.
    """
    if not additive_across_groups:
        return False
    words = set(name_tokens(name))
    vocab = vocabulary()
    if words & vocab.stock:
        return False
    return not panel or bool(words & vocab.additive)


def series_additive(name: str, values: pd.Series) -> bool:
    """`is_additive` for a column of a table (tools see frames, not profiles)."""
    by_name = additive_by_name(name)
    if by_name is not None:
        return by_name
    if not pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    present = values.dropna()
    return bool(len(present) and present.min() >= 0)


def is_year_name(name: str) -> bool:
    return bool(set(name_tokens(name)) & YEAR_WORDS)


def time_columns(df: pd.DataFrame) -> list[str]:
    """Columns that place a row in time: dates, and whole numbers named like years."""
    out = []
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out.append(str(col))
        elif pd.api.types.is_integer_dtype(s) and not pd.api.types.is_bool_dtype(s):
            if is_year_name(str(col)):
                out.append(str(col))
        elif (pd.api.types.is_string_dtype(s) or s.dtype == object) and _dates_as_text(s):
            out.append(str(col))
    return out


def _dates_as_text(s: pd.Series) -> bool:
    sample = s.dropna().astype("string").head(50)
    if sample.empty or not sample.str.fullmatch(r"\d{4}-\d{2}(-\d{2})?([ T][\d:.]+)?").all():
        return False
    return bool(pd.to_datetime(sample, errors="coerce", format="ISO8601").notna().all())


T = TypeVar("T")
SCREEN_ROWS = 5000  # a big table is first screened on this many random rows


def screen_rows(df: pd.DataFrame) -> np.ndarray | None:
    """Seeded positions of SCREEN_ROWS rows (in order) to test a table's columns on before the
    whole table: what fails on them fails on it. None for a table under twice as many rows."""
    if len(df) <= 2 * SCREEN_ROWS:
        return None
    return remembered(
        df,
        "screen",
        lambda: np.sort(np.random.default_rng(0).choice(len(df), SCREEN_ROWS, replace=False)),
    )


def remembered(df: pd.DataFrame, key: str, work: Callable[[], T]) -> T:
    """`work()` once per table object and key: what the profile found about a table (is it a
    panel, which columns total others) the tools find again without reading a million rows
    twice. Forgotten when the table is; tables are never changed in place here."""
    slot = (id(df), key)
    if slot not in _REMEMBERED:
        _REMEMBERED[slot] = work()
        weakref.finalize(df, _REMEMBERED.pop, slot, None)
    return _REMEMBERED[slot]  # type: ignore[return-value]


_REMEMBERED: dict[tuple[int, str], object] = {}


def panel_entity(
    df: pd.DataFrame, time: str, distinct: Mapping[str, int] | None = None
) -> str | None:
    """The entity column of a panel over `time`: each (entity, time) pair appears once, with
    several entities each seen at several times. None when the table is not such a panel.
    `distinct` may give the columns' distinct counts (a profile has them)."""
    return remembered(df, f"panel:{time}", lambda: _panel_entity(df, time, distinct or {}))


def _panel_entity(df: pd.DataFrame, time: str, distinct: Mapping[str, int]) -> str | None:

    def count(col: str) -> int:
        return distinct[col] if col in distinct else int(df[col].nunique())

    n = len(df)
    moments = count(time)
    if n < 4 or moments < 2:
        return None
    tried = 0
    screen = screen_rows(df)
    for col in df.columns:
        s = df[col]
        if col == time or pd.api.types.is_float_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        if screen is not None and df[[col, time]].take(screen).duplicated().any():
            continue  # a pair repeated in part of the table repeats in the whole
        k = count(col)
        if not 2 <= k <= n // 2 or k * moments < n:
            continue  # fewer (entity, time) pairs than rows: some pair repeats, no need to look
        tried += 1
        if not df.duplicated([col, time]).any():
            return str(col)
        if tried >= PANEL_MAX_ENTITY_COLUMNS:
            break
    return None


def is_panel(df: pd.DataFrame, distinct: Mapping[str, int] | None = None) -> bool:
    return any(panel_entity(df, t, distinct) is not None for t in time_columns(df))


# ---------------------------------------------------------------- counts per row
def frequency_column(df: pd.DataFrame, groups: Sequence[str]) -> str | None:
    """The column that says how many each row counts, when the table is a table of counts:
    one whole, non-negative number column named as a count ("count", "n", "freq"), every
    other column a grouping (`groups`), and no two rows for the same combination of them.
    None for any other table (a list of players with a shirt "number" has a name column)."""
    words = vocabulary().frequency
    named = [c for c in df.columns if (toks := name_tokens(str(c))) and set(toks) <= words]
    others = [str(c) for c in df.columns if c not in named]
    if len(named) != 1 or not others or any(c not in groups for c in others) or len(df) < 2:
        return None
    column = str(named[0])
    values = df[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    present = values.dropna()
    whole = bool(((present % 1) == 0).all()) and bool((present >= 0).all())
    if not whole or df.duplicated(subset=others).any():
        return None
    return column


# ---------------------------------------------------------------- totals
TOTAL_SHARE = 0.95  # rows on which a total must equal the sum of its parts
SCREEN_SHARE = 0.8  # a column this far from a total on them is not one on the whole table


def total_parts(df: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Columns that total others, and the parts each contains (see _total_parts)."""
    return remembered(df, "totals", lambda: _total_parts(df))


def _total_parts(df: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Columns that total others, and the parts each contains.

    A column equal to the row sum of the other additive number columns is their total; a
    column named like a total ("total", "all_votes") contains every other additive number
    column that never exceeds it. A part is never related to its total as if independent.
    """
    numbers = [
        str(c)
        for c in df.columns
        if pd.api.types.is_numeric_dtype(df[c])
        and not pd.api.types.is_bool_dtype(df[c])
        and not is_year_name(str(c))
        and additive_by_name(str(c)) is not False
        and not is_identifier(df[c])
    ]
    out: dict[str, tuple[str, ...]] = {}
    rows = screen_rows(df)
    screen = df[numbers].take(rows) if rows is not None else None
    for col in numbers:
        others = [c for c in numbers if c != col]
        if len(others) < 2:
            continue
        named = bool(set(name_tokens(col)) & vocabulary().total)
        if screen is not None and not named and _sum_share(screen, col, others) < SCREEN_SHARE:
            continue  # far from a total on a random 5,000 rows: the whole table is not needed
        if _sum_share(df, col, others) >= TOTAL_SHARE:
            out[col] = tuple(others)
            continue
        if named:
            total = df[col].astype("float64")
            parts = df[others].astype("float64")
            ok = total.notna() & parts.notna().all(axis=1)
            within = [c for c in others if bool((parts[c][ok] <= total[ok] + 1e-9).all())]
            covered = parts.loc[ok, within].sum(axis=1) / total[ok].where(total[ok] != 0)
            if len(within) >= 2 and covered.median() >= 0.8:  # they make up most of it
                out[col] = tuple(within)
    return out


def _sum_share(df: pd.DataFrame, col: str, others: list[str]) -> float:
    """On the rows where all are present, the share where `col` equals the sum of `others`."""
    total = df[col].astype("float64")
    parts = df[others].astype("float64")
    ok = total.notna() & parts.notna().all(axis=1)
    if ok.sum() < 2:
        return 0.0
    close = (parts[ok].sum(axis=1) - total[ok]).abs() <= 1e-6 * total[ok].abs().clip(lower=1)
    return float(close.mean())


def is_identifier(s: pd.Series) -> bool:
    """Whole numbers that name rows rather than measure them: named like an id or a code, or
    all different and running almost one after another (1, 2, 3 ...)."""
    if set(name_tokens(str(s.name))) & ID_WORDS:
        return True
    present = s.dropna()
    if len(present) <= 10 or not pd.api.types.is_integer_dtype(present):
        return False
    span = float(present.max()) - float(present.min()) + 1
    return bool(present.nunique() == len(present) and span <= 1.5 * len(present))
