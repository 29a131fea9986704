"""Every step serves a part of the question; a step serving none is not run, whether the
template or the model proposed it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from pydantic import BaseModel

from autoviz_core.config import PlannerSettings
from autoviz_core.data import profile_table
from autoviz_core.llm.base import Generation
from autoviz_core.planning.planned import Chosen, PlanningTable
from autoviz_core.planning.planner import Planner
from autoviz_core.planning.support import TOOL_PARTS
from autoviz_core.planning.templates import load_templates
from autoviz_core.tools.registry import all_tools
from autoviz_core.vocabulary import QUESTION_PARTS

CUES = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")


def _plan(question: str, df: pd.DataFrame, intent: str | None = None) -> Any:
    chosen = Chosen(intent=intent)
    return Planner(CUES, None).plan(question, PlanningTable(df, profile_table(df)), chosen=chosen)


def test_every_tool_and_template_step_names_a_known_part() -> None:
    ours = {t.name for t in all_tools() if t.fn.__module__.startswith("autoviz_core.tools")}
    answers = {t for t in ours if t.startswith("answer_")}  # the answer step: always "answer"
    assert ours - answers <= set(TOOL_PARTS)
    assert set(TOOL_PARTS.values()) <= set(QUESTION_PARTS)
    assert {s.supports for t in load_templates() for s in t.steps} <= set(QUESTION_PARTS)


def test_a_comparison_question_runs_no_overview_or_time_steps(gapminder: pd.DataFrame) -> None:
    planned = _plan("Compare average life expectancy across continents", gapminder)
    parts = {s.supports for s in planned.plan.steps}
    assert parts <= {"answer", "chart", "groups"} and "groups" in parts
    assert all(s.supports for s in planned.plan.steps)


def test_a_trend_question_does_not_look_for_unusual_periods(stocks: pd.DataFrame) -> None:
    planned = _plan("How has GOOG changed over time?", stocks)
    tools = [s.tool for s in planned.plan.steps]
    assert "trend" in tools and "rolling_anomalies" not in tools
    left = [n for n in planned.notes if n.step_id == "unusual_periods"]
    assert left and "does not ask" in left[0].message  # said, not dropped silently
    asked = _plan("Which weeks were unusual for GOOG over time?", stocks)
    assert "rolling_anomalies" in [s.tool for s in asked.plan.steps]


def test_an_overview_is_run_only_when_nothing_specific_is_asked(tips: pd.DataFrame) -> None:
    overview = _plan("Give me an overview of this table", tips, intent="general_eda")
    assert "summary_stats" in [s.tool for s in overview.plan.steps]
    specific = _plan("Which day has the most tables?", tips, intent="general_eda")
    assert "summary_stats" not in [s.tool for s in specific.plan.steps]


class ProposingBackend:
    """A model that proposes the given plan changes (and nothing else is asked of it)."""

    strategy = "gbnf"
    name = "proposing-model"

    def __init__(self, changes: list[dict[str, Any]]) -> None:
        self.changes = changes

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        value = contract.model_validate({"changes": self.changes})
        return Generation(value, value.model_dump_json())

    def info(self) -> dict[str, Any]:
        return {}

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("tool", "kept"), [("missing_report", False), ("box_by_group", True)]
)  # fmt: skip
def test_a_step_the_model_proposes_passes_the_same_filter(
    tips: pd.DataFrame, tool: str, kept: bool
) -> None:
    change = {"action": "add", "step_id": "new", "tool": tool, "params": [], "reason": "more"}
    settings = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="model")
    profile = profile_table(tips)
    planned = Planner(settings, ProposingBackend([change])).plan(
        "Compare the average tip across days", PlanningTable(tips, profile)
    )
    assert (tool in [s.tool for s in planned.plan.steps]) is kept
    if not kept:
        refused = [n.message for n in planned.notes if n.level == "rejected"]
        assert any("serves no part of the question" in m for m in refused)
