"""Column clean-up shared by every format: names people can refer to, and honest types.

Each repair is reported as a warning sentence so nothing changes silently.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from autoviz_core.config import Limits

MAX_NAME_CHARS = 120
NUMERIC_SHARE = 0.95  # a text column this numeric is numeric with a few bad cells
DATE_SHARE = 0.95
SAMPLE_ROWS = 2000
_DATE_LIKE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{2,4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{2,4})"
    r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
_NUMBER = re.compile(r"^\s*[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?\s*%?\s*$")
_DATE_FORMATS = ("ISO8601", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%y", "%d %B %Y", "%B %d, %Y")


def clean_columns(names: list[str], notes: list[str]) -> list[str]:
    """Blank names become column_N, duplicates get _2, _3 ...; each change is noted."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = " ".join(str(raw).split())[:MAX_NAME_CHARS]
        if not name or re.fullmatch(r"Unnamed: \d+(_level_\d+)?", name):
            name = f"column_{i}"
            notes.append(f"Column {i} had no name; called it {name!r}.")
        base, k = name, 2
        while name.lower() in seen:
            name = f"{base}_{k}"
            k += 1
        if name != base:
            notes.append(f"Duplicate column name {base!r}; renamed one to {name!r}.")
        seen.add(name.lower())
        out.append(name)
    return out


def coerce_column_types(df: pd.DataFrame, limits: Limits, notes: list[str]) -> pd.DataFrame:
    """Parse numbers and dates stored as text; flag huge cells and empty columns.

    Each text column is judged on a spread sample of its values first, so a column that is
    plainly text costs a few thousand cells, not a pass over every row.
    """
    df = df.copy(deep=False)  # replaced columns only; the others are shared, not copied
    for name in df.columns:
        col = df[name]
        if col.isna().all():
            notes.append(f"Column {name!r} is empty (all values missing).")
            continue
        if _is_text(col):
            _check_cell_sizes(col, name, limits)
            parsed = _as_numeric(col, name, notes)
            if parsed is None:
                parsed = _as_datetime(col, name, notes)
            if parsed is None:
                continue
            df[name] = col = parsed
        finite = _without_infinities(col, name, notes)
        if finite is not None:
            df[name] = finite
    return df


def _without_infinities(col: pd.Series, name: str, notes: list[str]) -> pd.Series | None:
    """A float column with its infinities (inf, -inf, and numbers too large for a float such
    as 1e400) made missing, or None when it has none. A sum, mean or ranking over an infinity
    is not an answer; missing values are left out of every statistic and counted."""
    if not pd.api.types.is_float_dtype(col):
        return None
    values = col.to_numpy(dtype="float64", na_value=np.nan)
    infinite = np.isinf(values)
    count = int(infinite.sum())
    if not count:
        return None
    notes.append(
        f"Column {name!r} has {count:,} infinite value(s) (inf, -inf or a number too large "
        "for a float, such as 1e400); they are treated as missing."
    )
    return col.mask(pd.Series(infinite, index=col.index))


def _is_text(col: pd.Series) -> bool:
    return bool(pd.api.types.is_string_dtype(col) or pd.api.types.is_object_dtype(col))


def _check_cell_sizes(col: pd.Series, name: str, limits: Limits) -> None:
    from autoviz_core.errors import DataLoadError

    if _longest_in_bytes(col) <= limits.max_cell_chars:
        return  # a cell has at most as many characters as bytes: no cell can be over
    text = col if pd.api.types.is_string_dtype(col) else col.dropna().astype(str)
    longest = text.str.len().max()
    if pd.notna(longest) and int(longest) > limits.max_cell_chars:
        raise DataLoadError(
            f"Column {name!r} has a cell of {int(longest):,} characters, "
            f"over the {limits.max_cell_chars:,} limit.",
            "Raise limits.max_cell_chars in config.yaml or trim the file.",
        )


def _longest_in_bytes(col: pd.Series) -> float:
    """The longest cell's UTF-8 size for Arrow-backed text, read from its offsets without
    decoding (inf for other columns: then the characters are counted)."""
    if not (isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"):
        return float("inf")
    import pyarrow.compute as pc

    arrow = col.array.__arrow_array__()  # the Arrow protocol: the column's own chunks, no copy
    longest = pc.max(pc.binary_length(arrow)).as_py()
    return float(longest or 0)


def spread_sample(col: pd.Series, size: int = SAMPLE_ROWS) -> pd.Series:
    """About `size` cells taken at even steps through the column (start, middle and end)."""
    step = max(1, len(col) // size)
    return col.iloc[::step]


def _present_text(col: pd.Series) -> pd.Series:
    text = col.dropna().astype(str).str.strip()
    return text[text != ""]


def _sample_text(col: pd.Series, size: int = SAMPLE_ROWS) -> pd.Series:
    """Present cells of a spread sample; every present cell when the sample finds few."""
    sample = _present_text(spread_sample(col, size))
    return sample if len(sample) >= min(100, size) or len(col) <= size else _present_text(col)


def _as_numeric(col: pd.Series, name: str, notes: list[str]) -> pd.Series | None:
    """Mostly-numeric text -> numbers; the few cells that are not become missing (noted)."""
    # decide on a spread sample first: a per-cell regex over a million text cells costs seconds
    sample = _sample_text(col)
    if sample.empty or _numeric_share(sample) < NUMERIC_SHARE or _has_leading_zero_codes(sample):
        return None
    text = _present_text(col)
    if text.empty or _has_leading_zero_codes(text):
        return None
    if len(text) > len(sample) and _numeric_share(text) < NUMERIC_SHARE:
        return None
    cleaned = col.astype(str).str.strip().str.replace(",", "", regex=False).str.rstrip("%")
    values = pd.to_numeric(cleaned.where(col.notna()), errors="coerce")
    bad = int(values.isna().sum() - col.isna().sum())
    if bad > 0:
        notes.append(
            f"Column {name!r} is numeric but {bad:,} value(s) are not numbers; "
            "they are treated as missing."
        )
    if (values.dropna() % 1 == 0).all() and values.notna().all():
        return values.astype("int64")
    return values


def _numeric_share(text: pd.Series) -> float:
    return float((text.str.match(_NUMBER) & text.str.contains(r"\d", regex=True)).mean())


def _has_leading_zero_codes(text: pd.Series) -> bool:
    """Codes like zip "02134" stay text: as numbers they would lose their zeros."""
    zero = text.str.startswith("0") & (text.str.len() > 1)
    return bool(zero.any()) and bool(text[zero].str.match(r"^0\d+$").any())


def _as_datetime(col: pd.Series, name: str, notes: list[str]) -> pd.Series | None:
    """Text that is nearly all dates -> datetime64; times of day alone are left as text."""
    sample = _sample_text(col, 500)
    if sample.empty or float(sample.str.match(_DATE_LIKE).mean()) < DATE_SHARE:
        return None
    for fmt in _DATE_FORMATS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # utc=True: values with different offsets are one column of instants (without
            # it pandas raises); text without an offset keeps its wall-clock time.
            parsed = pd.to_datetime(col.where(col.notna()), format=fmt, errors="coerce", utc=True)
        ok = float(parsed.notna().sum()) / max(1, int(col.notna().sum()))
        if ok >= DATE_SHARE:
            bad = int(col.notna().sum() - parsed.notna().sum())
            if bad:
                notes.append(
                    f"Column {name!r}: {bad:,} value(s) are not dates; treated as missing."
                )
            return parsed.dt.tz_localize(None)
    return None
