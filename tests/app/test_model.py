"""The model in the app: a choice that sticks and is recorded honestly, and no dead ends when it
fails, hangs or is cancelled (each failure mode ends in an approvable plan and says why)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from app_helpers import (
    StubBackend,
    StubFactory,
    ask,
    bundle_provenance,
    load_tips,
    on_plan_page,
    texts,
)
from pydantic import BaseModel
from streamlit.testing.v1 import AppTest

from autoviz_core.config import REPO_ROOT, load_settings
from autoviz_core.contracts import AnalysisRequest
from autoviz_core.errors import BackendError
from autoviz_core.llm.base import Generation, invalid_output_error, validate_output
from autoviz_core.llm.watched import WatchedBackend
from autoviz_core.planning.planned import Alternative, PlannedAnalysis, PlanningTable
from autoviz_core.planning.planner import Planner
from ui import backend as ui_backend

App = Callable[[], AppTest]
GARBAGE = "Sure! Here is your plan: {"


class InvalidJsonBackend(StubBackend):
    """Answers every call with text that is not JSON, re-asks like the real backends, gives up."""

    attempts = 3

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        self.calls.append(contract.__name__)
        error = ""
        for _ in range(self.attempts):
            value, error = validate_output(contract, GARBAGE)
            assert value is None
        raise invalid_output_error(self.name, self.attempts, error, GARBAGE)


class HangingBackend(StubBackend):
    """Never answers within any sensible time (until told to stop)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.release = threading.Event()

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        self.calls.append(contract.__name__)
        self.release.wait(30)
        raise BackendError("released")


@pytest.fixture
def backend_kind(stub_factory: StubFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:  # type: ignore[type-arg]
    """Choose which stub the factory builds: {"cls": InvalidJsonBackend} etc."""
    chosen: dict[str, Any] = {"cls": StubBackend}

    def build(name: str | None = None, settings: Any = None) -> StubBackend:
        backend = chosen["cls"](name or "default")
        stub_factory.built.append(backend)
        return backend

    from autoviz_core.llm import factory

    monkeypatch.setattr(factory, "create_backend", build)
    ui_backend._FAILURES.clear()
    yield chosen
    ui_backend._FAILURES.clear()
    for backend in stub_factory.built:
        if isinstance(backend, HangingBackend):
            backend.release.set()


# ---------------------------------------------------------------- the choice sticks
def test_the_model_choice_survives_navigation_and_is_recorded(
    app: App, stub_factory: StubFactory
) -> None:
    at = load_tips(app())
    at.sidebar.radio(key="backend_name").set_value("smollm2-gpt4all").run()
    for page in ("pages/question.py", "pages/plan.py", "pages/results.py", "pages/upload.py"):
        at.switch_page(page).run()
        assert at.sidebar.radio(key="backend_name").value == "smollm2-gpt4all", page
        assert at.session_state["backend_choice"].name == "smollm2-gpt4all", page
    at = on_plan_page(ask(at, "Mean tip for each day"))
    assert at.sidebar.radio(key="backend_name").value == "smollm2-gpt4all"
    planned = at.session_state["planned"]
    assert planned.backend == "smollm2-gpt4all"
    assert stub_factory.built[-1].name == "smollm2-gpt4all" and stub_factory.built[-1].calls
    at.button(key="approve").click().run()
    at.switch_page("pages/results.py").run()
    # The stub answers every adaptation with no change: asked, and not credited with the plan.
    said = "smollm2-gpt4all proposed no change; the template plan was used"
    assert f"model: {said}" in texts(at.caption)
    prov = bundle_provenance(at)
    assert prov["model"] == said
    assert prov["backend"] == "none" and set(prov["backends"].values()) == {"none"}


def test_a_plan_made_without_a_model_is_recorded_as_none(
    app: App, stub_factory: StubFactory
) -> None:
    at = load_tips(app())
    stub_factory.fail = "No answer from the server."
    import streamlit as st

    st.cache_resource.clear()
    ask(at, "Mean tip for each day")
    assert "Planning failed" in texts(at.error)
    at.button(key="plan_without_model").click().run()
    at = on_plan_page(at)
    at.button(key="approve").click().run()
    at.switch_page("pages/results.py").run()
    assert "model: none ran" in texts(at.caption)
    prov = bundle_provenance(at)
    assert prov["backend"] == "none"
    assert set(prov["backends"].values()) == {"none"}


# ---------------------------------------------------------------- failure modes
def test_an_adaptation_that_never_validates_still_gives_an_approvable_plan(
    app: App,
    backend_kind: dict,  # type: ignore[type-arg]
) -> None:
    backend_kind["cls"] = InvalidJsonBackend
    at = load_tips(app())
    started = time.monotonic()
    at = on_plan_page(ask(at, "Mean tip for each day"))
    assert time.monotonic() - started < load_settings().limits.llm_timeout_s
    warning = texts(at.warning)
    assert warning.count("The model proposed no valid change") == 1
    assert "its answer did not fit the required format (3 attempts)" in warning
    assert GARBAGE[:10] not in warning  # the raw answer is in the details, not the line
    assert any("Details" in e.label for e in at.expander)
    assert not at.error and not at.button(key="approve").disabled
    at.button(key="approve").click().run()
    assert not at.exception and at.title[0].value == "Results"
    # The sidebar tells the backend just failed.
    at.switch_page("pages/question.py").run()
    assert "degraded" in texts(at.sidebar.markdown)
    assert "Its last call failed" in texts(at.sidebar.caption)


@pytest.fixture
def short_model_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> float:
    raw = yaml.safe_load((REPO_ROOT / "config.yaml").read_text())
    raw["limits"]["llm_timeout_s"] = 1
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    monkeypatch.setenv("AUTOVIZ_CONFIG", str(path))
    return 1.0


def test_a_model_that_never_answers_is_cut_off_at_the_time_limit(
    app: App,
    backend_kind: dict,  # type: ignore[type-arg]
    short_model_limit: float,
) -> None:
    backend_kind["cls"] = HangingBackend
    at = load_tips(app())
    started = time.monotonic()
    at = on_plan_page(ask(at, "Mean tip for each day"))
    assert time.monotonic() - started < 15
    assert "it gave no answer within 1 s" in texts(at.warning)
    assert not at.button(key="approve").disabled


def test_the_model_call_is_its_own_stage_with_its_time(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan the model made that still offers other readings stays on Question, so its stage
    list can be read; one click re-plans with another reading."""
    real = Planner.plan

    def with_alternatives(self: Planner, *args: Any, **kwargs: Any) -> Any:
        planned = real(self, *args, **kwargs)
        first = isinstance(planned, PlannedAnalysis) and kwargs.get("chosen") is None
        if first and self.backend is not None:  # a new question planned with the model
            planned.alternatives = [
                Alternative("total tip by day", AnalysisRequest(x="day", y="tip", agg="sum"), 0.4)
            ]
            planned.confidence = 0.2
        return planned

    monkeypatch.setattr(Planner, "plan", with_alternatives)  # the pages' one call
    at = ask(load_tips(app()), "Mean tip for each day")
    assert at.title[0].value == "Ask a question"
    lines = texts(at.markdown)
    assert ":material/smart_toy: The model, adapting the plan ·" in lines
    assert "Adapted the plan to your table" in lines
    # "Did you mean": one click re-plans with that reading.
    assert "Did you mean:" in lines
    at.button(key="alternative:1:0").click().run()
    assert not at.exception and at.title[0].value == "Review the plan"
    planned = at.session_state["planned"]
    assert (planned.request.agg, planned.request_source) == ("sum", "person")
    assert at.session_state["thread"][-1].kind == "alternative"


def test_an_ambiguous_question_offers_its_readings_before_the_model_plans(
    app: App, stub_factory: StubFactory
) -> None:
    """No stub reading: the ranking itself is unsure about a terse question, so its readings are
    offered before anything is planned with the model; the chosen one is planned."""
    at = ask(load_tips(app()), "tips")
    assert at.title[0].value == "Ask a question"  # stays to offer the readings
    assert "Did you mean:" in texts(at.markdown)
    assert "thread" not in at.session_state or not at.session_state["thread"]
    assert not any(b.calls for b in stub_factory.built)  # the model was not asked yet
    offered = at.session_state["readings"].options
    assert 2 <= len(offered) <= 4
    labels = [b.label for b in at.button if (b.key or "").startswith("alternative:1:")]
    assert labels == [words for words, _ in offered]
    _, chosen = offered[1]
    at.button(key="alternative:1:1").click().run()
    assert not at.exception and at.title[0].value == "Review the plan"
    planned = at.session_state["planned"]
    assert planned.request_source == "person" and not planned.alternatives
    assert (planned.request.chart, planned.request.x, planned.request.y, planned.request.agg) == (
        chosen.request.chart,
        chosen.request.x,
        chosen.request.y,
        chosen.request.agg,
    )
    assert at.session_state["thread"][-1].kind == "question"
    assert any(b.calls for b in stub_factory.built)  # the chosen reading was adapted
    assert "readings" not in at.session_state


def test_a_confident_question_offers_no_alternatives(app: App) -> None:
    at = ask(load_tips(app()), "Mean tip for each day")
    assert at.title[0].value == "Review the plan"  # straight to review
    at.switch_page("pages/question.py").run()
    assert "Did you mean:" not in texts(at.markdown)


# ---------------------------------------------------------------- cancel
def test_cancel_stops_waiting_for_the_model_and_the_template_plan_is_kept() -> None:
    hanging = HangingBackend("slow")
    cancel = threading.Event()
    watched = WatchedBackend(hanging, cancel, limit_s=60)
    import plotly.express as px

    from autoviz_core.data import profile_table

    df = px.data.tips()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    started = time.monotonic()
    try:
        planned = Planner(backend=watched).plan(
            "Mean tip for each day", PlanningTable(df, profile_table(df))
        )
    finally:
        hanging.release.set()
    assert time.monotonic() - started < 5
    assert planned.plan.steps and planned.plan.steps[0].primary
    failed = [c for c in planned.model_calls if c.error]
    assert failed and "cancelled" in failed[0].error
    assert watched.calls[0].error and watched.calls[0].ended is not None
    assert json.dumps(planned.trace.as_dict())  # the rest of the plan is intact


class BusyBackend(StubBackend):
    """A model still busy with an abandoned call: closing it waits until that call ends."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.idle = threading.Event()

    def close(self) -> None:
        self.idle.wait(30)
        super().close()


def test_choosing_another_model_does_not_wait_for_a_busy_one(
    app: App,
    backend_kind: dict,  # type: ignore[type-arg]
    stub_factory: StubFactory,
) -> None:
    backend_kind["cls"] = BusyBackend
    at = app()
    busy = stub_factory.built[-1]
    started = time.monotonic()
    at.sidebar.radio(key="backend_name").set_value("smollm2-gpt4all").run()
    assert time.monotonic() - started < 10
    assert at.session_state["backend_choice"].name == "smollm2-gpt4all"
    assert not busy.closed  # still finishing in the background
    busy.idle.set()
