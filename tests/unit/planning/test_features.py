"""Candidates are drawable, features are generic, and the fast scorer equals w . features."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from autoviz_core.data import profile_table
from autoviz_core.planning.cues import extract_cues
from autoviz_core.planning.features import (
    Candidate,
    Scorer,
    candidate_features,
    generate_candidates,
    question_evidence,
    valid,
)

TABLE = pd.DataFrame(
    {
        "region": ["N", "S", "E", "W"] * 5,
        "sold_on": pd.date_range("2024-01-01", periods=20, freq="D"),
        "units": range(20),
        "price": [float(i) / 3 for i in range(20)],
        "item_label": [f"item {i}" for i in range(20)],
    }
)
QUESTIONS = [
    "average price by region",
    "how many items per region as a pie",
    "daily units over time",
    "is price related to units?",
    "distribution of price",
    "spread of units per region",
    "top 3 regions by total units",
]


def evidence(question: str):  # type: ignore[no-untyped-def]
    prof = profile_table(TABLE)
    return question_evidence(extract_cues(question, prof, TABLE), prof)


@pytest.mark.parametrize("question", QUESTIONS)
def test_fast_scorer_equals_the_dot_product_of_the_features(question: str) -> None:
    ev = evidence(question)
    rng = random.Random(7)
    cands = list(generate_candidates(ev))
    names = sorted({k for c in cands for k in candidate_features(c, ev)})
    weights = {n: rng.uniform(-2, 2) for n in names}
    scorer = Scorer(ev, weights)
    for c in cands:
        want = sum(weights.get(k, 0.0) * v for k, v in candidate_features(c, ev).items())
        assert scorer.score(c) == pytest.approx(want, abs=1e-9)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_candidate_is_drawable(question: str) -> None:
    ev = evidence(question)
    cands = list(generate_candidates(ev))
    assert cands
    for c in cands:
        assert valid(c, ev.columns)
        if c.agg == "count":
            assert c.y is None
        if c.agg in ("sum", "mean", "median", "min", "max"):
            assert c.y is not None and ev.columns[c.y].numeric_like
        if c.chart == "histogram":
            assert c.x is not None and c.y is None and ev.columns[c.x].numeric_like


def test_invalid_combinations_are_rejected() -> None:
    cols = evidence("average price by region").columns
    assert not valid(Candidate("bar", "region", "item_label", "mean"), cols)  # mean of text
    assert not valid(Candidate("histogram", "region", None, "none"), cols)  # histogram of text
    assert not valid(Candidate("line", "item_label", "price", "mean"), cols)  # line over text
    assert not valid(Candidate("bar", "region", "price", "count"), cols)  # count takes no y
    assert valid(Candidate("line", "sold_on", "units", "sum"), cols)


def test_features_never_name_a_column() -> None:
    """Weights must transfer to other tables: no feature may carry a column's name."""
    ev = evidence("top 3 regions by total units")
    for c in generate_candidates(ev):
        for name in candidate_features(c, ev):
            for col in TABLE.columns:
                assert col not in name.split(":"), (name, col)


SCORES = pd.DataFrame(
    {
        "school": ["A", "B", "C", "D"] * 5,
        "math": range(20),
        "reading": range(20, 40),
        "writing": range(40, 60),
    }
)


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("compare the 3 subjects by school", True),
        ("average of all 3 tests per school", True),
        ("compare the 2 subjects by school", False),  # the table has three measures
        ("top 3 schools", False),  # a limit, not a count of measures
    ],
)
def test_counting_the_measures_names_them_all(question: str, counted: bool) -> None:
    profile = profile_table(SCORES)
    ev = question_evidence(extract_cues(question, profile, SCORES), profile)
    assert ev.counted is counted
    if counted:
        assert ev.measures == ("math", "reading", "writing")
        several = [c for c in generate_candidates(ev) if c.more]
        assert several and all("several:counted" in candidate_features(c, ev) for c in several)


def test_a_box_plot_never_spreads_row_ids() -> None:
    bins = pd.DataFrame(
        {
            "bin_id": [1, 2, 3, 4, 5, 6, 7, 8] * 3,
            "aisle": ["A", "B", "C"] * 8,
            "load_kg": [float(10 + (i * 7) % 23) for i in range(24)],
        }
    )
    prof = profile_table(bins)
    assert prof.in_group("bin_id", "identifier")
    ev = question_evidence(extract_cues("a box plot of the bin ids", prof, bins), prof)
    boxes = [c for c in generate_candidates(ev) if c.chart == "box"]
    assert boxes, "a box plot is still drawn"
    assert all(c.y != "bin_id" for c in boxes)
    assert any(c.x == "bin_id" and c.y == "load_kg" for c in boxes)
