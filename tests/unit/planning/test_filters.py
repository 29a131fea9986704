"""The fitted filter reader (planning/filters.py): each reader's proposals, the resolution of
overlapping candidates, and exclusions that must never become equalities. The questions and the
parcels table are this file's own."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.contracts import RequestFilter
from autoviz_core.data import profile_table
from autoviz_core.planning.cues import extract_cues
from autoviz_core.planning.filters import FilterCandidate, ScoredFilter, resolve
from autoviz_core.planning.lexicon import load_lexicon


@pytest.fixture(scope="module")
def parcels() -> pd.DataFrame:
    n = 60
    cities = ["Lisbon", "Porto", "Braga", "Faro"]
    carriers = ["Fastline", "Slowboat", "Fast Freight"]
    return pd.DataFrame(
        {
            "parcel_id": range(1, n + 1),
            "city": [cities[i % 4] for i in range(n)],
            "carrier": [carriers[i % 3] for i in range(n)],
            "weight_kg": [round(0.5 + (i * 7.3) % 60, 1) for i in range(n)],
            "year": [2019 + i % 5 for i in range(n)],
            "express": ["yes" if i % 3 == 0 else "no" for i in range(n)],
        }
    )


def read(question: str, df: pd.DataFrame) -> list[tuple[str, str, object]]:
    cues = extract_cues(question, profile_table(df), df)
    return [(f.column, f.op, f.value) for f in cues.filters]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "How many parcels with a weight above 20 kg went to each city?",
            [("weight_kg", "gt", 20)],
        ),
        ("number of parcels per carrier with a weight of 30 or more", [("weight_kg", "ge", 30)]),
        # "parcels" names the rows (parcel_id), not what "heavier" compares
        ("How many parcels heavier than 20 kg went to each city?", [("weight_kg", "gt", 20)]),
        ("what share of the parcels are lighter than 12?", [("weight_kg", "lt", 12)]),
        ("number of parcels per city with parcel id above 40", [("parcel_id", "gt", 40)]),
        (
            "count parcels per city whose weight is between 5 and 15",
            [("weight_kg", "ge", 5), ("weight_kg", "le", 15)],
        ),
        (
            "parcels per city with weight above 50 or below 10",
            [("weight_kg", "outside", [10, 50])],
        ),
    ],
)
def test_numbers_with_comparison_words_bound_the_numeric_column(
    parcels: pd.DataFrame, question: str, expected: list[tuple[str, str, object]]
) -> None:
    assert read(question, parcels) == expected


def test_named_values_filter_their_column_and_lists_become_in(parcels: pd.DataFrame) -> None:
    assert read("average weight per carrier for Lisbon", parcels) == [("city", "eq", "Lisbon")]
    got = read("average weight per carrier for Lisbon or Porto", parcels)
    assert got == [("city", "in", ["Lisbon", "Porto"])]


def test_two_years_joined_by_or_become_one_list_on_the_year_column(parcels: pd.DataFrame) -> None:
    assert read("parcels per city in 2020 or 2021", parcels) == [("year", "in", [2020, 2021])]


def test_a_text_test_on_a_name_column(parcels: pd.DataFrame) -> None:
    got = read("total weight for carriers whose name starts with 'Fast'", parcels)
    assert ("carrier", "startswith", "Fast") in got
    assert all(op != "eq" for _, op, _ in got)


def test_a_yes_no_column_named_as_a_state(parcels: pd.DataFrame) -> None:
    assert read("how many express parcels per city?", parcels) == [("express", "eq", "yes")]


def test_a_question_without_a_condition_has_no_filter(parcels: pd.DataFrame) -> None:
    assert read("average weight for each city", parcels) == []


def _ne_phrases() -> list[str]:
    return sorted(set(load_lexicon().raw.filters["ne"]) - {"!=", "not equal to"})


@pytest.mark.parametrize("phrase", _ne_phrases())
def test_no_exclusion_phrase_ever_filters_to_the_excluded_value(
    parcels: pd.DataFrame, phrase: str
) -> None:
    """Before the value ("leave out Lisbon") or after it ("Lisbon left out"): whatever the
    reading, it never keeps only the rows of the value it was asked to drop."""
    for question in (
        f"total weight per carrier, {phrase} Lisbon",
        f"total weight per carrier with Lisbon {phrase}",
    ):
        for _column, op, value in read(question, parcels):
            values = value if isinstance(value, list) else [value]
            assert not (op in ("eq", "in") and "Lisbon" in values), (question, op, value)


@pytest.mark.parametrize("phrase", ["except", "excluding", "leave out", "without", "other than"])
def test_common_exclusions_before_the_value_keep_every_other_value(
    parcels: pd.DataFrame, phrase: str
) -> None:
    got = read(f"total weight per carrier {phrase} Lisbon", parcels)
    assert got == [("city", "ne", "Lisbon")]


def _cand(column: str, op: str, value: object, start: int, end: int) -> FilterCandidate:
    f = RequestFilter(column=column, op=op, value=value)  # type: ignore[arg-type]
    return FilterCandidate((f,), start, end, "value", anchors=frozenset(range(start, end)))


def test_resolution_keeps_the_likelier_of_two_readings_of_the_same_words() -> None:
    """Two candidates reading the same word: only the more probable one is kept; an unlikely
    candidate is never kept, and one column gets one equality."""
    a = _cand("city", "eq", "Lisbon", 3, 4)
    b = _cand("carrier", "eq", "Lisbon", 3, 4)
    c = _cand("city", "eq", "Porto", 6, 7)
    d = _cand("year", "gt", 2020, 8, 9)
    kept = resolve(
        [
            ScoredFilter(a, 0.9, False),
            ScoredFilter(b, 0.7, False),
            ScoredFilter(c, 0.6, False),
            ScoredFilter(d, 0.2, False),
        ]
    )
    assert kept == [a]


@pytest.fixture(scope="module")
def cabins() -> pd.DataFrame:
    n = 48
    return pd.DataFrame(
        {
            "lake": [["Mirror", "Birch", "Otter"][i % 3] for i in range(n)],
            "boats": [i % 4 for i in range(n)],  # 0..3, a quarter with none
            "snowfall_cm": [0.0 if i % 2 else round(3.5 + i * 0.7, 1) for i in range(n)],
            "nightly_rate": [80 + (i * 13) % 90 for i in range(n)],
        }
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("average nightly rate per lake for cabins with boats", [("boats", "gt", 0)]),
        ("nightly rate by lake for cabins without boats", [("boats", "eq", 0)]),
        ("nightly rate by lake for cabins with no boats", [("boats", "eq", 0)]),
        ("mean nightly rate per lake for cabins that have no boats", [("boats", "eq", 0)]),
        ("average nightly rate by lake for weeks with snowfall", [("snowfall_cm", "gt", 0)]),
        ("nightly rate by lake for cabins with 2 boats", [("boats", "eq", 2)]),
        ("nightly rate by lake for cabins with boats over 2", [("boats", "gt", 2)]),
    ],
)
def test_a_quantity_said_as_a_state_filters_to_some_or_none(
    cabins: pd.DataFrame, question: str, expected: list[tuple[str, str, object]]
) -> None:
    """'with boats' keeps rows with more than none, 'without' / 'with no' / 'that have no'
    those with none; a number or a comparison said with it is read as that instead."""
    assert read(question, cabins) == expected
