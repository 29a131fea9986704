"""A per-run cache of derived tables, so steps that need the same group-by or resample share it.

The executor opens one cache for each plan it runs (`run_cache()`); tools opt in through
`shared(df, key, compute)`: the first step computes, later steps with the same input table
and key get the same object. Outside a run nothing is cached. Values are pandas objects that
callers treat as read-only (copy-on-write makes an accidental change a private copy).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T")

_RUN_CACHE: contextvars.ContextVar[dict[Hashable, tuple[Any, Any]] | None] = contextvars.ContextVar(
    "autoviz_run_cache", default=None
)


@contextlib.contextmanager
def run_cache() -> Iterator[dict[Hashable, tuple[Any, Any]]]:
    """Cache shared results for the duration of one plan's execution."""
    cache: dict[Hashable, tuple[Any, Any]] = {}
    token = _RUN_CACHE.set(cache)
    try:
        yield cache
    finally:
        _RUN_CACHE.reset(token)
        cache.clear()


def shared(df: pd.DataFrame, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """`compute()` once per run for this input table and key (the table itself, not a copy of
    it: the cache keeps a reference, so its identity cannot be reused by another table)."""
    cache = _RUN_CACHE.get()
    if cache is None:
        return compute()
    full = (id(df), *key)
    hit = cache.get(full)
    if hit is not None and hit[0] is df:
        return hit[1]  # type: ignore[no-any-return]
    value = compute()
    cache[full] = (df, value)
    return value
