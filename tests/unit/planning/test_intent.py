"""For each intent, questions that must select it (cues mode, realistic tables)."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.config import PlannerSettings
from autoviz_core.data import profile_table
from autoviz_core.planning.planned import PlanningTable
from autoviz_core.planning.planner import Planner

CASES = {
    "general_eda": [
        ("tips", "Give me an overview of this table"),
        ("iris", "Describe the data"),
        ("sales", "Summarize each column"),
    ],
    "time_series_investigation": [
        ("sales", "How did sales develop over time?"),
        ("stocks", "Show the monthly trend of GOOG"),
        ("gapminder", "How has life expectancy changed over the years?"),
    ],
    "segmentation_drivers": [
        ("tips", "What factors influence the tip?"),
        ("sales", "What explains sales?"),
        ("iris", "Which measurements separate the species?"),
    ],
    "anomaly_detection": [
        ("tips", "Are there outliers in the total bill?"),
        ("sales", "Find unusual spikes in daily sales"),
        ("gapminder", "Which countries have abnormal GDP per capita?"),
    ],
    "comparative_analysis": [
        ("tips", "Mean tip for each day"),
        ("sales", "Which store sold the most items?"),
        ("gapminder", "Compare population across continents"),
    ],
}


@pytest.mark.parametrize(
    ("intent", "table", "question"),
    [(i, t, q) for i, cases in CASES.items() for t, q in cases],
)
def test_question_selects_intent(
    realistic_tables: dict[str, pd.DataFrame], intent: str, table: str, question: str
) -> None:
    df = realistic_tables[table]
    planned = Planner(
        PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off"), None
    ).plan(question, PlanningTable(df, profile_table(df)))
    assert planned.intent == intent
