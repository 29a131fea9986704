"""The app with a model that has no grammar (the gpt4all entry): it is asked numbered choices
only, and the Plan and Results pages, and the report, credit it with a change only when one it
chose was applied; otherwise they say that the template plan was used, and why."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
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

from autoviz_core.llm import factory, numbered
from autoviz_core.llm.base import Generation
from autoviz_core.planning import planner

App = Callable[[], AppTest]
MODEL = "smollm2-gpt4all"
_OPTION = re.compile(r"^(\d)\. (.*)$", re.MULTILINE)


class NumberedStub(StubBackend):
    """A backend without a grammar: only numbered choices are answered, by `choose(labels)`."""

    strategy = "prompt_validate"
    choose: Callable[[list[str]], int] = staticmethod(lambda labels: 1)  # type: ignore[assignment]

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        assert numbered.is_numbered(contract), f"asked for {contract.__name__}, not a number"
        self.calls.append(contract.__name__)
        labels = [label for _n, label in _OPTION.findall(messages[-1]["content"])]
        number = str(type(self).choose(labels))
        return Generation(contract.model_validate({"number": number}), number, {}, 1)


@pytest.fixture
def numbered_model(
    stub_factory: StubFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[type[NumberedStub]]:
    """Every backend the app builds is a NumberedStub; set `choose` on the yielded class."""

    class Chooser(NumberedStub):
        pass

    def build(name: str | None = None, settings: Any = None) -> NumberedStub:
        backend = Chooser(name or "default")
        stub_factory.built.append(backend)
        return backend

    monkeypatch.setattr(factory, "create_backend", build)
    yield Chooser


def planned_with(app: App, question: str = "Mean tip for each day") -> AppTest:
    at = load_tips(app())
    at.sidebar.radio(key="backend_name").set_value(MODEL).run()
    return on_plan_page(ask(at, question))


def results(at: AppTest) -> AppTest:
    at.button(key="approve").click().run()
    assert not at.exception, at.exception
    return at.switch_page("pages/results.py").run()


def test_a_choice_that_follows_the_position_is_not_credited(
    app: App, numbered_model: type[NumberedStub], stub_factory: StubFactory
) -> None:
    numbered_model.choose = staticmethod(lambda labels: 2)  # type: ignore[method-assign]
    at = planned_with(app)
    assert stub_factory.built[-1].calls == ["NumberedChoice", "NumberedChoice"]
    warning = texts(at.warning)
    assert "The model proposed no valid change: its choice followed the order of the options" in (
        warning
    )
    assert not at.button(key="approve").disabled
    at = results(at)
    said = f"{MODEL} proposed no valid change; the template plan was used"
    assert f"model: {said}" in texts(at.caption)
    prov = bundle_provenance(at)
    assert prov["model"] == said and prov["backend"] == "none"


def test_a_change_it_chose_in_both_orders_is_credited(
    app: App, numbered_model: type[NumberedStub]
) -> None:

    def leave_one_out(labels: list[str]) -> int:
        """The same removal in any order of the options: the first by its words."""
        return labels.index(min(w for w in labels if w.startswith("Leave out"))) + 1

    numbered_model.choose = staticmethod(leave_one_out)  # type: ignore[method-assign]
    at = planned_with(app)
    assert "proposed no valid change" not in texts(at.warning)
    planned = at.session_state["planned"]
    assert planned.diff.model_changes["accepted"] == 1
    at = results(at)
    assert f"model: {MODEL} (adapt)" in texts(at.caption)
    prov = bundle_provenance(at)
    assert prov["model"] == f"{MODEL} (adapt)" and prov["backends"]["adapt"] == MODEL


def test_with_nothing_to_choose_the_model_is_not_asked_and_the_page_says_so(
    app: App,
    numbered_model: type[NumberedStub],
    stub_factory: StubFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(planner, "change_options", lambda plan, check, limit: [])
    at = planned_with(app)
    assert not stub_factory.built[-1].calls
    line = (
        "The model was not asked to adapt the plan: no change it could choose validates for "
        "this plan."
    )
    assert line in texts(at.info)
    at = results(at)
    said = (
        f"{MODEL} was not asked to adapt the plan: no change it could choose validates for this "
        "plan; the template plan was used"
    )
    assert f"model: {said}" in texts(at.caption)
    assert bundle_provenance(at)["model"] == said
