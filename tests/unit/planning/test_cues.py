"""Deterministic cues: column/value mentions, aggregation, chart, grain, sort, limit, filters."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.data import profile_table
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.planning.cues import extract_cues


def cues_for(question: str, df: pd.DataFrame):  # type: ignore[no-untyped-def]
    return extract_cues(question, profile_table(df), df)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Mean Sepal Width for each Species", ["sepal_width", "species"]),  # case, separator
        ("average sepal widths per specie", ["sepal_width", "species"]),  # plurals
        ("compare petal lenght between species", ["petal_length", "species"]),  # typo
    ],
)
def test_column_mentions_are_case_plural_separator_and_typo_insensitive(
    realistic_tables: dict[str, pd.DataFrame], question: str, expected: list[str]
) -> None:
    assert cues_for(question, realistic_tables["iris"]).columns == expected


def test_camel_case_and_abbreviations() -> None:
    df = pd.DataFrame({"Fname": ["a", "b"], "LName": ["x", "y"], "lifeExp": [1.0, 2.0]})
    assert cues_for("number of first names", df).columns == ["Fname"]
    assert cues_for("the life expectancy by last name", df).columns == ["lifeExp", "LName"]


def test_aggregation_chart_grain_and_sort(realistic_tables: dict[str, pd.DataFrame]) -> None:
    c = cues_for(
        "Show the average tip per day as a pie chart, sorted descending", realistic_tables["tips"]
    )
    assert (c.agg, c.agg_target, c.chart, c.sort_dir) == ("mean", "tip", "pie", "desc")
    c = cues_for("How many parties came on each day?", realistic_tables["tips"])
    assert c.agg == "count" and c.group_hint == "day"
    c = cues_for("Show monthly sales", realistic_tables["sales"])
    assert c.time_grain == "month"


def test_top_n(realistic_tables: dict[str, pd.DataFrame]) -> None:
    c = cues_for("top 5 countries by population", realistic_tables["gapminder"])
    assert c.limit == 5 and c.sort_by == "y" and c.sort_dir == "desc"


def test_value_mentions_become_filters(realistic_tables: dict[str, pd.DataFrame]) -> None:
    c = cues_for("Average tip for female smokers", realistic_tables["tips"])
    assert [(f.column, f.op, f.value) for f in c.filters] == [("sex", "eq", "Female")]


def test_two_values_with_versus_make_a_group_not_a_filter(
    realistic_tables: dict[str, pd.DataFrame],
) -> None:
    c = cues_for("count the parties seated at lunch versus dinner", realistic_tables["tips"])
    assert c.filters == () and c.group_hint == "time"


def test_numeric_year_and_where_filters(realistic_tables: dict[str, pd.DataFrame]) -> None:
    c = cues_for("life expectancy by continent in 2007", realistic_tables["gapminder"])
    assert [(f.column, f.op, f.value) for f in c.filters] == [("year", "eq", 2007)]
    c = cues_for("tips where total bill > 30", realistic_tables["tips"])
    assert [(f.column, f.op, f.value) for f in c.filters] == [("total_bill", "gt", 30)]
    c = cues_for("tips for bills with a total bill greater than 20", realistic_tables["tips"])
    assert ("total_bill", "gt", 20) in [(f.column, f.op, f.value) for f in c.filters]


def test_between_contains_startswith_and_not() -> None:
    df = pd.DataFrame({"name": ["Orbit Air", "Blue"], "height": [10, 20], "city": ["A", "B"]})
    prof: SchemaProfile = profile_table(df)
    c = extract_cues("names with height between 5 and 15", prof, df)
    assert [(f.op, f.value) for f in c.filters] == [("ge", 5), ("le", 15)]
    c = extract_cues("names that start with Orbit", prof, df)
    assert [(f.column, f.op, f.value) for f in c.filters] == [("name", "startswith", "Orbit")]
    c = extract_cues("heights where the city is not 'B'", prof, df)
    assert ("city", "ne", "B") in [(f.column, f.op, f.value) for f in c.filters]


def test_temporal_words_need_a_temporal_column(realistic_tables: dict[str, pd.DataFrame]) -> None:
    assert cues_for("sales trend over time", realistic_tables["sales"]).temporal
    assert not cues_for("tip trend over time", realistic_tables["tips"]).temporal


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("average score only for members", [("member", "eq", "yes")]),
        ("average score among members", [("member", "eq", "yes")]),
        ("average score of players that were members", [("member", "eq", "yes")]),
        ("average score for non-members", [("member", "eq", "no")]),
        ("average score by team for members and non-members", []),
        ("average score by member", []),
    ],
)
def test_a_yes_no_column_named_as_a_state_filters_the_rows(
    question: str, expected: list[tuple[str, str, str]]
) -> None:
    df = pd.DataFrame(
        {
            "team": ["a", "b", "a", "b"],
            "member": ["yes", "no", "no", "yes"],
            "score": [1.0, 2.0, 3.0, 4.0],
        }
    )
    filters = cues_for(question, df).filters
    assert [(f.column, f.op, f.value) for f in filters] == expected


STATIONS = pd.DataFrame(
    {
        "region": ["Coast", "Hills", "Valley", "Plain"] * 5,
        "station_lat": [40.0 + i / 10 for i in range(20)],
        "station_lng": [-3.0 - i / 10 for i in range(20)],
        "rain_mm": [float(i % 7) for i in range(20)],
    }
)


@pytest.mark.parametrize(
    ("question", "columns", "values"),
    [
        ("is it rainier further north?", ["rain_mm", "station_lat"], []),
        ("does rain_mm grow towards the west", ["rain_mm", "station_lng"], []),
        ("rain_mm in the Coast region", ["rain_mm", "region"], ["Coast"]),
    ],
)
def test_compass_words_name_the_coordinate_column(
    question: str, columns: list[str], values: list[str]
) -> None:
    cues = cues_for(question, STATIONS)
    assert cues.columns == columns
    assert [v.value for v in cues.values] == values


def test_a_compass_word_some_column_holds_as_a_value_is_that_value() -> None:
    compass = STATIONS.assign(region=["North", "South", "East", "West"] * 5)
    cues = cues_for("rain_mm further north", compass)
    assert "station_lat" not in cues.columns
    assert [v.value for v in cues.values] == ["North"]


def test_an_ambiguous_or_out_of_range_coordinate_is_no_coordinate() -> None:
    two = STATIONS.assign(home_lat=STATIONS["station_lat"] + 1)
    assert "station_lat" not in cues_for("rain further north", two).columns
    off = STATIONS.assign(station_lat=STATIONS["station_lat"] * 10)  # 400..590 is no latitude
    assert "station_lat" not in cues_for("rain further north", off).columns


HIVES = pd.DataFrame(
    {
        "apiary": ["hill", "hill", "creek", "creek", "meadow", "meadow"],
        "honey_kg": [12.0, 9.5, 14.2, 11.0, 8.8, 10.1],
        "frames": [8, 10, 10, 8, 10, 8],
    }
)


def test_the_reading_is_immutable() -> None:
    """Later stages read the evidence; none can change it (a frozen record of tuples)."""
    import dataclasses

    from autoviz_core.planning.derive import read_question

    reading = read_question("total honey_kg per apiary", profile_table(HIVES), HIVES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.cues.agg = "mean"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.cues = reading.cues  # type: ignore[misc]
    assert isinstance(reading.cues.mentions, tuple) and isinstance(reading.cues.hits, tuple)


def test_every_piece_of_evidence_has_its_span_strength_and_source() -> None:
    """Columns carry how their name matched, values theirs, phrases their lexicon entry, a
    kept filter its reader and the filter model's probability; spans are token places."""
    from autoviz_core.planning.derive import read_question

    reading = read_question("average honey_kg at the creek apiary", profile_table(HIVES), HIVES)
    cues = reading.cues
    evidence = cues.evidence()
    words = [t.orig for t in cues.toks]
    honey = next(e for e in evidence if e.kind == "column" and e.what == "honey_kg")
    assert words[honey.span[0] : honey.span[1]] == ["honey", "kg"] and honey.source == "exact"
    assert honey.strength == 1.0
    agg = next(e for e in evidence if e.kind == "phrase" and e.what == "agg: mean")
    assert words[agg.span[0]] == "average" and agg.source == "lexicon"
    creek = next(e for e in evidence if e.kind == "value")
    assert creek.what == "apiary = creek" and 0 < creek.strength <= 1
    kept = [e for e in evidence if e.kind == "filter"]
    assert kept and kept[0].source.endswith("reader") and 0.5 <= kept[0].strength <= 1
    assert [e.span for e in evidence] == sorted(e.span for e in evidence)
