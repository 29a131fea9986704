"""Machine conditions for every timing: the load average at its start, and no timing on a busy
machine. Two shared cores make every figure taken next to another job meaningless, so each
measurement calls `quiet_start(label)` first: when the 1-minute load average is above the core
count it says so and waits (bounded), then exits instead of measuring.

Env: AUTOVIZ_BENCH_WAIT_S   seconds to wait for a quiet machine (default 600)
     AUTOVIZ_BENCH_MAX_LOAD the threshold (default: the number of cores)
     AUTOVIZ_BENCH_FORCE=1  measure anyway; the figure is marked "forced" in the results
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

POLL_S = 15.0


def cores() -> int:
    return os.cpu_count() or 1


def threshold() -> float:
    return float(os.environ.get("AUTOVIZ_BENCH_MAX_LOAD", cores()))


class BusyMachineError(SystemExit):
    """The machine stayed busy for the whole wait: the timing was not taken."""


def quiet_start(label: str, *, wait_s: float | None = None) -> dict[str, Any]:
    """Block until the load average is at most the threshold; the conditions to record.

    Raises BusyMachineError (a SystemExit with the message) when it stays above for `wait_s`.
    """
    limit = threshold()
    wait = float(os.environ.get("AUTOVIZ_BENCH_WAIT_S", 600)) if wait_s is None else wait_s
    forced = os.environ.get("AUTOVIZ_BENCH_FORCE") == "1"
    deadline = time.monotonic() + wait
    load = os.getloadavg()
    while load[0] > limit and not forced:
        if time.monotonic() >= deadline:
            raise BusyMachineError(
                f"[bench] {label}: not measured: load average {load[0]:.2f} stayed above "
                f"{limit:g} (cores: {cores()}) for {wait:.0f} s. Stop the other jobs and re-run."
            )
        print(
            f"[bench] {label}: load average {load[0]:.2f} > {limit:g} (cores: {cores()}); "
            f"waiting for a quiet machine (up to {max(0.0, deadline - time.monotonic()):.0f} s)",
            file=sys.stderr,
            flush=True,
        )
        time.sleep(POLL_S)
        load = os.getloadavg()
    return {
        "label": label,
        "load_average_start": [round(x, 2) for x in load],
        "cores": cores(),
        "forced": forced and load[0] > limit,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
