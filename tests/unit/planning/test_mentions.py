"""Column and value mentions: every way of naming a column the issue lists, with invented tables."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.data import profile_table
from autoviz_core.planning.cues import extract_cues
from autoviz_core.planning.lexicon import load_lexicon
from autoviz_core.planning.mentions import find_mentions, word_match
from autoviz_core.planning.text import tokenize

SHOP = pd.DataFrame(
    {
        "ZipCode": ["10001", "10002", "10003", "10004"],
        "Quantity": [1, 2, 3, 4],
        "Amount": [5, 6, 7, 8],
        "location": ["a", "b", "a", "b"],
        "department": ["toys", "food", "toys", "home"],
        "Revenue_per_Visit": [1.5, 2.0, 0.5, 1.0],
        "channel": ["web", "store", "web", "app"],
        "Rank": ["Gold", "Silver", "Gold", "Bronze"],
        "total": [10.0, 20.0, 30.0, 40.0],
        "lat": [40.1, 40.2, 40.3, 40.4],
        "lon": [-73.9, -73.8, -73.7, -73.6],
        "revenue": [100.0, 200.0, 300.0, 400.0],
        "mpg": [30.0, 25.0, 20.0, 35.0],
        "sex": ["F", "M", "F", "M"],
    }
)


def columns(question: str, df: pd.DataFrame = SHOP) -> list[str]:
    return extract_cues(question, profile_table(df), df).columns


@pytest.mark.parametrize(
    ("question", "column", "kind"),
    [
        ("orders per zipcode", "ZipCode", "compound"),  # run together
        ("orders per zip code", "ZipCode", "exact"),  # split camelCase
        ("total qty by channel", "Quantity", "synonym"),  # a listed abbreviation
        ("total amt by channel", "Amount", "abbreviation"),  # found by the matcher alone
        ("revenue per loc", "location", "prefix"),
        ("revenue per dept", "department", "synonym"),
        ("average reveune by channel", "revenue", "typo"),
        ("average fuel economy", "mpg", "synonym"),
    ],
)
def test_each_way_of_naming_a_column(question: str, column: str, kind: str) -> None:
    cues = extract_cues(question, profile_table(SHOP), SHOP)
    found = {m.column: m.kind for m in cues.mentions}
    assert column in found, (question, found)
    assert found[column] == kind, (question, found)


def test_latitude_and_longitude_written_out_find_the_short_columns() -> None:
    assert set(columns("map the revenue by latitude and longitude")) >= {"lat", "lon", "revenue"}


def test_a_multi_word_column_holding_a_keyword_is_read_whole() -> None:
    """'per visit' is part of the column, not a grouping: 'channel' is the only group word."""
    cues = extract_cues("average revenue per visit by channel", profile_table(SHOP), SHOP)
    assert cues.columns == ["Revenue_per_Visit", "channel"]
    assert cues.group_hint == "channel"


def test_a_column_named_like_a_keyword_is_the_column() -> None:
    cues = extract_cues("How many shops hold each rank?", profile_table(SHOP), SHOP)
    assert "Rank" in cues.columns
    assert cues.agg == "count"


def test_a_keyword_used_as_a_keyword_is_not_the_column() -> None:
    """'total number of' counts; it does not name the column 'total'."""
    cues = extract_cues("total number of orders per channel", profile_table(SHOP), SHOP)
    assert "total" not in cues.columns
    assert cues.agg == "count"


def test_values_are_found_with_synonyms_and_case() -> None:
    cues = extract_cues("average total for female shoppers", profile_table(SHOP), SHOP)
    assert [(f.column, f.op, f.value) for f in cues.filters] == [("sex", "eq", "F")]


def test_short_values_match_only_as_written() -> None:
    df = pd.DataFrame({"dir": ["N", "S", "E"], "freq": [1.0, 2.0, 3.0]})
    prof = profile_table(df)
    assert extract_cues("freq from the N", prof, df).filters[0].value == "N"
    assert extract_cues("how often does n appear", prof, df).filters == ()


def test_word_match_kinds() -> None:
    assert word_match("length", "length") == (1.0, "exact")
    assert word_match("len", "length")[1] == "prefix"
    assert word_match("qty", "quantity")[1] == "abbreviation"
    assert word_match("lenght", "length")[1] == "typo"
    assert word_match("price", "prize")[0] > 0  # a typo distance of one: weak, but found
    assert word_match("sales", "age") == (0.0, "")


def test_ambiguous_spans_keep_every_column() -> None:
    df = pd.DataFrame({"first_name": ["a"], "last_name": ["b"], "age": [3]})
    toks = tokenize("ages by name")
    found = {m.column for m in find_mentions(toks, profile_table(df), load_lexicon())}
    assert {"first_name", "last_name", "age"} <= found


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["b", "a", None, "b", "c"], dtype="str"),
        pd.Series([True, False, True]),
        pd.Series([1, "1", 2.5, None], dtype=object),  # 1 and "1" are one text
        pd.Series(["x", "y", "x"], dtype="category"),
    ],
)
def test_distinct_text_is_the_text_of_every_distinct_value_in_first_seen_order(values) -> None:
    from autoviz_core.planning.mentions import _distinct_text

    assert _distinct_text(values) == list(values.dropna().astype(str).unique())


# ------------------------------------------------------------ concepts and named units
TILL = pd.DataFrame(
    {
        "shop": ["Nice", "Lyon", "Nice", "Lyon", "Paris", "Paris"],
        "product": ["coffee", "tea", "cake", "coffee", "tea", "cake"],
        "units": [9, 2, 3, 4, 5, 1],
        "amount_eur": [22.5, 4.0, 12.0, 10.0, 10.0, 4.0],
        "weight_kg": [0.2, 0.1, 0.5, 0.2, 0.1, 0.5],
        "height_in": [3.0, 4.0, 5.0, 3.0, 4.0, 5.0],
    }
)


def mentioned(question: str, df: pd.DataFrame = TILL) -> dict[str, str]:
    return {m.column: m.kind for m in extract_cues(question, profile_table(df), df).mentions}


@pytest.mark.parametrize(
    "question",
    [
        "which shop makes the most money from coffee?",
        "How much did each shop earn?",
        "What did customers spend per product?",
        "total revenue per shop",
    ],
)
def test_money_words_name_the_column_that_holds_money(question: str) -> None:
    found = mentioned(question)
    assert found.get("amount_eur") == "concept", found
    assert "units" not in found


@pytest.mark.parametrize(
    ("question", "column"),
    [
        ("Which shop sold the most coffee in euros?", "amount_eur"),
        ("heaviest product in kg", "weight_kg"),
    ],
)
def test_a_unit_written_alone_names_the_column_that_carries_it(question: str, column: str) -> None:
    assert mentioned(question).get(column) == "concept"


def test_naming_a_column_by_its_own_words_beats_a_concept() -> None:
    found = mentioned("Which shop sold the most units?")
    assert found == {"shop": "exact", "units": "exact"}
    strengths = {m.column: m.score for m in find_mentions(
        tokenize("units and money"), profile_table(TILL), load_lexicon())}  # fmt: skip
    assert strengths["units"] > strengths["amount_eur"] >= 0.5


def test_counting_suffixes_and_short_words_name_nothing_alone() -> None:
    # "in" is a unit word (inches) but also every other question's preposition
    assert "height_in" not in mentioned("sales in Nice by product")
    cols = pd.DataFrame({"item": ["a", "b"], "price_k": [1.0, 2.0], "count_units": [1, 2]})
    assert mentioned("how many k", cols).get("price_k") != "concept"


@pytest.mark.parametrize("question", ["how much money per region", "which region earned the most"])
def test_concept_words_are_matched_as_lemmas(question: str) -> None:
    # the column's "Sales" is read as "sale", a past tense is kept as written
    df = pd.DataFrame({"region": ["a", "b"], "Sales_USD": [1.0, 2.0], "orders": [1, 2]})
    assert mentioned(question, df).get("Sales_USD") == "concept"
