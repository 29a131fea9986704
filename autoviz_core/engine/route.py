"""Which path a file takes: today's pandas path when its table fits the memory budget, the
engine (DuckDB over the file in place) when it would not, or when it is a glob or a database.

The in-memory size is estimated before anything is read (data/estimate.py: Parquet from its
footer, CSV from a parsed sample of its head), and whether it fits the budget is the same rule
the loader applies to every other source (`fits_memory_budget`: loading peaks at a few times
the table's own size).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from autoviz_core.config import Settings
from autoviz_core.data.estimate import estimate_expanded_bytes, fits_memory_budget
from autoviz_core.engine.source import (
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    is_database_url,
    is_file_pattern,
)


def use_engine(spec: str, settings: Settings) -> bool:
    """Whether `spec` is analysed where it lives (True) or loaded into pandas (False)."""
    if is_database_url(spec) or is_file_pattern(spec):
        return True
    path = Path(spec).expanduser()
    if not path.is_file() or not _engine_format(path):
        # other formats, missing files, pipes and devices keep the loader's own handling (a
        # pipe's first bytes must not be read here: it can be read only once)
        return False
    route = settings.engine.route
    if route != "auto":
        return route == "engine"
    if parquet_rows(path) > settings.limits.max_rows:
        return True  # the loader would refuse it by its row count: the engine takes it whole
    return not fits_memory_budget(estimated_table_bytes(path), settings.limits)


def use_engine_for_upload(content: bytes, name: str, settings: Settings) -> bool:
    """Whether an uploaded file is analysed where it lives (written to a file first) rather
    than loaded into pandas: the decision `use_engine` makes for the same file on disk."""
    parquet = content[:4] == b"PAR1"
    if not (parquet or Path(name).name.lower().endswith(PARQUET_SUFFIXES + CSV_SUFFIXES)):
        return False
    route = settings.engine.route
    if route != "auto":
        return route == "engine"
    if parquet and parquet_rows(io.BytesIO(content)) > settings.limits.max_rows:
        return True
    estimate = estimate_expanded_bytes(content)
    return not fits_memory_budget(len(content) if estimate is None else estimate, settings.limits)


def parquet_rows(source: Path | BinaryIO) -> int:
    """A Parquet file's row count from its footer (0 for other files)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(source, Path):
        with source.open("rb") as fh:
            if fh.read(4) != b"PAR1":
                return 0
    try:
        return int(pq.ParquetFile(source).metadata.num_rows)
    except (pa.ArrowException, OSError):
        return 0


def _engine_format(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES + CSV_SUFFIXES):
        return True
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def estimated_table_bytes(path: Path) -> int:
    """The table's size in a pandas frame, estimated without reading the data
    (data/estimate.py); the file's own size when its format allows no estimate."""
    estimate = estimate_expanded_bytes(path)
    return estimate if estimate is not None else path.stat().st_size
