"""The run cache: steps that need the same resample of the same table compute it once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.runtime import execute_plan
from autoviz_core.tools import common, timeseries
from autoviz_core.tools.cache import run_cache, shared

DF = pd.DataFrame(
    {
        "day": pd.date_range("2024-01-01", periods=120, freq="D"),
        "revenue": np.arange(120, dtype="float64") % 17,
        "region": ["N", "S", "E"] * 40,
    }
)


def test_shared_computes_once_per_table_and_key_inside_a_run() -> None:
    calls: list[str] = []

    def compute(tag: str) -> str:
        calls.append(tag)
        return tag

    other = DF.copy()
    with run_cache():
        assert shared(DF, ("k",), lambda: compute("a")) == "a"
        assert shared(DF, ("k",), lambda: compute("b")) == "a"  # same table and key: shared
        assert shared(DF, ("k2",), lambda: compute("c")) == "c"
        assert shared(other, ("k",), lambda: compute("d")) == "d"  # an equal copy is not it
    assert shared(DF, ("k",), lambda: compute("e")) == "e"  # outside a run nothing is cached
    assert calls == ["a", "c", "d", "e"]


def _time_series_plan() -> Plan:
    series = {"date_column": "day", "metric": "revenue", "agg": "sum", "grain": "week"}
    line = {"kind": "line", "x": "day", "y": "revenue", "agg": "sum", "time_grain": "week"}
    return Plan(
        steps=[
            PlanStep(id="primary", tool="chart", params=line, primary=True),
            PlanStep(id="trend", tool="trend", params=series),
            PlanStep(id="change", tool="period_change", params=series),
            PlanStep(id="anomalies", tool="rolling_anomalies", params=series),
        ]
    )


@pytest.mark.parametrize("timeout", [None, 30.0])
def test_steps_share_one_resample_and_get_the_same_results(
    monkeypatch: pytest.MonkeyPatch, timeout: float | None
) -> None:
    """trend and period_change read the same weekly periods: computed once per run."""
    counted = {"periods": 0}
    build = timeseries.build_periods

    def counting_build(*args: object, **kwargs: object) -> object:
        counted["periods"] += 1
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(timeseries, "build_periods", counting_build)
    result = execute_plan(_time_series_plan(), DF, step_timeout_s=timeout)
    assert result.ok, result.errors()
    assert counted == {"periods": 1}, counted  # two steps, one set of weekly periods

    def uncached(df: pd.DataFrame, key: tuple[object, ...], compute: object) -> object:
        return compute()  # type: ignore[operator]

    monkeypatch.setattr(common, "shared", uncached)
    monkeypatch.setattr(timeseries, "shared", uncached)
    counted.update(periods=0)
    again = execute_plan(_time_series_plan(), DF, step_timeout_s=timeout)
    assert counted == {"periods": 2}, counted  # without the cache: once per step
    for first, second in zip(result.records, again.records, strict=True):
        assert first.result is not None and second.result is not None
        assert first.result.findings == second.result.findings
        assert first.result.summary == second.result.summary
