"""Progress reports and cancellation of a real DuckDB query."""

from __future__ import annotations

import threading
import time

import pytest

from autoviz_core.engine.query import Canceller, QueryCancelled, QueryProgress, run_query
from autoviz_core.engine.source import EngineTable


def _slow(source: EngineTable):  # type: ignore[no-untyped-def]
    """A query that runs for many seconds: a self-join of 3,000 x 3,000 x 3,000 rows."""
    t = source.table
    a, b, c = t.view(), t.view(), t.view()
    joined = a.cross_join(b.select(u=b.units)).cross_join(c.select(w=c.discount))
    return joined.aggregate(n=(joined.units * joined.u + joined.w).sum())


def test_a_running_query_reports_progress_and_stops_when_cancelled(
    sales_source: EngineTable,
) -> None:
    canceller = Canceller(sales_source.backend, "duckdb")
    heard: list[QueryProgress] = []

    def on_progress(p: QueryProgress) -> None:
        heard.append(p)
        if len(heard) >= 3:
            threading.Thread(target=canceller.cancel).start()  # as the app's Stop button would

    started = time.perf_counter()
    with pytest.raises(QueryCancelled, match="cancelled"):
        run_query(
            lambda: sales_source.backend.to_pyarrow(_slow(sales_source)),
            canceller,
            "slow join",
            rows_total=3000,
            on_progress=on_progress,
            progress_after_s=0.0,
        )
    assert len(heard) >= 3 and heard[0].stage == "slow join"
    assert "slow join:" in heard[-1].text()
    assert time.perf_counter() - started < 60  # stopped, not run to the end
    # the connection is usable again after the interrupt
    assert sales_source.scalar(sales_source.table.count(), "count") == 3000


def test_a_cancel_before_the_start_runs_nothing() -> None:
    canceller = Canceller(None, "duckdb")
    canceller.requested.set()
    ran: list[int] = []
    with pytest.raises(QueryCancelled):
        run_query(lambda: ran.append(1), canceller, "never")
    assert ran == []


def test_progress_text_names_rows_scanned() -> None:
    text = QueryProgress("aggregate", 3.14, 0.45, 10_000_000).text()
    assert text == "aggregate: 45% (~4,500,000 of 10,000,000 rows), 3.1 s"
    assert QueryProgress("profile", 2.0).text() == "profile: running, 2.0 s"
