"""Row-level top-N: "the 4 heaviest crates" lists rows (their label and the measure the
superlative names), never a sum per group or per period. The crates table is this file's own."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.config import PlannerSettings
from autoviz_core.data import profile_table
from autoviz_core.planning.cues import extract_cues
from autoviz_core.planning.planned import PlanningTable
from autoviz_core.planning.planner import Planner


@pytest.fixture(scope="module")
def crates() -> pd.DataFrame:
    n = 40
    return pd.DataFrame(
        {
            "crate_id": range(500, 500 + n),
            "port": [["Hull", "Leith", "Cobh", "Brest"][i % 4] for i in range(n)],
            "weight_kg": [round(10 + (i * 13.7) % 90, 1) for i in range(n)],
            "shipped": pd.date_range("2024-01-01", periods=n, freq="9D"),
        }
    )


def test_a_superlative_names_the_measure_it_ranks_by(crates: pd.DataFrame) -> None:
    cues = extract_cues("the 4 heaviest crates", profile_table(crates), crates)
    assert "weight_kg" in cues.columns
    named = extract_cues("the crates with the highest weight", profile_table(crates), crates)
    assert [m.kind for m in named.mentions if m.column == "weight_kg"] != ["described"]


@pytest.mark.parametrize(
    ("question", "direction", "n"),
    [("the 4 heaviest crates", "desc", 4), ("show me the 3 lightest crates", "asc", 3)],
)
def test_the_n_heaviest_things_are_rows_ranked_by_the_measure(
    crates: pd.DataFrame, question: str, direction: str, n: int
) -> None:
    settings = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
    req = (
        Planner(settings, None).plan(question, PlanningTable(crates, profile_table(crates))).request
    )
    assert (req.x, req.y, req.sort_by, req.sort_dir, req.limit) == (
        "crate_id",
        "weight_kg",
        "y",
        direction,
        n,
    )
    assert req.time_grain == "none" and req.color is None
