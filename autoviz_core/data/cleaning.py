"""Column clean-up shared by every format: names people can refer to, and honest types.

Each repair is reported as a warning sentence so nothing changes silently.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

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
# a number written with a decimal comma (and perhaps dots between thousands): 3,50  1.234,5
_COMMA_NUMBER = re.compile(r"^\s*[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?\s*%?\s*$")
# a comma that cannot separate thousands: not followed by exactly three digits, or after them
_DECIMAL_COMMA = re.compile(r",(?:\d{1,2}|\d{4,})\s*%?\s*$|\.\d{3},")
_DATE_FORMATS = (
    "ISO8601",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%m/%d/%y",
    "%d %B %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%b %d, %Y",
)
# The one pair of formats that reads the same text as two different dates (01/06/2024).
_MONTH_FIRST, _DAY_FIRST = "%m/%d/%Y", "%d/%m/%Y"
LOOKS_TYPED = 0.8  # a text column this numeric (or date-like) gets a note on why it is text


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
            noted = len(notes)
            parsed = _as_numeric(col, name, notes)
            if parsed is None:
                parsed = _as_decimal_comma(col, name, notes)
            if parsed is None:
                parsed = _as_datetime(col, name, notes)
            if parsed is None:
                if len(notes) == noted:  # no reader said why already
                    _explain_text(col, name, notes)
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
    chunks = _arrow_chunks(col)
    if step == 1 or chunks is None or chunks.num_chunks < 2:
        return col.iloc[::step]
    return _take_per_chunk(col, chunks, np.arange(0, len(col), step))


def _arrow_chunks(col: pd.Series) -> Any:
    """The Arrow chunks behind an Arrow-backed column (None for a NumPy one)."""
    if not hasattr(col.array, "__arrow_array__") or not str(col.dtype).startswith("str"):
        return None
    return col.array.__arrow_array__()


def _take_per_chunk(col: pd.Series, chunks: Any, positions: np.ndarray) -> pd.Series:
    """`col.iloc[positions]` (sorted positions) taken chunk by chunk: Arrow's take over a
    chunked column joins its chunks first, 10 ms per million cells for a 2,000-cell sample."""
    import pyarrow as pa

    starts = np.cumsum([0] + [len(c) for c in chunks.chunks])
    cuts = np.searchsorted(positions, starts)
    picked = [
        chunk.take(positions[cuts[i] : cuts[i + 1]] - starts[i])
        for i, chunk in enumerate(chunks.chunks)
    ]
    values = pd.array(pa.chunked_array(picked, chunks.type), dtype=col.dtype)
    return pd.Series(values, index=col.index[positions], name=col.name)


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


def _as_decimal_comma(col: pd.Series, name: str, notes: list[str]) -> pd.Series | None:
    """Numbers written with a decimal comma (3,50; 1.234,5) -> numbers, when it is safe: nearly
    every value is such a number and some comma cannot be a thousands separator."""
    sample = _sample_text(col)
    if sample.empty or _has_leading_zero_codes(sample) or not _comma_numbers(sample):
        return None
    text = _present_text(col)
    if len(text) > len(sample) and (_has_leading_zero_codes(text) or not _comma_numbers(text)):
        return None
    cleaned = col.astype(str).str.strip().str.rstrip("%").str.strip()
    cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned.where(col.notna()), errors="coerce")
    example = str(text[text.str.contains(_DECIMAL_COMMA)].iloc[0])
    notes.append(f"Column {name!r} uses a decimal comma (e.g. {example!r}); read it as numbers.")
    bad = int(values.isna().sum() - col.isna().sum())
    if bad > 0:
        notes.append(
            f"Column {name!r} is numeric but {bad:,} value(s) are not numbers; "
            "they are treated as missing."
        )
    return values


def _comma_numbers(text: pd.Series) -> bool:
    share = float(text.str.match(_COMMA_NUMBER).mean())
    return share >= NUMERIC_SHARE and bool(text.str.contains(_DECIMAL_COMMA).any())


def _as_datetime(col: pd.Series, name: str, notes: list[str]) -> pd.Series | None:
    """Text that is nearly all dates -> datetime64; times of day alone are left as text.
    One format for the whole column first; else each value in its own format, when no value
    could be read as two different dates."""
    sample = _sample_text(col, 500)
    if sample.empty or float(sample.str.match(_DATE_LIKE).mean()) < DATE_SHARE:
        return None
    for fmt in _DATE_FORMATS:
        parsed = _parse_dates(col, fmt)
        if _date_share(parsed, col) >= DATE_SHARE:
            _note_not_dates(col, parsed, name, notes)
            return parsed.dt.tz_localize(None)
    ambiguous: list[str] = []  # decided on the sample first: cheap to say no
    if _mixed_dates(sample, name, ambiguous) is None and not ambiguous:
        return None
    return _mixed_dates(col, name, notes)  # every value: another may settle the day order


def _parse_dates(col: pd.Series, fmt: str) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # utc=True: values with different offsets are one column of instants (without it
        # pandas raises); text without an offset keeps its wall-clock time.
        return pd.to_datetime(col.where(col.notna()), format=fmt, errors="coerce", utc=True)


def _date_share(parsed: pd.Series, col: pd.Series) -> float:
    return float(parsed.notna().sum()) / max(1, int(col.notna().sum()))


def _note_not_dates(col: pd.Series, parsed: pd.Series, name: str, notes: list[str]) -> None:
    bad = int(col.notna().sum() - parsed.notna().sum())
    if bad:
        notes.append(f"Column {name!r}: {bad:,} value(s) are not dates; treated as missing.")


def _mixed_dates(col: pd.Series, name: str, notes: list[str]) -> pd.Series | None:
    """Each value read in the first format that reads it, when together they read nearly all
    values. Refused (with a note) when month/day and day/month would both read some value
    as two different dates: then no reading is safe."""
    parsed = {fmt: _parse_dates(col, fmt) for fmt in _DATE_FORMATS}
    month_first, day_first = parsed[_MONTH_FIRST], parsed[_DAY_FIRST]
    slashed = month_first.notna() | day_first.notna()
    both = month_first[slashed].notna().all() and day_first[slashed].notna().all()
    if both and (month_first[slashed] != day_first[slashed]).any():
        example = str(col[slashed & (month_first != day_first)].iloc[0])
        notes.append(
            f"Column {name!r} was read as text because it mixes date formats and a value "
            f"such as {example!r} could be day/month or month/day."
        )
        return None
    if day_first[slashed].notna().all() and not month_first[slashed].notna().all():
        del parsed[_MONTH_FIRST]  # some value has a day above 12 first: day/month throughout
    elif month_first[slashed].notna().all():
        del parsed[_DAY_FIRST]
    combined = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns, UTC]")
    used = []
    for values in parsed.values():
        fills = combined.isna() & values.notna()
        if fills.any():
            used.append(str(col[fills].iloc[0]))
            combined = combined.where(~fills, values)
    if len(used) < 2 or _date_share(combined, col) < DATE_SHARE:
        return None
    examples = ", ".join(repr(v) for v in used[:3])
    notes.append(
        f"Column {name!r} mixes {len(used)} date formats (e.g. {examples}); "
        "each value was read in its own format."
    )
    _note_not_dates(col, combined, name, notes)
    return combined.dt.tz_localize(None)


def _explain_text(col: pd.Series, name: str, notes: list[str]) -> None:
    """Say why a column that looks numeric or like dates was kept as text, and what would
    let it be read as one (codes with leading zeros are text on purpose: no note)."""
    sample = _sample_text(col)
    if sample.empty or _has_leading_zero_codes(sample):
        return
    numeric = sample.str.match(_NUMBER) & sample.str.contains(r"\d", regex=True)
    dates = sample.str.match(_DATE_LIKE)
    if numeric.mean() >= LOOKS_TYPED and numeric.mean() >= dates.mean():
        what, others = "numbers", sample[~numeric]
        fix = "clean them, or they could be treated as missing"
    elif dates.mean() >= LOOKS_TYPED:
        what, others = "dates", sample[~dates]
        fix = "write them in one date format"
    else:
        return
    if others.empty:  # every value matched, yet no format read them all
        notes.append(
            f"Column {name!r} was read as text: its values look like {what} "
            f"(e.g. {str(sample.iloc[0])!r}) but no single {what[:-1]} format reads them."
        )
        return
    share = len(others) / len(sample)
    examples = ", ".join(repr(str(v)) for v in others.value_counts().index[:3])
    notes.append(
        f"Column {name!r} was read as text because {share:.0%} of its values are not {what} "
        f"(e.g. {examples}); {fix}."
    )
