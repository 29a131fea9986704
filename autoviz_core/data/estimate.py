"""How much memory a table would take once loaded, estimated from its file before it is parsed.

One rule decides whether a table fits `limits.memory_budget_mb` (`fits_memory_budget`): the
engine's router queries a CSV or Parquet file that does not fit where it lies
(engine/route.py), and the loader refuses any other source that does not (data/guard.py), so a
1 MB Parquet file of five million constant rows or a small workbook that unpacks to a gigabyte
is never expanded into memory.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from autoviz_core.config import Limits
from autoviz_core.data import compression

TEXT_SAMPLE_BYTES = 1 << 20  # the head of a text table parsed to learn its bytes per cell
# A CSV cell costs at least one byte (an empty field and its comma) and becomes at most an
# 8-byte number or offset: a text table never takes more than this many times its size.
MAX_TEXT_EXPANSION = 8
COUNT_CAP = 1 << 40  # decompressed bytes are counted up to here (1 TiB), then "more than"
# Loading into pandas peaks at about this many times the table (the parser's buffers and the
# converted columns side by side; bench/README.md): the budget is compared with the peak.
LOADING_PEAK = 3.0
_PARQUET_WIDTH = {"BOOLEAN": 1, "INT32": 8, "INT64": 8, "INT96": 8, "FLOAT": 8, "DOUBLE": 8}
_STRING_OVERHEAD = 8  # an offset per value in pandas' Arrow-backed text columns
_XLSX_PARTS = ("xl/worksheets/", "xl/sharedStrings.xml")


def estimate_expanded_bytes(source: str | Path | bytes) -> int | None:
    """About how many bytes the table in `source` (a file path, or a file's bytes) takes in
    memory once loaded into pandas, read from the file without parsing it; None when the
    format allows no such estimate (JSON, a damaged file).

    - Parquet: every column chunk's values times the width of its type (text: an offset and
      its longest value from the chunk statistics, else its uncompressed size per value, and
      never less than the uncompressed size the chunk declares).
    - Excel (.xlsx): the uncompressed size of the sheets' XML and the shared strings (reading
      peaks near three times that, as other formats peak near three times their table).
    - CSV and other text: the head parsed, its memory per byte of file scaled to the file.
    - gzip/bz2/xz-compressed text: as text, on the decompressed size (counted by streaming,
      nothing kept).
    """
    head = _head(source, TEXT_SAMPLE_BYTES)
    if head.startswith(b"PAR1"):
        return _parquet_estimate(source)
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_estimate(source)
    kind = compression.compression_of(head)
    if kind is not None:
        raw = source if isinstance(source, bytes) else Path(source)
        size = compression.decompressed_size(raw, kind, COUNT_CAP)
        return text_estimate(compression.decompressed_head(raw, kind, TEXT_SAMPLE_BYTES), size)
    if head.lstrip()[:1] in (b"[", b"{"):
        return None  # JSON: no cheap estimate; the upload limit bounds it
    return text_estimate(head, _size(source))


def fits_memory_budget(estimate: int, limits: Limits) -> bool:
    """Whether a table of `estimate` bytes can be loaded within the memory budget, counting
    the peak of loading it (LOADING_PEAK times the table)."""
    return estimate * LOADING_PEAK <= limits.memory_budget_bytes


def text_estimate(head: bytes, size: int) -> int | None:
    """A text table of `size` bytes whose first bytes are `head`: the memory the parsed head
    takes per byte, times the size. None when the head does not parse as a table."""
    if size <= 0:
        return 0
    sample = head if len(head) >= size else head[: head.rfind(b"\n") + 1]
    if sample.count(b"\n") < 2:  # a header and less than one whole row: assume the worst
        return size * MAX_TEXT_EXPANSION
    first = sample[: sample.find(b"\n")]
    delimiter = max((b",", b";", b"\t", b"|"), key=first.count).decode()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = pd.read_csv(
                io.BytesIO(sample),
                sep=delimiter,
                on_bad_lines="skip",
                encoding_errors="replace",
                low_memory=False,
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError):
        return None
    held = int(df.memory_usage(deep=True, index=False).sum())
    return int(held / len(sample) * size)


def _head(source: str | Path | bytes, size: int) -> bytes:
    if isinstance(source, bytes):
        return source[:size]
    with Path(source).open("rb") as fh:
        return fh.read(size)


def _size(source: str | Path | bytes) -> int:
    return len(source) if isinstance(source, bytes) else Path(source).stat().st_size


def _parquet_estimate(source: str | Path | bytes) -> int | None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(io.BytesIO(source) if isinstance(source, bytes) else source).metadata
        return sum(
            _chunk_estimate(meta.row_group(g).column(c), meta.row_group(g).num_rows)
            for g in range(meta.num_row_groups)
            for c in range(meta.num_columns)
        )
    except (pa.ArrowException, OSError, ValueError, IndexError):
        return None


def _chunk_estimate(chunk: Any, rows: int) -> int:
    """One column chunk in memory: values x the width of its type. Text and binary take an
    offset plus the value, and at least the uncompressed size the chunk declares."""
    values = max(int(chunk.num_values), rows)
    kind = str(chunk.physical_type)
    if kind in _PARQUET_WIDTH:
        return values * _PARQUET_WIDTH[kind]
    width = _STRING_OVERHEAD + _value_length(chunk, values)
    return max(values * width, int(chunk.total_uncompressed_size))


def _value_length(chunk: Any, values: int) -> int:
    """The longest value the chunk's statistics name, else its uncompressed bytes per value
    (a dictionary-encoded chunk declares only its distinct values and their indices)."""
    stats = chunk.statistics if chunk.is_stats_set else None
    if stats is not None and stats.has_min_max:
        return max(len(_as_bytes(stats.min)), len(_as_bytes(stats.max)))
    return int(chunk.total_uncompressed_size) // max(1, values) + 1


def _as_bytes(value: object) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")


def _xlsx_estimate(source: str | Path | bytes) -> int | None:
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            return sum(
                info.file_size for info in zf.infolist() if info.filename.startswith(_XLSX_PARTS)
            )
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
