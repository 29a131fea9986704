"""The planner's vocabulary, loaded from lexicon.yaml and validated: which phrases mean what.

Phrases are stored as lemma sequences so that "sorted by the averages" and "sort by average"
read alike; `find_phrases` returns every occurrence with its span so that features can look at
what sits next to a column mention.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from rapidfuzz.distance import DamerauLevenshtein

from autoviz_core.data_files import read_yaml
from autoviz_core.errors import ConfigError
from autoviz_core.planning.text import Token, tokens
from autoviz_core.vocabulary import (
    ANSWER_METHODS,
    CHART_KINDS,
    DERIVED_OPS,
    FILTER_OPS,
    GROUP_AGGREGATIONS,
    INTENTS,
    STATISTICS,
    TIME_GRAINS,
    DerivedOp,
)

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
Coordinate = Literal["latitude", "longitude"]
FUZZY_MIN = 7  # lexicon words this long are recognised with a typo

# The lexicon names every word of the vocabularies, plus a few only questions use: a chart
# word that names no kind ("plot"), a decade, a missing value, "only".
AGG_LABELS = GROUP_AGGREGATIONS
CHART_LABELS = (*CHART_KINDS, "generic")
CUE_LABELS = ("relation", "distribution", "trend", "proportion", "rows", "geo", "yes_no")
GRAIN_LABELS = (*(g for g in TIME_GRAINS if g != "none"), "decade")
# "in" is not a word of its own: a list of values ("lunch or dinner") makes it.
# "in" and "outside" are no words of their own: a list of values ("lunch or dinner") or two
# bounds joined by "or" make them.
FILTER_LABELS = (*(op for op in FILTER_OPS if op not in ("in", "outside")), "null", "only")
INTENT_LABELS = INTENTS
# Classes of follow-up words (planning/edits.py reads them as evidence for each edit).
FOLLOW_UP_CLASSES = ("instead", "split", "only", "about", "again", "also", "make", "every")
# The sections keyed by labels, and the labels each must have exactly.
LABELLED_SECTIONS: dict[str, Sequence[str]] = {
    "aggregations": AGG_LABELS,
    "charts": CHART_LABELS,
    "cues": CUE_LABELS,
    "grains": GRAIN_LABELS,
    "filters": FILTER_LABELS,
    "follow_ups": FOLLOW_UP_CLASSES,
}
# Classes of answer words (planning/answers.py reads them as evidence for the answer kind).
ANSWER_CLASSES = (
    "relation",
    "normality",
    "significance",
    "difference",
    "change",
    "period_pair",
    "quantity",
    "which",
    "row",
    "among",
    "all",
    "unsupported",
)


def _require_keys(value: dict[str, list[str]], keys: Sequence[str], what: str) -> None:
    missing = set(keys) - set(value)
    unknown = set(value) - set(keys)
    if missing or unknown:
        raise ValueError(f"{what}: missing {sorted(missing)}, unknown {sorted(unknown)}")


class SortWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verbs: list[str]
    asc: list[str]
    desc: list[str]
    top: list[str]
    bottom: list[str]


class Superlatives(BaseModel):
    model_config = ConfigDict(extra="forbid")

    high: list[str]
    low: list[str]


class AxisWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    x: list[str]
    y: list[str]


class Concept(BaseModel):
    """Question words that name, as a whole, a column with one of the column words in its name."""

    model_config = ConfigDict(extra="forbid")
    column_words: list[str]
    question_words: list[str]


class AnswerWords(BaseModel):
    """Words that ask for a value: a statistic, a named method, other classes (answers.py)."""

    model_config = ConfigDict(extra="forbid")

    stats: dict[str, list[str]]
    methods: dict[str, list[str]]
    classes: dict[str, list[str]]

    @field_validator("stats")
    @classmethod
    def _stats(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        _require_keys(v, STATISTICS, "answers.stats")
        return v

    @field_validator("methods")
    @classmethod
    def _methods(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        _require_keys(v, [m for m in ANSWER_METHODS if m != "default"], "answers.methods")
        return v

    @field_validator("classes")
    @classmethod
    def _classes(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        _require_keys(v, ANSWER_CLASSES, "answers.classes")
        return v


class WordLists(BaseModel):
    """Small lists of words a reader tests one token against, each named for what it tells.

    Compared as written with the question's lemmas (nothing is lemmatised at load, so a list
    holds the forms the reader meets); membership only, so each is a set.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # comparisons, ranges and lists of numbers (planning/filters.py)
    or_more: frozenset[str]
    or_less: frozenset[str]
    bound_joiners: frozenset[str]
    bound_words: frozenset[str]
    range_joiners: frozenset[str]
    range_openers: frozenset[str]
    span: frozenset[str]
    date_comparisons: frozenset[str]
    equality_links: frozenset[str]
    rank_limits: frozenset[str]
    number_list_openers: frozenset[str]
    number_list_joiners: frozenset[str]
    clause_ends: frozenset[str]
    compare: frozenset[str]
    id_words: frozenset[str]
    counted_phrases: frozenset[str]
    count_determiners: frozenset[str]
    # yes/no columns named as a state (planning/filters.py)
    negations: frozenset[str]
    state_with: frozenset[str]
    state_have: frozenset[str]
    state_determiners: frozenset[str]
    relative_pronouns: frozenset[str]
    auxiliaries: frozenset[str]
    yes_values: frozenset[str]
    no_values: frozenset[str]
    # periods (planning/filters.py)
    period_pins: frozenset[str]
    period_alone: frozenset[str]
    year_from: frozenset[str]
    year_onward: frozenset[str]
    year_until: frozenset[str]
    may_month: frozenset[str]
    # mentions, sorting and superlatives (planning/cues.py)
    coordinators: frozenset[str]
    quantity_nouns: frozenset[str]
    verb_objects: frozenset[str]
    sort_by_verbs: frozenset[str]
    sort_by_x: frozenset[str]
    wh_words: frozenset[str]
    # derived measures (planning/derive.py)
    articles: frozenset[str]
    # the ranking's column facts (planning/features.py)
    counting_determiners: frozenset[str]
    time_column_words: frozenset[str]
    count_column_words: frozenset[str]
    # answers (planning/answers.py)
    yes_no_openers: frozenset[str]
    period_nouns: frozenset[str]
    quarter_column_words: frozenset[str]
    # column mentions (planning/mentions.py)
    connectors: frozenset[str]
    name_function_words: frozenset[str]
    initials_skipped: frozenset[str]
    initials_glue: frozenset[str]
    # single lexicon words that are no keyword (this module)
    not_keywords: frozenset[str]

    @field_validator("*")
    @classmethod
    def _lower_case_words(cls, v: frozenset[str], info: ValidationInfo) -> frozenset[str]:
        # a token's lemma is lower case: a word with a capital could never match
        if not v or any(not w.strip() or w != w.lower() for w in v):
            raise ValueError(f"words.{info.field_name}: non-empty lower-case words only")
        return v


class LexiconFile(BaseModel):
    """The shape of lexicon.yaml; every label set is closed so a typo fails at load."""

    model_config = ConfigDict(extra="forbid")

    stop_words: list[str]
    aggregations: dict[str, list[str]]
    superlatives: Superlatives
    charts: dict[str, list[str]]
    cues: dict[str, list[str]]
    group_words: list[str]
    series_words: list[str]
    axis_words: AxisWords
    sort: SortWords
    grains: dict[str, list[str]]
    filters: dict[str, list[str]]
    derived: dict[DerivedOp, list[str]]
    directions: dict[Coordinate, list[str]]
    coordinate_names: dict[Coordinate, list[str]]
    intents: dict[str, list[str]]
    name_columns: list[str]
    synonyms: list[list[str]]
    unit_words: list[str]
    named_units: list[str]
    concepts: dict[str, Concept]
    comparatives: dict[str, str]
    filter_context: list[str]
    words: WordLists
    months: tuple[str, ...]
    month_short_forms: dict[str, str]
    ordinals: dict[str, int]
    value_words: list[list[str]]
    follow_ups: dict[str, list[str]]
    answers: AnswerWords

    @field_validator(*LABELLED_SECTIONS)
    @classmethod
    def _labelled(cls, v: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        name = str(info.field_name)
        _require_keys(v, LABELLED_SECTIONS[name], name)
        return v

    @field_validator("derived")
    @classmethod
    def _derived(cls, v: dict[DerivedOp, list[str]]) -> dict[DerivedOp, list[str]]:
        _require_keys(v, DERIVED_OPS, "derived")  # type: ignore[arg-type]
        for pattern in (p for patterns in v.values() for p in patterns):
            if pattern.count("{a}") != 1 or pattern.count("{b}") != 1:
                raise ValueError(f"derived pattern {pattern!r} needs one {{a}} and one {{b}}")
            if not set(derived_pattern(pattern)) - set(SLOTS) - _GLUE:
                # the planner looks for a derived measure only when one of these words is there
                raise ValueError(f"derived pattern {pattern!r} has no word of its own")
        return v

    @field_validator("intents")
    @classmethod
    def _intents(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        _require_keys(v, INTENT_LABELS, "intents")
        return v

    @field_validator("months")
    @classmethod
    def _months(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(v) != 12 or len(set(v)) != 12:
            raise ValueError("months: the twelve month names, in calendar order")
        return v

    @field_validator("month_short_forms")
    @classmethod
    def _month_short_forms(cls, v: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        unknown = set(v.values()) - set(info.data.get("months", ()))
        if unknown:
            raise ValueError(f"month_short_forms: {sorted(unknown)} are no month")
        return v

    @field_validator("synonyms")
    @classmethod
    def _synonyms(cls, v: list[list[str]]) -> list[list[str]]:
        for group in v:
            if len(group) < 2:
                raise ValueError(f"synonym group {group} needs at least two entries")
        return v


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class PhraseHit:
    """One occurrence of a lexicon phrase: which class, which label, which tokens."""

    kind: str  # e.g. "agg", "chart", "cue", "group", "sort", "grain", "filter", "intent"
    label: str
    start: int
    end: int


class PhraseTable:
    """Phrases of one or more classes, indexed by their first lemma for a fast scan.

    A long single word with one typo ("distibution") still reads as the word it misspells;
    short words must be exact, since one letter changes them into other words.
    """

    def __init__(self, entries: Iterable[tuple[str, str, Phrase]]) -> None:
        self.by_first: dict[str, list[tuple[Phrase, str, str]]] = {}
        for kind, label, phrase in entries:
            if phrase:
                self.by_first.setdefault(phrase[0], []).append((phrase, kind, label))
        for options in self.by_first.values():
            options.sort(key=lambda p: -len(p[0]))
        self.long_words = sorted(
            w
            for w, opts in self.by_first.items()
            if len(w) >= FUZZY_MIN and any(len(p) == 1 for p, _k, _l in opts)
        )
        self._fuzzy: dict[str, str | None] = {}

    def spelled(self, word: str) -> str:
        """The lexicon word `word` misspells (one edit, or two for long words), else `word`."""
        if word in self.by_first or len(word) < FUZZY_MIN or not word.isalpha():
            return word
        if word not in self._fuzzy:
            limit = 2 if len(word) >= 10 else 1
            best = min(
                (
                    (DamerauLevenshtein.distance(word, w), w)
                    for w in self.long_words
                    if abs(len(w) - len(word)) <= limit
                ),
                default=(99, ""),
            )
            self._fuzzy[word] = best[1] if best[0] <= limit else None
        return self._fuzzy[word] or word

    def find(self, lemmas: Sequence[str], skip: set[int] | None = None) -> list[PhraseHit]:
        """Every phrase occurrence (longest first at a position) not touching `skip` tokens."""
        skip = skip or set()
        hits: list[PhraseHit] = []
        lemmas = [self.spelled(w) for w in lemmas]
        for i, word in enumerate(lemmas):
            for phrase, kind, label in self.by_first.get(word, ()):
                end = i + len(phrase)
                if tuple(lemmas[i:end]) != phrase:
                    continue
                if any(j in skip for j in range(i, end)):
                    continue
                hit = PhraseHit(kind, label, i, end)
                if hit not in hits:
                    hits.append(hit)
        return _outermost(hits)


def _outermost(hits: list[PhraseHit]) -> list[PhraseHit]:
    """Drop a hit lying inside a longer hit of the same kind ("total" inside "total number of")."""
    keep = []
    for h in hits:
        inside = any(
            o.kind == h.kind
            and o.start <= h.start
            and h.end <= o.end
            and (o.end - o.start) > (h.end - h.start)
            for o in hits
        )
        if not inside:
            keep.append(h)
    return keep


def phrase(text: str) -> Phrase:
    return tuple(tokens(text)) or tuple(text.split())


class Lexicon:
    """The validated vocabulary with phrase tables ready for matching."""

    def __init__(self, raw: LexiconFile) -> None:
        self.raw = raw
        self.stop_words = frozenset(w for s in raw.stop_words for w in phrase(s))
        entries: list[tuple[str, str, Phrase]] = []
        for label, words in raw.aggregations.items():
            entries += [("agg", label, phrase(w)) for w in words]
        entries += [("superlative", "high", phrase(w)) for w in raw.superlatives.high]
        entries += [("superlative", "low", phrase(w)) for w in raw.superlatives.low]
        for label, words in raw.charts.items():
            entries += [("chart", label, phrase(w)) for w in words]
        for label, words in raw.cues.items():
            entries += [("cue", label, phrase(w)) for w in words]
        entries += [("group", "group", phrase(w)) for w in raw.group_words]
        entries += [("series", "series", phrase(w)) for w in raw.series_words]
        entries += [("axis", "x", phrase(w)) for w in raw.axis_words.x]
        entries += [("axis", "y", phrase(w)) for w in raw.axis_words.y]
        sort = raw.sort
        for label, words in (
            ("verbs", sort.verbs),
            ("asc", sort.asc),
            ("desc", sort.desc),
            ("top", sort.top),
            ("bottom", sort.bottom),
        ):
            entries += [("sort", label, phrase(w)) for w in words]
        for label, words in raw.grains.items():
            entries += [("grain", label, phrase(w)) for w in words]
        for label, words in raw.filters.items():
            entries += [("filter", label, phrase(w)) for w in words]
        for label, words in raw.intents.items():
            entries += [("intent", label, phrase(w)) for w in words]
        self.table = PhraseTable(entries)
        # answer words are a table of their own: the chart evidence above stays as it was
        answer_entries: list[tuple[str, str, Phrase]] = []
        for kind, groups in (
            ("stat", raw.answers.stats),
            ("method", raw.answers.methods),
            ("class", raw.answers.classes),
        ):
            for label, words in groups.items():
                answer_entries += [(kind, label, phrase(w)) for w in words]
        self.answer_table = PhraseTable(answer_entries)
        # follow-up words are a table of their own too (planning/edits.py)
        self.follow_up_table = PhraseTable(
            [("follow", label, phrase(w)) for label, words in raw.follow_ups.items() for w in words]
        )
        self.words = raw.words
        self.keywords = (
            frozenset(p for _, _, ph in entries if len(ph) == 1 for p in ph)
            - raw.words.not_keywords
        )
        self.synonyms = self._synonym_index(raw.synonyms)
        self.name_words = frozenset(w for s in raw.name_columns for w in phrase(s))
        self.unit_words = frozenset(w.lower() for w in raw.unit_words)
        self.named_units = frozenset(w.lower() for w in raw.named_units)
        # column word -> the question words that name a column having it, by meaning
        self.concept_words: dict[str, frozenset[str]] = {}
        for concept in raw.concepts.values():
            asked = frozenset(ph[0] for w in concept.question_words if len(ph := phrase(w)) == 1)
            for word in (ph[0] for w in concept.column_words if len(ph := phrase(w)) == 1):
                self.concept_words[word] = self.concept_words.get(word, frozenset()) | asked
        # one-word names of periods ("hour", "year"): a column named so is a time grouping
        self.period_words = frozenset(raw.grains) | frozenset(
            ph[0] for words in raw.grains.values() for w in words if len(ph := phrase(w)) == 1
        )
        self.comparatives = dict(raw.comparatives)
        # words whose place right before or after a candidate filter is a feature of it
        self.filter_context = frozenset(w for s in raw.filter_context for w in phrase(s))
        # month names in calendar order; a month's first three letters are a short form of it
        self.months = raw.months
        self.month_numbers = {m[:3]: i + 1 for i, m in enumerate(raw.months)} | {
            short: raw.months.index(full) + 1 for short, full in raw.month_short_forms.items()
        }
        self.ordinals = dict(raw.ordinals)
        # a value's other forms ("chinese" for China, "sat" for Saturday), phrase -> phrases
        self.value_forms = self._synonym_index(raw.value_words)
        self.directions = {w: axis for axis, words in raw.directions.items() for w in words}
        self.coordinate_names = {
            w: axis for axis, words in raw.coordinate_names.items() for w in words
        }
        self.derived: list[tuple[DerivedOp, Phrase]] = [
            (op, derived_pattern(p)) for op, patterns in raw.derived.items() for p in patterns
        ]
        # a question with none of these words names no derived measure (no second column scan)
        self.derived_words = frozenset(
            w for _, p in self.derived for w in p if w not in SLOTS and w not in _GLUE
        )

    @staticmethod
    def _synonym_index(groups: list[list[str]]) -> dict[Phrase, list[Phrase]]:
        index: dict[Phrase, list[Phrase]] = {}
        for group in groups:
            forms = [phrase(w) for w in group]
            for f in forms:
                index.setdefault(f, [])
                index[f] += [g for g in forms if g != f and g not in index[f]]
        return index

    def find(self, toks: Sequence[Token], skip: set[int] | None = None) -> list[PhraseHit]:
        return self.table.find([t.lemma for t in toks], skip)

    def find_answer_words(
        self, toks: Sequence[Token], skip: set[int] | None = None
    ) -> list[PhraseHit]:
        """Answer words (kinds "stat", "method", "class") outside the `skip` tokens."""
        return self.answer_table.find([t.lemma for t in toks], skip)

    def find_follow_up_words(
        self, toks: Sequence[Token], skip: set[int] | None = None
    ) -> list[PhraseHit]:
        """Follow-up words (kind "follow") outside the `skip` tokens."""
        return self.follow_up_table.find([t.lemma for t in toks], skip)

    def is_stop(self, word: str) -> bool:
        return word in self.stop_words


SLOTS = ("{a}", "{b}")
_GLUE = frozenset(("the", "a", "an", "of", "as", "to", "and", "that", "is", "by"))


def derived_pattern(pattern: str) -> Phrase:
    """A derived-measure pattern as lemmas, with its column slots kept as "{a}" / "{b}"."""
    out: list[str] = []
    for part in pattern.split():
        out += [part] if part in SLOTS else tokens(part)
    return tuple(out)


@lru_cache(maxsize=4)
def load_lexicon(path: str = str(LEXICON_FILE)) -> Lexicon:
    """The lexicon, validated once per process; a broken file is a ConfigError naming the field."""
    try:
        raw = read_yaml(path)
        return Lexicon(LexiconFile.model_validate(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{Path(path).name}: {where}: {err['msg']}") from None
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read the planner lexicon {path}: {exc}") from None
