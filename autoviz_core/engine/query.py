"""Run one engine query: in a worker thread, with progress after a few seconds, cancellable.

DuckDB reports the share of the scan done (`query_progress`) and stops on `interrupt()`;
PostgreSQL has no progress figure (the stage and the time are reported) and stops on a
protocol-level cancel. Both are called from the waiting thread while the query runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autoviz_core.errors import AutoVizError

POLL_S = 0.1


class QueryCancelled(AutoVizError):
    """The person (or a time limit) stopped a running query."""


class EngineQueryError(AutoVizError):
    """The engine could not run a query (a type it cannot compare, a lost connection...)."""


@dataclass(frozen=True)
class QueryProgress:
    """How far a running query is: its stage, time so far and, where known, the share scanned."""

    stage: str
    elapsed_s: float
    share: float | None = None  # 0..1 of the scan, None where the engine does not say
    rows_total: int | None = None

    def text(self) -> str:
        """One line for the CLI and the app: "profile: 45% (~4,500,000 of 10,000,000 rows), 3.1 s"."""
        done = ""
        if self.share is not None:
            done = f" {self.share:.0%}"
            if self.rows_total:
                done += f" (~{int(self.share * self.rows_total):,} of {self.rows_total:,} rows)"
        return f"{self.stage}:{done or ' running'}, {self.elapsed_s:.1f} s"


OnProgress = Callable[[QueryProgress], None]


class Canceller:
    """Stops the query that is running on one connection; `cancel()` may come from any thread."""

    def __init__(self, backend: Any, dialect: str) -> None:
        self._backend = backend
        self._dialect = dialect
        self.requested = threading.Event()

    def cancel(self) -> None:
        self.requested.set()
        self.interrupt()

    def reset(self) -> None:
        """Let queries run again after a cancelled run (the next question starts afresh)."""
        self.requested.clear()

    def interrupt(self) -> None:
        con = getattr(self._backend, "con", None)
        if con is None:
            return
        if self._dialect == "duckdb":
            con.interrupt()
        else:
            con.cancel_safe()

    def share_done(self) -> float | None:
        """DuckDB's estimate of the share of the query done (None when it has none yet)."""
        if self._dialect != "duckdb":
            return None
        try:
            value = float(self._backend.con.query_progress())
        except Exception:  # the connection is busy finishing: no figure this time
            return None
        return value / 100 if value >= 0 else None


def run_query(
    work: Callable[[], Any],
    canceller: Canceller,
    stage: str,
    *,
    rows_total: int | None = None,
    on_progress: OnProgress | None = None,
    progress_after_s: float = 2.0,
) -> Any:
    """`work()` in a worker thread; progress reported past `progress_after_s`; cancellable.

    A cancel requested before the query starts stops it at once; one requested while it runs
    interrupts the engine, and the caller gets QueryCancelled either way.
    """
    if canceller.requested.is_set():
        raise QueryCancelled(f"{stage}: cancelled before it started.")
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=target, name=f"autoviz-engine-{stage}", daemon=True)
    started = time.perf_counter()
    worker.start()
    interrupted = False
    while worker.is_alive():
        try:
            worker.join(POLL_S)
        except KeyboardInterrupt:  # Ctrl-C in the CLI: stop the engine too, then stop
            canceller.cancel()
            raise
        elapsed = time.perf_counter() - started
        if canceller.requested.is_set() and not interrupted:
            canceller.interrupt()
            interrupted = True
        if on_progress is not None and elapsed >= progress_after_s and worker.is_alive():
            on_progress(QueryProgress(stage, elapsed, canceller.share_done(), rows_total))
    if canceller.requested.is_set():
        raise QueryCancelled(f"{stage}: the query was cancelled.", "Ask again to run it.")
    if "error" in box:
        raise EngineQueryError(f"{stage}: the query failed: {_first_line(box['error'])}")
    return box["result"]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
