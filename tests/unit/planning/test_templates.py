"""Templates: valid data files; every template executes on every realistic table it can be selected for."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from autoviz_core.config import PlannerSettings
from autoviz_core.contracts import INTENTS
from autoviz_core.data import profile_table
from autoviz_core.planning.planned import Chosen, PlanningTable
from autoviz_core.planning.planner import Planner
from autoviz_core.planning.templates import (
    TemplateStep,
    is_eligible,
    load_templates,
    select_template,
)
from autoviz_core.runtime.executor import execute_plan

TABLES = ("tips", "gapminder", "stocks", "iris", "sales")


def test_every_intent_has_a_template() -> None:
    intents = {t.intent for t in load_templates()}
    assert intents == set(INTENTS)


@pytest.mark.parametrize("template_id", [t.id for t in load_templates()])
@pytest.mark.parametrize("table", TABLES)
def test_template_executes_where_eligible(
    realistic_tables: dict[str, pd.DataFrame], template_id: str, table: str
) -> None:
    df = realistic_tables[table]
    profile = profile_table(df)
    template = next(t for t in load_templates() if t.id == template_id)
    if not is_eligible(template, profile):
        assert template.requires.roles or template.requires.min_rows > profile.n_rows
        return
    planned = Planner(
        PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off"), None
    ).plan(
        "Tell me about the main measure",
        PlanningTable(df, profile),
        chosen=Chosen(intent=template.intent, template=template_id),
    )
    assert planned.template_id == template_id
    # every step of the template, resolved from the table alone (the question then leaves out
    # the steps that serve none of its parts: tests/unit/planning/test_support.py)
    assert len(planned.template_plan.steps) >= 2, planned.notes
    result = execute_plan(planned.template_plan, df)
    failed = [(r.step_id, r.error) for r in result.records if r.status != "ok"]
    assert failed == []


def test_selection_is_stable_and_prefers_time_series_templates(profiles: dict) -> None:  # type: ignore[type-arg]
    from autoviz_core.contracts import AnalysisRequest

    req = AnalysisRequest(chart="line", x="sale_date", y="sales", agg="sum")
    first = select_template("general_eda", profiles["sales"], req)
    again = select_template("general_eda", profiles["sales"], req)
    assert first[0].id == again[0].id == "eda_time_series"
    assert select_template("general_eda", profiles["iris"], req)[0].id == "eda_overview"


def test_a_step_has_no_optional_flag() -> None:
    """Every step is left out when it cannot run; a flag saying so would be ignored, so it is
    an error in a template file."""
    step = {"id": "s", "tool": "histogram", "supports": "measure"}
    TemplateStep.model_validate({**step, "params": {}})
    with pytest.raises(ValidationError):
        TemplateStep.model_validate({**step, "optional": True})


def test_a_step_says_which_part_of_a_question_it_serves() -> None:
    with pytest.raises(ValidationError):
        TemplateStep.model_validate({"id": "s", "tool": "histogram"})
    with pytest.raises(ValidationError):
        TemplateStep.model_validate({"id": "s", "tool": "histogram", "supports": "anything"})
