"""A plan running in a worker thread, for a front end that stays responsive while it runs: how
far it is (steps done, the engine query running now and its share scanned), and a stop switch
that interrupts the running engine query and skips the steps not started.

Only the worker thread runs the plan; the front end reads the job's fields and calls `stop()`
(from any thread). The job knows nothing of Streamlit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autoviz_core.engine.query import QueryProgress
from autoviz_core.runtime.executor import StepRecord

QUERY_FRESH_S = 1.0  # a query progress older than this belongs to a query that has ended


@dataclass
class RunJob:
    """One run: its progress so far, its outcome (value or error), its stop switch."""

    total: int
    cancel_query: Callable[[], None] | None = None  # interrupts the engine query running now
    started: float = field(default_factory=time.perf_counter)
    finished: int = 0  # steps done
    query: QueryProgress | None = None
    query_at: float = 0.0
    outcome: dict[str, Any] = field(default_factory=dict)
    stopped: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def done(self) -> bool:
        return self.thread is not None and not self.thread.is_alive()

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.started

    def on_step(self, index: int, total: int, record: StepRecord) -> None:
        """The executor's step callback: one more step done."""
        self.finished, self.total = index + 1, total

    def on_query(self, progress: QueryProgress) -> None:
        """The engine's progress callback: a query has run longer than its threshold."""
        self.query, self.query_at = progress, time.perf_counter()

    def running_query(self) -> QueryProgress | None:
        """The engine query running now, if one has reported its progress just now."""
        if self.query is None or time.perf_counter() - self.query_at > QUERY_FRESH_S:
            return None
        return self.query

    def stop(self) -> None:
        """Stop the run: the running engine query is interrupted, no further step starts."""
        self.stopped.set()
        if self.cancel_query is not None:
            self.cancel_query()

    def asked_to_stop(self) -> bool:
        return self.stopped.is_set()


def start_job(
    work: Callable[[RunJob], Any], total: int, cancel_query: Callable[[], None] | None = None
) -> RunJob:
    """Run `work(job)` in a daemon thread; its value or error lands in `job.outcome`."""
    job = RunJob(total, cancel_query)

    def target() -> None:
        try:
            job.outcome["value"] = work(job)
        except BaseException as exc:  # handed to the front end, which shows it
            job.outcome["error"] = exc

    job.thread = threading.Thread(target=target, name="autoviz-run", daemon=True)
    job.thread.start()
    return job
