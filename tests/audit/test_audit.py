"""Every audit pair passes every property; and the checker catches what it is meant to catch."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.audit.checker import (
    Outcome,
    Step,
    Table,
    check_case,
    check_claims_present,
    check_periods,
    check_recomputable,
    check_sums,
    check_wording,
    check_zero_gaps,
    load_cases,
)

SPEC = load_cases()
NO_TABLE = Table([], [], {})


def test_the_set_is_large_enough_half_of_it_new_and_uses_package_tables() -> None:
    cases = SPEC["cases"]
    assert len(cases) >= 60 and len({c["table"] for c in cases}) >= 12
    assert 2 * sum(c.get("round") == 4 for c in cases) >= len(cases)
    assert {c["table"] for c in cases} <= set(SPEC["tables"])
    assert {t["source"] for t in SPEC["tables"].values()} == {"plotly", "synthetic"}
    assert len({c["id"] for c in cases}) == len(cases)


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["id"] for c in SPEC["cases"]])
def test_audit_pair(case: dict[str, Any]) -> None:
    violations = check_case(case, SPEC["tables"])
    assert violations == [], "\n".join(map(str, violations))


def _step(tool: str, params: dict[str, Any], table: pd.DataFrame, findings: list[str]) -> Step:
    claims = [{"text": f, "asserts": [], "denies": []} for f in findings]
    return Step("s", tool, params, table, findings, "", False, claims)


def _outcome(step: Step, data: pd.DataFrame) -> Outcome:
    head = (step.tool, step.findings[0] if step.findings else "")
    return Outcome([step], head, data, list(step.findings))


def test_checker_catches_a_zero_filled_year_and_a_day_printed_for_a_year() -> None:
    data = pd.DataFrame({"year": [2000, 2000, 2002], "v": [1.0, 2.0, 4.0]})
    table = pd.DataFrame(
        {"year": pd.to_datetime(["2000-01-01", "2001-01-01", "2002-01-01"]), "v": [3.0, 0.0, 4.0]}
    )
    step = _step(
        "trend", {"date_column": "year", "metric": "v", "agg": "sum", "grain": "year"},
        table, ["The lowest sum of v is 0 (2001-01-01)."],
    )  # fmt: skip
    out = _outcome(step, data)
    assert check_zero_gaps({}, out, NO_TABLE) and check_periods({}, out, NO_TABLE)
    assert "s (trend) sums v" in check_sums({}, out, Table(["v"], [], {}))


def test_checker_catches_a_number_the_table_cannot_give() -> None:
    table = pd.DataFrame({"g": ["a", "b"], "mean": [2.0, 3.0]})
    good = _step("compare_groups", {}, table, ["b has the highest mean: 3 (50% higher)."])
    bad = _step("compare_groups", {}, table, ["b has the highest mean: 3.5."])
    data = pd.DataFrame({"x": [1]})
    assert check_recomputable({}, _outcome(good, data), NO_TABLE) == []
    assert check_recomputable({}, _outcome(bad, data), NO_TABLE) != []


@pytest.mark.parametrize(
    "text",
    [
        "mean of lifeExp rises by 0.3 per year (trend).",  # an internal step name
        "Tuesday has the highest value (compare_groups).",  # an internal tool name
        "A is 14223% higher.",
        "The highest value was in 1952.0.",
        "It rose from 2 in 1,952 to 5 in 2007.",
        "The series starts on 1970-01-01.",
        "sum of x per year per year rises.",
        "Baker has the highest mean Baker: 5.",
        "The peak is in 2020-W01.",
    ],
)
def test_checker_catches_wording_a_person_should_never_read(text: str) -> None:
    data = pd.DataFrame({"year": [1952, 2007], "d": pd.to_datetime(["2019-01-01", "2019-12-30"])})
    assert check_wording({}, _outcome(_step("chart", {}, pd.DataFrame(), [text]), data), NO_TABLE)


def test_checker_catches_a_ranking_said_without_its_claim() -> None:
    step = _step("chart", {}, pd.DataFrame(), ["North has the highest sales: 5."])
    assert check_claims_present({}, _outcome(step, pd.DataFrame()), NO_TABLE)
