"""Helpers shared by the security tests: the one-line error rule and bounded time/memory."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from autoviz_core.errors import AutoVizError


def assert_one_line(exc: AutoVizError) -> str:
    """A message a person can read: one line, no traceback text, not empty."""
    text = str(exc)
    assert text.strip(), f"{type(exc).__name__} with an empty message"
    assert "\n" not in text, f"multi-line message: {text!r}"
    assert "Traceback" not in text, text
    return text


@contextmanager
def bounded(seconds: float, megabytes: float | None = None) -> Iterator[dict[str, Any]]:
    """Fail when the block takes longer than `seconds` or allocates more than `megabytes`
    at its peak (Python allocations, traced with tracemalloc)."""
    stats: dict[str, Any] = {}
    if megabytes is not None:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        yield stats
    finally:
        elapsed = time.perf_counter() - start
        peak = 0
        if megabytes is not None:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        stats.update(elapsed=elapsed, peak_mb=peak / 1e6)
    assert elapsed < seconds, f"took {elapsed:.2f} s (limit {seconds} s)"
    if megabytes is not None:
        assert peak / 1e6 < megabytes, f"peak {peak / 1e6:.0f} MB (limit {megabytes} MB)"


def run_bounded(fn: Callable[[], Any], seconds: float, megabytes: float | None = None) -> Any:
    with bounded(seconds, megabytes):
        return fn()
