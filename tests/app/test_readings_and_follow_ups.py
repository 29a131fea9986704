"""Asking on a table of the suite's own: a vague question is answered with "Did you mean …?"
before anything is planned; the star that says a chart answers the question directly only when
the reading is sure; an exclusion follow-up is a "not" filter; a question asked while a plan is
open reads as a follow-up or a new question by default, the person can switch, and a new
question keeps the earlier thread, whose versions reopen with their results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from app_helpers import StubFactory, texts, uid_of
from own_tables import trees, upload
from streamlit.testing.v1 import AppTest

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.planning.followup import describe_filter
from autoviz_core.planning.planned import Alternative, PlannedAnalysis
from autoviz_core.planning.planner import Planner
from ui.wording import UNSURE_CAPTION

App = Callable[[], AppTest]
VAGUE = "show me the biggest ones"  # on this table the fitted reading is unsure of it
FIRST = "average height per species"
STAR = ":material/star:"
DIRECTLY = "Answers your question directly"


def type_question(at: AppTest, question: str) -> AppTest:
    at.switch_page("pages/question.py").run()
    at.text_area(key="question_input").set_value(question).run()
    assert not at.exception, at.exception
    return at


def press(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def on_review(at: AppTest) -> AppTest:
    assert at.title[0].value == "Review the plan", texts(at.markdown)
    return at.switch_page("pages/plan.py").run()


def step_titles(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.markdown if str(m.value).startswith("**")]


def first_step(at: AppTest) -> tuple[str, str]:
    """(the first step card's title, the caption under it) on Plan review."""
    titles = [str(m.value) for m in at.markdown if str(m.value).startswith("**1. ")]
    captions = [str(c.value) for c in at.caption]
    return titles[0], " ".join(captions)


def planned_trees(app: App, question: str = FIRST) -> AppTest:
    at = upload(app(), trees())
    return on_review(press(type_question(at, question), "plan"))


# ---------------------------------------------------------------- Did you mean
def test_a_vague_question_offers_its_readings_before_anything_is_planned(
    app: App, stub_factory: StubFactory
) -> None:
    at = press(type_question(upload(app(), trees()), VAGUE), "plan")
    assert at.title[0].value == "Ask a question"  # no plan to review yet
    assert "Did you mean:" in texts(at.markdown)
    assert "thread" not in at.session_state or not at.session_state["thread"]
    assert not any(b.calls for b in stub_factory.built)  # the model has not been asked
    buttons = [b for b in at.button if (b.key or "").startswith("alternative:1:")]
    offered = at.session_state["readings"].options
    assert 2 <= len(buttons) <= 4 and [b.label for b in buttons] == [w for w, _ in offered]
    for button in buttons:  # plain words: no tool or contract names
        assert "_extreme" not in button.label and "answer_" not in button.label
        assert button.label[:1].isupper()
    _, chosen = offered[-1]
    at = on_review(press(at, buttons[-1].key or ""))
    planned = at.session_state["planned"]
    assert planned.request_source == "person" and not planned.alternatives
    assert (planned.request.chart, planned.request.x, planned.request.y) == (
        chosen.request.chart,
        chosen.request.x,
        chosen.request.y,
    )
    assert any(b.calls for b in stub_factory.built)  # now the chosen reading was adapted
    assert [v.kind for v in at.session_state["thread"]] == ["question"]
    # a chosen reading is a sure one: its chart is starred (after the value, if it states one)
    assert any(STAR in t for t in step_titles(at)) and DIRECTLY in texts(at.caption)


def test_the_star_is_kept_for_a_sure_reading(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan the planner was unsure of (it offers other readings) is not starred as answering
    the question directly; a sure one is."""
    real = Planner.plan
    unsure = {"on": True}

    def with_alternatives(self: Planner, *args: Any, **kwargs: Any) -> Any:
        planned = real(self, *args, **kwargs)
        first = isinstance(planned, PlannedAnalysis) and kwargs.get("chosen") is None
        if unsure["on"] and first and self.backend is not None:
            other = AnalysisRequest(chart="bar", x="park", y="trunk_cm", agg="sum")
            planned.alternatives = [Alternative("total trunk by park", other, 0.3)]
        return planned

    monkeypatch.setattr(Planner, "plan", with_alternatives)
    at = press(type_question(upload(app(), trees()), FIRST), "plan")
    assert at.title[0].value == "Ask a question" and "Did you mean:" in texts(at.markdown)
    at.switch_page("pages/plan.py").run()
    title, caption = first_step(at)
    assert STAR not in title and DIRECTLY not in caption
    assert UNSURE_CAPTION in caption
    unsure["on"] = False
    at = on_review(press(type_question(at, "average trunk per park"), "plan"))
    title, caption = first_step(at)
    assert STAR in title and DIRECTLY in caption and UNSURE_CAPTION not in caption


# ---------------------------------------------------------------- exclusion
def test_an_exclusion_follow_up_is_a_not_filter_in_the_plans_filter_rows(app: App) -> None:
    at = planned_trees(app)
    at = on_review(press(type_question(at, "leave out Riverside"), "follow_up"))
    request = at.session_state["planned"].request
    assert [describe_filter(f) for f in request.filters] == ["park is not Riverside"]
    uid = uid_of(at, step_id="answer")
    rows = at.session_state[f"filter_rows:{uid}:filters"]
    assert len(rows) == 1
    base = f"filter:{uid}:filters:{rows[0]}"
    op = at.selectbox(key=f"{base}:op")
    assert op.value == "ne" and op.options[op.index] == "is not (≠)"  # type: ignore[index]
    assert at.selectbox(key=f"{base}:column").value == "park"
    assert at.selectbox(key=f"{base}:value:park:ne").value == "Riverside"
    title, _ = first_step(at)
    assert "only where park is not Riverside" in title
    assert "Added the filter: park is not Riverside" in texts(at.info)
    assert "park is Riverside" not in texts(at.markdown) + texts(at.info)


# ---------------------------------------------------------------- follow-up or new question
def test_the_highlighted_default_follows_what_the_question_reads_as(app: App) -> None:
    at = type_question(planned_trees(app), "leave out Riverside")
    assert "Reads as a follow-up: it changes the open chart" in texts(at.caption)
    assert at.button(key="follow_up").proto.type == "primary"
    assert at.button(key="plan").proto.type == "secondary"
    at = type_question(at, "total trunk per park")
    assert "Reads as a new question: it names trunk_cm and park" in texts(at.caption)
    assert at.button(key="plan").proto.type == "primary"
    assert at.button(key="follow_up").proto.type == "secondary"
    # the person can still ask it the other way: as a follow-up of the open plan
    at = on_review(press(at, "follow_up"))
    assert [v.parent for v in at.session_state["thread"]] == [None, 1]


def test_a_new_question_keeps_the_earlier_thread_and_its_results(app: App) -> None:
    at = planned_trees(app)
    at = press(at, "approve")
    at.switch_page("pages/results.py").run()
    first_run = at.session_state["run"]
    assert first_run is not None and first_run["result"].primary() is not None
    at = on_review(press(type_question(at, "total trunk per park"), "plan"))
    assert [v.parent for v in at.session_state["thread"]] == [None, None]
    assert "run" not in at.session_state  # the new question has no results yet
    at.switch_page("pages/question.py").run()
    assert "Earlier questions" in texts(at.subheader)
    assert "has results" in texts(at.markdown)
    at = press(at, "reopen:1")
    assert at.title[0].value == "Results"  # straight to its results, no approval again
    assert at.session_state["run"] is first_run
    assert at.session_state["planned"].question == FIRST
    at.switch_page("pages/plan.py").run()
    assert "See the results of this plan" in [link.label for link in at.get("page_link")]
