"""The gate every table passes before it is parsed: what the path is, how big the table would
be once expanded, and how long loading may take.

- Only regular files are read from disk. A pipe (`<(cat table.csv)`, a named pipe) or a file
  that reports no size (/proc) is read once, up to the upload limit and the load time limit,
  and parsed from memory; devices (/dev/zero), sockets and folders are refused with one line.
- A table that would not fit `limits.memory_budget_mb` while loading (its size estimated by
  data/estimate.py) is refused before it is parsed; a CSV or Parquet file the CLI names is
  queried in place instead (engine/route.py), before it gets here.
- Loading runs under a wall-clock limit (`limits.load_timeout_s`) that ends with one line.
"""

from __future__ import annotations

import contextvars
import ctypes
import os
import select
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from autoviz_core.config import Limits
from autoviz_core.data.compression import compression_of
from autoviz_core.data.estimate import (
    LOADING_PEAK,
    MAX_TEXT_EXPANSION,
    estimate_expanded_bytes,
    fits_memory_budget,
)
from autoviz_core.errors import DataLoadError
from autoviz_core.unicode_safe import replace_undecodable

T = TypeVar("T")
MB = 1024 * 1024
_READ_CHUNK = 1 << 20


def display_text(text: str) -> str:
    """A path or name safe to show and write: bytes that were not UTF-8 become U+FFFD."""
    return replace_undecodable(text)


def check_upload_size(size: int, limits: Limits) -> None:
    """The raw file (or what a pipe delivered) within `limits.max_upload_mb`."""
    if size > limits.max_upload_bytes:
        raise DataLoadError(
            f"The file is {size / 1e6:.1f} MB, over the {limits.max_upload_mb:g} MB limit.",
            "Raise limits.max_upload_mb in config.yaml or upload a smaller file.",
        )


def admit_path(path: Path, limits: Limits) -> bytes | None:
    """Check what `path` is before anything reads it. None for a regular file within the
    upload limit (the loader reads it from disk); the bytes, read here once and bounded, for a
    pipe or a file that reports no size; a one-line DataLoadError for anything else."""
    shown = display_text(str(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DataLoadError(f"File not found: {shown}.") from None
    except OSError as exc:
        raise DataLoadError(f"{shown} cannot be opened: {exc.strerror or exc}.") from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise DataLoadError(f"{shown} is a folder, not a file.")
    if stat.S_ISREG(mode) and info.st_size > 0:
        check_upload_size(info.st_size, limits)
        return None
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return read_stream(path, limits.max_upload_bytes, limits.load_timeout_s)
    raise DataLoadError(
        f"{shown} is a {_file_kind(mode)}, not a file.",
        "Pass a table file, or a pipe such as <(cat table.csv).",
    )


def _file_kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def read_stream(path: Path, limit: int, seconds: float) -> bytes:
    """Everything a pipe delivers until it closes, read once: at most `limit` bytes, and no
    longer than `seconds` of waiting in all (a writer that stalls is not waited for)."""
    shown = display_text(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a pipe with no writer: EOF, no hang
    except OSError as exc:
        raise DataLoadError(f"{shown} cannot be opened: {exc.strerror or exc}.") from None
    chunks: list[bytes] = []
    total = 0
    end = time.monotonic() + seconds
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    try:
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise DataLoadError(
                    f"{shown} did not deliver a whole table within {seconds:g} s "
                    f"({total:,} bytes came, then nothing, or no writer).",
                    "Check what writes to the pipe, or raise limits.load_timeout_s in config.yaml.",
                )
            if not poller.poll(remaining * 1000):
                continue
            try:
                chunk = os.read(fd, _READ_CHUNK)
            except BlockingIOError:
                continue
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > limit:
                raise DataLoadError(
                    f"{shown} delivered more than {limit / MB:,.0f} MB, over the "
                    f"{limit / MB:,.0f} MB limit.",
                    "Raise limits.max_upload_mb in config.yaml or send a smaller table.",
                )
            chunks.append(chunk)
    finally:
        os.close(fd)


def check_memory_budget(source: Path | bytes, limits: Limits) -> None:
    """Refuse, before it is parsed, a table that would not fit `limits.memory_budget_mb` while
    loading (data/estimate.py decides). Plain text so small that even the worst expansion
    fits is not sampled."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    head = source[:16] if isinstance(source, bytes) else _first_bytes(source, 16)
    plain_text = not head.startswith((b"PAR1", b"PK\x03\x04")) and compression_of(head) is None
    if plain_text and fits_memory_budget(size * MAX_TEXT_EXPANSION, limits):
        return
    estimate = estimate_expanded_bytes(source)
    if estimate is not None and not fits_memory_budget(estimate, limits):
        raise DataLoadError(
            f"The table would take about {estimate / MB:,.0f} MB in memory and about "
            f"{estimate * LOADING_PEAK / MB:,.0f} MB while loading, over the "
            f"{limits.memory_budget_mb:,g} MB memory budget.",
            "Raise limits.memory_budget_mb in config.yaml or load a sample of the rows.",
        )


def _first_bytes(path: Path, size: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


class _LoadStopped(BaseException):
    """Raised inside a loading thread that ran past its time limit, to stop it."""


def within_time_limit(load: Callable[[], T], seconds: float, limit_s: float | None = None) -> T:
    """`load()` under a wall-clock limit: it runs in a worker thread; at `seconds` the caller
    gets a one-line DataLoadError naming the limit (`limit_s`, default `seconds`: the part
    of it left after reading a pipe) and the worker is stopped at its next Python
    instruction (a parser busy in C, such as Arrow's, stops when that call returns)."""
    outcome: dict[str, object] = {}
    lock = threading.Lock()

    def work() -> None:
        try:
            try:
                outcome["value"] = load()
            except BaseException as exc:
                outcome["error"] = exc
            with lock:
                outcome["done"] = True
        except _LoadStopped:
            pass  # the stop landed after loading had finished: nothing left to stop

    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(work,), name="autoviz-load", daemon=True)
    worker.start()
    try:
        worker.join(seconds)
    except BaseException:  # Ctrl-C while waiting: stop the load too
        _stop(worker)
        raise
    with lock:
        if "done" not in outcome:
            _stop(worker)
            raise DataLoadError(
                f"Loading the file took longer than {limit_s or seconds:g} s and was stopped.",
                "Raise limits.load_timeout_s in config.yaml, or save the table as CSV or "
                "Parquet (both load much faster than Excel).",
            )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _stop(worker: threading.Thread) -> None:
    """Raise _LoadStopped in `worker` (Python has no other way to end a thread)."""
    if worker.ident is None or not worker.is_alive():
        return
    ident = ctypes.c_ulong(worker.ident)
    hit = ctypes.pythonapi.PyThreadState_SetAsyncExc(ident, ctypes.py_object(_LoadStopped))
    if hit > 1:  # never expected: undo rather than disturb other threads
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ident, None)
