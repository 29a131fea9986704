"""Words of questions and column names normalise alike (plurals, case, separators, numbers)."""

from __future__ import annotations

from autoviz_core.planning.text import column_tokens, lemma, norm, normalise_question, tokenize


def test_plurals_use_a_dictionary_not_suffix_stripping() -> None:
    assert [lemma(w) for w in ("regions", "cities", "gas", "status", "series", "ids")] == [
        "region",
        "city",
        "gas",
        "status",
        "series",
        "id",
    ]


def test_column_names_split_on_case_separators_and_digits() -> None:
    assert column_tokens("petalLengths") == ["petal", "length"]
    assert column_tokens("Revenue_per_Visit") == ["revenue", "per", "visit"]
    assert column_tokens("meter600") == ["meter", "600"]
    assert norm("Total-Bills") == norm("total bill")


def test_number_words_become_digits_and_spans_point_at_the_original() -> None:
    text = normalise_question("Top five   Regions")
    assert text == "Top 5 Regions"
    toks = tokenize(text)
    assert [t.lemma for t in toks] == ["top", "5", "region"]
    assert text[toks[2].start : toks[2].end] == "Regions"


def test_comparison_symbols_are_tokens() -> None:
    assert [t.text for t in tokenize("age >= 30 and size != 2")] == [
        "age",
        ">=",
        "30",
        "and",
        "size",
        "!=",
        "2",
    ]
