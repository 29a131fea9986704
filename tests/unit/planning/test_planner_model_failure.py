"""A model whose adaptation never validates (or times out) still leaves an approvable plan, and
the result records which backend decided each stage ("none" where none did, or where its answer
was not used)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from pydantic import BaseModel

from autoviz_core.config import PlannerSettings, load_settings
from autoviz_core.data import profile_table
from autoviz_core.errors import BackendError
from autoviz_core.llm import llamacpp as llamacpp_module
from autoviz_core.llm.base import Generation
from autoviz_core.llm.factory import create_backend
from autoviz_core.pipeline import backend_used, model_summary, stage_backends
from autoviz_core.planning.planned import PlanningTable
from autoviz_core.planning.planner import NO_VALID_CHANGE, Planner

DEFAULT = PlannerSettings()  # cues decide intent and request; the model adapts the plan


class RaisingBackend:
    """Raises the given error on every call, like a backend whose retries ran out."""

    strategy = "gbnf"

    def __init__(self, error: Exception) -> None:
        self.name = "failing-model"
        self.error = error
        self.calls = 0

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        self.calls += 1
        raise self.error

    def info(self) -> dict[str, Any]:
        return {}

    def close(self) -> None:
        pass


class GarbageLlama:
    """A stand-in llama_cpp.Llama that always streams text that is not JSON."""

    def __init__(self) -> None:
        self.calls = 0

    def create_chat_completion(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls += 1
        yield {"choices": [{"delta": {"content": "Sure! Here is the plan: {"}}]}
        yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def tips(realistic_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return realistic_tables["tips"]


@pytest.mark.parametrize(
    "error",
    [
        BackendError("failing-model: the model's answer did not match the contract", "Try again."),
        TimeoutError("timed out"),
    ],
)
def test_adaptation_failure_keeps_the_template_plan(tips: pd.DataFrame, error: Exception) -> None:
    profile = profile_table(tips)
    backend = RaisingBackend(error)
    planned = Planner(DEFAULT, backend).plan("Mean tip for each day", PlanningTable(tips, profile))
    assert backend.calls == 1
    ids = [s.id for s in planned.plan.steps]
    assert ids[0] == "answer" and ids[1:] == [s.id for s in planned.template_plan.steps]
    notes = [n for n in planned.notes if n.step_id == "adapt"]
    assert len(notes) == 1 and notes[0].message.startswith(NO_VALID_CHANGE)
    assert "\n" not in notes[0].message
    assert [(c.stage, bool(c.error)) for c in planned.model_calls] == [("adapt", True)]
    # asked, but nothing it answered was used: not credited, and said so
    assert set(stage_backends(planned).values()) == {"none"}
    assert model_summary(planned) == (
        "failing-model proposed no valid change; the template plan was used"
    )


def test_the_real_retry_loop_on_garbage_ends_in_the_template_plan(
    tips: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = GarbageLlama()
    monkeypatch.setattr(llamacpp_module, "_load_llama", lambda path, settings: fake)
    settings = load_settings()
    backend = create_backend("smollm2-llamacpp", settings)
    started = time.monotonic()
    try:
        planned = Planner(DEFAULT, backend).plan(
            "Mean tip for each day", PlanningTable(tips, profile_table(tips))
        )
    finally:
        backend.close()
    assert time.monotonic() - started < settings.limits.llm_timeout_s
    assert fake.calls >= 2  # it was re-asked, then given up on
    assert planned.plan.steps and planned.plan.steps[0].primary
    assert any(n.message.startswith(NO_VALID_CHANGE) for n in planned.notes)


def test_no_model_run_is_recorded_as_none(tips: pd.DataFrame) -> None:
    planned = Planner(PlannerSettings(adapt_mode="off"), None).plan(
        "Mean tip for each day", PlanningTable(tips, profile_table(tips))
    )
    assert backend_used(planned, "smollm2-llamacpp") == "none"
    assert set(stage_backends(planned, "smollm2-llamacpp").values()) == {"none"}
    assert model_summary(planned, "smollm2-llamacpp") == "none ran"


HYBRID = PlannerSettings(intent_mode="hybrid", request_mode="hybrid", adapt_mode="off")
MODEL = PlannerSettings(intent_mode="model", request_mode="model", adapt_mode="off")
TERSE = "tips"  # one word: the ranking is unsure, so the model is asked


def test_hybrid_keeps_the_ranked_reading_when_the_model_fails(tips: pd.DataFrame) -> None:
    error = BackendError("failing-model: HTTP 500 out of memory", "Try again.")
    backend = RaisingBackend(error)
    profile = profile_table(tips)
    cues_only = Planner(PlannerSettings(adapt_mode="off"), None).plan(
        TERSE, PlanningTable(tips, profile)
    )
    planned = Planner(HYBRID, backend).plan(TERSE, PlanningTable(tips, profile))
    assert backend.calls >= 1
    assert planned.request == cues_only.request
    assert planned.request_source == "cues"
    assert any(c.error and "HTTP 500" in c.error for c in planned.model_calls)
    assert any("the model could not choose" in n.message for n in planned.notes)


def test_model_mode_reports_the_model_failure(tips: pd.DataFrame) -> None:
    backend = RaisingBackend(BackendError("failing-model: HTTP 500 out of memory", "Try again."))
    with pytest.raises(BackendError, match="HTTP 500"):
        Planner(MODEL, backend).plan(
            "Mean tip for each day", PlanningTable(tips, profile_table(tips))
        )
