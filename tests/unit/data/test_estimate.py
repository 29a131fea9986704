"""estimate_expanded_bytes: a table's size in memory read from its file before parsing, close
enough to the loaded table to decide between loading and refusing (or querying in place)."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from autoviz_core.data import load_table_bytes
from autoviz_core.data.estimate import MAX_TEXT_EXPANSION, estimate_expanded_bytes, text_estimate


def _parquet(table: pa.Table, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **kwargs)  # type: ignore[arg-type]
    return buffer.getvalue()


def _memory(data: bytes, name: str) -> int:
    return int(load_table_bytes(data, name).df.memory_usage(deep=True, index=False).sum())


def test_parquet_numbers_are_rows_times_width(tmp_path: Path) -> None:
    data = _parquet(pa.table({"a": np.zeros(100_000), "b": np.arange(100_000)}))
    path = tmp_path / "t.parquet"
    path.write_bytes(data)
    assert estimate_expanded_bytes(path) == estimate_expanded_bytes(data) == 100_000 * 2 * 8


def test_parquet_text_counts_its_values_not_its_dictionary() -> None:
    """A dictionary-encoded column declares a few bytes; loaded, every row holds its text."""
    data = _parquet(pa.table({"s": ["a fairly long repeated label"] * 50_000}))
    estimate = estimate_expanded_bytes(data)
    assert estimate is not None and estimate >= 50_000 * 28
    assert estimate / _memory(data, "t.parquet") < 2


def test_xlsx_is_its_sheet_and_shared_strings_xml() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 1000)
        zf.writestr("xl/worksheets/sheet2.xml", b"0" * 500)
        zf.writestr("xl/sharedStrings.xml", b"0" * 200)
        zf.writestr("xl/media/picture.png", b"0" * 10_000)  # not part of any table
    assert estimate_expanded_bytes(buffer.getvalue()) == 1700


def test_csv_estimate_is_near_the_loaded_table() -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"n": rng.integers(0, 100, 50_000), "x": rng.normal(size=50_000).round(3)}
        | {"label": rng.choice(["north", "south", "east"], 50_000)}
    )
    data = df.to_csv(index=False).encode()
    estimate = estimate_expanded_bytes(data)
    assert estimate is not None and 0.5 < estimate / _memory(data, "t.csv") < 2
    packed = gzip.compress(data)
    assert estimate_expanded_bytes(packed) == estimate  # compressed: the same text's estimate


def test_empty_fields_expand_most() -> None:
    data = b"a,b,c\n" + b",,\n" * 10_000
    estimate = text_estimate(data, len(data))
    assert estimate is not None and 4 * len(data) < estimate <= MAX_TEXT_EXPANSION * len(data)


def test_no_estimate_for_json_or_damaged_parquet() -> None:
    assert estimate_expanded_bytes(b'[{"a": 1}]') is None
    assert estimate_expanded_bytes(b"PAR1" + b"\0" * 64 + b"PAR1") is None
