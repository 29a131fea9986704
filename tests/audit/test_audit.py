"""Every audit pair passes every property; and the checker catches what it is meant to catch."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.audit.checker import (
    Outcome,
    Step,
    check_case,
    check_non_additive,
    check_periods,
    check_recomputable,
    check_zero_gaps,
    load_cases,
)

SPEC = load_cases()


def test_the_set_is_large_enough_and_uses_package_tables() -> None:
    assert len(SPEC["cases"]) >= 30
    assert {c["table"] for c in SPEC["cases"]} <= set(SPEC["tables"])
    assert {t["source"] for t in SPEC["tables"].values()} == {"plotly", "synthetic"}


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["id"] for c in SPEC["cases"]])
def test_audit_pair(case: dict[str, Any]) -> None:
    violations = check_case(case, SPEC["tables"])
    assert violations == [], "\n".join(map(str, violations))


def _outcome(step: Step, data: pd.DataFrame) -> Outcome:
    return Outcome([step], (step.tool, step.findings[0] if step.findings else ""), data)


def test_checker_catches_a_zero_filled_year_and_a_day_printed_for_a_year() -> None:
    data = pd.DataFrame({"year": [2000, 2000, 2002], "v": [1.0, 2.0, 4.0]})
    table = pd.DataFrame(
        {"year": pd.to_datetime(["2000-01-01", "2001-01-01", "2002-01-01"]), "v": [3.0, 0.0, 4.0]}
    )
    step = Step(
        "trend", "trend", {"date_column": "year", "metric": "v", "agg": "sum", "grain": "year"},
        table, ["The lowest sum of v is 0 (2001-01-01)."], "", False,
    )  # fmt: skip
    out = _outcome(step, data)
    assert check_zero_gaps({}, out, []) and check_periods({}, out, [])
    assert "trend (trend) sums v" in check_non_additive({}, out, ["v"])


def test_checker_catches_a_number_the_table_cannot_give() -> None:
    table = pd.DataFrame({"g": ["a", "b"], "mean": [2.0, 3.0]})
    good = Step(
        "s", "compare_groups", {}, table, ["b has the highest mean: 3 (50% higher)."], "", False
    )
    bad = Step("s", "compare_groups", {}, table, ["b has the highest mean: 3.5."], "", False)
    data = pd.DataFrame({"x": [1]})
    assert check_recomputable({}, _outcome(good, data), []) == []
    assert check_recomputable({}, _outcome(bad, data), []) != []
