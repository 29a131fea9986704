"""Additivity is decided once: names first, then whole non-negative numbers; a level is never summed."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.data import profile_table
from autoviz_core.data.semantics import additive_by_name, default_agg, is_additive, name_tokens


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("revenue", True),
        ("units_sold", True),
        ("car_hours", True),
        ("avg_revenue", False),  # a non-additive word wins
        ("lifeExp", False),
        ("gdpPercap", False),
        ("temp_max", False),
        ("unit_price", False),
        ("conversion_rate", False),
        ("experiment_1", None),
    ],
)
def test_names_decide_when_they_can(name: str, expected: bool | None) -> None:
    assert additive_by_name(name) is expected


def test_tokens_split_camel_case_and_separators() -> None:
    assert name_tokens("gdpPercap") == ["gdp", "percap", "gdppercap"]
    assert name_tokens("car_hours") == ["car", "hours", "carhours"]


def test_profile_sets_additive_from_names_then_values(gapminder, tips) -> None:
    gap = {c.name: c.additive for c in profile_table(gapminder).columns}
    assert gap["pop"] and not gap["lifeExp"] and not gap["gdpPercap"]
    assert not gap["country"]  # not a measure at all
    frame = pd.DataFrame(
        {"votes_a": [3, 5, 0], "ratio_x": [0.2, 0.5, 0.1], "score2": [1.5, 2.0, 3.0]}
    )
    cols = {c.name: c for c in profile_table(frame).columns}
    assert is_additive(cols["votes_a"]) and not is_additive(cols["ratio_x"])
    assert not is_additive(cols["score2"])


def test_default_agg_never_sums_a_level(gapminder) -> None:
    cols = {c.name: c for c in profile_table(gapminder).columns}
    assert default_agg(cols["lifeExp"], None) == "mean"
    assert default_agg(cols["lifeExp"], "sum") == "mean"
    assert default_agg(cols["lifeExp"], "median") == "median"
    assert default_agg(cols["pop"], None) == "sum"
    assert default_agg(None, None) == "count"


def test_additivity_and_the_planner_split_names_the_same_way() -> None:
    """One tokeniser for column names (data/names.py): digits split from letters for both."""
    from autoviz_core.planning.text import split_name

    for name in ("pop2007", "gdpPercap", "Q3_salesUSD", "HTTPStatus", "net-revenue"):
        words = split_name(name)
        assert name_tokens(name)[: len(words)] == words
    assert name_tokens("pop2007") == ["pop", "2007", "pop2007"]
    assert name_tokens("HTTPStatus") == ["http", "status", "httpstatus"]


def test_a_stock_adds_up_across_groups_but_not_over_time(gapminder) -> None:
    from autoviz_core.data.semantics import additive_over_time, is_panel

    assert is_panel(gapminder)  # one row per country and year
    cols = {c.name: c for c in profile_table(gapminder).columns}
    assert cols["pop"].additive and not cols["pop"].additive_over_time
    assert additive_over_time("sales", True, panel=False)
    assert additive_over_time("births", True, panel=True)  # a flow, named as one
    assert not additive_over_time("value", True, panel=True)  # a panel's unnamed measure
    assert not additive_over_time("lifeExp", False, panel=False)


def test_a_total_is_a_column_adding_up_others_or_named_so() -> None:
    from autoviz_core.data.semantics import total_parts

    frame = pd.DataFrame(
        {
            "a": [1, 2, 3, 4],
            "b": [5, 1, 0, 2],
            "sum_ab": [6, 3, 3, 6],
            "district_id": [11, 27, 35, 48],
        }
    )
    assert total_parts(frame) == {"sum_ab": ("a", "b")}
    bill = pd.DataFrame(
        {"total_bill": [10.0, 20.0, 30.0], "tip": [1.0, 3.0, 2.0], "size": [2, 3, 4]}
    )
    assert total_parts(bill) == {}  # named like a total, but tip and size do not make it up
    cols = {c.name: c for c in profile_table(frame).columns}
    assert cols["sum_ab"].parts == ["a", "b"] and cols["a"].parts == []


def test_a_table_of_counts_has_a_frequency_column_and_a_list_of_things_has_none() -> None:
    """Each row of a cross-tabulation written long says how many it counts; a shirt number
    beside a name column, a count column beside a measure, or repeated combinations do not."""
    from autoviz_core.data import profile_table

    counts = pd.DataFrame(
        {
            "harbour": ["north", "north", "south", "south", "east", "east"],
            "catch": ["cod", "hake", "cod", "hake", "cod", "hake"],
            "n": [12, 4, 0, 7, 3, 9],
        }
    )
    assert [c.name for c in profile_table(counts).columns if c.frequency] == ["n"]
    repeated = pd.concat([counts, counts.head(1)], ignore_index=True)
    assert not any(c.frequency for c in profile_table(repeated).columns)
    squad = pd.DataFrame(
        {"player": ["ana", "bo", "cy", "di"], "club": ["x", "x", "y", "y"], "number": [9, 4, 9, 1]}
    )
    assert not any(c.frequency for c in profile_table(squad).columns)
    measured = counts.assign(weight_kg=[1.5, 2.0, 0.0, 3.1, 2.2, 1.0])
    assert not any(c.frequency for c in profile_table(measured).columns)
    halves = counts.assign(n=[1.5, 4, 0, 7, 3, 9])
    assert not any(c.frequency for c in profile_table(halves).columns)


def test_counting_a_table_of_counts_sums_its_count_column() -> None:
    from autoviz_core.contracts import AnalysisRequest
    from autoviz_core.data import profile_table
    from autoviz_core.planning.request import repair_request

    counts = pd.DataFrame(
        {
            "harbour": ["north", "north", "south", "south"],
            "catch": ["cod", "hake"] * 2,
            "n": [5, 1, 2, 8],
        }
    )
    profile = profile_table(counts)
    req, notes = repair_request(AnalysisRequest(chart="bar", x="harbour", agg="count"), profile)
    assert (req.y, req.agg) == ("n", "sum") and any("summing it" in n for n in notes)
    by_count, _ = repair_request(AnalysisRequest(chart="bar", x="n", agg="count"), profile)
    assert (by_count.y, by_count.agg) == (None, "count")  # the counts themselves are grouped
    mean, _ = repair_request(AnalysisRequest(chart="bar", x="harbour", y="n", agg="mean"), profile)
    assert (mean.y, mean.agg) == ("n", "mean")
