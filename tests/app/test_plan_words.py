"""The plan in plain words: sentences per step, labelled widgets, filters as rows, internal names
folded away, the sentence current on the same run as an edit, numbers rounded for reading."""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import pytest
from app_helpers import add_filter, ask, load_tips, on_plan_page, step_titles, texts, uid_of
from streamlit.testing.v1 import AppTest

from autoviz_core.data import profile_table
from autoviz_core.planning.diff import PlanDiff
from ui.examples import example_questions
from ui.wording import (
    decimals_for,
    diff_sentences,
    meaningful,
    model_failure_line,
    rounded,
    step_sentence,
    supporting_rows_note,
)

App = Callable[[], AppTest]
TOOL_NAMES = ("compare_groups", "box_by_group", "group_stats", "`")


def planned_tips(app: App) -> AppTest:
    return on_plan_page(ask(load_tips(app()), "Mean tip for each day"))


def test_step_cards_say_what_they_compute(app: App) -> None:
    at = planned_tips(app)
    assert step_titles(at) == [
        "**1. Average tip per day (bar chart)**",
        "**2. Compare tip across day: count, average, median and spread per group, sorted by "
        "average, highest first**",
        "**3. Spread of tip per day (box plot)**",
    ]
    assert "Answers your question directly" in texts(at.caption)
    for title in step_titles(at):
        assert not any(name in title for name in TOOL_NAMES)
    # Internal names live in an expander of their own, folded.
    internal = [e for e in at.expander if e.label == "Internal names"]
    assert len(internal) == 3
    assert "tool `compare_groups`" in texts(internal[1].caption)
    # Widgets carry labels, not parameter names.
    answer = uid_of(at, step_id="answer")
    assert at.selectbox(key=f"param:{answer}:x").label == "Group by (x axis)"
    assert at.selectbox(key=f"param:{answer}:agg").label == "Combine values as"
    assert at.selectbox(key=f"param:{answer}:agg").format_func("mean") == "average"


def test_the_step_sentence_is_current_after_an_edit(app: App) -> None:
    at = planned_tips(app)
    answer = uid_of(at, step_id="answer")
    at.selectbox(key=f"param:{answer}:agg").set_value("median").run()
    assert step_titles(at)[0] == "**1. Median tip per day (bar chart)**"
    at.selectbox(key=f"param:{answer}:sort_by").set_value("y").run()
    assert step_titles(at)[0] == "**1. Median tip per day, highest first (bar chart)**"


def test_filters_are_rows_of_column_operator_value(app: App) -> None:
    at = planned_tips(app)
    answer = uid_of(at, step_id="answer")
    add_filter(at, answer, "sex", "Female")
    add_filter(at, answer, "size", 2, op="gt")
    params = next(s for s in at.session_state["draft"] if s["id"] == "answer")["params"]
    assert params["filters"] == [
        {"column": "sex", "op": "eq", "value": "Female"},
        {"column": "size", "op": "gt", "value": 2},
    ]
    assert step_titles(at)[0] == (
        "**1. Average tip per day, only where sex is Female and size is above 2 (bar chart)**"
    )
    # A category's values are offered in a dropdown; removing the first row keeps the second.
    rows = at.session_state[f"filter_rows:{answer}:filters"]
    value = at.selectbox(key=f"filter:{answer}:filters:{rows[0]}:value:sex:eq")
    assert value.options == ["Female", "Male"]
    at.button(key=f"filter:{answer}:filters:{rows[0]}:remove").click().run()
    params = next(s for s in at.session_state["draft"] if s["id"] == "answer")["params"]
    assert params["filters"] == [{"column": "size", "op": "gt", "value": 2}]
    assert (
        step_titles(at)[0] == "**1. Average tip per day, only where size is above 2 (bar chart)**"
    )
    assert not at.exception and not at.error


def test_results_round_numbers_and_name_the_filters(app: App) -> None:
    at = planned_tips(app)
    add_filter(at, uid_of(at, step_id="answer"), "time", "Dinner")
    at.button(key="approve").click().run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert "Only rows where time is Dinner." in texts(at.caption)
    for frame in at.dataframe:
        table: pd.DataFrame = frame.value
        for name in table.columns:
            if pd.api.types.is_float_dtype(table[name]):
                assert (table[name].dropna().round(2) == table[name].dropna()).all(), name


# ---------------------------------------------------------------- the wording on its own
def test_sentences_for_the_common_tools() -> None:
    assert step_sentence(
        "chart",
        {
            "kind": "bar",
            "x": "species",
            "y": "body_mass",
            "agg": "mean",
            "sort_by": "y",
            "sort_dir": "desc",
        },
    ) == ("Average body_mass per species, highest first (bar chart)")
    assert step_sentence(
        "chart",
        {"kind": "line", "x": "date", "agg": "count", "time_grain": "month", "sort_by": "x"},
    ) == ("Number of rows per month of date (line chart)")
    assert step_sentence("value_counts", {"column": "day", "top_n": 5}) == (
        "The 5 most frequent values of day"
    )
    assert step_sentence("no_such_tool", {}, "fallback") == "fallback"


def test_diff_in_words_skips_defaults_written_out_by_validation() -> None:
    diff = PlanDiff(
        added=[
            {
                "id": "x",
                "tool": "histogram",
                "params": {"column": "tip"},
                "origin": "model_added",
            }
        ],
        modified=[
            {"id": "spread", "tool": "box_by_group", "changes": {"style": (None, "box")}},
            {"id": "stats", "tool": "compare_groups", "changes": {"sort_by": ("mean", "median")}},
        ],
    )
    assert diff_sentences(diff, {"stats": "step 2"}) == [
        "Added: how tip is distributed (histogram), because the model suggested it",
        "Changed step 2: order by median (was average)",
    ]


def test_rationales_and_model_failures_are_shown_only_when_they_say_something() -> None:
    assert not meaningful("{") and not meaningful("(none given)")
    assert meaningful("The spread per day shows the outliers")
    line = model_failure_line(
        "smollm2-gpt4all: the model's answer did not match the contract after 3 attempt(s): "
        "changes.0: Field required. Last answer: '{'"
    )
    assert line == "its answer did not fit the required format (3 attempts)"


def test_numbers_are_rounded_by_their_size() -> None:
    frame = pd.DataFrame({"mean": [2.8017857, 3.36722], "share": [0.001234, 0.0045], "n": [1, 2]})
    assert decimals_for(frame["mean"]) == 2 and decimals_for(frame["share"]) == 5
    out = rounded(frame)
    assert out["mean"].tolist() == [2.8, 3.37] and out["n"].tolist() == [1, 2]


def test_example_questions_never_total_a_non_additive_measure(
    realistic_tables: dict[str, pd.DataFrame],
) -> None:
    tips = example_questions(profile_table(realistic_tables["tips"]))
    assert "Which sex has the highest total_bill?" in tips  # not "total total_bill"
    iris = example_questions(profile_table(realistic_tables["iris"]))
    assert any("highest average sepal_length" in q for q in iris)
    assert not any("total sepal" in q for q in iris)


def test_the_answer_chart_follows_the_planned_order(app: App) -> None:
    at = planned_tips(app)
    answer = uid_of(at, step_id="answer")
    at.selectbox(key=f"param:{answer}:sort_by").set_value("y").run()
    at.selectbox(key=f"param:{answer}:sort_dir").set_value("asc").run()
    assert step_titles(at)[0] == "**1. Average tip per day, lowest first (bar chart)**"
    at.button(key="approve").click().run()
    at.switch_page("pages/results.py").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = spec["data"][0]
    assert bars["y"] == sorted(bars["y"])
    assert spec["layout"]["xaxis"]["categoryarray"] == bars["x"]


def test_a_derived_measure_is_shown_offered_and_charted(app: App) -> None:
    """'tip as a percentage of total bill': the plan page says how the measure is computed, the
    step's column choices include it, and the approved plan charts pandas' own numbers."""
    at = on_plan_page(ask(load_tips(app()), "average tip as a percentage of total bill by day"))
    assert "tip_pct_of_total_bill = tip as a % of total_bill" in texts(at.caption)
    answer = uid_of(at, step_id="answer")
    y = at.selectbox(key=f"param:{answer}:y")
    assert y.value == "tip_pct_of_total_bill"
    assert "tip_pct_of_total_bill" in y.options
    at.button(key="approve").click().run()
    at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    records = at.session_state["run"]["result"].records
    chart = next(r.result.chart for r in records if r.primary)
    tips = at.session_state["table"].df
    assert "tip_pct_of_total_bill" not in tips.columns  # the uploaded table is left as it was
    expected = (tips["tip"] / tips["total_bill"] * 100).groupby(tips["day"]).mean()
    got = dict(zip(chart.x_values, chart.y_values, strict=True))
    assert got == pytest.approx(expected.to_dict())


def test_the_note_over_supporting_steps_says_which_rows_they_read() -> None:
    """The planner carries the answer's filters into supporting steps; the note must say so,
    and name only the steps that really read every row."""
    coffee = [{"column": "product", "op": "eq", "value": "coffee"}]
    same = ("units by shop", {"filters": coffee})
    every = ("Summary of every column", {})
    assert supporting_rows_note([], [same, every]) == ""
    assert supporting_rows_note(coffee, [same]) == (
        "These steps use the same rows as the answer chart above."
    )
    assert supporting_rows_note(coffee, [same, every]) == (
        "These steps use the same rows as the answer chart above, except "
        "“Summary of every column”: every row of the table."
    )
    assert supporting_rows_note(coffee, [every, ("other", {"filters": []})]) == (
        "These steps use every row of the table: the filters apply to the answer chart above."
    )
