"""Validation: safe repairs are recorded, everything else is rejected with a reason.

The property test feeds random and adversarial model output into adaptation + validation:
the result is always a valid plan (no "auto", no unknown tool or column) or a rejection.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoviz_core.data import profile_table
from autoviz_core.plan import Plan, PlanStep
from autoviz_core.planning.adaptation import apply_changes
from autoviz_core.planning.validation import validate_plan, validate_step
from autoviz_core.tools.registry import all_tools, get_tool

DF = pd.DataFrame(
    {
        "region": ["N", "S", "E", "W"] * 5,
        "revenue": [float(i) for i in range(20)],
        "date": pd.date_range("2024-01-01", periods=20),
    }
)
PROFILE = profile_table(DF)
COLUMNS = set(PROFILE.names())


def test_column_case_and_separators_are_repaired() -> None:
    step = PlanStep(
        id="s", tool="compare_groups", params={"metric": "Revenue", "group_by": "REGION"}
    )
    valid, notes = validate_step(step, PROFILE, set())
    assert valid is not None
    assert (valid.params["metric"], valid.params["group_by"]) == ("revenue", "region")
    assert sum(n.level == "repaired" for n in notes) == 2


def test_unknown_tool_column_and_role_are_rejected() -> None:
    for step, reason in [
        (PlanStep(id="a", tool="rm_rf", params={}), "unknown tool"),
        (PlanStep(id="b", tool="histogram", params={"column": "profit"}), "does not exist"),
        (PlanStep(id="c", tool="histogram", params={"column": "region"}), "needs a numeric"),
        (PlanStep(id="d", tool="histogram", params={"column": "auto"}), "auto"),
    ]:
        valid, notes = validate_step(step, PROFILE, set())
        assert valid is None
        assert reason in notes[-1].message, notes


def test_a_value_that_does_not_validate_is_dropped_not_fatal() -> None:
    step = PlanStep(id="e", tool="top_n", params={"column": "revenue", "n": "many"})
    valid, notes = validate_step(step, PROFILE, set())
    assert valid is not None and valid.params["n"] == 10  # the tool's default
    assert [n.level for n in notes] == ["repaired"] and "'many'" in notes[0].message


def test_only_values_with_a_default_are_dropped() -> None:
    step = PlanStep(id="e", tool="top_n", params={"column": "revenue", "n": "5", "largest": []})
    valid, notes = validate_step(step, PROFILE, set())
    assert valid is not None and valid.params["largest"] is True
    assert "largest" in notes[-1].message
    valid, notes = validate_step(PlanStep(id="f", tool="histogram", params={}), PROFILE, set())
    assert valid is None and notes[-1].level == "rejected" and "column" in notes[-1].message


def _chart_with(*filters: dict) -> PlanStep:  # type: ignore[type-arg]
    params = {"kind": "bar", "x": "region", "y": "revenue", "agg": "sum", "filters": list(filters)}
    return PlanStep(id="primary", tool="chart", params=params, primary=True)


def test_free_text_in_a_numeric_filter_is_dropped_and_recorded() -> None:
    ramble = {"column": "revenue", "op": "gt", "value": "); // filter by species and length"}
    keep = {"column": "region", "op": "eq", "value": "N"}
    valid, notes = validate_step(_chart_with(ramble, keep), PROFILE, set())
    assert valid is not None
    assert [f["column"] for f in valid.params["filters"]] == ["region"]
    assert [n.level for n in notes] == ["repaired"]
    assert "needs a number" in notes[0].message and "species" in notes[0].message


def test_filter_values_are_checked_against_the_column_type() -> None:
    good = [
        {"column": "revenue", "op": "between", "value": ["1", "5"]},
        {"column": "revenue", "op": "in", "value": "1, 2"},
        {"column": "revenue", "op": "contains", "value": "any text"},
        {"column": "date", "op": "eq", "value": "2024-01"},
        {"column": "region", "op": "eq", "value": "anything"},
    ]
    bad = [
        {"column": "revenue", "op": "in", "value": "1, many"},
        {"column": "revenue", "op": "between", "value": ["1"]},
        {"column": "date", "op": "gt", "value": "last tuesday-ish"},
    ]
    valid, notes = validate_step(_chart_with(*good, *bad), PROFILE, set())
    assert valid is not None and len(valid.params["filters"]) == len(good)
    assert len(notes) == len(bad) and all("dropped filter" in n.message for n in notes)


def test_a_plan_with_a_bad_filter_still_executes_its_primary_chart() -> None:
    from autoviz_core.runtime import execute_plan

    ramble = {"column": "revenue", "op": "ge", "value": "the biggest ones"}
    plan, notes = validate_plan(Plan(steps=[_chart_with(ramble)]), PROFILE)
    result = execute_plan(plan, DF)
    assert result.ok and result.primary() is not None
    assert any("dropped filter" in n.message for n in notes)


def test_model_string_values_are_converted() -> None:
    step = PlanStep(
        id="t", tool="top_n", params={"column": "revenue", "n": "5", "largest": "false"}
    )
    valid, _ = validate_step(step, PROFILE, set())
    assert valid is not None and valid.params["n"] == 5 and valid.params["largest"] is False


def _assert_executable(plan: Plan) -> None:
    for step in plan.steps:
        spec = get_tool(step.tool)
        assert spec is not None
        assert "auto" not in repr(step.params)
        for name, (_, multiple) in spec.column_params().items():
            value = step.params.get(name)
            values = value if multiple and isinstance(value, list) else [value]
            assert all(v is None or v in COLUMNS for v in values)
        spec.params_model.model_validate(step.params)


TOOL_NAMES = [t.name for t in all_tools()] + ["exec", "", "chart; rm -rf /", "none"]
PARAM_NAMES = [
    *sorted({p for t in all_tools() for p in t.params_model.model_fields}),
    "__class__",
    "x" * 50,
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "revenue",
            "region",
            "date",
            "Revenue",
            "profit",
            "auto",
            "",
            "5",
            "-1",
            "1e308",
            "true",
            "[1,2]",
            "revenue,region",
            "<script>",
            "x" * 2000,
        ]
    ),
    st.text(max_size=30),
)
CHANGE = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["add", "remove", "modify", "delete", ""]),
        "step_id": st.sampled_from(["answer", "stats", "hist", "new", "ghost"]),
        "tool": st.sampled_from(TOOL_NAMES),
        "params": st.lists(
            st.fixed_dictionaries({"name": st.sampled_from(PARAM_NAMES), "value": VALUES}),
            max_size=8,
        ),
        "reason": st.one_of(st.text(max_size=50), st.none(), st.integers()),
    }
)
PROPOSAL = st.one_of(
    st.fixed_dictionaries({"changes": st.lists(CHANGE, max_size=40)}),
    st.dictionaries(st.text(max_size=10), st.integers(), max_size=3),  # wrong shape
    st.fixed_dictionaries({"changes": st.one_of(st.none(), st.integers(), st.text())}),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROPOSAL)
def test_any_model_output_yields_a_valid_plan_or_rejections(proposal: dict) -> None:  # type: ignore[type-arg]
    base = Plan(
        steps=[
            PlanStep(
                id="answer",
                tool="chart",
                params={"kind": "bar", "x": "region", "y": "revenue", "agg": "sum"},
                primary=True,
            ),
            PlanStep(id="stats", tool="summary_stats", params={}),
            PlanStep(id="hist", tool="histogram", params={"column": "revenue"}),
        ]
    )
    outcome = apply_changes(base, proposal)
    plan, notes = validate_plan(outcome.plan, PROFILE)
    _assert_executable(plan)
    assert any(s.primary for s in plan.steps)  # the answer is never lost
    assert len(plan.steps) + sum(n.level == "rejected" for n in notes) >= 1
