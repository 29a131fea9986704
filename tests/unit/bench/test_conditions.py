"""bench/conditions.py: no timing is taken while the load average is above the core count."""

from __future__ import annotations

import pytest

from bench import conditions


def test_quiet_machine_records_the_load_at_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conditions.os, "getloadavg", lambda: (0.5, 0.7, 0.9))
    start = conditions.quiet_start("unit")
    assert start["load_average_start"] == [0.5, 0.7, 0.9]
    assert start["cores"] == conditions.cores() and start["forced"] is False


def test_busy_machine_waits_then_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    busy = (conditions.cores() + 3.0, 1.0, 1.0)
    monkeypatch.setattr(conditions.os, "getloadavg", lambda: busy)
    monkeypatch.setattr(conditions, "POLL_S", 0.01)
    with pytest.raises(conditions.BusyMachineError, match="not measured: load average"):
        conditions.quiet_start("unit", wait_s=0.05)


def test_busy_machine_measures_once_it_is_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    loads = iter([(99.0, 1.0, 1.0), (99.0, 1.0, 1.0), (0.2, 1.0, 1.0)])
    monkeypatch.setattr(conditions.os, "getloadavg", lambda: next(loads))
    monkeypatch.setattr(conditions, "POLL_S", 0.0)
    assert conditions.quiet_start("unit", wait_s=60)["load_average_start"][0] == 0.2


def test_forced_measurement_is_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conditions.os, "getloadavg", lambda: (99.0, 1.0, 1.0))
    monkeypatch.setenv("AUTOVIZ_BENCH_FORCE", "1")
    assert conditions.quiet_start("unit", wait_s=0)["forced"] is True
