"""Follow-ups read against the current request: only what they mention changes, edits are kept."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.config import PlannerSettings
from autoviz_core.contracts import AnalysisRequest, RequestFilter
from autoviz_core.data import profile_table
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.plan import Plan, PlanStep
from autoviz_core.planning.carry import carry_edits
from autoviz_core.planning.followup import (
    PreviousVersion,
    describe_filter,
    read_follow_up,
    request_changes,
    request_from_plan,
)
from autoviz_core.planning.planned import PlanningMode, PlanningTable
from autoviz_core.planning.planner import Planner

CUES_ONLY = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
BASE = AnalysisRequest(chart="bar", x="day", y="tip", agg="mean")
FIELDS = (
    "chart",
    "x",
    "y",
    "agg",
    "color",
    "time_grain",
    "filters",
    "sort_by",
    "sort_dir",
    "limit",
)


@pytest.fixture(scope="module")
def tips(realistic_tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, SchemaProfile]:
    df = realistic_tables["tips"]
    return df, profile_table(df)


def changed_fields(before: AnalysisRequest, after: AnalysisRequest) -> dict[str, object]:
    return {k: getattr(after, k) for k in FIELDS if getattr(before, k) != getattr(after, k)}


def test_a_filter_follow_up_adds_to_the_earlier_filters(tips: tuple) -> None:  # type: ignore[type-arg]
    df, profile = tips
    first = read_follow_up("only for dinner", BASE, profile, df)
    assert first.understood
    assert [describe_filter(f) for f in first.request.filters] == ["time is Dinner"]
    second = read_follow_up("now only for females", first.request, profile, df)
    assert [describe_filter(f) for f in second.request.filters] == [
        "time is Dinner",
        "sex is Female",
    ]
    assert changed_fields(first.request, second.request).keys() == {"filters"}
    assert second.changes == [
        "Added the filter: sex is Female",
        "Kept the earlier filter: time is Dinner",
    ]


def test_a_new_value_on_a_filtered_column_replaces_the_old_one(tips: tuple) -> None:  # type: ignore[type-arg]
    df, profile = tips
    start = BASE.model_copy(
        update={"filters": [RequestFilter(column="sex", op="eq", value="Female")]}
    )
    reading = read_follow_up("now for males", start, profile, df)
    assert [describe_filter(f) for f in reading.request.filters] == ["sex is Male"]
    assert reading.changes == ["Changed the filter: sex is Male (was sex is Female)"]


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("as a line chart", {"chart": "line"}),
        ("make it a pie", {"chart": "pie"}),
        ("by time instead", {"x": "time"}),
        ("break it down by smoker", {"color": "smoker"}),
        ("colour by sex", {"color": "sex"}),
        ("now for total bill", {"y": "total_bill"}),
        ("switch to the median", {"agg": "median"}),
        ("top 3", {"limit": 3, "sort_by": "y"}),
        ("lowest first", {"sort_by": "y", "sort_dir": "asc"}),
    ],
)
def test_each_follow_up_changes_only_what_it_mentions(
    tips: tuple,  # type: ignore[type-arg]
    follow_up: str,
    expected: dict[str, object],
) -> None:
    df, profile = tips
    reading = read_follow_up(follow_up, BASE, profile, df)
    assert reading.understood
    assert changed_fields(BASE, reading.request) == expected
    assert reading.changes == request_changes(BASE, reading.request) != []


def test_a_time_grain_follow_up_changes_the_grain_of_a_date_axis(
    realistic_tables: dict[str, pd.DataFrame],
) -> None:
    df = realistic_tables["stocks"]
    profile = profile_table(df)
    start = AnalysisRequest(chart="line", x="date", y="GOOG", agg="mean")
    reading = read_follow_up("by month instead", start, profile, df)
    assert changed_fields(start, reading.request) == {"time_grain": "month"}
    assert reading.changes == ["Time period: per month (was no time period)"]


def test_a_follow_up_with_nothing_to_change_is_not_understood(tips: tuple) -> None:  # type: ignore[type-arg]
    df, profile = tips
    reading = read_follow_up("what about the weather?", BASE, profile, df)
    assert not reading.understood
    assert reading.request == BASE and reading.changes == []


def test_request_changes_in_words() -> None:
    after = BASE.model_copy(update={"chart": "line", "color": "sex", "limit": 5, "sort_by": "y"})
    assert request_changes(BASE, after) == [
        "Chart: line chart (was bar chart)",
        "Split by colour: sex (was nothing)",
        "Order: by value, highest first (was not sorted)",
        "Shown: the first 5 (was all)",
    ]


def test_the_request_of_an_edited_plan_reads_the_primary_chart() -> None:
    plan = Plan(
        steps=[
            PlanStep(
                id="answer",
                tool="chart",
                primary=True,
                params={
                    "kind": "bar",
                    "x": "day",
                    "y": "tip",
                    "agg": "median",
                    "filters": [{"column": "time", "op": "eq", "value": "Dinner"}],
                },
            )
        ]
    )
    req = request_from_plan(plan, BASE)
    assert req.agg == "median"
    assert [describe_filter(f) for f in req.filters] == ["time is Dinner"]


def test_carry_edits_keeps_changed_params_added_steps_and_removals() -> None:
    planned = Plan(
        steps=[
            PlanStep(id="answer", tool="chart", primary=True),
            PlanStep(id="stats", tool="compare_groups", params={"sort_by": "mean"}),
            PlanStep(id="spread", tool="box_by_group", params={"column": "tip"}),
        ]
    )
    edited = Plan(
        steps=[
            PlanStep(id="answer", tool="chart", primary=True),
            PlanStep(id="stats", tool="compare_groups", params={"sort_by": "median"}),
            PlanStep(id="histogram_1", tool="histogram", params={"column": "tip"}),
        ]
    )
    new = Plan(
        steps=[
            PlanStep(id="answer", tool="chart", primary=True, params={"kind": "line"}),
            PlanStep(id="stats", tool="compare_groups", params={"sort_by": "mean"}),
            PlanStep(id="spread", tool="box_by_group", params={"column": "tip"}),
        ]
    )
    plan, kept = carry_edits(planned, edited, new)
    assert [s.id for s in plan.steps] == ["answer", "stats", "histogram_1"]
    assert plan.step("stats").params["sort_by"] == "median"  # type: ignore[union-attr]
    assert plan.step("answer").params == {"kind": "line"}  # type: ignore[union-attr]
    assert [(k.kind, k.step.id, k.params) for k in kept] == [
        ("changed", "stats", ("sort_by",)),
        ("removed", "spread", ()),
        ("added", "histogram_1", ()),
    ]
    assert kept[0].text() == "Kept your change to step 'stats': sort_by"


def test_plan_follow_up_keeps_the_earlier_filter_and_the_persons_edit(tips: tuple) -> None:  # type: ignore[type-arg]
    df, profile = tips
    first = Planner(CUES_ONLY, None).plan(
        "Mean tip for each day for dinner", PlanningTable(df, profile)
    )
    assert [describe_filter(f) for f in first.request.filters] == ["time is Dinner"]
    edited = Plan(
        steps=[
            s.model_copy(update={"params": {**s.params, "sort_by": "median"}}, deep=True)
            if s.tool == "compare_groups"
            else s
            for s in first.plan.steps
        ]
    )
    previous = PreviousVersion(
        first.question, first.intent, request_from_plan(edited, first.request), edited, first.plan
    )
    step = Planner(CUES_ONLY, None).plan("only for females", PlanningTable(df, profile), previous)
    planned = step.planned
    assert [describe_filter(f) for f in planned.request.filters] == [
        "time is Dinner",
        "sex is Female",
    ]
    answer = planned.plan.step("answer")
    assert answer is not None and len(answer.params["filters"]) == 2
    stats = next(s for s in planned.plan.steps if s.tool == "compare_groups")
    assert stats.params["sort_by"] == "median"
    assert [(k.kind, k.params) for k in step.kept_edits] == [("changed", ("sort_by",))]
    assert planned.intent == first.intent and planned.request_source == "follow-up"
    assert planned.question == "Mean tip for each day for dinner — only for females"
    # supporting steps inherit the question's filters, so the new filter reaches them too
    modified = [m["id"] for m in step.version_diff.modified]
    assert "answer" in modified
    for step_id in modified:
        changed = planned.plan.step(step_id)
        assert changed is not None
        assert {"column": "sex", "op": "eq", "value": "Female"} in changed.params["filters"]


def test_an_unreadable_follow_up_is_planned_as_a_new_question(tips: tuple) -> None:  # type: ignore[type-arg]
    df, profile = tips
    first = Planner(CUES_ONLY, None).plan("Mean tip for each day", PlanningTable(df, profile))
    previous = PreviousVersion(first.question, first.intent, first.request, first.plan)
    step = Planner(CUES_ONLY, None).plan("and what else?", PlanningTable(df, profile), previous)
    assert not step.reading.understood
    assert "planned as a new question" in step.reading.changes[0]
    assert step.planned.question == "Mean tip for each day — and what else?"


def test_the_trace_says_how_each_version_was_planned_and_what_was_read(tips: tuple) -> None:  # type: ignore[type-arg]
    """One Planner plans both; the trace is typed (spans are token places) and says the mode."""
    df, profile = tips
    planner = Planner(CUES_ONLY)
    first = planner.plan("Median bill for each day", PlanningTable(df, profile))
    assert first.trace.mode is PlanningMode.QUESTION
    bill = next(m for m in first.trace.mentions if m.what == "total_bill")
    assert bill.span[0] < bill.span[1] and bill.strength > 0
    assert first.trace.agg == "median"
    assert first.trace.as_dict()["mentions"][0]["span"] == list(first.trace.mentions[0].span)
    previous = PreviousVersion(first.question, first.intent, first.request, first.plan)
    step = planner.plan("just the smokers", PlanningTable(df, profile), previous)
    assert step.reading.understood
    assert step.planned.trace.mode is PlanningMode.FOLLOW_UP
    assert step.planned.trace.as_dict()["mode"] == "follow_up"
    unread = planner.plan("and what else?", PlanningTable(df, profile), previous)
    assert unread.planned.trace.mode is PlanningMode.QUESTION


def test_previous_version_from_a_result_document() -> None:
    doc = {
        "question": "Mean tip for each day",
        "intent": "comparative_analysis",
        "request": BASE.model_dump(),
        "plan": {"steps": [{"id": "answer", "tool": "chart", "params": {"kind": "bar"}}]},
    }
    previous = PreviousVersion.from_result(doc)
    assert previous.request == BASE
    assert previous.plan.steps[0].primary


@pytest.fixture(scope="module")
def bookings() -> tuple[pd.DataFrame, SchemaProfile]:
    """A table of the test's own: holiday bookings with a small whole-number guest count."""
    n = 240
    df = pd.DataFrame(
        {
            "resort": [["Alpine", "Coastal", "Lakeside"][i % 3] for i in range(n)],
            "guests": [1 + (i * 7) % 8 for i in range(n)],
            "nights": [1 + (i * 5) % 14 for i in range(n)],
            "price_eur": [80.0 + (i * 37) % 900 for i in range(n)],
        }
    )
    return df, profile_table(df)


@pytest.mark.parametrize(
    ("follow_up", "op", "value"),
    [("just 4 or more", "ge", 4), ("only fewer than 3", "lt", 3), ("keep only 6 or less", "le", 6)],
)
def test_a_comparison_naming_no_column_compares_the_numbers_on_the_chart(
    bookings: tuple,  # type: ignore[type-arg]
    follow_up: str,
    op: str,
    value: int,
) -> None:
    df, profile = bookings
    chart = AnalysisRequest(chart="bar", x="guests", y="price_eur", agg="mean")
    read = read_follow_up(follow_up, chart, profile, df)
    assert read.understood
    assert [(f.column, f.op, f.value) for f in read.request.filters] == [("guests", op, value)]
    assert (read.request.x, read.request.y, read.request.agg) == ("guests", "price_eur", "mean")
