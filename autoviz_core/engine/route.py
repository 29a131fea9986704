"""Which path a file takes: today's pandas path when its table fits the memory budget, the
engine (DuckDB over the file in place) when it would not, or when it is a glob or a database.

The in-memory size is estimated before anything is read: Parquet from its footer (rows ×
the width of each column type), CSV from its size. Loading into pandas peaks at a few times
the table's own size (the parser's buffers and the converted columns live side by side), so
the estimate is multiplied by PEAK_FACTOR before it is compared with the budget.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from autoviz_core.config import Settings
from autoviz_core.engine.source import (
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    is_database_url,
    is_file_pattern,
)

PEAK_FACTOR = 3.0  # pandas' peak while loading, as a multiple of the table (bench/README.md)
TEXT_CELL_BYTES = 48  # a text cell in a pandas frame (Arrow string + offsets + object overhead)
CSV_EXPANSION = 1.5  # a CSV's table in pandas, as a multiple of its bytes on disk


def use_engine(spec: str, settings: Settings) -> bool:
    """Whether `spec` is analysed where it lives (True) or loaded into pandas (False)."""
    if is_database_url(spec) or is_file_pattern(spec):
        return True
    path = Path(spec).expanduser()
    if not path.is_file():
        return False  # a missing file keeps the loader's own message
    with path.open("rb") as fh:
        return _over_budget(fh, path.name, path.stat().st_size, settings)


def use_engine_for_upload(content: bytes, name: str, settings: Settings) -> bool:
    """Whether an uploaded file is analysed where it lives (written to a file first) rather
    than loaded into pandas: the same decision as for a file on disk."""
    return _over_budget(io.BytesIO(content), Path(name).name, len(content), settings)


def _over_budget(fh: BinaryIO, name: str, size: int, settings: Settings) -> bool:
    """A CSV or Parquet file whose table would not fit the budget (or `engine.route` says)."""
    parquet = fh.read(4) == b"PAR1"
    fh.seek(0)
    if not (parquet or name.lower().endswith(PARQUET_SUFFIXES + CSV_SUFFIXES)):
        return False  # other formats keep the loader's own messages
    route = settings.engine.route
    if route != "auto":
        return route == "engine"
    if parquet and parquet_rows(fh) > settings.limits.max_rows:
        return True  # the loader would refuse it by its row count: the engine takes it whole
    estimate = estimated_table_bytes(fh, size) if parquet else int(size * CSV_EXPANSION)
    return estimate * PEAK_FACTOR > settings.limits.memory_budget_bytes


def parquet_rows(fh: BinaryIO) -> int:
    """A Parquet file's row count from its footer (0 when it cannot be read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(fh).metadata.num_rows)
    except (pa.ArrowException, OSError):
        return 0
    finally:
        fh.seek(0)


def estimated_table_bytes(fh: BinaryIO, size: int) -> int:
    """A Parquet table's size in a pandas frame, from its footer (no data read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(fh)
    except (pa.ArrowException, OSError):
        return size  # the loader reports a damaged file in its own words
    finally:
        fh.seek(0)
    width = sum(
        TEXT_CELL_BYTES
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        else max(1, f.type.bit_width // 8)
        if pa.types.is_primitive(f.type)
        else TEXT_CELL_BYTES
        for f in meta.schema_arrow
    )
    return int(meta.metadata.num_rows * width)
