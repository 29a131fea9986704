"""A question asked while a plan is open: follow-up or new question, and the reason in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from autoviz_core.contracts import AnalysisRequest, RequestFilter
from autoviz_core.conversation import read_turn, request_columns
from autoviz_core.data.profiling import SchemaProfile, profile_table


@pytest.fixture(scope="module")
def orchard() -> tuple[pd.DataFrame, SchemaProfile]:
    rng = np.random.default_rng(3)
    n = 90
    df = pd.DataFrame(
        {
            "variety": rng.choice(["Gala", "Fuji", "Braeburn", "Jonagold"], n),
            "farm": rng.choice(["Upper Field", "Creekside", "Old Mill"], n),
            "yield_kg": rng.normal(300, 60, n).round(1),
            "rainfall_mm": rng.normal(80, 15, n).round(1),
            "harvest_year": rng.integers(2015, 2024, n),
        }
    )
    return df, profile_table(df)


OPEN = AnalysisRequest(
    chart="bar",
    x="variety",
    y="yield_kg",
    agg="mean",
    filters=[RequestFilter(column="harvest_year", op="ge", value=2018)],
)


def test_the_open_request_shows_its_axes_colour_measures_and_filters() -> None:
    assert request_columns(OPEN) == ["variety", "yield_kg", "harvest_year"]


@pytest.mark.parametrize(
    ("question", "follow_up", "because"),
    [
        # it names a column the open chart uses (an axis, or a filter's column)
        ("median yield per variety", True, "it names yield_kg and variety, which the open chart"),
        ("only harvest years after 2020", True, "harvest_year"),
        # it names no column, and changes the open chart
        ("leave out Creekside", True, "farm is not Creekside"),
        ("as a line chart", True, "it changes the open chart"),
        # it names other columns, but with words that tie it to the open chart
        ("split it by farm", True, "“split"),
        ("by farm instead", True, "“instead”"),
        # it names only columns the open chart does not use
        ("total rainfall per farm", False, "none of which the open chart uses"),
        ("how is rainfall distributed?", False, "which the open chart does not use"),
        # it names nothing of the table and changes nothing
        ("hello there", False, "no change to it"),
    ],
)
def test_follow_up_or_new_question(
    orchard: tuple[pd.DataFrame, SchemaProfile], question: str, follow_up: bool, because: str
) -> None:
    df, profile = orchard
    turn = read_turn(question, OPEN, profile, df)
    assert turn.follow_up is follow_up, (question, turn.reason)
    assert because in turn.reason, turn.reason
    assert turn.reason.endswith(".") and " ne " not in turn.reason  # a sentence, in words


def test_without_the_rows_the_question_is_still_read(
    orchard: tuple[pd.DataFrame, SchemaProfile],
) -> None:
    _, profile = orchard
    assert not read_turn("total rainfall per farm", OPEN, profile).follow_up
    assert read_turn("median yield per variety", OPEN, profile).follow_up
