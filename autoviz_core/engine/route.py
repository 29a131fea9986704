"""Which path a file takes: today's pandas path when its table fits the memory budget, the
engine (DuckDB over the file in place) when it would not, or when it is a glob or a database.

The in-memory size is estimated before anything is read: Parquet from its footer (rows ×
the width of each column type), CSV from its size. Loading into pandas peaks at a few times
the table's own size (the parser's buffers and the converted columns live side by side), so
the estimate is multiplied by PEAK_FACTOR before it is compared with the budget.
"""

from __future__ import annotations

from pathlib import Path

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
    if not _engine_format(path) or not path.is_file():
        return False  # other formats (and missing files) keep the loader's own messages
    route = settings.engine.route
    if route != "auto":
        return route == "engine"
    if parquet_rows(path) > settings.limits.max_rows:
        return True  # the loader would refuse it by its row count: the engine takes it whole
    return estimated_table_bytes(path) * PEAK_FACTOR > settings.limits.memory_budget_bytes


def parquet_rows(path: Path) -> int:
    """A Parquet file's row count from its footer (0 for other files)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with path.open("rb") as fh:
        if fh.read(4) != b"PAR1":
            return 0
    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except (pa.ArrowException, OSError):
        return 0


def _engine_format(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES + CSV_SUFFIXES):
        return True
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def estimated_table_bytes(path: Path) -> int:
    """The table's size in a pandas frame, estimated without reading the data."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        parquet = fh.read(4) == b"PAR1"
    if not parquet:
        return int(size * CSV_EXPANSION)
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path)
    except (pa.ArrowException, OSError):
        return size  # the loader reports a damaged file in its own words
    width = sum(
        TEXT_CELL_BYTES
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        else max(1, f.type.bit_width // 8)
        if pa.types.is_primitive(f.type)
        else TEXT_CELL_BYTES
        for f in meta.schema_arrow
    )
    return int(meta.metadata.num_rows * width)
