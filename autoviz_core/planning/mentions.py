"""Where a question names a column or a value of one: spans, how they matched, how strongly.

Each column is matched by its own words, its words' synonyms (lexicon.yaml), its name run
together ("zip code" -> ZipCode) and its initials ("gdp"); each word may match exactly, as a
prefix or abbreviation ("qty", "len"), or with a typo ("reveune"). A mention's strength is the
share of the column's distinctive words it covers (rarer words count more), scaled by how well
they matched. Ambiguity is kept: every column a span could mean is reported, and the ranking
decides; `assign_mentions` picks the non-overlapping reading that consumes the words.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein

from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.planning.lexicon import Lexicon, Phrase
from autoviz_core.planning.text import Token, column_tokens, split_name, tokenize

# Quality of a word match, by how it matched.
EXACT, COMPOUND, SYNONYM, INITIALISM, PREFIX, ABBREVIATION, TYPO, CONCEPT = (
    "exact",
    "compound",
    "synonym",
    "initialism",
    "prefix",
    "abbreviation",
    "typo",
    "concept",
)
QUALITY = {
    EXACT: 1.0,
    COMPOUND: 0.95,
    SYNONYM: 0.9,
    INITIALISM: 0.85,
    PREFIX: 0.8,
    ABBREVIATION: 0.7,
    TYPO: 0.75,
    # a column named by what it means or by its unit alone ("money", "in kg"): enough to be
    # read as a mention (assign_mentions keeps 0.5 and up), weaker than any naming by its words
    CONCEPT: 0.6,
}
MIN_STRENGTH = 0.3
UNIT_WEIGHT = 0.15  # share of a unit suffix's usual weight
MAX_VALUE_CARDINALITY = 20000  # columns with more distinct values are not scanned for values


@dataclass
class Mention:
    """A column named in the question: token span, strength (0..1) and how it matched."""

    column: str
    start: int
    end: int
    score: float
    kind: str
    coverage: float  # share of the column's words covered (idf-weighted)

    @property
    def exact(self) -> bool:
        return self.kind == EXACT and self.coverage >= 0.999


@dataclass
class ValueMention:
    """A value of a column named in the question ("dinner", "female", "6+")."""

    column: str
    value: str
    start: int
    end: int
    kind: str = EXACT

    @property
    def score(self) -> float:
        """Its strength: the quality of the way it matched (as for a column's words)."""
        return QUALITY.get(self.kind, 1.0)


@dataclass
class ColumnForm:
    """One way of writing a column's name: its content words and their weights."""

    column: str
    words: tuple[str, ...]
    weights: dict[str, float]
    kind: str  # EXACT for the name's own words, SYNONYM for a synonym-substituted form
    required: frozenset[str] = frozenset()  # a synonym form counts only if these words match
    joined_pairs: frozenset[str] = frozenset()  # adjacent words run together, for compounds


# ---------------------------------------------------------------- word similarity
def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@lru_cache(maxsize=262144)
def word_match(q: str, c: str) -> tuple[float, str]:
    """How well a question word matches a column word: (quality, kind) or (0, "")."""
    if q == c:
        return 1.0, EXACT
    if not (q.isalpha() and c.isalpha()):
        return 0.0, ""
    short, long = (q, c) if len(q) < len(c) else (c, q)
    if len(short) >= 3 and long.startswith(short):
        return (QUALITY[PREFIX] if len(short) >= 4 else 0.6), PREFIX
    abbreviates = len(short) >= 3 and short[0] == long[0] and len(short) <= 0.75 * len(long)
    if abbreviates and _subsequence(short, long):
        return QUALITY[ABBREVIATION], ABBREVIATION
    if len(q) >= 5 and len(c) >= 5:
        limit = 2 if min(len(q), len(c)) >= 8 else 1
        if DamerauLevenshtein.distance(q, c) <= limit:
            return QUALITY[TYPO], TYPO
    return 0.0, ""


# ---------------------------------------------------------------- column forms
def _idf(profile: SchemaProfile) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for col in profile.columns:
        counts.update(set(column_tokens(col.name)))
    n = max(1, profile.n_columns)
    return {t: math.log(1 + n / c) for t, c in counts.items()}


def column_forms(profile: SchemaProfile, lex: Lexicon) -> list[ColumnForm]:
    """Every way each column can be written: own words, synonyms, run-together name."""
    return [
        dataclasses.replace(f, joined_pairs=_joined_pairs(f.words))
        for f in _column_forms(profile, lex)
    ]


def _joined_pairs(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset("".join(words[k : k + n]) for n in (2, 3) for k in range(len(words) - n + 1))


def _column_forms(profile: SchemaProfile, lex: Lexicon) -> list[ColumnForm]:
    idf = _idf(profile)
    # "of", "the" ... carry no meaning inside a column name; "total" or "count" there are content
    function_words = lex.words.name_function_words
    forms: list[ColumnForm] = []
    for col in profile.columns:
        words = tuple(column_tokens(col.name))
        content = tuple(w for w in words if w not in function_words) or words
        weights = {
            w: idf.get(w, 1.0) * (UNIT_WEIGHT if _is_unit(w, content, lex) else 1.0)
            for w in content
        }
        forms.append(ColumnForm(col.name, content, weights, EXACT))
        joined = "".join(split_name(col.name))
        # run together: "zipcode"; letters and digits ("co2", "pm10") are one word in a question
        if len(words) > 1 and (len(joined) >= 4 or any(ch.isdigit() for ch in joined)):
            forms.append(ColumnForm(col.name, (joined,), {joined: 1.0}, COMPOUND))
        mean_idf = sum(weights.values()) / max(1, len(weights))
        for alt in _synonym_forms(words, lex):
            alt_content = tuple(w for w in alt if w not in function_words) or alt
            new = frozenset(alt_content) - set(content)
            alt_weights = {w: weights.get(w, mean_idf) for w in alt_content}
            forms.append(ColumnForm(col.name, alt_content, alt_weights, SYNONYM, new))
        forms += [
            ColumnForm(col.name, (word,), {word: 1.0}, CONCEPT)
            for word in sorted(_concept_words(content, lex))
        ]
    return forms


def _concept_words(content: tuple[str, ...], lex: Lexicon) -> set[str]:
    """Single words that name this column as a whole: a concept's question words ("money" for
    amount_eur), and a unit it carries with that unit's synonyms ("kg", "kilogram" for
    weight_kg) when the name has other words too."""
    out: set[str] = set()
    for word in content:
        out |= lex.concept_words.get(word, frozenset())
        if len(content) > 1 and word in lex.named_units:
            out.add(word)
            out |= {alt[0] for alt in lex.synonyms.get((word,), ()) if len(alt) == 1}
    return out


def _synonym_forms(words: tuple[str, ...], lex: Lexicon) -> list[tuple[str, ...]]:
    """The name with one synonym phrase swapped in ("fname" -> "first name")."""
    out: list[tuple[str, ...]] = []
    keys = [("".join(words),)] if len(words) > 1 else []
    for n in range(len(words), 0, -1):
        for i in range(len(words) - n + 1):
            part = words[i : i + n]
            for alt in lex.synonyms.get(part, ()):
                out.append(words[:i] + alt + words[i + n :])
    for key in keys:
        out += [alt for alt in lex.synonyms.get(key, ())]
    return list(dict.fromkeys(out))


def _is_unit(word: str, content: tuple[str, ...], lex: Lexicon) -> bool:
    """A unit suffix ("lbs" in weight_lbs) when the name has other words to carry it."""
    return len(content) > 1 and word in lex.unit_words and word != content[0]


# ---------------------------------------------------------------- finding mentions
def find_mentions(toks: Sequence[Token], profile: SchemaProfile, lex: Lexicon) -> list[Mention]:
    """Every plausible column mention (overlapping, several columns per span allowed)."""
    lemmas = [t.lemma for t in toks]
    forms = column_forms_cached(profile, lex)
    vocab = _vocab_cached(profile, lex, forms)
    hit_words = _matched_vocab(lemmas, vocab, lex)
    found: dict[tuple[str, int, int], Mention] = {}
    for form in forms:
        if not hit_words.intersection(form.words):
            continue
        for m in _form_mentions(form, lemmas, lex, hit_words):
            key = (m.column, m.start, m.end)
            if key not in found or found[key].score < m.score:
                found[key] = m
    for m in _initialism_mentions(lemmas, profile, lex):
        key = (m.column, m.start, m.end)
        if key not in found or found[key].score < m.score:
            found[key] = m
    return sorted(found.values(), key=lambda m: (m.start, -m.score, m.column))


def _matched_vocab(lemmas: Sequence[str], vocab: frozenset[str], lex: Lexicon) -> set[str]:
    """Column words some question word (or run of words) matches in any way."""
    out: set[str] = set()
    for i, word in enumerate(lemmas):
        if word in vocab:
            out.add(word)
        if lex.is_stop(word) and word not in vocab:
            continue
        out.update(c for c in vocab if word_match(word, c)[0] > 0)
        for n in (2, 3):
            joined = "".join(lemmas[i : i + n])
            if joined in vocab:
                out.add(joined)
    for c in vocab:
        if len(c) >= 6 and any(c.startswith(w) for w in lemmas if len(w) >= 2):
            out.add(c)  # "allergytype" written as "allergy type": found by the walk
    for i in range(len(lemmas)):
        for n in (2, 3):
            if i + n <= len(lemmas):  # "gnp deflator" -> GNPDEFL, "real gdp" -> realgdp
                joined, last = "".join(lemmas[i : i + n]), lemmas[i + n - 1]
                out.update(c for c in vocab if len(c) >= 5 and _run_match(joined, last, c))
    return out


_FORMS_CACHE: dict[tuple[tuple[str, ...], int], list[ColumnForm]] = {}
_VOCAB_CACHE: dict[tuple[tuple[str, ...], int], frozenset[str]] = {}


def _vocab_cached(profile: SchemaProfile, lex: Lexicon, forms: list[ColumnForm]) -> frozenset[str]:
    key = (tuple(profile.names()), id(lex))
    if key not in _VOCAB_CACHE:
        if len(_VOCAB_CACHE) > 64:
            _VOCAB_CACHE.clear()
        _VOCAB_CACHE[key] = frozenset(w for f in forms for w in f.words)
    return _VOCAB_CACHE[key]


def column_forms_cached(profile: SchemaProfile, lex: Lexicon) -> list[ColumnForm]:
    """column_forms, computed once per set of column names."""
    key = (tuple(profile.names()), id(lex))
    if key not in _FORMS_CACHE:
        if len(_FORMS_CACHE) > 64:
            _FORMS_CACHE.clear()
        _FORMS_CACHE[key] = column_forms(profile, lex)
    return _FORMS_CACHE[key]


def _form_mentions(
    form: ColumnForm, lemmas: Sequence[str], lex: Lexicon, hit_words: set[str] | None = None
) -> list[Mention]:
    total = sum(form.weights.values()) or 1.0
    # "of", "per", "the" may sit inside a mention ("width of the petal"); "and" joins two mentions
    connectors = lex.words.connectors
    out: list[Mention] = []
    n = len(lemmas)
    words = [w for w in form.words if hit_words is None or w in hit_words]
    for start in range(n):
        if lex.is_stop(lemmas[start]) and lemmas[start] not in form.weights:
            continue
        if (
            not any(_match(lemmas[start], c, form)[0] > 0 for c in words)
            and not _compound(lemmas, start, form, {})
            and _abbreviated_at(lemmas, start, form, {}) is None
        ):
            continue
        matched: dict[str, tuple[float, str]] = {}
        i = start
        while i < n:
            word = lemmas[i]
            run = _abbreviated_at(lemmas, i, form, matched)
            if run is not None:  # "gnp deflator" read whole, before "gnp" is read as a prefix
                matched[run[1]] = run[2]
                i = run[0]
                continue
            best = max(
                ((c, _match(word, c, form)) for c in form.words if c not in matched),
                key=lambda p: p[1][0],
                default=None,
            )
            if best and best[1][0] > 0:
                matched[best[0]] = best[1]
                i += 1
                continue
            joined = _compound(lemmas, i, form, matched)
            if joined:
                for c in joined[1]:
                    matched[c] = (QUALITY[COMPOUND], COMPOUND)
                i = joined[0]
                continue
            if word in connectors and matched and i + 1 < n and len(matched) < len(form.words):
                i += 1  # "number of matches", "width of the petal"
                continue
            break
        while i > start and lemmas[i - 1] in connectors:
            i -= 1
        if not matched or (form.required and not form.required.intersection(matched)):
            continue
        covered = sum(form.weights[c] * q for c, (q, _k) in matched.items())
        coverage = sum(form.weights[c] for c in matched) / total
        kinds = [k for _q, k in matched.values()]
        kind = form.kind if form.kind != EXACT else min(kinds, key=lambda k: QUALITY[k])
        score = covered / total * (QUALITY[form.kind] if form.kind in (SYNONYM, CONCEPT) else 1.0)
        if score >= MIN_STRENGTH:
            out.append(Mention(form.column, start, i, round(score, 4), kind, round(coverage, 4)))
    return out


def _match(word: str, c: str, form: ColumnForm) -> tuple[float, str]:
    """A run-together name ("zipcode") is matched whole, never by a prefix of it."""
    if form.kind == COMPOUND:
        return (1.0, COMPOUND) if word == c else (0.0, "")
    return word_match(word, c)


def _compound(
    lemmas: Sequence[str], i: int, form: ColumnForm, matched: dict[str, tuple[float, str]]
) -> tuple[int, list[str]] | None:
    """Question words run together equal a column word ("zip code" ~ "zipcode"), or the other way."""
    if lemmas[i] not in form.joined_pairs and not any(
        w.startswith(lemmas[i]) for w in form.words if len(w) > len(lemmas[i])
    ):
        return None
    for n in (3, 2):
        if i + n <= len(lemmas):
            joined = "".join(lemmas[i : i + n])
            if joined in form.words and joined not in matched:
                return i + n, [joined]
    rest = [c for c in form.words if c not in matched]
    for n in (3, 2):
        for k in range(len(rest) - n + 1):
            if "".join(rest[k : k + n]) == lemmas[i]:
                return i + 1, rest[k : k + n]
    return None


def _abbreviated_at(
    lemmas: Sequence[str], i: int, form: ColumnForm, matched: dict[str, tuple[float, str]]
) -> tuple[int, str, tuple[float, str]] | None:
    """(end, column word, match) when words run together from token i write a one-word name."""
    if form.kind == COMPOUND:
        return None
    for n in (3, 2):
        if i + n > len(lemmas) or not all(w.isalpha() for w in lemmas[i : i + n]):
            continue
        joined = "".join(lemmas[i : i + n])
        for c in form.words:
            if c in matched or len(c) < 5:
                continue
            match = _run_match(joined, lemmas[i + n - 1], c)
            if match is not None:
                return i + n, c, match
    return None


def _run_match(joined: str, last: str, c: str) -> tuple[float, str] | None:
    """How a run of words written together matches a one-word name: whole ("real gdp" ->
    realgdp), as its start reaching into the last word ("gnp deflator" -> gnpdefl), or with
    one typo ("t bill rate" -> tbilrate). Written whole or as its start, the name is written in
    full: a compound, as strong as "zip code" for ZipCode."""
    if joined == c:
        return QUALITY[COMPOUND], COMPOUND
    if joined.startswith(c) and len(c) - (len(joined) - len(last)) >= 3:
        return QUALITY[COMPOUND], COMPOUND
    if len(c) >= 7 and DamerauLevenshtein.distance(joined, c) <= 1:
        return QUALITY[TYPO], TYPO
    return None


def _initialism_mentions(
    lemmas: Sequence[str], profile: SchemaProfile, lex: Lexicon
) -> list[Mention]:
    """'gdp' for gross_domestic_product, or 'miles per gallon' for an 'mpg' column.

    Initials of three letters or more only: two letters ("in different" -> "id") match by chance.
    """
    out: list[Mention] = []
    for col in profile.columns:
        words = split_name(col.name)
        if len(words) >= 3:
            initials = "".join(w[0] for w in words if w)
            for i, word in enumerate(lemmas):
                if word == initials:
                    out.append(Mention(col.name, i, i + 1, QUALITY[INITIALISM], INITIALISM, 1.0))
        if len(words) == 1 and 3 <= len(words[0]) <= 5:
            out += _spelled_out(col.name, words[0], lemmas, lex)
    return out


def _spelled_out(column: str, target: str, lemmas: Sequence[str], lex: Lexicon) -> list[Mention]:
    """Runs of content words whose initials spell `target` ("miles per gallon" -> mpg)."""
    skipped, glue = lex.words.initials_skipped, lex.words.initials_glue
    out = []
    for i in range(len(lemmas)):
        for n in (len(target), len(target) + 1):
            span = list(lemmas[i : i + n])
            if len(span) < n or lex.is_stop(span[0]) or lex.is_stop(span[-1]):
                continue
            # "miles per gallon" spells mpg with "per"; "bill of lading" may skip the "of"
            content = span if n == len(target) else [w for w in span if w not in skipped]
            inner = [w for w in content if w not in glue]
            if len(content) != len(target) or any(lex.is_stop(w) for w in inner):
                continue
            if "".join(w[0] for w in content) == target:
                out.append(Mention(column, i, i + n, QUALITY[INITIALISM], INITIALISM, 1.0))
    return out


def assign_mentions(
    mentions: Sequence[Mention], protected: set[int] | None = None
) -> list[Mention]:
    """The non-overlapping reading: longest and strongest first; one span, one column.

    A repeated, weaker mention of a column already named in full is kept ("the location code
    ... for each location"): it refers back to that column.
    """
    protected = protected or set()
    named = {m.column for m in mentions if m.score >= 0.999}
    ranked = sorted(
        (m for m in mentions if not (m.end - m.start == 1 and m.start in protected)),
        key=lambda m: (
            -(m.score >= 0.999 or _written_together(m)),
            -(m.end - m.start) * m.score,
            -m.score,
            -(m.column in named),
            m.start,
            m.column,
        ),
    )
    taken: list[Mention] = []
    used: set[int] = set()
    for m in ranked:
        span = set(range(m.start, m.end))
        if span & used or (m.score < 0.5 and m.column not in named):
            continue
        taken.append(m)
        used |= span
    return sorted(taken, key=lambda m: m.start)


def _written_together(m: Mention) -> bool:
    """Several words that write a name in full when run together ("gnp deflator" for GNPDEFL):
    as sure as an exact mention of one of those words, and longer."""
    return m.kind == COMPOUND and m.end - m.start >= 2 and m.coverage >= 0.999


# ---------------------------------------------------------------- value mentions
@dataclass
class ValueIndex:
    """Category values of a table by their lemma sequence, for fast lookup in questions."""

    by_words: dict[Phrase, list[tuple[str, str]]]
    max_len: int


_VALUE_CACHE: dict[tuple[int, int, tuple[str, ...]], tuple[object, ValueIndex]] = {}


def build_value_index(profile: SchemaProfile, df: pd.DataFrame | None, lex: Lexicon) -> ValueIndex:
    """The value index of a table, built once per table object (questions reuse it)."""
    if df is None:
        return ValueIndex({}, 0)
    key = (id(df), len(df), tuple(profile.names()))
    cached = _VALUE_CACHE.get(key)
    if cached is not None and cached[0]() is df:  # type: ignore[operator]
        return cached[1]
    index = _value_index(profile, df, lex)
    if len(_VALUE_CACHE) > 16:
        _VALUE_CACHE.clear()
    _VALUE_CACHE[key] = (weakref.ref(df), index)
    return index


def _value_index(profile: SchemaProfile, df: pd.DataFrame | None, lex: Lexicon) -> ValueIndex:
    by_words: dict[Phrase, list[tuple[str, str]]] = {}
    if df is None:
        return ValueIndex(by_words, 0)
    for col in profile.columns:
        if not col.in_group("labels"):
            continue
        if col.cardinality > MAX_VALUE_CARDINALITY or col.dtype.startswith(
            ("int", "float", "Int", "Float")
        ):
            continue
        listed = profile.category_values.get(col.name)
        values = listed if listed is not None else _distinct_text(df[col.name])
        phrases = {
            raw: tuple(t.lemma for t in tokenize(raw.lower()))
            for raw in values[:MAX_VALUE_CARDINALITY]
        }
        for raw, words in phrases.items():
            if not words or len(words) > 6:
                continue
            for form in (words, *lex.synonyms.get(words, ()), *lex.value_forms.get(words, ())):
                _add_value(by_words, form, col.name, raw)
        for word, raw in _distinctive_words(phrases, lex).items():
            for form in ((word,), *lex.value_forms.get((word,), ())):
                _add_value(by_words, form, col.name, raw)
    return ValueIndex(by_words, max((len(k) for k in by_words), default=0))


def _add_value(
    by_words: dict[Phrase, list[tuple[str, str]]], form: Phrase, column: str, raw: str
) -> None:
    entries = by_words.setdefault(form, [])
    if (column, raw) not in entries:
        entries.append((column, raw))


def _distinctive_words(phrases: dict[str, Phrase], lex: Lexicon) -> dict[str, str]:
    """Words of several-word values that name a place or a day ("korea" in "South Korea"),
    each the word of one value only: a question may name the value by it ("the Koreans")."""
    owners: dict[str, set[str]] = {}
    for raw, words in phrases.items():
        if len(words) > 1:
            for w in words:
                if (w,) in lex.value_forms:
                    owners.setdefault(w, set()).add(raw)
    return {w: next(iter(raws)) for w, raws in owners.items() if len(raws) == 1}


def _distinct_text(values: pd.Series) -> list[str]:
    """The column's distinct values as text, in first-seen order: distinct first, then text
    (converting a million rows to text to find 200 values took most of a question's time)."""
    return list(dict.fromkeys(str(v) for v in values.dropna().unique()))


def find_values(
    toks: Sequence[Token], index: ValueIndex, lex: Lexicon, quoted: set[str], text: str = ""
) -> list[ValueMention]:
    """Values named in the question; short ones only as written ("N", "II") or quoted."""
    lemmas = [t.lemma for t in toks]
    out: list[ValueMention] = []
    for i in range(len(lemmas)):
        for n in range(min(index.max_len, len(lemmas) - i), 0, -1):
            key = tuple(lemmas[i : i + n])
            for column, raw in index.by_words.get(key, ()):
                surface = (
                    text[toks[i].start : toks[i + n - 1].end]
                    if text
                    else " ".join(t.orig for t in toks[i : i + n])
                )
                if not _plausible_value(raw, surface, key, lex, quoted):
                    continue
                kind = EXACT if tuple(t.lemma for t in tokenize(raw.lower())) == key else SYNONYM
                out.append(ValueMention(column, raw, i, i + n, kind))
    return out


def _plausible_value(raw: str, surface: str, key: Phrase, lex: Lexicon, quoted: set[str]) -> bool:
    text = "".join(key)
    if raw.lower() in quoted:
        return True
    if len(key) == 1 and (lex.is_stop(key[0]) or key[0] in lex.keywords):
        return False
    if len(text) <= 2:
        return surface == raw or surface.lower() in quoted  # "N", "II" as written
    return True
