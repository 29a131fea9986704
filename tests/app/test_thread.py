"""A thread of questions in the app: follow-ups keep earlier filters and edits, versions reopen."""

from __future__ import annotations

from collections.abc import Callable

from app_helpers import (
    add_filter,
    ask,
    load_tips,
    on_plan_page,
    step_titles,
    texts,
    uid_of,
)
from streamlit.testing.v1 import AppTest

from autoviz_core.planning.followup import describe_filter

App = Callable[[], AppTest]


def first_version(app: App) -> AppTest:
    """Tips loaded, "Mean tip for each day" planned, then two edits made through widgets:
    a filter row (time is Dinner) on the answer chart, and the comparison sorted by median."""
    at = on_plan_page(ask(load_tips(app()), "Mean tip for each day"))
    answer = uid_of(at, step_id="answer")
    add_filter(at, answer, "time", "Dinner")
    stats = uid_of(at, tool="compare_groups")
    at.selectbox(key=f"param:{stats}:sort_by").set_value("median").run()
    assert not at.exception and not at.error
    return at


def test_a_follow_up_adds_a_filter_and_keeps_the_earlier_one_and_the_edit(app: App) -> None:
    at = first_version(app)
    assert step_titles(at)[0] == "**1. Average tip per day, only where time is Dinner (bar chart)**"

    at = on_plan_page(ask(at, "now only for females", button="follow_up"))
    planned = at.session_state["planned"]
    assert [describe_filter(f) for f in planned.request.filters] == [
        "time is Dinner",
        "sex is Female",
    ]
    answer = next(s for s in at.session_state["draft"] if s["id"] == "answer")
    assert [describe_filter(f) for f in answer["params"]["filters"]] == [
        "time is Dinner",
        "sex is Female",
    ]
    stats = next(s for s in at.session_state["draft"] if s["tool"] == "compare_groups")
    assert stats["params"]["sort_by"] == "median"  # the person's edit survived
    assert step_titles(at)[0] == (
        "**1. Average tip per day, only where time is Dinner and sex is Female (bar chart)**"
    )
    banner = texts(at.info)
    assert "Version 2" in banner and "follow-up of version 1" in banner
    assert "Added the filter: sex is Female" in banner
    assert "Kept the earlier filter: time is Dinner" in banner
    assert "Kept your change (order by) to: compare tip across day" in banner
    assert "Plan: Changed the answer chart: only rows where time is Dinner and sex is Female" in (
        banner
    )
    assert "'answer'" not in banner and "group_stats" not in banner
    # The filter rows show both filters as widgets, not JSON.
    uid = uid_of(at, step_id="answer")
    rows = at.session_state[f"filter_rows:{uid}:filters"]
    columns = [at.selectbox(key=f"filter:{uid}:filters:{r}:column").value for r in rows]
    assert columns == ["time", "sex"]
    assert not [t for t in at.text_input if t.key and t.key.endswith(":filters")]


def test_reopening_an_earlier_version_restores_its_plan_and_edits(app: App) -> None:
    at = first_version(app)
    at = on_plan_page(ask(at, "as a line chart", button="follow_up"))
    assert at.session_state["planned"].request.chart == "line"

    at.switch_page("pages/question.py").run()
    assert "This thread" in texts(at.subheader)
    at.button(key="reopen:1").click().run()
    at = on_plan_page(at)
    assert not at.exception
    planned = at.session_state["planned"]
    assert planned.request.chart == "bar" and planned.question == "Mean tip for each day"
    answer = next(s for s in at.session_state["draft"] if s["id"] == "answer")
    assert [describe_filter(f) for f in answer["params"]["filters"]] == ["time is Dinner"]
    stats = next(s for s in at.session_state["draft"] if s["tool"] == "compare_groups")
    assert stats["params"]["sort_by"] == "median"
    assert at.session_state["current_version"] == 0
    # A follow-up now changes version 1, not version 2, and becomes version 3.
    at = on_plan_page(ask(at, "only for smokers", button="follow_up"))
    assert [v.number for v in at.session_state["thread"]] == [1, 2, 3]
    assert at.session_state["thread"][2].parent == 1


def test_a_new_question_starts_a_new_thread_and_the_old_one_stays_reachable(app: App) -> None:
    at = first_version(app)
    at = on_plan_page(ask(at, "only for females", button="follow_up"))
    assert len(at.session_state["thread"]) == 2
    at = on_plan_page(ask(at, "How does total bill relate to tip?", button="plan"))
    assert [v.parent for v in at.session_state["thread"]] == [None, 1, None]
    assert at.session_state["planned"].request.filters == []
    at.switch_page("pages/question.py").run()
    assert "Earlier questions" in texts(at.subheader)
    at.button(key="reopen:2").click().run()
    at = on_plan_page(at)
    assert [describe_filter(f) for f in at.session_state["planned"].request.filters] == [
        "time is Dinner",
        "sex is Female",
    ]


def test_a_follow_up_with_nothing_to_change_is_planned_with_the_previous_question(
    app: App,
) -> None:
    at = on_plan_page(ask(load_tips(app()), "Mean tip for each day"))
    at = on_plan_page(ask(at, "and what else?", button="follow_up"))
    assert at.session_state["planned"].question == "Mean tip for each day — and what else?"
    assert "planned as a new question" in texts(at.info)


def test_the_results_of_a_follow_up_are_the_filtered_ones(app: App) -> None:
    at = first_version(app)
    at = on_plan_page(ask(at, "only for females", button="follow_up"))
    at.button(key="approve").click().run()
    assert not at.exception
    at.switch_page("pages/results.py").run()
    assert "Only rows where time is Dinner and sex is Female." in texts(at.caption)
    run = at.session_state["run"]
    primary = run["result"].primary()
    assert primary is not None and primary.params["filters"] == [
        {"column": "time", "op": "eq", "value": "Dinner"},
        {"column": "sex", "op": "eq", "value": "Female"},
    ]
    # the supporting steps read the same rows, and the note over them says so (it said
    # "every row" while they were filtered)
    supporting = [r for r in run["result"].records if r is not primary and r.status == "ok"]
    assert supporting and all(
        r.params.get("filters") == primary.params["filters"] for r in supporting
    )
    assert "These steps use the same rows as the answer chart above." in texts(at.caption)
    assert "every row" not in texts(at.caption)


def test_a_re_plan_is_a_new_version_that_keeps_the_edited_answer_chart(app: App) -> None:
    at = first_version(app)
    version = at.session_state["plan_version"]
    at.selectbox(key=f"intent:{version}").set_value("anomaly_detection").run()
    at.button(key="replan").click().run()
    assert not at.exception
    planned = at.session_state["planned"]
    assert planned.intent == "anomaly_detection"
    assert [describe_filter(f) for f in planned.request.filters] == ["time is Dinner"]
    assert [v.kind for v in at.session_state["thread"]] == ["question", "re-plan"]
