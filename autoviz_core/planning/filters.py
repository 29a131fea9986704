"""Filters read from a question as fitted candidates.

Readers propose candidate filters from what the question says: comparison words with a number
("older than 40", "above 50 or below 46"), ranges ("between 5 and 10", "the 1990s"), named
values ("Dinner", "the Chinese", "1999 or 2000"), negations ("leave out X"), text tests
("names starting with A"), yes/no states ("dogs that were abandoned"), periods ("in July",
"since 2010"). A reader proposes what its words could mean, with the token span that gave
it and facts about how (which column it took and why); it never decides. Each candidate is
scored by `filter_features` and the fitted "filters" weights (scripts/fit_planner.py, fitted
on nvBench train and our own questions), and the kept ones are resolved: one filter per
number or value word, one equality per column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from autoviz_core.contracts import RequestFilter
from autoviz_core.data.profiling import MAX_GROUPS, ColumnProfile, SchemaProfile
from autoviz_core.planning.lexicon import Lexicon, PhraseHit, load_lexicon
from autoviz_core.planning.mentions import Mention, ValueMention, find_mentions
from autoviz_core.planning.text import Token, column_tokens, tokenize
from autoviz_core.planning.weights import load_weights

if TYPE_CHECKING:
    from autoviz_core.planning.cues import Cues

_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)*$")
MAX_CODES = 50  # a number column with this few values may hold codes ("occupation 1")
KEEP = 0.5  # a candidate whose fitted probability reaches this is kept
RANGE_OPS = ("gt", "ge", "lt", "le")


@dataclass(frozen=True)
class FilterCandidate:
    """Filters one reader proposes, the words that gave them and how it read them."""

    filters: tuple[RequestFilter, ...]
    start: int  # first token of the words that gave it
    end: int  # one past the last
    source: str  # the reader: comparison, either, outside, between, counted, equality, text,
    # value, state, period
    facts: tuple[str, ...] = ()  # how the reader took its column and value
    anchors: frozenset[int] = frozenset()  # the number or value tokens it reads

    @property
    def column(self) -> str:
        return self.filters[0].column

    def words(self, toks: Sequence[Token]) -> str:
        """The question's words that gave this filter (the reading's record)."""
        return " ".join(t.orig for t in toks[self.start : self.end])


@dataclass(frozen=True)
class ScoredFilter:
    candidate: FilterCandidate
    probability: float
    kept: bool


@dataclass(frozen=True)
class FoundFilters:
    """The kept filters, the columns they consume (named only to filter, not to plot), every
    candidate with its probability (the reading's record), and the value mentions left once
    a text filter has taken its words."""

    filters: list[RequestFilter]
    columns: set[str]
    scored: list[ScoredFilter]
    values: list[ValueMention]


def read_filters(
    cues: Cues,
    profile: SchemaProfile,
    df: pd.DataFrame | None,
    lex: Lexicon,
    weights: dict[str, float] | None = None,
) -> FoundFilters:
    """Propose, score and resolve the question's filters."""
    w = load_weights().get("filters", {}) if weights is None else weights
    cands = list(filter_candidates(cues, profile, df, lex))
    scored = [
        ScoredFilter(c, _probability(filter_features(c, cues, profile), w), False) for c in cands
    ]
    kept = resolve(scored)
    scored = [ScoredFilter(s.candidate, s.probability, s.candidate in kept) for s in scored]
    filters = [f for c in kept for f in c.filters]
    text_tokens = {i for c in kept if c.source == "text" for i in c.anchors}
    values = [v for v in cues.values if not any(v.start <= i < v.end for i in text_tokens)]
    return FoundFilters(filters, {c.column for c in kept}, scored, values)


def _probability(feats: dict[str, float], w: dict[str, float]) -> float:
    z = sum(w.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def resolve(scored: Sequence[ScoredFilter]) -> list[FilterCandidate]:
    """The kept candidates, best first, without two readings of one word: a number or value
    read once, one equality (or list, or exclusion) per column, one bound per direction."""
    kept: list[FilterCandidate] = []
    for s in sorted(scored, key=lambda s: (-s.probability, s.candidate.start)):
        c = s.candidate
        if s.probability < KEEP or any(_conflict(c, k) for k in kept):
            continue
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _conflict(a: FilterCandidate, b: FilterCandidate) -> bool:
    if a.anchors & b.anchors:
        return True
    if a.column != b.column:
        return False
    ops_a = {str(f.op) for f in a.filters}
    ops_b = {str(f.op) for f in b.filters}
    if not (ops_a <= set(RANGE_OPS) and ops_b <= set(RANGE_OPS)):
        return a.source != "text" or b.source != "text"
    return bool(_directions(ops_a) & _directions(ops_b))


def _directions(ops: set[str]) -> set[str]:
    return {"up" if op in ("gt", "ge") else "down" for op in ops}


# ------------------------------------------------------------------ features
def filter_features(c: FilterCandidate, cues: Cues, profile: SchemaProfile) -> dict[str, float]:
    """The named features of one candidate (what the fit sees)."""
    col = profile.column(c.column)
    role = col.role if col is not None else "derived"
    op = c.filters[0].op
    src = f"src:{c.source}"
    f: dict[str, float] = {"bias": 1.0, src: 1.0, f"{src}|op:{op}": 1.0, f"{src}|role:{role}": 1.0}
    for fact in c.facts:
        f[f"{src}|{fact}"] = 1.0
        f[f"fact:{fact}"] = 1.0
    elsewhere = [m for m in cues.mentions if m.column == c.column and not _inside(m, c)]
    if elsewhere:
        f[f"{src}|named_elsewhere"] = 1.0
    if any(_touches(m, c) for m in cues.all_mentions if m.column == c.column):
        f[f"{src}|column_touching"] = 1.0  # "gold medals", "city of Lisbon": its column beside it
    if col is not None:
        f[f"{src}|card:{_bucket(col.cardinality)}"] = 1.0
    lex = load_lexicon()
    before = cues.toks[c.start - 1].lemma if c.start > 0 else "^"
    after = cues.toks[c.end].lemma if c.end < len(cues.toks) else "$"
    context = lex.filter_context
    f[f"{src}|prev:{before if before in context else 'other'}"] = 1.0
    f[f"{src}|next:{after if after in context else 'other'}"] = 1.0
    if any(h.kind == "group" and 0 <= c.start - h.end <= 1 for h in cues.hits):
        f[f"{src}|after_group_word"] = 1.0  # "by store", "per year": a grouping, not a filter
    if any(h.kind == "sort" and 0 <= c.start - h.end <= 2 for h in cues.hits):
        f[f"{src}|after_sort_word"] = 1.0
    if any(h.kind == "sort" and h.label in ("top", "bottom") for h in cues.hits):
        f[f"{src}|limit_asked"] = 1.0
    return f


def _touches(m: Mention, c: FilterCandidate) -> bool:
    return 0 <= c.start - m.end <= 1 or 0 <= m.start - c.end <= 1


def _inside(m: Mention, c: FilterCandidate) -> bool:
    return c.start <= m.start and m.end <= c.end


def _bucket(n: int) -> str:
    for limit in (2, 5, 12, 50):
        if n <= limit:
            return str(limit)
    return "many"


# ------------------------------------------------------------------ readers
def filter_candidates(
    cues: Cues, profile: SchemaProfile, df: pd.DataFrame | None, lex: Lexicon
) -> Iterator[FilterCandidate]:
    """Every reader's proposals, in reading order."""
    yield from _comparison_candidates(cues, profile)
    yield from _counted_candidates(cues, profile)
    yield from _equality_candidates(cues, profile)
    text = list(_text_candidates(cues))
    yield from text
    used = {i for c in text for i in c.anchors}
    yield from _value_candidates(cues, profile, used)
    yield from _either_candidates(cues, profile)
    yield from _state_candidates(cues, profile, df)
    yield from _count_state_candidates(cues, profile)
    yield from _period_candidates(cues, profile, df)


def _number(text: str) -> float | int:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value


def _numeric_columns(profile: SchemaProfile) -> set[str]:
    return set(profile.names("numeric", "identifier", "temporal"))


def _nearest_mention(
    cues: Cues,
    index: int,
    pool: set[str],
    *,
    after: bool = True,
    window: int = 5,
    skip: set[tuple[int, str]] | None = None,
) -> str | None:
    """The mentioned column (of `pool`) closest before token `index`, else right after it;
    mentions at `skip` (start, column) are not candidates."""
    mentions = [m for m in cues.mentions if (m.start, m.column) not in (skip or set())]
    before = [
        m for m in mentions if m.column in pool and m.end <= index and index - m.end <= window
    ]
    if before:
        return before[-1].column
    if after:
        later = [
            m for m in mentions if m.column in pool and m.start >= index and m.start - index <= 3
        ]
        if later:
            return later[0].column
    return None


def _comparison_hits(cues: Cues) -> list[tuple[PhraseHit, int]]:
    """Comparison words with the number they compare: right after them, else right before
    ("700 or more", "30 and above")."""
    out = []
    toks = cues.toks
    for h in cues.hits:
        if h.kind != "filter" or h.label not in ("gt", "ge", "lt", "le", "between", "ne"):
            continue
        nums = [i for i in range(h.end, min(h.end + 2, len(toks))) if _NUMBER.match(toks[i].text)]
        if nums:
            out.append((h, nums[0]))
        elif h.label in ("ge", "le") and h.start > 0 and _NUMBER.match(toks[h.start - 1].text):
            out.append((h, h.start - 1))
    return out


def _comparison_candidates(cues: Cues, profile: SchemaProfile) -> Iterator[FilterCandidate]:
    """'older than 40', 'at least 5 stars', 'between 5 and 10' (each column the words could
    mean, with how it was found); 'above 50 or below 46' on one column is also read whole."""
    numeric = _numeric_columns(profile)
    toks = cues.toks
    words = load_lexicon().words
    one_sided: list[FilterCandidate] = []
    for h, i in _comparison_hits(cues):
        if h.label == "between":
            yield from _between_candidates(cues, profile, h, i, numeric)
            continue
        op = h.label
        postfix = i < h.start
        after_num = toks[i + 1].lemma if i + 1 < len(toks) and not postfix else ""
        then = toks[i + 2].lemma if i + 2 < len(toks) else ""
        number_follows = any(_NUMBER.match(t.text) for t in toks[i + 3 : i + 5])
        facts: list[str] = ["postfix"] if postfix else []
        # "50 or more", not "50 or below 46"
        if after_num in words.bound_joiners and not number_follows:
            if then in words.or_more:
                op, facts = "ge", ["or_more"]
            elif then in words.or_less:
                op, facts = "le", ["or_less"]
        value = _number(toks[i].text)
        for col, hows in _comparison_columns(cues, h, i, numeric, profile):
            fitted = column_for_values(col, [value], profile)
            how_facts = [*(f"col:{how}" for how in hows), *facts]
            if fitted != col:
                how_facts.append("range_moved")
            if fitted is None:
                continue
            if _looks_like_year(toks[i].text):
                how_facts.append("year_number")
            span = _span_with(cues, fitted, min(h.start, i), max(h.end, i + 1))
            cand = FilterCandidate(
                (_filter(fitted, op, value),), *span, "comparison", tuple(how_facts), frozenset({i})
            )
            one_sided.append(cand)
            yield cand
    yield from _outside_candidates(cues, one_sided)


def _span_with(cues: Cues, column: str, start: int, end: int) -> tuple[int, int]:
    """The words span widened to the column's mention when it touches them."""
    for m in cues.mentions:
        if m.column == column and (0 <= start - m.end <= 2 or 0 <= m.start - end <= 1):
            return min(start, m.start), max(end, m.end)
    return start, end


def _between_candidates(
    cues: Cues, profile: SchemaProfile, h: PhraseHit, i: int, numeric: set[str]
) -> Iterator[FilterCandidate]:
    toks = cues.toks
    joiners = load_lexicon().words.range_joiners
    j = i + 2 if i + 2 < len(toks) and toks[i + 1].lemma in joiners else -1
    if j < 0 or not _NUMBER.match(toks[j].text):
        return
    lo, hi = sorted([_number(toks[i].text), _number(toks[j].text)])
    near = _nearest_mention(cues, h.start, numeric)
    col = column_for_values(near, [lo, hi], profile)
    if col:
        facts = ("col:nearest" if near == col else "col:range_fit",)
        span = _span_with(cues, col, h.start, j + 1)
        filters = (_filter(col, "ge", lo), _filter(col, "le", hi))
        yield FilterCandidate(filters, *span, "between", facts, frozenset({i, j}))


def _outside_candidates(
    cues: Cues, one_sided: Sequence[FilterCandidate]
) -> Iterator[FilterCandidate]:
    """'above 50 or below 46': two bounds on one column joined by 'or' keep the rows outside."""
    for a in one_sided:
        for b in one_sided:
            if a.column != b.column or min(b.anchors) <= min(a.anchors):
                continue
            between = [t.lemma for t in cues.toks[min(a.anchors) + 1 : min(b.anchors)]]
            if "or" not in between:
                continue
            fa, fb = a.filters[0], b.filters[0]
            up, down = (fa, fb) if fa.op in ("gt", "ge") else (fb, fa)
            if up.op not in ("gt", "ge") or down.op not in ("lt", "le"):
                continue
            if not down.value < up.value:
                continue
            value = [down.value, up.value]
            start, end = min(a.start, b.start), max(a.end, b.end)
            facts = tuple(sorted(set(a.facts) | set(b.facts)))
            yield FilterCandidate(
                (_filter(a.column, "outside", value),),
                start,
                end,
                "outside",
                facts,
                a.anchors | b.anchors,
            )


def _value_range(column: ColumnProfile) -> tuple[float, float] | None:
    """A column's smallest and largest value as numbers (a date column's as years)."""
    low, high = column.min, column.max
    try:
        if column.in_group("temporal") and isinstance(low, str) and isinstance(high, str):
            return float(low[:4]), float(high[:4])
        return float(low), float(high)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _spans(column: ColumnProfile | None, values: Sequence[float]) -> bool:
    span = _value_range(column) if column is not None else None
    return span is not None and all(span[0] <= v <= span[1] for v in values)


def column_for_values(
    col: str | None, values: Sequence[float], profile: SchemaProfile
) -> str | None:
    """The column a compared number belongs to, when the one the words point at cannot hold it.

    Two years bounding a range ("value between 1935 and 1954", when the table has a year
    column spanning them) are a period, and so is one year no named column can hold; a number
    outside the named column's range ("years the flow exceeded 1000", when the years run
    1871-1970) belongs to the one number column whose range holds it. Otherwise the named
    column stands."""
    years = all(_looks_like_year(str(v)) for v in values)
    periods = period_columns(profile)
    temporal = [c for c in periods if _spans(c, values)]
    chosen = profile.column(col) if col else None
    # two years bounding a range are a period even when the measure could hold them
    period = len(values) == 2 or chosen is None or not _spans(chosen, values)
    if years and period and len(temporal) == 1 and (chosen is None or chosen not in periods):
        return temporal[0].name
    if chosen is None or _spans(chosen, values) or _value_range(chosen) is None:
        return col
    fitting = [c for c in profile.columns if c.in_group("numeric") and _spans(c, values)]
    return fitting[0].name if len(fitting) == 1 else col


def _comparison_columns(
    cues: Cues, hit: PhraseHit, num_index: int, numeric: set[str], profile: SchemaProfile
) -> list[tuple[str | None, list[str]]]:
    """Every column a comparison could apply to, with each way it was found: named right after the
    number, right before the comparison (even weakly: "price greater than 700" for
    price_in_dollars), the nearest before it, the one its adjective describes ("older"), the
    date column ("after", "before", "since"); or none (a number column may still hold it)."""
    out: dict[str | None, list[str]] = {}

    def add(col: str | None, how: str) -> None:
        if col:
            out.setdefault(col, []).append(how)

    rows = {(m.start, m.column) for m in cues.all_mentions if _names_the_rows(m, cues, profile)}

    def measures(mentions: Sequence[Mention]) -> list[Mention]:
        return [m for m in mentions if m.column in numeric and (m.start, m.column) not in rows]

    after = [m for m in measures(cues.mentions) if 0 <= m.start - num_index - 1 <= 1]
    if after:
        add(after[0].column, "after")
    first = min(hit.start, num_index)  # "weight of 30 or more": the words start at the number
    touching = [m for m in measures(cues.all_mentions) if 0 <= first - m.end <= 1]
    if touching:
        best = max(touching, key=lambda m: (m.score, -m.start))
        add(best.column, "touching")
        if _counted_noun(cues, best.start):
            add(best.column, "counted_noun")  # "how many parcels heavier than": what is counted
    add(_nearest_mention(cues, first, numeric, after=False, skip=rows), "nearest")
    word = cues.toks[hit.start].lemma
    add(described_column(word, profile, numeric), "described")
    if word in load_lexicon().words.date_comparisons:
        add(next((c.name for c in period_columns(profile)), None), "date_word")
    number = [_number(cues.toks[num_index].text)]
    for slot, column in zip(("x", "y"), cues.on_chart, strict=False):
        if column in numeric and _spans(profile.column(column), number):
            add(column, f"on_chart_{slot}")  # a follow-up's "just 3 or more": the chart's numbers
    if not out:
        out[None] = ["unnamed"]
    return list(out.items())


def _names_the_rows(m: Mention, cues: Cues, profile: SchemaProfile) -> bool:
    """An identifier column named by its rows' noun ("parcels" for parcel_id), not by an id
    word: the question speaks of the rows, and a number it compares is one of their measures."""
    col = profile.column(m.column)
    words = {t.lemma for t in cues.toks[m.start : m.end]}
    id_words = load_lexicon().words.id_words
    return col is not None and col.in_group("identifier") and not words & id_words


def _counted_noun(cues: Cues, start: int) -> bool:
    """The mention is what the question counts: 'how many X', 'number of X', 'count X'."""
    words = load_lexicon().words
    before = [t.lemma for t in cues.toks[max(0, start - 3) : start]]
    while before and before[-1] in words.count_determiners:
        before = before[:-1]
    return " ".join(before[-2:]) in words.counted_phrases or before[-1:] == ["count"]


def described_column(word: str, profile: SchemaProfile, numeric: set[str]) -> str | None:
    """The number column a comparative adjective describes ("warmer" -> temp, "older" -> age):
    its plain form read as a question word, through the lexicon's synonyms."""
    lex = load_lexicon()
    base = lex.comparatives.get(word)
    if base is None:
        return None
    # "warm" names a temperature, which names a column "temp": one synonym hop further
    words = [base, *(" ".join(alt) for alt in lex.synonyms.get((base,), ()))]
    found = [
        m for w in words for m in find_mentions(tokenize(w), profile, lex) if m.column in numeric
    ]
    best = max(found, key=lambda m: (m.score, -len(m.column)), default=None)
    return best.column if best is not None and best.score >= 0.5 else None


def _is_number_column(col: ColumnProfile) -> bool:
    return col.dtype.lower().startswith(("int", "float", "uint"))


def _equality_candidates(cues: Cues, profile: SchemaProfile) -> Iterator[FilterCandidate]:
    """'<column> in|of|is|= <number>' ("majored in 600", "rated 5"); negated -> 'ne'."""
    toks = cues.toks
    words = load_lexicon().words
    for m in cues.mentions:
        col = profile.column(m.column)
        if col is None or col.in_group("temporal") or not _is_number_column(col):
            continue  # "continent in 2007" is a period, not a continent
        i = m.end
        link = ""
        if i < len(toks) and toks[i].lemma in words.equality_links:
            link = toks[i].lemma
            i += 1
            if i < len(toks) and toks[i].lemma == "to":
                i += 1
        adjacent = i == m.end and _code_number(col, toks, i)  # "occupation 1", "PID 6"
        if (i == m.end and not adjacent) or i >= len(toks) or not _NUMBER.match(toks[i].text):
            continue
        facts = [f"link:{link or 'none'}"]
        if _looks_like_year(toks[i].text):
            if profile.names("temporal"):
                continue  # "temperature in 2022" is a period, read by _period_candidates
            facts.append("year_number")
        if any(o.start == i + 1 for o in cues.mentions):
            continue  # "weight of 8 cylinder cars": the number belongs to the next column
        if (
            i + 1 < len(toks)
            and toks[i + 1].lemma in words.bound_joiners
            and i + 2 < len(toks)
            and toks[i + 2].lemma in words.bound_words
        ):
            continue  # a comparison, read by _comparison_candidates
        op = "ne" if _negated(cues, m.start) else "eq"
        yield FilterCandidate(
            (_filter(m.column, op, _number(toks[i].text)),),
            m.start,
            i + 1,
            "equality",
            tuple(facts),
            frozenset({i}),
        )


def _code_number(col: ColumnProfile, toks: Sequence[Token], i: int) -> bool:
    """A whole number right after a column of a few whole-number codes, within its range."""
    if i >= len(toks) or not toks[i].text.isdigit() or col.cardinality > MAX_CODES:
        return False
    return _spans(col, [int(toks[i].text)])


def _looks_like_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100


def _counted_candidates(cues: Cues, profile: SchemaProfile) -> Iterator[FilterCandidate]:
    """'8 cylinder cars', '4 star hotels': a number right before a numeric column filters it."""
    toks = cues.toks
    limits = load_lexicon().words.rank_limits
    for m in cues.mentions:
        col = profile.column(m.column)
        if col is None or m.start == 0 or col.in_group("temporal"):
            continue
        if not _is_number_column(col) or col.cardinality > MAX_GROUPS:
            continue
        prev = toks[m.start - 1].text
        before = toks[m.start - 2].lemma if m.start >= 2 else ""
        if _NUMBER.match(prev) and not _looks_like_year(prev) and before not in limits:
            yield FilterCandidate(
                (_filter(m.column, "eq", _number(prev)),),
                m.start - 1,
                m.end,
                "counted",
                (),
                frozenset({m.start - 1}),
            )


def _text_candidates(cues: Cues) -> Iterator[FilterCandidate]:
    """'contains X', 'starts with X' on the column named just before; X is no longer a value."""
    for h in cues.hits:
        if (
            h.kind != "filter"
            or h.label not in ("contains", "startswith")
            or h.end >= len(cues.toks)
        ):
            continue
        col = _nearest_mention(cues, h.start, {m.column for m in cues.mentions}, after=False)
        if col:
            value = cues.toks[h.end].orig.strip("'\"")
            quoted = cues.toks[h.end].orig != value or _quoted(cues, value)
            start, end = _span_with(cues, col, h.start, h.end + 1)
            yield FilterCandidate(
                (RequestFilter(column=col, op=h.label, value=value),),  # type: ignore[arg-type]
                start,
                end,
                "text",
                ("quoted",) if quoted else (),
                frozenset({h.end}),
            )


def _quoted(cues: Cues, value: str) -> bool:
    return bool(re.search(r"['\"]" + re.escape(value.lower()), cues.question.lower()))


def _negated(cues: Cues, start: int) -> bool:
    """A negation ('not', 'except', 'excluding', '!=') within four words before `start`."""
    return any(
        h.kind == "filter" and h.label == "ne" and 0 <= start - h.end <= 4 for h in cues.hits
    )


def _negation_after(cues: Cues, end: int) -> bool:
    """An exclusion right after a value that ends its clause ("with Osaka left out")."""
    for h in cues.hits:
        if h.kind != "filter" or h.label != "ne" or not 0 <= h.start - end <= 1:
            continue
        rest = cues.toks[h.end : h.end + 2]
        if not rest or rest[0].lemma in load_lexicon().words.clause_ends:
            return True
    return False


def _value_candidates(
    cues: Cues, profile: SchemaProfile, used: set[int]
) -> Iterator[FilterCandidate]:
    """A named value filters its column (several: a list; negated: an exclusion); values
    compared ('lunch vs dinner') or every value of the column are read too, with that fact."""
    by_col: dict[str, list[ValueMention]] = {}
    for v in cues.values:
        if not any(v.start <= i < v.end for i in used):
            by_col.setdefault(v.column, []).append(v)
    compare_words = load_lexicon().words.compare
    compare = cues.has("intent", "comparative_analysis") and any(
        t.lemma in compare_words for t in cues.toks
    )
    alternatives = any(t.lemma == "or" for t in cues.toks)
    for col, vals in by_col.items():
        anchors = frozenset(i for v in vals for i in range(v.start, v.end))
        kinds = {f"value:{v.kind}" for v in vals}
        start, end = min(v.start for v in vals), max(v.end for v in vals)
        negated = [v for v in vals if _negated(cues, v.start)]
        after = [v for v in vals if _negation_after(cues, v.end)]
        for v in negated or after:
            how = "negated" if negated else "negation_after"
            yield FilterCandidate(
                (RequestFilter(column=col, op="ne", value=_num_or_text(v.value)),),
                v.start,
                v.end,
                "value",
                (how, f"value:{v.kind}"),
                frozenset(range(v.start, v.end)),
            )
        if negated:
            continue
        distinct = list(dict.fromkeys(v.value for v in vals))
        facts = sorted(kinds)
        if len(distinct) >= 2:
            facts.append("or_list" if alternatives else "several")
            if compare and not alternatives:
                facts.append("compared")
        column = profile.column(col)
        if column is not None and len(set(distinct)) >= column.cardinality:
            facts.append("every_value")
        if after:
            facts.append("negation_after")
        op = "in" if len(distinct) >= 2 else "eq"
        value: Any = distinct if op == "in" else _num_or_text(distinct[0])
        yield FilterCandidate(
            (RequestFilter(column=col, op=op, value=value),),  # type: ignore[arg-type]
            start,
            end,
            "value",
            tuple(facts),
            anchors,
        )


def _either_candidates(cues: Cues, profile: SchemaProfile) -> Iterator[FilterCandidate]:
    """'in 1999 or 2000', 'either 4 or 6 cylinders': numbers joined by 'or' are a list of
    values of the number column that holds them all (named next to them, else the only one)."""
    toks = cues.toks
    words = load_lexicon().words
    numeric = {c.name for c in profile.columns if _is_number_column(c)}
    for i in range(len(toks) - 2):
        if not (_NUMBER.match(toks[i].text) and toks[i + 1].lemma == "or"):
            continue
        if not _NUMBER.match(toks[i + 2].text):
            continue
        nums = [i, i + 2]
        k = i + 2
        while (
            k + 2 < len(toks)
            and toks[k + 1].lemma in words.number_list_joiners
            and _NUMBER.match(toks[k + 2].text)
        ):
            k += 2
            nums.append(k)
        if i >= 2 and toks[i - 1].lemma == "," and _NUMBER.match(toks[i - 2].text):
            continue  # read from the list's first number
        values = [_number(toks[j].text) for j in nums]
        if any(toks[j + 1].lemma in words.bound_words for j in nums if j + 1 < len(toks)):
            continue  # "50 or more"
        years = all(_looks_like_year(str(v)) for v in values)
        found = _either_column(cues, profile, i, values, numeric, years)
        if found is None:
            continue
        name, facts = found
        if years:
            facts.append("year_number")
        start = i - 1 if i > 0 and toks[i - 1].lemma in words.number_list_openers else i
        dated = not _is_number_column(profile.column(name))  # type: ignore[arg-type]
        listed: list[Any] = [str(v) for v in values] if dated else values
        yield FilterCandidate(
            (_filter(name, "in", listed),),
            start,
            nums[-1] + 1,
            "either",
            tuple(facts),
            frozenset(nums),
        )


def _either_column(
    cues: Cues,
    profile: SchemaProfile,
    i: int,
    values: Sequence[float],
    numeric: set[str],
    years: bool,
) -> tuple[str, list[str]] | None:
    """The column a list of numbers belongs to: the number column named next to them that
    holds them all, else the one such column, else (years) the date column."""
    named = _nearest_mention(cues, i, numeric, window=4)
    col = profile.column(named) if named else None
    periods = [c for c in period_columns(profile) if _spans(c, values)]
    if years and periods and (col is None or col not in periods):
        return periods[0].name, ["col:period"]  # "revenue in 2017 or 2019": the years
    if col is not None and _spans(col, values):
        return col.name, ["col:named"]
    fitting = [
        c
        for c in profile.columns
        if c.name in numeric and _spans(c, values) and c.cardinality <= MAX_CODES * 4
    ]
    if len(fitting) == 1:
        return fitting[0].name, ["col:range_fit"]
    dates = [c for c in profile.columns if c.in_group("temporal") and not _is_number_column(c)]
    if years and len(dates) >= 1 and _spans(dates[0], values):
        return dates[0].name, ["col:date"]
    return None


def _state_candidates(
    cues: Cues, profile: SchemaProfile, df: pd.DataFrame | None
) -> Iterator[FilterCandidate]:
    """A yes/no column named as a state of the rows means 'where true': 'each dog that was
    abandoned', 'only for smokers', 'among smokers', 'smokers only'; 'non-smokers' means
    false. How it was named is the candidate's fact; a column named both ways is two groups."""
    if df is None:
        return
    both = _named_both_ways(cues)
    words = load_lexicon().words
    for m in cues.mentions:
        col = profile.column(m.column)
        if col is None or not _yes_no(col, df) or m.column in both:
            continue
        before = [t.lemma for t in cues.toks[max(0, m.start - 4) : m.start]]
        while before and before[-1] in words.state_determiners:
            before = before[:-1]  # "with a garage"
        with_word = bool(before) and before[-1] in words.state_with
        negated = bool(before) and (before[-1] in words.negations or before[-1] == "without")
        if negated:
            before = before[:-1]
        ways = _named_as_state(cues, m.start, m.end, before) + (["with"] if with_word else [])
        value = _state_value(df[m.column], truth=not negated)
        excluded = _negated(cues, m.start - len(before) - int(negated))  # "leaving out smokers"
        if value is not None:
            facts = (
                tuple(ways)
                + (("negated",) if negated else ())
                + (("excluded",) if excluded else ())
            )
            yield FilterCandidate(
                (RequestFilter(column=m.column, op="ne" if excluded else "eq", value=value),),
                m.start - len([w for w in before[-2:] if ways]) if ways else m.start,
                m.end,
                "state",
                facts or ("plain",),
                frozenset(range(m.start, m.end)),
            )


def _count_state_candidates(cues: Cues, profile: SchemaProfile) -> Iterator[FilterCandidate]:
    """A count of things said as a state of the rows: 'households with children' (more than
    none), 'without pets' and 'with no cars' (none). 'With 2 children' names a number: the
    counted reader's. The filter model decides, as for every reader."""
    words = load_lexicon().words
    for m in cues.mentions:
        col = profile.column(m.column)
        if col is None or not _counts_things(col):
            continue
        start = m.start
        while start > 0 and cues.toks[start - 1].lemma in words.state_determiners:
            start -= 1  # "with any children"
        negated = start > 1 and cues.toks[start - 1].lemma in words.negations
        lead = start - 1 - int(negated)  # the word before "no" in "with no cars"
        said = cues.toks[lead].lemma if lead >= 0 else ""
        if not (said in words.state_with or (negated and said in words.state_have)):
            continue  # "with children", "without pets", "that have no cars"
        if _compared_after(cues, m.end):
            continue  # "with a price over 100": the comparison's
        none = negated or said == "without"
        yield FilterCandidate(
            (RequestFilter(column=m.column, op="eq" if none else "gt", value=0),),
            lead,
            m.end,
            "has",
            ("none",) if none else ("some",),
            frozenset(range(m.start, m.end)),
        )


def _compared_after(cues: Cues, end: int) -> bool:
    """A comparison or a number right after a column ("price over 100", "age 30 or more")."""
    if end < len(cues.toks) and _NUMBER.match(cues.toks[end].text):
        return True
    return any(
        h.kind == "filter" and h.label in (*RANGE_OPS, "between") and 0 <= h.start - end <= 1
        for h in cues.hits
    )


def _counts_things(col: ColumnProfile) -> bool:
    """A quantity from none up that some rows have: how many children, pets or cars a row
    has, the rain a day had ('days with rain')."""
    low, high = col.min, col.max
    if col.role != "numeric" or col.frequency:
        return False
    return isinstance(low, (int, float)) and isinstance(high, (int, float)) and low == 0 < high


def _named_both_ways(cues: Cues) -> set[str]:
    """Columns named both plainly and negated ('smokers and non-smokers'): the two groups."""
    plain: set[str] = set()
    negated: set[str] = set()
    negations = load_lexicon().words.negations
    for m in cues.mentions:
        neg = m.start > 0 and cues.toks[m.start - 1].lemma in negations
        (negated if neg else plain).add(m.column)
    return plain & negated


def _named_as_state(cues: Cues, start: int, end: int, before: list[str]) -> list[str]:
    """How a yes/no column is named as a state: 'that was X' (relative), 'who have been X'
    (relative, further), 'only (for|among) Xs', 'among Xs', 'for Xs' (a plural), 'Xs only',
    'how many Xs', 'how many X <things>'."""
    after = cues.toks[end].lemma if end < len(cues.toks) else ""
    plural = cues.toks[end - 1].text != cues.toks[end - 1].lemma
    words = load_lexicon().words
    relative, auxiliary = words.relative_pronouns, words.auxiliaries
    ways = []
    if len(before) >= 2 and before[-2] in relative and before[-1] in auxiliary:
        ways.append("relative")
    elif len(before) >= 3 and before[-3] in relative and {*before[-2:]} <= auxiliary:
        ways.append("relative_far")
    if after == "only" or (before[-1:] == ["only"]) or before[-2:-1] == ["only"]:
        ways.append("only")
    if before[-1:] == ["among"] or (before[-1:] == ["for"] and plural):
        ways.append("group")
    if " ".join(before[-2:]) in words.counted_phrases:
        ways.append("counted" if plural else "counted_modifier")  # "how many express parcels"
    return ways


def _yes_no(col: ColumnProfile, df: pd.DataFrame) -> bool:
    """A true/false column, or a text one whose two values say yes and no."""
    if col.in_group("boolean"):
        return True
    if col.cardinality != 2 or col.name not in df.columns:
        return False
    return (
        _state_value(df[col.name], True) is not None
        and _state_value(df[col.name], False) is not None
    )


def _state_value(s: pd.Series, truth: bool) -> object | None:
    """The column's value that means yes (or no)."""
    lex_words = load_lexicon().words
    words = lex_words.yes_values if truth else lex_words.no_values
    for v in s.dropna().unique():
        if str(v).lower() in words:
            return v.item() if hasattr(v, "item") else v
    return None


# ------------------------------------------------------------------ periods
def _period_candidates(
    cues: Cues, profile: SchemaProfile, df: pd.DataFrame | None
) -> Iterator[FilterCandidate]:
    """'in 2007', '1855 only', 'since 1990', 'in July', 'the 1990s', 'Dec 18 to 24' on the
    table's date column (the one named, else the first)."""
    temporal = period_columns(profile)
    if not temporal:
        return
    col = temporal[0]
    mentioned = [m.column for m in cues.mentions if m.column in {c.name for c in temporal}]
    if mentioned:
        col = profile.column(mentioned[0]) or col
    is_int = _is_number_column(col)
    span = _year_span(cues)
    if span is not None:
        (low, high), (i, j) = span  # "1990 through 1999", "the 1990s": every year of the span
        if is_int:
            filters = (_filter(col.name, "ge", low), _filter(col.name, "le", high))
        else:
            filters = (
                _filter(col.name, "ge", f"{low}-01-01"),
                _filter(col.name, "le", f"{high}-12-31 23:59:59"),
            )
        yield FilterCandidate(filters, i, j + 1, "period", ("year_span",), frozenset({i, j}))
        return
    dated = _date_span(cues, df[col.name] if df is not None and not is_int else None)
    if dated is not None:  # "Dec 18 to 24", "June through August"
        (first, last), (i, j) = dated
        filters = (_filter(col.name, "ge", first), _filter(col.name, "le", f"{last} 23:59:59"))
        yield FilterCandidate(
            filters, i, j + 1, "period", ("date_span",), frozenset(range(i, j + 1))
        )
        return
    yield from _year_and_month(cues, col, is_int, df)


def period_columns(profile: SchemaProfile) -> list[ColumnProfile]:
    """The columns a year or a month can filter: dates and years (a whole-number column named
    as a year, "hire_year", holding years), the table's date columns first."""
    dated = [c for c in profile.columns if c.in_group("temporal")]
    years = [c for c in profile.columns if c.in_group("numeric") and _holds_years(c)]
    return dated + years


def _holds_years(col: ColumnProfile) -> bool:
    if "year" not in column_tokens(col.name) or not _is_number_column(col):
        return False
    span = _value_range(col)
    return span is not None and span[0] >= 1800 and span[1] <= 2200 and float(span[0]).is_integer()


def _year_and_month(
    cues: Cues, col: ColumnProfile, is_int: bool, df: pd.DataFrame | None
) -> Iterator[FilterCandidate]:
    years = _years(cues)
    month = _month(cues)
    out: list[RequestFilter] = []
    anchors: set[int] = set()
    facts: list[str] = []
    if years:
        op, year, at = years
        anchors.add(at)
        facts.append(f"year_{op}")
        if is_int:
            out.append(_filter(col.name, op, year))
        elif op == "eq" and month is None:
            out += [
                _filter(col.name, "ge", f"{year}-01-01"),
                _filter(col.name, "le", f"{year}-12-31 23:59:59"),
            ]
        elif op in ("ge", "gt"):
            out.append(_filter(col.name, "ge", f"{year + (op == 'gt')}-01-01"))
        elif op in ("lt", "le"):
            out.append(_filter(col.name, "le", f"{year - (op == 'lt')}-12-31 23:59:59"))
    if month is not None and not is_int and df is not None:
        number, at = month
        in_year = years[1] if years else _single_year(df[col.name])
        if in_year is not None:
            last = pd.Timestamp(year=in_year, month=number, day=1) + pd.offsets.MonthEnd(0)
            out = [
                _filter(col.name, "ge", f"{in_year}-{number:02d}-01"),
                _filter(col.name, "le", f"{last.date()} 23:59:59"),
            ]
            anchors.add(at)
            facts.append("month")
    if out:
        start, end = min(anchors), max(anchors) + 1
        pins = load_lexicon().words.period_pins
        start = start - 1 if start > 0 and cues.toks[start - 1].lemma in pins else start
        yield FilterCandidate(tuple(out), start, end, "period", tuple(facts), frozenset(anchors))


def _year_span(cues: Cues) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A run of whole years: "1990 through 1999", "1990-1999", "the 1990s" (a decade), with
    the tokens of its first and last year."""
    toks = cues.toks
    words = load_lexicon().words
    years = [i for i, t in enumerate(toks) if _looks_like_year(t.text)]
    for i in years:
        if i + 1 < len(toks) and toks[i + 1].text == "s" and toks[i].text.endswith("0"):
            return (int(toks[i].text), int(toks[i].text) + 9), (i, i + 1)
        dash = cues.text[toks[i].end : toks[i + 1].start].strip() if i + 1 < len(toks) else ""
        if i + 1 in years and dash in ("-", "–") and int(toks[i + 1].text) > int(toks[i].text):
            return (int(toks[i].text), int(toks[i + 1].text)), (i, i + 1)
        j = i + 2
        if j in years and toks[i + 1].lemma in words.span and int(toks[j].text) > int(toks[i].text):
            before = toks[i - 1].lemma if i > 0 else ""
            if before not in words.range_openers or toks[i + 1].lemma != "to":
                return (int(toks[i].text), int(toks[j].text)), (i, j)
    return None


def _month_at(cues: Cues, i: int) -> int | None:
    """The month token i names (a name, or a capitalised abbreviation), or None."""
    if i >= len(cues.toks):
        return None
    t = cues.toks[i]
    lex = load_lexicon()
    if t.lemma in lex.months and t.lemma != "may":
        return lex.months.index(t.lemma) + 1
    if t.lemma in lex.month_numbers and t.orig[:1].isupper():
        return lex.month_numbers[t.lemma]
    return None


def _date_span(
    cues: Cues, dates: pd.Series | None
) -> tuple[tuple[str, str], tuple[int, int]] | None:
    """Days or months from one to another, in the data's one year (or a year named):
    "Dec 18 to 24", "December 18 - December 24", "June through August". Dates as ISO text,
    with the span's first and last token."""
    if dates is None:
        return None
    toks = cues.toks
    year = _years(cues)
    in_year = year[1] if year else _single_year(dates)
    if in_year is None:
        return None
    span_words = load_lexicon().words.span | {"and"}
    for i in range(len(toks)):
        m1 = _month_at(cues, i)
        if m1 is None:
            continue
        day1 = int(toks[i + 1].text) if i + 1 < len(toks) and toks[i + 1].text.isdigit() else None
        j = i + (2 if day1 is not None else 1)
        if j >= len(toks) or toks[j].lemma not in span_words:
            continue
        m2 = _month_at(cues, j + 1)
        k = j + 2 if m2 is not None else j + 1
        day2 = int(toks[k].text) if k < len(toks) and toks[k].text.isdigit() else None
        try:
            if day1 is not None and day2 is not None and 1 <= day1 <= 31 and 1 <= day2 <= 31:
                start = pd.Timestamp(year=in_year, month=m1, day=day1)
                end = pd.Timestamp(year=in_year, month=m2 or m1, day=day2)
                last = k
            elif day1 is None and m2 is not None and m2 >= m1:
                start = pd.Timestamp(year=in_year, month=m1, day=1)
                end = pd.Timestamp(year=in_year, month=m2, day=1) + pd.offsets.MonthEnd(0)
                last = j + 1
            else:
                continue
        except ValueError:
            continue
        if end >= start:
            return (str(start.date()), str(end.date())), (i, last)
    return None


def _years(cues: Cues) -> tuple[str, int, int] | None:
    """The one year the question keeps ('in 2007', '2007 only', 'since 2007', 'before 2007'):
    its comparison, the year and its token."""
    toks = cues.toks
    words = load_lexicon().words
    for i, t in enumerate(toks):
        if not (t.text.isdigit() and len(t.text) == 4 and t.text[:2] in ("18", "19", "20")):
            continue
        prev = toks[i - 1].lemma if i > 0 else ""
        if prev in words.year_from or (
            i + 1 < len(toks) and toks[i + 1].lemma in words.year_onward
        ):
            return ("ge", int(t.text), i)
        if prev in words.year_until:
            return ("lt", int(t.text), i)
        if prev in words.period_pins or (
            i + 1 < len(toks) and toks[i + 1].lemma in words.period_alone
        ):
            return ("eq", int(t.text), i)
    return None


def _month(cues: Cues) -> tuple[int, int] | None:
    """The one month the question keeps ('in July', 'July only', 'June 2020'), with its token."""
    lex = load_lexicon()
    words = lex.words
    for i, t in enumerate(cues.toks):
        word = t.lemma
        if word in lex.months:
            month = lex.months.index(word) + 1
        elif word in lex.month_numbers and t.orig[:1].isupper():
            month = lex.month_numbers[word]
        else:
            continue
        prev = cues.toks[i - 1].lemma if i > 0 else ""
        nxt = cues.toks[i + 1].lemma if i + 1 < len(cues.toks) else ""
        if word == "may" and not (prev in words.may_month or nxt.isdigit()):
            continue  # the verb
        if prev in words.period_pins or nxt in words.period_alone or nxt.isdigit():
            return month, i
    return None


def _single_year(s: pd.Series) -> int | None:
    dates = pd.to_datetime(s, errors="coerce") if not pd.api.types.is_datetime64_any_dtype(s) else s
    years = dates.dropna().dt.year.unique()
    return int(years[0]) if len(years) == 1 else None


def _filter(column: str, op: str, value: object) -> RequestFilter:
    return RequestFilter.model_validate({"column": column, "op": op, "value": value})


def _num_or_text(text: str) -> float | int | str:
    try:
        return _number(text) if _NUMBER.match(text) else text
    except ValueError:
        return text
