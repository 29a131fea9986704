"""Along which axes a sum runs, totals, drifting series: what the claims' preconditions read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from autoviz_core.tools.measures import both_drift, is_code, part_of_total, summed


def test_a_sum_by_continent_runs_over_years_and_a_sum_per_year_only_across_countries(
    gapminder: pd.DataFrame,
) -> None:
    by_continent = summed(gapminder, "pop", [gapminder["continent"]])
    assert by_continent.over_time and by_continent.over_groups
    assert by_continent.additive_across_groups and not by_continent.additive_over_time
    per_year = summed(gapminder, "pop", [gapminder["year"]])
    assert per_year.over_groups and not per_year.over_time


def test_two_random_walks_drift_together_and_noise_does_not() -> None:
    rng = np.random.default_rng(5)
    days = pd.date_range("2021-01-01", periods=300, freq="D")
    frame = pd.DataFrame(
        {
            "date": days,
            "a": np.cumsum(0.2 + rng.normal(0, 1, 300)),
            "b": np.cumsum(0.1 + rng.normal(0, 1, 300)),
            "noise": rng.normal(0, 1, 300),
        }
    )
    assert both_drift(frame, "a", "b") is not None
    assert both_drift(frame, "a", "noise") is None
    assert both_drift(frame.drop(columns="date"), "a", "b") is None  # no time: no drift


def test_parts_of_a_total_and_codes() -> None:
    frame = pd.DataFrame(
        {"x": [1, 2, 3], "y": [3, 4, 5], "total": [4, 6, 8], "zip_code": [10001, 20002, 30003]}
    )
    assert part_of_total(frame, "x", "total") and part_of_total(frame, "total", "y")
    assert not part_of_total(frame, "x", "y")
    assert is_code(frame, "zip_code") and not is_code(frame, "x")
