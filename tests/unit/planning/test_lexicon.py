"""The vocabulary is data: it loads, validates its label sets, and matches phrases by span."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from autoviz_core.errors import ConfigError
from autoviz_core.planning.lexicon import LEXICON_FILE, load_lexicon
from autoviz_core.planning.text import tokenize


def test_the_committed_lexicon_loads() -> None:
    lex = load_lexicon()
    assert "the" in lex.stop_words
    assert lex.synonyms[("qty",)] == [("quantity",), ("quant",)]


def test_longest_phrase_wins_and_inner_phrases_of_the_same_kind_are_dropped() -> None:
    hits = load_lexicon().find(tokenize("the total number of orders"))
    aggs = [(h.label, h.start, h.end) for h in hits if h.kind == "agg"]
    assert aggs == [("count", 1, 4)]


def test_phrases_inside_skipped_tokens_are_not_read() -> None:
    toks = tokenize("total bill by day")
    hits = load_lexicon().find(toks, skip={0, 1})
    assert not [h for h in hits if h.kind == "agg"]


def test_a_misspelt_label_is_a_config_error(tmp_path: Path) -> None:
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    raw["aggregations"]["averag"] = raw["aggregations"].pop("mean")
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="aggregations"):
        load_lexicon(str(bad))


def test_a_one_word_synonym_group_is_rejected(tmp_path: Path) -> None:
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    raw["synonyms"].append(["lonely"])
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="synonyms"):
        load_lexicon(str(bad))


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [("{a} of {b}", "no word of its own"), ("{a} ratio", "one {a} and one {b}")],
)
def test_a_derived_pattern_needs_both_slots_and_a_word_of_its_own(
    tmp_path: Path, pattern: str, problem: str
) -> None:
    """The planner looks for derived measures only when a pattern's own word is in the
    question, so a pattern of slots and glue words alone could never be found."""
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    raw["derived"]["ratio"].append(pattern)
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=problem.replace("{", r"\{").replace("}", r"\}")):
        load_lexicon(str(bad))


def test_every_word_list_loads_as_a_set_of_lower_case_words() -> None:
    """The readers test a token's lemma (lower case) against these lists: an empty list, a
    capital or a word YAML read as something else (an unquoted `no` is False) never matches."""
    lex = load_lexicon()
    names = list(type(lex.words).model_fields)
    assert len(names) >= 40
    for name in names:
        words = getattr(lex.words, name)
        assert isinstance(words, frozenset) and words, name
        assert all(isinstance(w, str) and w.strip() and w == w.lower() for w in words), name
    assert "no" in lex.words.negations and "no" in lex.words.no_values
    assert lex.words.counted_phrases == {"how many", "number of"}


def test_months_keep_calendar_order_with_their_short_forms() -> None:
    lex = load_lexicon()
    assert len(lex.months) == 12 and lex.months[0] == "january" and lex.months[-1] == "december"
    assert all(m == m.lower() for m in lex.months)
    assert lex.month_numbers["feb"] == 2 and lex.month_numbers["sept"] == 9
    assert lex.ordinals["third"] == 3 and all(isinstance(n, int) for n in lex.ordinals.values())


@pytest.mark.parametrize(
    ("entry", "value"),
    [("negations", False), ("span", "Thru"), ("compare", "")],
)
def test_a_word_list_with_a_non_word_is_a_config_error(
    tmp_path: Path, entry: str, value: object
) -> None:
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    raw["words"][entry].append(value)
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="words"):
        load_lexicon(str(bad))


def test_an_unknown_word_list_is_a_config_error(tmp_path: Path) -> None:
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    raw["words"]["negationz"] = raw["words"].pop("negations")
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="words"):
        load_lexicon(str(bad))
