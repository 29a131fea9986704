"""Run the planner while the page shows each stage as it finishes and the model's queue position.

The planner runs in a worker thread; this (script) thread polls it, so stage lines and the
queue position appear while the model is still working. Only the script thread touches st.*.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.backend import queue_depth

STAGE_LABELS = {
    "cues": "Read the question",
    "intent": "Chose the kind of analysis",
    "request": "Filled in what to plot",
    "template": "Picked a plan template",
    "adaptation": "Adapted the plan to your table",
    "validation": "Checked every step",
}
POLL_S = 0.2


def run_planner(work: Callable[[Callable[[str, float], None]], Any], backend: Any) -> Any:
    """Call `work(on_stage)` in a thread inside an st.status box; re-raise its error here."""
    stages: list[tuple[str, float]] = []
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work(lambda stage, ms: stages.append((stage, ms)))
        except BaseException as exc:  # handed to the script thread, which shows it
            outcome["error"] = exc

    started = time.perf_counter()
    worker = threading.Thread(target=target, name="autoviz-planner", daemon=True)
    worker.start()
    with st.status("Planning the analysis…", expanded=True) as box:
        shown = 0
        waiting = st.empty()
        while worker.is_alive() or shown < len(stages):
            while shown < len(stages):
                stage, ms = stages[shown]
                st.write(f":material/check: {STAGE_LABELS.get(stage, stage)} · {_ms(ms)}")
                shown += 1
            depth = queue_depth(backend) if backend is not None else 0
            if depth:
                waiting.caption(
                    f":material/hourglass_top: The model is busy: you are number {depth} in the queue."
                )
            else:
                waiting.empty()
            worker.join(POLL_S)
        waiting.empty()
        if "error" in outcome:
            box.update(label="Planning stopped", state="error", expanded=False)
            raise outcome["error"]
        total = time.perf_counter() - started
        box.update(label=f"Plan ready in {total:.1f} s", state="complete", expanded=False)
    return outcome["value"]


def _ms(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"
