"""Periods: native spacing, gaps as gaps, partial edges, labels at grain, seasonal cycles, trend support."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from autoviz_core.tools.periods import (
    build_periods,
    fit_trend,
    period_id,
    period_label,
    seasonal_cycle,
)


def test_integer_years_keep_their_spacing(gapminder) -> None:
    p = build_periods(gapminder, "year", "lifeExp", "mean", "year")
    assert p.keys == list(range(1952, 2008, 5)) and p.step == 5
    assert p.labels[0] == "1952" and not p.no_rows.any()
    expected = gapminder.groupby("year")["lifeExp"].mean()
    assert p.values == pytest.approx(expected.to_numpy())


def test_a_missing_period_is_a_gap_unless_rows_are_counted() -> None:
    df = pd.DataFrame({"year": [2000, 2001, 2003, 2004], "v": [1.0, 2.0, 4.0, 5.0]})
    mean = build_periods(df, "year", "v", "mean", "year")
    assert mean.keys == [2000, 2001, 2002, 2003, 2004]
    assert np.isnan(mean.values[2]) and mean.rows[2] == 0
    counted = build_periods(df, "year", None, "count", "year")
    assert counted.values[2] == 0  # a count of no rows is 0


def test_partial_first_and_last_weeks_are_marked() -> None:
    days = pd.date_range("2024-01-03", "2024-02-01", freq="D")  # Wednesday .. Thursday
    df = pd.DataFrame({"d": days, "v": 1.0})
    p = build_periods(df, "d", "v", "sum", "week")
    assert p.partial[0] and p.partial[-1] and not p.partial[1:-1].any()
    assert p.labels[0] == "week of 2024-01-01" and p.rows[0] == 5


def test_a_finer_grain_than_the_data_is_coarsened(stocks) -> None:
    p = build_periods(stocks, "date", "GOOG", "mean", "day")
    assert p.grain == "week" and "periods are weeks" in p.notes[0]


@pytest.mark.parametrize(
    ("grain", "label"),
    [("year", "2015"), ("quarter", "2015-Q3"), ("month", "2015-07"),
     ("week", "week of 2015-07-13"), ("day", "2015-07-14")],
)  # fmt: skip
def test_labels_at_grain(grain: str, label: str) -> None:
    assert period_label(pd.Timestamp("2015-07-14"), grain) == label


def test_a_week_is_named_in_the_data_s_own_year() -> None:
    # ISO calls the week of Monday 2019-12-30 "2020-W01": a year the data may not reach
    assert period_label(pd.Timestamp("2019-12-31"), "week") == "week of 2019-12-30"
    assert period_id(pd.Timestamp("2019-12-31"), "week") == "2020-W01"


def test_a_yearly_cycle_is_found_and_noise_is_not() -> None:
    rng = np.random.default_rng(3)
    months = pd.date_range("2012-01-01", periods=48, freq="MS")
    season = 10 * np.sin(2 * np.pi * (months.month.to_numpy() - 4) / 12)
    df = pd.DataFrame({"m": months, "v": 15 + season + rng.normal(0, 0.5, 48)})
    cycle = seasonal_cycle(build_periods(df, "m", "v", "mean", "month"))
    assert cycle is not None and cycle.strength > 0.9
    assert max(cycle.by_phase, key=lambda k: cycle.by_phase[k]) == 6  # July
    noise = pd.DataFrame({"m": months, "v": rng.normal(0, 1, 48)})
    assert seasonal_cycle(build_periods(noise, "m", "v", "mean", "month")) is None


def test_trend_is_supported_only_by_a_real_fit() -> None:
    x = np.arange(20, dtype="float64")
    assert fit_trend(x, 2 * x + 1).supported
    noisy = np.random.default_rng(0).normal(0, 1, 20)
    assert not fit_trend(x, noisy).supported


@pytest.mark.parametrize("seed", range(6))
def test_linregress_equals_scipys(seed: int) -> None:
    from scipy import stats

    from autoviz_core.tools.periods import linregress

    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 400))
    x = np.sort(rng.uniform(-50, 50, n))
    y = (seed - 2) * 0.3 * x + rng.normal(0, 1 + seed * 5, n)
    ours, theirs = linregress(x, y), stats.linregress(x, y)
    expected = (theirs.slope, theirs.intercept, theirs.rvalue, theirs.pvalue)
    assert ours == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_a_perfect_line_has_r_one_and_a_tiny_p_value() -> None:
    from autoviz_core.tools.periods import linregress

    slope, intercept, r, p = linregress(np.arange(10.0), 3 * np.arange(10.0) + 1)
    assert (slope, intercept, r) == pytest.approx((3.0, 1.0, 1.0)) and p < 1e-12


def test_importing_the_engine_does_not_load_scipy_stats() -> None:
    """scipy.stats is loaded only by a step that runs a rank test (50 MB, ~1 s to import)."""
    import subprocess
    import sys

    code = (
        "import sys, autoviz_core.pipeline, autoviz_core.cli; print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_sign_test_is_binomtests_two_sided_p_value() -> None:
    """The year-over-year finding is said only when this p-value is below alpha: it must be
    the exact binomial test's (scipy.stats.binomtest), without importing scipy.stats."""
    from scipy.stats import binomtest

    from autoviz_core.tools.periods import sign_test_p

    for n in range(1, 60):
        for larger in range(n + 1):
            assert sign_test_p(larger, n) == pytest.approx(binomtest(larger, n).pvalue, abs=1e-12)
    assert sign_test_p(0, 0) == 1.0
