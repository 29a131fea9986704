"""The app driven page by page with AppTest and a stub model: every path ends without an exception.

The sidebar's widgets are driven through at.sidebar (their on_change callbacks must run, as in
a browser: that is what keeps the model choice across pages).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.testing.v1 import AppTest

if TYPE_CHECKING:
    from app_helpers import StubFactory

QUESTION = "Which store brought in the most sales?"
UploadApp = Callable[[], AppTest]


def texts(elements: object) -> str:
    return " ".join(str(e.value) for e in elements)  # type: ignore[attr-defined]


def loaded(app: UploadApp, sales_csv: Path) -> AppTest:
    at = app()
    at.file_uploader(key="upload_file").set_value(
        (sales_csv.name, sales_csv.read_bytes(), "text/csv")
    )
    at.run()
    assert not at.exception, at.exception
    return at


def planned(app: UploadApp, sales_csv: Path, question: str = QUESTION) -> AppTest:
    at = loaded(app, sales_csv)
    at.switch_page("pages/question.py").run()
    at.text_area(key="question_input").set_value(question).run()
    at.button(key="plan").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Review the plan"
    return at.switch_page("pages/plan.py")  # AppTest does not keep st.switch_page for later runs


def step_ids(at: AppTest) -> list[str]:
    return [s["id"] for s in at.session_state["draft"]]


def uid(at: AppTest, step_id: str) -> str:
    return next(s["uid"] for s in at.session_state["draft"] if s["id"] == step_id)


# ---------------------------------------------------------------- upload
def test_upload_shows_preview_profile_and_next_step(app: UploadApp, sales_csv: Path) -> None:
    at = loaded(app, sales_csv)
    assert at.session_state["table"].name == sales_csv.name
    assert at.subheader[0].value == sales_csv.name
    frames = at.dataframe
    assert len(frames) == 2  # preview and column profile
    profile = frames[1].value
    assert list(profile["column"]) == list(pd.read_csv(sales_csv).columns)
    assert {"role", "missing", "distinct"} <= set(profile.columns)
    assert not at.error


def test_bad_file_shows_message_and_keeps_previous_table(app: UploadApp, sales_csv: Path) -> None:
    at = loaded(app, sales_csv)
    at.file_uploader(key="upload_file").set_value(("broken.csv", b"", "text/csv")).run()
    assert not at.exception
    assert "The file is empty." in texts(at.error)
    assert at.session_state["table"].name == sales_csv.name
    assert "still in use" in texts(at.caption)


def test_sample_dataset_loads(app: UploadApp) -> None:
    at = app()
    at.selectbox(key="sample_choice").set_value("tips (plotly sample)").run()
    at.button(key="load_sample").click().run()
    assert not at.exception
    assert at.session_state["table"].name == "tips"
    assert at.session_state["profile"].n_rows == 244


# ---------------------------------------------------------------- question
def test_question_page_without_table_points_to_upload(app: UploadApp) -> None:
    at = app()
    at.switch_page("pages/question.py").run()
    assert not at.exception
    assert "Load a table first" in texts(at.info)


def test_example_question_fills_the_text_box(app: UploadApp, sales_csv: Path) -> None:
    at = loaded(app, sales_csv)
    at.switch_page("pages/question.py").run()
    examples = at.button_group[0]
    assert "Which store has the highest total sales?" in examples.options
    assert "How does sales change over time?" in examples.options
    examples.set_value("How does sales change over time?").run()
    assert at.text_area(key="question_input").value == "How does sales change over time?"


def test_backend_unavailable_explains_and_keeps_question(
    app: UploadApp, sales_csv: Path, stub_factory: StubFactory
) -> None:
    at = loaded(app, sales_csv)
    stub_factory.fail = "No answer from http://localhost:8000/v1/models."
    st.cache_resource.clear()  # the loaded model is gone; the next load fails
    at.switch_page("pages/question.py").run()
    at.text_area(key="question_input").set_value(QUESTION).run()
    at.button(key="plan").click().run()
    assert not at.exception
    assert "No answer from http://localhost:8000" in texts(at.error)
    # The hint is said once (it used to be followed by a second, generic one).
    assert texts(at.caption).count("pick another model") == 1
    assert "choose another model" not in texts(at.caption)
    assert at.text_area(key="question_input").value == QUESTION
    assert at.session_state["table"].name == sales_csv.name
    # The wording-only fallback still gets a plan.
    at.button(key="plan_without_model").click().run()
    assert not at.exception
    assert at.title[0].value == "Review the plan"


# ---------------------------------------------------------------- plan review
def test_plan_review_shows_intent_template_steps_and_diff(
    app: UploadApp, sales_csv: Path, stub_factory: StubFactory
) -> None:
    at = planned(app, sales_csv)
    version = at.session_state["plan_version"]
    assert at.selectbox(key=f"intent:{version}").value == at.session_state["planned"].intent
    assert (
        at.selectbox(key=f"template:{version}").value == "(best match)"
        or at.selectbox(key=f"template:{version}").value == at.session_state["planned"].template_id
    )
    # The asked value first (which store), then the chart that shows every store's total.
    assert step_ids(at)[:2] == ["value", "answer"]
    # The diff is said in words, not as tool names and parameter dumps.
    assert (
        "Added: total sales per store, highest first (bar chart), because it answers the "
        "question directly" in texts(at.markdown)
    )
    assert "Added: which store has the highest total sales" in texts(at.markdown)
    assert "None" not in texts(at.markdown)
    assert "run" not in at.session_state  # nothing runs before approval
    assert stub_factory.built and stub_factory.built[0].calls  # the stub model was asked


def test_edit_remove_add_then_approve_shows_charts_and_downloads(
    app: UploadApp, sales_csv: Path, sales_df: pd.DataFrame
) -> None:
    at = planned(app, sales_csv)
    # Edit a parameter: the comparison sorts by median instead of mean.
    at.selectbox(key=f"param:{uid(at, 'group_stats')}:sort_by").set_value("median").run()
    assert at.session_state["draft"][2]["params"]["sort_by"] == "median"
    # Remove a step, add one from the registry.
    at.button(key=f"remove:{uid(at, 'spread')}").click().run()
    assert "spread" not in step_ids(at)
    at.selectbox(key="add_tool").set_value("histogram").run()
    at.button(key="add_step").click().run()
    assert step_ids(at)[-1] == "histogram_1"
    at.selectbox(key=f"param:{uid(at, 'histogram_1')}:column").set_value("items").run()
    # Move the new step up one place.
    at.button(key=f"up:{uid(at, 'histogram_1')}").click().run()
    assert step_ids(at) == ["value", "answer", "histogram_1", "group_stats"]
    assert not at.exception and not at.error

    at.button(key="approve").click().run()
    assert not at.exception
    assert at.title[0].value == "Results"
    at.switch_page("pages/results.py")
    # The answer first, as a metric card: the store with the highest total, and its sentence.
    totals = sales_df.groupby("store")["sales"].sum().sort_values(ascending=False)
    card = at.get("metric")[0].proto
    assert card.body == totals.index[0] and "highest total sales" in card.label
    assert f"{totals.index[0]} has the highest total of sales" in texts(at.markdown)
    charts = at.get("plotly_chart")
    assert len(charts) >= 2
    primary = json.loads(charts[0].proto.spec)["data"][0]
    assert primary["type"] == "bar"
    assert primary["x"][0] == totals.index[0]
    assert (
        primary["y"][0] == round(totals.iloc[0], 2) or abs(primary["y"][0] - totals.iloc[0]) < 0.01
    )
    approved = [s.id for s in at.session_state["approved"].plan.steps]
    assert approved == ["value", "answer", "histogram_1", "group_stats"]
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["HTML report", "Markdown", "Provenance bundle (zip)"]

    # Away and back: the results are kept, not recomputed.
    run = at.session_state["run"]
    at.switch_page("pages/question.py").run()
    at.switch_page("pages/results.py").run()
    assert at.session_state["run"] is run
    assert len(at.get("plotly_chart")) == len(charts)

    # A second edit clears the results; approving again runs the new plan.
    at.switch_page("pages/plan.py").run()
    at.button(key=f"remove:{uid(at, 'histogram_1')}").click().run()
    assert "run" not in at.session_state
    at.button(key="approve").click().run()
    assert not at.exception
    assert [s.id for s in at.session_state["approved"].plan.steps] == [
        "value",
        "answer",
        "group_stats",
    ]
    assert at.session_state["run"] is not run


def test_invalid_edit_shows_inline_validation_message(app: UploadApp, sales_csv: Path) -> None:
    at = planned(app, sales_csv)
    at.number_input(key=f"param:{uid(at, 'group_stats')}:max_groups").set_value(0).run()
    assert not at.exception
    assert "At most this many groups: Input should be greater than or equal to 1" in texts(at.error)
    assert "will be left out" in texts(at.warning)


def test_change_intent_replans(app: UploadApp, sales_csv: Path) -> None:
    at = planned(app, sales_csv)
    version = at.session_state["plan_version"]
    at.selectbox(key=f"intent:{version}").set_value("anomaly_detection").run()
    at.button(key="replan").click().run()
    assert not at.exception
    assert at.session_state["planned"].intent == "anomaly_detection"
    assert at.session_state["planned"].intent_source == "person"
    assert at.session_state["plan_version"] == version + 1


# ---------------------------------------------------------------- state hygiene
def test_new_question_and_new_file_clear_stale_state(app: UploadApp, sales_csv: Path) -> None:
    at = planned(app, sales_csv)
    at.button(key="approve").click().run()
    assert "run" in at.session_state
    at.switch_page("pages/question.py").run()
    at.text_area(key="question_input").set_value("Give me an overview of the data").run()
    at.button(key="plan").click().run()
    if "readings" in at.session_state:  # unsure of an overview's chart: take its best reading
        at.button(key="alternative:2:0").click().run()
    assert "run" not in at.session_state and "approved" not in at.session_state
    assert at.session_state["question"] == "Give me an overview of the data"

    at.switch_page("pages/upload.py").run()
    at.selectbox(key="sample_choice").set_value("iris (plotly sample)").run()
    at.button(key="load_sample").click().run()
    for key in ("question", "planned", "draft", "approved", "run"):
        assert key not in at.session_state, key
    at.switch_page("pages/results.py").run()
    assert "Approve a plan" in texts(at.info)


def test_two_sessions_do_not_share_data(app: UploadApp, sales_csv: Path) -> None:
    first = loaded(app, sales_csv)
    second = app()
    assert "table" not in second.session_state
    assert first.session_state["table"].name == sales_csv.name


# ---------------------------------------------------------------- backend
def test_switching_backend_releases_the_previous_one(
    app: UploadApp, stub_factory: StubFactory
) -> None:
    at = app()
    assert [b.name for b in stub_factory.built] == ["smollm2-llamacpp"]
    at.sidebar.radio(key="backend_name").set_value("smollm2-gpt4all").run()
    assert not at.exception
    assert [b.name for b in stub_factory.built] == ["smollm2-llamacpp", "smollm2-gpt4all"]
    deadline = time.monotonic() + 5  # the old model is closed in the background
    while not stub_factory.built[0].closed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stub_factory.built[0].closed and not stub_factory.built[1].closed
    assert at.session_state["backend_choice"].name == "smollm2-gpt4all"


def test_vllm_entry_takes_url_and_model(app: UploadApp, stub_factory: StubFactory) -> None:
    at = app()
    at.sidebar.radio(key="backend_name").set_value("vllm-local").run()
    at.sidebar.text_input(key="vllm_url:vllm-local").set_value("http://127.0.0.1:9").run()
    assert not at.exception
    choice = at.session_state["backend_choice"]
    assert (choice.name, choice.url, choice.model) == ("vllm-local", "http://127.0.0.1:9", "auto")
    assert stub_factory.built[-1].name == "vllm-local"
