"""The validator: every guard stops the claim it is meant to stop, and what is said instead."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.tools.claims import (
    GUARDS,
    Changed,
    Claim,
    Correlated,
    Ranked,
    Summed,
    Trending,
    Unusual,
    also_asserting,
    fact,
    failures,
    settle,
    settle_one,
)
from autoviz_core.tools.registry import ToolResult, said

GOOD = {
    "ranking": Ranked(("A",), 5, 5),
    "correlation": Correlated("x", "y", 0.6, 0.001, 50),
    "trend": Trending(12, 0.8, 0.001),
    "change": Changed("2024-05", "2024-04", adjacent=True, whole=True),
    "sum": Summed("sales", True, True, True, True),
    "anomaly": Unusual(True, "weekly"),
}
# One broken assertion per guard: each fails that guard and no other.
BROKEN = {
    "ranking.complete": Ranked(("A",), 3, 5),
    "ranking.no_tie": Ranked(("A", "B"), 5, 5),
    "ranking.whole_periods": Ranked(("2023",), 2, 2, partial=("2023",)),
    "correlation.significant": Correlated("x", "y", 0.6, 0.2, 50),
    "correlation.min_r": Correlated("x", "y", 0.05, 0.001, 5000),
    "correlation.not_part_of_total": Correlated("x", "y", 0.6, 0.001, 50, part_of_total=True),
    "correlation.not_both_trending": Correlated("x", "y", 0.7, 0.001, 500, both_trend=True),
    "trend.enough_points": Trending(3, 0.99, 0.01),
    "trend.fit": Trending(12, 0.1, 0.3),
    "trend.no_filled_gap": Trending(12, 0.8, 0.001, filled=2),
    "change.adjacent": Changed("2024-05", "2024-02", adjacent=False, whole=True),
    "change.like_periods": Changed("2024-05", "2024-04", adjacent=True, whole=False),
    "sum.additive_across_groups": Summed("lifeExp", True, False, False, False),
    "sum.additive_over_time": Summed("pop", False, True, True, False),
    "anomaly.pattern_tested": Unusual(False, "weekly"),
    "anomaly.not_explained": Unusual(True, "weekly", ("2024-12",)),
}


def test_every_guard_has_a_case() -> None:
    assert set(BROKEN) == set(GUARDS)


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_claim_that_holds_is_said_as_it_is(kind: str) -> None:
    claim = Claim("It holds.", (GOOD[kind],))
    assert failures(claim) == [] and settle_one(claim) is claim


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_guard_stops_its_claim_alone(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    claim = Claim("It does not hold.", (BROKEN[name],))
    assert len(failures(claim)) == 1
    assert settle_one(claim) is None
    monkeypatch.setitem(GUARDS, name, lambda a: None)  # the guard removed: the claim is said
    assert failures(claim) == [] and settle_one(claim) is claim


def test_what_is_said_instead_is_checked_too() -> None:
    negative = Claim("No clear relation.", denies=(BROKEN["correlation.significant"],))
    wrong_fallback = Claim("Still wrong.", (BROKEN["ranking.complete"],), negative)
    claim = Claim("Related.", (BROKEN["correlation.significant"],), wrong_fallback)
    settled = settle([claim])
    assert [c.text for c in settled.said] == ["No clear relation."]
    assert [n["text"] for n in settled.not_said] == ["Related.", "Still wrong."]


def test_an_asked_claim_is_never_silent() -> None:
    claim = Claim("Total of pop: 50.", (BROKEN["sum.additive_over_time"],), asked=True)
    said_claim = settle_one(claim)
    assert said_claim is not None and said_claim.text.startswith("Total of pop: 50 (not a finding")
    assert said_claim.denies == claim.asserts


def test_the_same_sentence_is_said_once_and_a_limit_is_kept() -> None:
    claims = [fact("a."), fact("a."), fact("b."), fact("c.")]
    assert [c.text for c in settle(claims, limit=2).said] == ["a.", "b."]


def test_also_asserting_reaches_every_replacement() -> None:
    chain = Claim("first.", (), Claim("second."))
    both = also_asserting(chain, (BROKEN["sum.additive_over_time"],), fact("level."))
    assert settle_one(both) is not None and settle_one(both).text == "level."  # type: ignore[union-attr]


def test_the_registry_says_only_what_holds() -> None:
    result = ToolResult(
        "s",
        pd.DataFrame(),
        claims=[Claim("tie.", (BROKEN["ranking.no_tie"],)), fact("fine.")],
    )
    said(result)
    assert result.findings == ["fine."]
    assert result.metrics["not_said"][0]["why"] == ["2 groups tie at the top"]
    plain = said(ToolResult("s", findings=["a sentence."]))
    assert [c.text for c in plain.claims] == ["a sentence."]
