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


def test_noun_lemmas_answer_as_lemminflect_does_for_lower_case_words() -> None:
    """The fast reader of lemminflect's table must not change a single plural's singular."""
    import gzip

    from lemminflect import config, getLemma

    from autoviz_core.planning.text import noun_lemmas

    with gzip.open(config.lemma_lu_fn, "rb") as f:
        words = sorted({line.split(",")[0] for line in f.read().decode().splitlines()})
    sample = [w for w in words if w.isalpha() and w.islower()][::7]
    table = noun_lemmas()
    for word in [*sample, "okays", "analyses", "anyone", "notaword"]:
        found = getLemma(word, upos="NOUN", lemmatize_oov=False)
        assert table.get(word) == (found[0] if found else None), word
    assert lemma("Regions") == "Region" and lemma("Cities") == "City"  # capitals: lemminflect
