"""CSV/XLSX exports neutralise spreadsheet formulas in cells and column names."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from autoviz_core.report import neutralise_cell, table_to_csv_bytes, tables_to_xlsx_bytes

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "safe",
    "<script>alert(1)</script>",
]


def hostile_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "=HYPERLINK(1)": pd.array(HOSTILE, dtype="str"),
            "n": [-1, 2, 3, 4, 5, 6, 7, 8],
            "when": pd.date_range("2024-01-01", periods=8, tz="UTC"),
        }
    )


def test_neutralise_cell():
    assert [neutralise_cell(v) for v in HOSTILE[:6]] == ["'" + v for v in HOSTILE[:6]]
    assert neutralise_cell("safe") == "safe" and neutralise_cell(-1) == -1


def test_csv_is_formula_safe():
    text = table_to_csv_bytes(hostile_table()).decode("utf-8")
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert back.columns[0] == "'=HYPERLINK(1)"
    for cell in back.iloc[:, 0]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert back["n"].iloc[0] == "-1"  # numbers are numbers, not text to neutralise


def test_xlsx_is_formula_safe_and_writes_timezones():
    data = tables_to_xlsx_bytes({"a/b:c" * 10: hostile_table(), "second": pd.DataFrame({"x": [1]})})
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert len(sheet.title) <= 31 and "/" not in sheet.title
    values = [c.value for c in sheet["A"]]
    assert values[0] == "'=HYPERLINK(1)"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert book.worksheets[1].title == "second"
