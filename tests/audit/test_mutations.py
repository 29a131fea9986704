"""Mutation test: with any one precondition's guard removed from the validator, the audit fails.

Each guard of tools/claims.py is replaced by one that always passes; the audit cases built to
meet that claim type's trap then produce a finding whose precondition the checker, recomputing
it from the data on its own, finds false. (With every guard in place those cases pass: see
test_audit.py.)
"""

from __future__ import annotations

import pytest

from autoviz_core.tools import claims
from tests.audit.checker import check_case, load_cases

SPEC = load_cases()
# guard -> the audit case whose trap it is (one is enough: the checker must see the guard's work)
SHOWN_BY = {
    "ranking.complete": "cities-compare-crime",  # 80 cities, 50 drawn
    "ranking.no_tie": "cities-highest-rating",  # 12 cities rated 5
    "ranking.whole_periods": "visits-monthly-trend",  # a month missing a week of days
    "correlation.significant": "cities-population-crime",
    "correlation.min_r": "clicks-time-on-page",  # r = 0.05 with n = 6,000
    "correlation.not_part_of_total": "ballots-adams-total",
    "correlation.not_both_trending": "prices-correlated",  # two random walks with drift
    "trend.enough_points": "steady-sales-trend",  # three years
    "trend.fit": "prices-highest-volume-day",  # volume is noise
    "trend.no_filled_gap": "incidents-per-month",  # months without an incident
    "change.adjacent": "gapyears-revenue-change",  # 2020 never recorded
    "change.like_periods": "shop-weekly-sales",  # the last week is partial
    "sum.additive_across_groups": "gapminder-life-expectancy-summed-per-year",
    "sum.additive_over_time": "regions-compare-population",  # a population over 12 years
    "anomaly.pattern_tested": "launch-unusual-months",  # 14 months: no two yearly cycles
    "anomaly.not_explained": "gifts-unusual-months",  # every December
}


def test_every_guard_is_shown_by_a_case() -> None:
    assert set(SHOWN_BY) == set(claims.GUARDS)
    assert set(SHOWN_BY.values()) <= {c["id"] for c in SPEC["cases"]}


@pytest.mark.parametrize("guard", sorted(SHOWN_BY))
def test_the_audit_fails_without_the_guard(guard: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(claims.GUARDS, guard, lambda assertion: None)
    case = next(c for c in SPEC["cases"] if c["id"] == SHOWN_BY[guard])
    assert check_case(case, SPEC["tables"]), f"the audit still passes without {guard}"
