"""A backend without a grammar is asked only numbered choices among the planner's own options:
a change it names in both orders of the options is applied; a choice that follows the position,
a "keep", or no option to choose from changes nothing, and the model is not credited for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from pydantic import BaseModel

from autoviz_core.config import PlannerSettings
from autoviz_core.data import profile_table
from autoviz_core.llm import numbered
from autoviz_core.llm.base import Generation
from autoviz_core.pipeline import model_summary, stage_backends
from autoviz_core.planning import planner, prompts
from autoviz_core.planning.change_options import KEEP, NOT_ASKED
from autoviz_core.planning.planned import PlanningTable
from autoviz_core.planning.planner import NO_VALID_CHANGE, Planner

DEFAULT = PlannerSettings()  # cues read the question; the model adapts the plan
QUESTION = "Mean tip for each day"
_OPTION = re.compile(r"^(\d)\. (.*)$", re.MULTILINE)


class NumberedBackend:
    """A backend without a grammar (the strategy gpt4all has): it answers numbered choices only,
    with the number `choose` gives for the options it is shown (None: the first)."""

    strategy = "prompt_validate"
    name = "numbered-model"

    def __init__(self, choose: Callable[[list[str]], int]) -> None:
        self.choose = choose
        self.asked: list[list[dict[str, str]]] = []

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        assert numbered.is_numbered(contract), f"asked for {contract.__name__}, not a number"
        self.asked.append(messages)
        labels = [label for _n, label in _OPTION.findall(messages[-1]["content"])]
        assert numbered.option_count(contract) == len(labels)
        number = str(self.choose(labels))
        return Generation(contract.model_validate({"number": number}), number, {}, 1)

    def info(self) -> dict[str, Any]:
        return {}

    def close(self) -> None:
        pass


def by_content(words: str) -> Callable[[list[str]], int]:
    """Name the option that says `words`, wherever it is listed."""
    return lambda labels: next(i for i, label in enumerate(labels, 1) if words in label)


@pytest.fixture(scope="module")
def tips(realistic_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return realistic_tables["tips"]


def plan_with(backend: Any, df: pd.DataFrame, settings: PlannerSettings = DEFAULT) -> Any:
    return Planner(settings, backend).plan(QUESTION, PlanningTable(df, profile_table(df)))


def question_plan(df: pd.DataFrame) -> list[str]:
    """The step ids of the plan before the model adapts it."""
    planned = plan_with(None, df, PlannerSettings(adapt_mode="off"))
    return [s.id for s in planned.plan.steps]


def test_a_change_named_in_both_orders_is_applied_and_credited(tips: pd.DataFrame) -> None:
    before = question_plan(tips)
    leave_out = before[-1]
    backend = NumberedBackend(by_content(f"Leave out step {leave_out} "))
    planned = plan_with(backend, tips)
    assert [s.id for s in planned.plan.steps] == [i for i in before if i != leave_out]
    first, second = backend.asked  # as listed, then with the list rotated by half
    expected_system = prompts.prompts()["numbered_system"].strip()
    assert first[0] == {"role": "system", "content": expected_system}
    listed, again = _labels(first), _labels(second)
    half = len(listed) // 2
    assert listed[0] == KEEP and again == listed[half:] + listed[:half]
    assert "JSON" not in first[-1]["content"]
    assert planned.diff.model_changes == {"proposed": 1, "accepted": 1, "rejected": 0}
    assert "in both orders" in planned.diff.rationale
    assert stage_backends(planned)["adapt"] == "numbered-model"
    assert model_summary(planned) == "numbered-model (adapt)"


@pytest.mark.parametrize("position", ["second", "middle"])
def test_a_choice_that_follows_the_position_changes_nothing(
    tips: pd.DataFrame, position: str
) -> None:
    """The same position whatever it holds, including the middle one, which a reversed list of
    odd length would leave in place."""
    where = {"second": lambda labels: 2, "middle": lambda labels: (len(labels) + 1) // 2}
    backend = NumberedBackend(where[position])
    planned = plan_with(backend, tips)
    assert len(backend.asked) == 2
    assert len(_labels(backend.asked[0])) % 2 == 1  # an odd list: the middle case is real
    assert [s.id for s in planned.plan.steps] == question_plan(tips)
    notes = [n.message for n in planned.notes if n.step_id == "adapt"]
    assert len(notes) == 1 and notes[0].startswith(NO_VALID_CHANGE)
    assert "followed the order of the options" in notes[0]
    assert set(stage_backends(planned).values()) == {"none"}
    assert model_summary(planned) == (
        "numbered-model proposed no valid change; the template plan was used"
    )


def test_keeping_the_plan_is_asked_once_and_not_credited(tips: pd.DataFrame) -> None:
    backend = NumberedBackend(by_content(KEEP))
    planned = plan_with(backend, tips)
    assert len(backend.asked) == 1  # keeping is what stands without the model: nothing to check
    assert [s.id for s in planned.plan.steps] == question_plan(tips)
    assert planned.diff.model_changes == {"proposed": 0, "accepted": 0, "rejected": 0}
    assert stage_backends(planned)["adapt"] == "none"
    assert model_summary(planned) == (
        "numbered-model proposed no change; the template plan was used"
    )


def test_with_nothing_to_choose_from_the_model_is_not_asked(
    tips: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planner, "change_options", lambda plan, check, limit: [])
    backend = NumberedBackend(lambda labels: 1)
    planned = plan_with(backend, tips)
    assert backend.asked == [] and planned.model_calls == []
    notes = [n.message for n in planned.notes if n.step_id == "adapt"]
    assert len(notes) == 1 and notes[0].startswith(NOT_ASKED)
    said = (
        "numbered-model was not asked to adapt the plan: no change it could choose validates "
        "for this plan; the template plan was used"
    )
    assert model_summary(planned) == said
    reviewed = planner.revalidate(planned, planned.plan, profile_table(tips))
    assert model_summary(reviewed) == said  # the reviewed plan still says why


def test_an_unsure_reading_is_chosen_by_number_among_the_ranked_ones(tips: pd.DataFrame) -> None:
    """Hybrid: a terse question leaves the ranking unsure, and the model picks a reading by
    number; the pick is the same reading whichever order the readings are listed in."""
    settings = PlannerSettings(request_mode="hybrid", adapt_mode="off")
    first_order: dict[frozenset[str], list[str]] = {}

    def listed_second(labels: list[str]) -> int:
        """The option listed second the first time these options were shown."""
        order = first_order.setdefault(frozenset(labels), labels)
        return labels.index(order[1]) + 1

    backend = NumberedBackend(listed_second)
    planned = Planner(settings, backend).plan("tips", PlanningTable(tips, profile_table(tips)))
    asked = [_labels(m) for m in backend.asked if "Which chart" in m[-1]["content"]]
    half = len(asked[0]) // 2
    assert len(asked) == 2 and asked[1] == asked[0][half:] + asked[0][:half]
    assert planned.request_source == "hybrid"
    assert planner.label_request(planned.request) == asked[0][1]
    assert stage_backends(planned)["request"] == "numbered-model"


def _labels(messages: list[dict[str, str]]) -> list[str]:
    return [label for _n, label in _OPTION.findall(messages[-1]["content"])]


def test_the_summary_names_what_the_model_decided_and_what_it_did_not(
    tips: pd.DataFrame,
) -> None:
    settings = PlannerSettings(request_mode="hybrid")  # readings by the model, then adapting
    backend = NumberedBackend(lambda labels: labels.index(KEEP) + 1 if KEEP in labels else 1)
    planned = Planner(settings, backend).plan("tips", PlanningTable(tips, profile_table(tips)))
    assert planned.request_source == "hybrid"
    assert model_summary(planned) == (
        "numbered-model (request); numbered-model proposed no change; the template plan was used"
    )


def test_model_mode_without_a_grammar_chooses_among_readings_and_intents(
    tips: pd.DataFrame,
) -> None:
    """Model mode cannot ask such a backend to fill the request contract: it chooses among the
    ranked readings (when there are several) and among every intent, by number, in both orders."""
    settings = PlannerSettings(intent_mode="model", request_mode="model", adapt_mode="off")

    def by_words(labels: list[str]) -> int:
        """The time-series intent when offered, else the reading last in alphabetical order."""
        wanted = "time_series_investigation"
        return labels.index(wanted if wanted in labels else max(labels)) + 1

    backend = NumberedBackend(by_words)
    planned = Planner(settings, backend).plan("tips", PlanningTable(tips, profile_table(tips)))
    intents = [_labels(m) for m in backend.asked if "kind of analysis" in m[-1]["content"]]
    assert len(intents) == 2 and sorted(intents[0]) == sorted(intents[1])
    assert planned.intent == "time_series_investigation" and planned.intent_source == "model"
    readings = [m for m in backend.asked if "Which chart" in m[-1]["content"]]
    assert len(readings) == 2 and planned.request_source == "model"
    assert [c.stage for c in planned.model_calls].count("request") == 2  # chosen, then checked
