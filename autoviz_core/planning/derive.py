"""Derived measures named in a question ("cost as a share of revenue", "max minus min").

The patterns are lexicon data (`derived:` in lexicon.yaml); a slot is a mention of a numeric
column. A found measure is added to the table and its profile before the question is read,
so the ranking treats it like any other column, and its words are one mention of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data.derived import Derived, derived_name, with_derived, with_derived_profile
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.planning.cues import Cues, extract_cues, question_mentions
from autoviz_core.planning.lexicon import SLOTS, Lexicon, Phrase, load_lexicon
from autoviz_core.planning.mentions import Mention
from autoviz_core.planning.text import Token, column_tokens, normalise_question, tokenize

MAX_FILLERS = 2  # words allowed between {a} and the pattern's next word ("a higher")


@dataclass(frozen=True)
class DerivedMention:
    """A derived measure and the question's tokens that name it."""

    derived: Derived
    start: int
    end: int

    def mention(self) -> Mention:
        return Mention(self.derived.name, self.start, self.end, 1.0, "exact", 1.0)


@dataclass(frozen=True)
class QuestionReading:
    """The question read against the table: its evidence (`cues`), and the profile (and the
    table, when given) with the derived measures it names added to both."""

    cues: Cues
    profile: SchemaProfile
    df: pd.DataFrame | None = None
    derived: tuple[Derived, ...] = ()


def read_question(
    question: str,
    profile: SchemaProfile,
    df: pd.DataFrame | None = None,
    previous: AnalysisRequest | None = None,
) -> QuestionReading:
    """The one reader of a question, first or follow-up (of `previous`, whose chart's
    columns are what a bare comparison compares). With the table at hand, derived measures
    the question names are added to it and its profile first, so the ranking treats them like
    any other column; without it (is this a follow-up?) the question is read as it stands."""
    found = find_derived(question, profile) if df is not None else []
    derived = tuple(f.derived for f in found)
    if df is not None and derived:
        df = with_derived(df, list(derived))
        profile = with_derived_profile(profile, df, list(derived))
    cues = extract_cues(
        question, profile, df, extra_mentions=[f.mention() for f in found], previous=previous
    )
    return QuestionReading(cues, profile, df, derived)


def find_derived(question: str, profile: SchemaProfile) -> list[DerivedMention]:
    """Every derived measure the question names, left to right, without overlaps."""
    lex = load_lexicon()
    toks = tokenize(normalise_question(question))
    if not lex.derived_words & {t.lemma for t in toks}:
        return []
    _, mentions = question_mentions(toks, profile)
    numeric = set(profile.group("numeric"))
    by_start = {m.start: m for m in mentions if m.column in numeric}
    out: list[DerivedMention] = []
    i = 0
    while i < len(toks):
        hit = _match_at(i, toks, by_start, profile, lex)
        if hit is None:
            i += 1
            continue
        out.append(hit)
        i = hit.end
    return out


def _match_at(
    i: int, toks: Sequence[Token], by_start: dict[int, Mention], profile: SchemaProfile,
    lex: Lexicon,
) -> DerivedMention | None:  # fmt: skip
    for op, pattern in lex.derived:
        slots = _match(pattern, i, toks, by_start)
        if slots is None:
            continue
        a, b, end = slots
        if a == b or (op == "ratio" and "per" in pattern and _groups(profile, b, lex)):
            continue
        name = derived_name(op, a, b)
        if profile.column(name) is not None:
            continue  # the table already has it under that name
        return DerivedMention(Derived(name=name, op=op, a=a, b=b), i, end)
    return None


def _groups(profile: SchemaProfile, column: str, lex: Lexicon) -> bool:
    """A number that can be a grouping: few values ("per cylinder"), a date, or whole numbers
    named as a period ("per opening hour", "per year"); "per visit" and "per hours worked"
    divide."""
    if profile.in_group(column, "readable_groups") or profile.in_group(column, "temporal"):
        return True
    col = profile.column(column)
    whole = col is not None and col.dtype.lower().startswith(("int", "uint"))
    return whole and bool(lex.period_words & set(column_tokens(column)))


def _match(
    pattern: Phrase, i: int, toks: Sequence[Token], by_start: dict[int, Mention]
) -> tuple[str, str, int] | None:
    """The columns in the slots and the end of the match, when `pattern` starts at token i."""
    slots: dict[str, str] = {}
    pos = i
    for k, part in enumerate(pattern):
        if k > 0:
            pos = _skip_articles(pos, toks)
        if part in SLOTS:
            m = by_start.get(pos)
            if m is None:
                return None
            slots[part] = m.column
            pos = m.end
            if k == 0 and k + 1 < len(pattern):
                pos = _skip_fillers(pos, pattern[k + 1], toks, by_start)
            continue
        if pos >= len(toks) or toks[pos].lemma != part:
            return None
        pos += 1
    return slots["{a}"], slots["{b}"], pos


def _skip_articles(pos: int, toks: Sequence[Token]) -> int:
    articles = load_lexicon().words.articles
    while pos < len(toks) and toks[pos].lemma in articles:
        pos += 1
    return pos


def _skip_fillers(pos: int, word: str, toks: Sequence[Token], by_start: dict[int, Mention]) -> int:
    """Up to MAX_FILLERS words that name no column, when the pattern's next word follows."""
    for skip in range(MAX_FILLERS + 1):
        at = pos + skip
        if at < len(toks) and toks[at].lemma == word:
            return at
        if at >= len(toks) or at in by_start:
            break
    return pos
