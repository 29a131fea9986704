"""The run of an approved plan on the Results page, shown while it runs: a progress line once
it takes longer than the engine's progress threshold (the step running, the engine query and
the share it has scanned) and a Stop button that interrupts the engine and skips the steps not
started.

The run is autoviz_core's (pipeline.start_run: a worker thread); this module only shows it. The
job lives in session state, so the rerun a Stop click causes re-attaches to it.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from autoviz_core.engine.query import QueryProgress
from autoviz_core.runtime.job import RunJob
from ui.wording import md_text

POLL_S = 0.15


def progress_line(job: RunJob, steps: list[str], after_s: float) -> str | None:
    """ "Step 2 of 6: Average revenue per region (bar chart) · 45% of the rows read
    (~45,000,000 of 100,000,000), 3.1 s" once the run has taken `after_s` seconds (None
    before). `steps` are the steps' titles in plain words; no tool or engine stage is named."""
    elapsed = job.elapsed_s()
    if elapsed < after_s:
        return None
    index = min(job.finished, max(job.total - 1, 0))
    name = steps[index] if index < len(steps) else ""
    text = f"Step {index + 1} of {job.total}" + (f": {name}" if name else "")
    query = job.running_query()
    text += f" · {query_words(query)}" if query is not None else f" · {elapsed:.1f} s"
    return ("Stopping… " if job.asked_to_stop() else "") + text


def query_words(query: QueryProgress) -> str:
    """How far the engine query has read, without the engine's internal stage name."""
    if query.share is None:
        return f"reading the rows, {query.elapsed_s:.1f} s"
    rows = (
        f" (~{int(query.share * query.rows_total):,} of {query.rows_total:,})"
        if query.rows_total
        else ""
    )
    return f"{query.share:.0%} of the rows read{rows}, {query.elapsed_s:.1f} s"


def follow_run(job: RunJob, steps: list[str], after_s: float) -> Any:
    """Show the run's progress until it ends; returns its value or raises its error."""
    line, stop = st.empty(), st.empty()
    stop.button(
        "Stop",
        key="stop_run",
        on_click=job.stop,
        icon=":material/stop_circle:",
        help="Interrupt the running query; the steps not started are left out.",
    )
    while not job.done:
        text = progress_line(job, steps, after_s)
        if text is None:
            line.empty()
        else:
            line.caption(f":material/hourglass_top: {md_text(text)}")
        time.sleep(POLL_S)
    line.empty()
    stop.empty()
    if "error" in job.outcome:
        raise job.outcome["error"]
    return job.outcome["value"]
