"""Work done once per column, on up to two cores.

NumPy's sort, Arrow's value counts and pandas' hashing release the GIL, so a million-row
table's columns profile about 1.6x faster two at a time (bench/bench_vs_ydata.py). Results keep
the columns' order and each column's work is the same as alone, so the output is identical;
small tables stay on one thread, where starting one costs more than it saves.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

PARALLEL_FROM_ROWS = 100_000
MAX_WORKERS = 2


def map_columns(work: Callable[[str], T], names: Sequence[str], n_rows: int) -> list[T]:
    """`work(name)` for every column name, in order; two at a time on a big table. Each call
    runs in a copy of the caller's context (a run's shared cache stays visible)."""
    workers = min(MAX_WORKERS, os.cpu_count() or 1, len(names))
    if n_rows < PARALLEL_FROM_ROWS or workers < 2:
        return [work(name) for name in names]
    context = contextvars.copy_context()
    with ThreadPoolExecutor(workers, thread_name_prefix="autoviz-columns") as pool:
        return list(pool.map(lambda name: context.copy().run(work, name), names))
