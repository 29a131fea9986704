"""CSV/XLSX export of result tables that a spreadsheet cannot execute (formula injection)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from autoviz_core.unicode_safe import utf8

# A cell starting with one of these is run as a formula by Excel/LibreOffice/Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise_cell(value: Any) -> Any:
    """Text that a spreadsheet would evaluate gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_table(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with text cells and column names neutralised; numbers and dates untouched."""
    out = df.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if (
            pd.api.types.is_string_dtype(s)
            or pd.api.types.is_object_dtype(s)
            or isinstance(s.dtype, pd.CategoricalDtype)
        ):
            out[col] = s.astype("object").map(neutralise_cell)
    return out


def table_to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV without the index, formula-safe.

    Lines end in CRLF (RFC 4180) because the csv writer quotes only the line terminator's own
    characters: with "\n" a bare "\r" inside a cell was left unquoted, a spreadsheet read it
    as a row break, and "a\r=1+1" became a live formula on the next row.
    """
    return utf8(safe_table(df).to_csv(index=False, lineterminator="\r\n"))


def _xlsx_ready(df: pd.DataFrame) -> pd.DataFrame:
    """XLSX cannot hold timezones or control characters: drop the one, strip the other."""
    out = safe_table(df)
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s) and getattr(s.dt, "tz", None) is not None:
            out[col] = s.dt.tz_localize(None)
        elif pd.api.types.is_object_dtype(s):
            out[col] = s.map(lambda v: _ILLEGAL_XLSX.sub("", v) if isinstance(v, str) else v)
    out.columns = [_ILLEGAL_XLSX.sub("", str(c)) for c in out.columns]
    return out


def _sheet_names(names: list[str]) -> list[str]:
    """Valid, unique sheet names (31 characters, no []:*?/\\)."""
    out: list[str] = []
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", _ILLEGAL_XLSX.sub("", name)).strip("'")[:31] or "sheet"
        candidate, n = base, 1
        while candidate.lower() in {o.lower() for o in out}:
            n += 1
            candidate = f"{base[: 31 - len(str(n)) - 1]}_{n}"
        out.append(candidate)
    return out


def tables_to_xlsx_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per table, formula-safe (openpyxl writes "=..." text as a live formula)."""
    buffer = io.BytesIO()
    names = _sheet_names(list(tables))
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, df in zip(names, tables.values(), strict=True):
            _xlsx_ready(df).to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()
