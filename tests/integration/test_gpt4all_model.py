"""The embedded SmolLM2 on gpt4all (no grammar): the prepared copy loads and answers the intent
contract; harder contracts validate or fail loudly, never silently; and what the planner really
asks it, a numbered choice, is answered with a number."""

from __future__ import annotations

import plotly.express as px
import pytest
from conftest import MAX_TOKENS, QUESTIONS, contract_for, task_for

from autoviz_core.config import PlannerSettings
from autoviz_core.contracts import numbered_choice_contract
from autoviz_core.data import profile_table
from autoviz_core.errors import BackendError
from autoviz_core.llm import Backend, numbered
from autoviz_core.pipeline import model_summary, stage_backends
from autoviz_core.planning import prompts
from autoviz_core.planning.change_options import KEEP
from autoviz_core.planning.planned import PlanningTable
from autoviz_core.planning.planner import Planner


def test_prepared_copy_is_loaded(gpt4all_backend: Backend) -> None:
    info = gpt4all_backend.info()
    assert info["path"].endswith(".refact.gguf") and info["source"] == "embedded:smollm2"
    assert gpt4all_backend.strategy == "prompt_validate"


@pytest.mark.parametrize("table", ["tips", "sales"])
def test_intent_validates(gpt4all_backend: Backend, table: str) -> None:
    contract = contract_for("intent", table)
    generation = gpt4all_backend.generate(task_for("intent", table), contract, max_tokens=64)
    assert isinstance(generation.value, contract)


@pytest.mark.parametrize(("kind", "table"), [("request", "sales"), ("adaptation", "tips")])
def test_harder_contracts_validate_or_raise(
    gpt4all_backend: Backend, kind: str, table: str
) -> None:
    """A 135M model without a grammar often fails nested contracts; it must say so."""
    contract = contract_for(kind, table)
    try:
        generation = gpt4all_backend.generate(
            task_for(kind, table), contract, max_tokens=MAX_TOKENS[kind]
        )
    except BackendError as exc:
        assert "did not match the contract after 2 attempt(s)" in exc.message
    else:
        assert isinstance(generation.value, contract)


# ---------------------------------------------------------------- numbered choices
ADAPT_OPTIONS = [
    KEEP,
    "Leave out step spread (box_by_group)",
    "Add histogram(column=tip): Distribution of one numeric column as binned counts",
    "Add value_counts(column=day): The most frequent values of one column with counts and shares",
]


def test_a_numbered_choice_is_answered_with_one_number(gpt4all_backend: Backend) -> None:
    """What the planner asks gpt4all: the options numbered, the answer begun as "Option"; the
    model names one of them within a few tokens, with no JSON to repair."""
    msgs = prompts.messages(
        "adapt_numbered",
        system="numbered_system",
        question=QUESTIONS["tips"],
        intent="comparative_analysis",
        steps="- answer: chart(kind=bar, x=day, y=tip, agg=mean)\n"
        "- spread: box_by_group(column=tip, group_by=day)",
        keep=KEEP,
        options=numbered.option_lines(ADAPT_OPTIONS),
    )
    contract = numbered_choice_contract(len(ADAPT_OPTIONS))
    generation = gpt4all_backend.generate(msgs, contract)
    assert isinstance(generation.value, contract)
    number = int(generation.value.model_dump()["number"])
    assert 1 <= number <= len(ADAPT_OPTIONS)
    assert generation.raw.startswith(numbered.answer_prefix())
    assert numbered.parse_number(generation.raw, len(ADAPT_OPTIONS)) == number
    assert generation.timings["completion_tokens"] <= numbered.MAX_TOKENS


def test_the_planner_asks_gpt4all_only_numbered_choices(gpt4all_backend: Backend) -> None:
    """The default planner with the real gpt4all model: the adaptation is asked by number (no
    JSON), the answer is used only when the rotated list names the same change, and the model is
    credited only when a change it chose was applied."""
    df = px.data.tips()
    planned = Planner(PlannerSettings(), gpt4all_backend).plan(
        QUESTIONS["tips"], PlanningTable(df, profile_table(df))
    )
    answered = [c for c in planned.model_calls if not c.error]
    assert planned.model_calls and {c.stage for c in planned.model_calls} == {"adapt"}
    assert 1 <= len(answered) <= 2
    assert all(c.raw.startswith(numbered.answer_prefix()) for c in answered), answered
    summary = model_summary(planned)
    if planned.diff.model_changes.get("accepted"):
        assert "in both orders" in planned.diff.rationale
        assert summary == f"{gpt4all_backend.name} (adapt)"
    else:  # kept the plan: said so, not credited
        before = Planner(PlannerSettings(adapt_mode="off"), None).plan(
            QUESTIONS["tips"], PlanningTable(df, profile_table(df))
        )
        assert [s.id for s in planned.plan.steps] == [s.id for s in before.plan.steps]
        assert summary.endswith("; the template plan was used")
        assert stage_backends(planned)["adapt"] == "none"
