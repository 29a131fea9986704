"""Evidence read from a question, deterministically: column and value mentions with their spans,
lexicon phrases outside those mentions, filters, sort, top-N and time grain.

Nothing here chooses the request: `planning/request.py` generates candidate requests and scores
them with fitted weights against this evidence. The few single-valued fields (`agg`, `chart`,
`group_hint` ...) are summaries kept for provenance, follow-ups and the hybrid prompt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from autoviz_core.contracts import RequestFilter
from autoviz_core.data.profiling import MAX_GROUPS, ColumnProfile, SchemaProfile
from autoviz_core.planning.lexicon import GRAIN_LABELS, Lexicon, PhraseHit, load_lexicon
from autoviz_core.planning.mentions import (
    Mention,
    ValueMention,
    assign_mentions,
    build_value_index,
    find_mentions,
    find_values,
)
from autoviz_core.planning.text import Token, column_tokens, normalise_question, tokenize

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}


@dataclass
class Cues:
    """Everything the question says, with positions, read without a model."""

    question: str
    text: str = ""
    toks: list[Token] = field(default_factory=list)
    all_mentions: list[Mention] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    values: list[ValueMention] = field(default_factory=list)
    hits: list[PhraseHit] = field(default_factory=list)
    filters: list[RequestFilter] = field(default_factory=list)
    filter_columns: set[str] = field(default_factory=set)
    agg: str | None = None
    agg_target: str | None = None
    chart: str | None = None
    time_grain: str | None = None
    temporal: bool = False
    sort_by: str | None = None
    sort_dir: str | None = None
    sort_column: str | None = None
    sort_span: tuple[int, int] = (-1, -1)
    limit: int = 0
    superlative: str | None = None  # "high" / "low" when the question asks which is highest/lowest
    x_hint: str | None = None
    y_hint: str | None = None
    group_hint: str | None = None
    intent_words: dict[str, int] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Mentioned columns, first mention order, no repeats."""
        return list(dict.fromkeys(m.column for m in self.mentions))

    def has(self, kind: str, label: str | None = None) -> bool:
        return any(h.kind == kind and (label is None or h.label == label) for h in self.hits)

    def hits_before(self, index: int, kind: str, window: int = 2) -> list[PhraseHit]:
        """Hits of `kind` ending at most `window` non-stop words before token `index`."""
        return [h for h in self.hits if h.kind == kind and 0 <= index - h.end <= window]


# ------------------------------------------------------------------ main entry
def question_mentions(
    toks: Sequence[Token], profile: SchemaProfile, extra: Sequence[Mention] = ()
) -> tuple[list[Mention], list[Mention]]:
    """Every column mention of the question's tokens (with `extra` ones), and the one reading
    without overlaps that keeps keywords for their own sense."""
    lex = load_lexicon()
    found = find_mentions(toks, profile, lex) + list(extra)
    return found, assign_mentions(found, _keyword_positions(toks, found, lex))


def extract_cues(
    question: str,
    profile: SchemaProfile,
    df: pd.DataFrame | None = None,
    *,
    extra_mentions: Sequence[Mention] = (),
) -> Cues:
    """Read every deterministic cue from the question; `extra_mentions` name columns the
    table did not have (derived measures, planning/derive.py) by the words that ask for them."""
    lex = load_lexicon()
    text = normalise_question(question)
    toks = tokenize(text)
    cues = Cues(question=question, text=text.lower(), toks=toks)
    cues.all_mentions, cues.mentions = question_mentions(toks, profile, extra_mentions)
    quoted = {q.lower() for q in re.findall(r"['\"]([^'\"]{1,60})['\"]", question)}
    values = find_values(toks, build_value_index(profile, df, lex), lex, quoted, text)
    cues.mentions = _yield_to_coordinated_values(cues.mentions, values, toks)
    taken = {i for m in cues.mentions for i in range(m.start, m.end)}
    cues.values = _assign_values(values, taken)
    taken |= {i for v in cues.values for i in range(v.start, v.end)}
    compass = direction_mentions(toks, taken, profile, lex)
    cues.mentions += compass
    taken |= {m.start for m in compass}
    cues.hits = lex.find(toks, skip=taken)
    cues.mentions += _period_mentions(cues, profile)
    cues.mentions.sort(key=lambda m: m.start)
    _summaries(cues, profile, lex)
    cues.filters, cues.filter_columns = detect_filters(cues, profile, df, lex)
    _every_value_compared(cues, profile)
    if cues.group_hint is None:
        cues.group_hint = _compared_values_column(cues)
    return cues


def coordinate_columns(profile: SchemaProfile, lex: Lexicon) -> dict[str, str]:
    """The latitude and longitude columns: numeric, named so, values within the axis' range
    (an axis with two candidates names none)."""
    found: dict[str, list[str]] = {}
    for c in profile.columns:
        axes = {lex.coordinate_names[w] for w in column_tokens(c.name) if w in lex.coordinate_names}
        if c.role != "numeric" or len(axes) != 1:
            continue
        axis = axes.pop()
        limit = 90.0 if axis == "latitude" else 180.0
        low, high = c.min, c.max
        if not (isinstance(low, (int, float)) and isinstance(high, (int, float))):
            continue
        if -limit <= low and high <= limit:
            found.setdefault(axis, []).append(c.name)
    return {axis: cols[0] for axis, cols in found.items() if len(cols) == 1}


def direction_mentions(
    toks: Sequence[Token], taken: set[int], profile: SchemaProfile, lex: Lexicon
) -> list[Mention]:
    """'the southern stations' name the latitude column, 'west' the longitude (words no
    column holds as a value, which were read first)."""
    coords = coordinate_columns(profile, lex) if lex.directions else {}
    out = []
    for i, t in enumerate(toks):
        axis = lex.directions.get(t.lemma)
        if axis in coords and i not in taken:
            out.append(Mention(coords[axis], i, i + 1, 0.9, "synonym", 1.0))
    return out


def _every_value_compared(cues: Cues, profile: SchemaProfile) -> None:
    """A list of every value a column has ("buyers than sellers", when those are all) keeps no
    row out: the values are compared, so the column groups instead of filtering."""
    for f in list(cues.filters):
        col = profile.column(f.column)
        if f.op == "in" and col is not None and len(set(map(str, f.value))) >= col.cardinality:
            cues.filters.remove(f)
            cues.filter_columns.discard(f.column)
            cues.group_hint = cues.group_hint or f.column


def _compared_values_column(cues: Cues) -> str | None:
    """'lunch versus dinner': the column whose values are compared (not filtered) groups."""
    filtered = {f.column for f in cues.filters}
    for v in cues.values:
        distinct = {o.value for o in cues.values if o.column == v.column}
        if len(distinct) >= 2 and v.column not in filtered:
            return v.column
    return None


def _period_mentions(cues: Cues, profile: SchemaProfile) -> list[Mention]:
    """'top 5 days', 'monthly', 'per year' name the table's date column when no column is named."""
    temporal = profile.names("temporal")
    if not temporal or any(m.column in temporal for m in cues.mentions):
        return []
    hit = next((h for h in cues.hits if h.kind == "grain" and h.label in GRAIN_LABELS), None)
    if hit is None:
        return []
    return [Mention(temporal[0], hit.start, hit.end, 0.6, "period", 0.6)]


def _keyword_positions(
    toks: Sequence[Token], mentions: Sequence[Mention], lex: Lexicon
) -> set[int]:
    """Tokens that read as a keyword even though a column has that name.

    A column mention consumes its words ("each rank", "the total"), except where the word is
    used as a keyword: "total number of", "rank the days", "top 5", or a one-word column
    matched only by a prefix of a keyword ("highest" is not the column "high").
    """
    out: set[int] = set()
    lemmas = [t.lemma for t in toks]
    for m in mentions:
        if m.end - m.start != 1:
            continue
        i = m.start
        word = lemmas[i]
        if word not in lex.keywords and not any(
            h.start == 0 for h in lex.table.find(lemmas[i : i + 3])
        ):
            continue
        nxt = lemmas[i + 1] if i + 1 < len(lemmas) else ""
        prev = lemmas[i - 1] if i > 0 else ""
        before_column = any(o.start == i + 1 and o.score >= 0.5 for o in mentions)
        # "total number of", "top 5", "total qty": the word modifies what follows; "frequency of
        # winds" names the column (the column's reading wins unless the word only modifies)
        modifier = nxt in ("number", "amount", "count") or nxt.isdigit() or before_column
        verb_first = i == 0 and nxt in ("the", "a", "all", "each", "every", "them", "by")
        if m.kind != "exact" or modifier or (verb_first and prev == ""):
            out.add(i)
    return out


COORDINATORS = frozenset(("and", "or", "vs", "versus", "than", "nor", "to"))


def _yield_to_coordinated_values(
    mentions: Sequence[Mention], values: Sequence[ValueMention], toks: Sequence[Token]
) -> list[Mention]:
    """A word that is a value of a column, coordinated with another value of the same column
    ("Clinton and Dole voters"), is that value, not a partial mention of a column whose name
    starts with it (DoleLR)."""
    out = []
    for m in mentions:
        here = [v for v in values if (v.start, v.end) == (m.start, m.end)]
        partial = m.coverage < 0.999
        if partial and any(_coordinated(v, values, toks) for v in here):
            continue
        out.append(m)
    return out


def _coordinated(v: ValueMention, values: Sequence[ValueMention], toks: Sequence[Token]) -> bool:
    for w in values:
        if w.column != v.column or w.value == v.value:
            continue
        gap = toks[w.end : v.start] if w.end <= v.start else toks[v.end : w.start]
        if len(gap) == 1 and gap[0].lemma in COORDINATORS:
            return True
    return False


def _assign_values(values: Sequence[ValueMention], taken: set[int]) -> list[ValueMention]:
    """Values outside column mentions; a longer value wins over one inside it."""
    ranked = sorted(values, key=lambda v: (-(v.end - v.start), v.start, v.kind != "exact"))
    used = set(taken)
    out: list[ValueMention] = []
    for v in ranked:
        span = set(range(v.start, v.end))
        if span & taken:
            continue
        if span & used and not any(o.start == v.start and o.end == v.end for o in out):
            continue
        out.append(v)
        used |= span
    return sorted(out, key=lambda v: (v.start, v.column))


# ------------------------------------------------------------------ summaries
def _summaries(cues: Cues, profile: SchemaProfile, lex: Lexicon) -> None:
    cues.chart = next(
        (h.label for h in cues.hits if h.kind == "chart" and h.label != "generic"), None
    )
    cues.time_grain = next((h.label for h in cues.hits if h.kind == "grain"), None)
    has_temporal = bool(profile.names("temporal"))
    cues.temporal = has_temporal and (cues.has("cue", "trend") or cues.time_grain is not None)
    cues.limit, limit_dir = detect_limit(cues)
    cues.sort_dir, cues.sort_span = detect_sort(cues)
    if cues.sort_dir:
        cues.sort_by, cues.sort_column = sort_target(cues, lex)
    if cues.limit and not cues.sort_dir:
        cues.sort_by, cues.sort_dir = "y", limit_dir
    cues.superlative = _superlative(cues)
    cues.agg, cues.agg_target = _aggregation(cues)
    cues.x_hint, cues.y_hint = axis_hints(cues)
    cues.group_hint = group_hint(cues)
    cues.intent_words = {
        label: sum(1 for h in cues.hits if h.kind == "intent" and h.label == label)
        for label in lex.raw.intents
    }


def detect_limit(cues: Cues) -> tuple[int, str | None]:
    """'top 5', 'first ten', '3 highest', 'bottom 2': (N, direction) or (0, None)."""
    toks = cues.toks
    for h in cues.hits:
        if h.kind == "sort" and h.label in ("top", "bottom") and h.end < len(toks):
            nxt = toks[h.end].text
            if nxt.isdigit() and 0 < int(nxt) <= 1000:
                return int(nxt), "desc" if h.label == "top" else "asc"
    for i, t in enumerate(toks[:-1]):
        if t.text.isdigit() and 0 < int(t.text) <= 1000:
            after = [h for h in cues.hits if h.kind == "superlative" and h.start == i + 1]
            if after:
                return int(t.text), "desc" if after[0].label == "high" else "asc"
    return 0, None


def detect_sort(cues: Cues) -> tuple[str | None, tuple[int, int]]:
    """Direction of an explicit sort and the span of its clause (verb to direction word)."""
    dirs = [h for h in cues.hits if h.kind == "sort" and h.label in ("asc", "desc")]
    verbs = [h for h in cues.hits if h.kind == "sort" and h.label == "verbs"]
    if dirs:
        d = dirs[0]
        before = [v for v in verbs if v.start <= d.start and d.start - v.start <= 12]
        start = before[-1].start if before else max(0, d.start - 6)
        end = _clause_end(cues, d.end)
        return ("asc" if d.label == "asc" else "desc"), (start, end)
    lemmas = [t.lemma for t in cues.toks]
    for v in verbs:
        if (
            v.end < len(lemmas)
            and lemmas[v.end] == "by"
            and cues.toks[v.start].lemma
            in (
                "sort",
                "sorted",
                "order",
                "ordered",
                "rank",
                "ranked",
                "arrange",
                "arranged",
            )
        ):
            return "asc", (v.start, _clause_end(cues, v.end + 1))
    return None, (-1, -1)


def _clause_end(cues: Cues, index: int) -> int:
    """The token index where the clause containing `index` ends (punctuation or the end)."""
    end_char = len(cues.text)
    for ch in (",", "?", ".", ";"):
        pos = cues.text.find(ch, cues.toks[index - 1].end if index > 0 else 0)
        if pos >= 0:
            end_char = min(end_char, pos)
    return sum(1 for t in cues.toks if t.start < end_char)


def sort_target(cues: Cues, lex: Lexicon) -> tuple[str | None, str | None]:
    """('x'|'y'|None, column named in the sort clause): what the sort is by."""
    start, end = cues.sort_span
    in_clause = [h for h in cues.hits if start <= h.start < end]
    column = next((m.column for m in cues.mentions if start <= m.start < end), None)
    axis = [h.label for h in in_clause if h.kind == "axis"]
    if axis:
        return axis[0], column
    lemmas = {t.lemma for t in cues.toks[start:end]}
    if lemmas & {"x", "bar", "alphabetical", "alphabetically", "name", "label"}:
        return "x", column
    if lemmas & {"y"} or any(h.kind == "agg" for h in in_clause):
        return "y", column
    return None, column


def _superlative(cues: Cues) -> str | None:
    """'high'/'low' when a which/what/who question asks for the extreme group."""
    asks = any(t.lemma in ("which", "what", "who", "whose", "where", "when") for t in cues.toks)
    sup = [h for h in cues.hits if h.kind == "superlative" and h.start < len(cues.toks)]
    if asks and sup:
        return sup[0].label
    return None


def _aggregation(cues: Cues) -> tuple[str | None, str | None]:
    """The first aggregation word and the column right after it (within three words)."""
    start, end = cues.sort_span
    for h in cues.hits:
        if h.kind != "agg" or start <= h.start < end:
            continue
        target = next(
            (m.column for m in cues.mentions if 0 <= m.start - h.end <= 3),
            None,
        )
        return h.label, target
    return None, None


def axis_hints(cues: Cues) -> tuple[str | None, str | None]:
    """Columns named as the x or y axis ("x axis name", "price on the y axis")."""
    x = y = None
    for m in cues.mentions:
        for h in cues.hits:
            if h.kind != "axis":
                continue
            before = 0 <= m.start - h.end <= 2
            after = 0 <= h.start - m.end <= 1 and h.label in ("x", "y")
            if before or after:
                if h.label == "x" and x is None and m.column != y:
                    x = m.column
                elif h.label == "y" and y is None and m.column != x:
                    y = m.column
    return x, y


def group_hint(cues: Cues) -> str | None:
    """The first column right after a grouping word ('per region', 'for each day')."""
    start, end = cues.sort_span
    for m in cues.mentions:
        if start <= m.start < end:
            continue
        if cues.hits_before(m.start, "group", window=1):
            return m.column
    return None


# ------------------------------------------------------------------ filters
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)*$")


def _number(text: str) -> float | int:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value


def detect_filters(
    cues: Cues, profile: SchemaProfile, df: pd.DataFrame | None, lex: Lexicon
) -> tuple[list[RequestFilter], set[str]]:
    """Filters from comparisons, ranges, negations, named values, years and months.

    Returns the filters and the columns they consume (named only to filter, not to plot).
    """
    filters: list[RequestFilter] = []
    consumed: set[str] = set()
    filters += _comparison_filters(cues, profile, consumed)
    filters += _counted_filters(cues, profile, consumed)
    filters += _equality_filters(cues, profile, consumed)
    filters += _text_filters(cues, consumed)
    filters += _value_filters(cues, consumed)
    filters += _boolean_state_filters(cues, profile, df, consumed)
    filters += _period_filters(cues, profile, df, consumed)
    return filters, consumed


def _numeric_columns(profile: SchemaProfile) -> set[str]:
    return set(profile.names("numeric", "identifier", "temporal"))


def _nearest_mention(
    cues: Cues, index: int, pool: set[str], *, after: bool = True, window: int = 5
) -> str | None:
    """The mentioned column (of `pool`) closest before token `index`, else right after it."""
    before = [
        m for m in cues.mentions if m.column in pool and m.end <= index and index - m.end <= window
    ]
    if before:
        return before[-1].column
    if after:
        later = [
            m
            for m in cues.mentions
            if m.column in pool and m.start >= index and m.start - index <= 3
        ]
        if later:
            return later[0].column
    return None


def _comparison_filters(
    cues: Cues, profile: SchemaProfile, consumed: set[str]
) -> list[RequestFilter]:
    numeric = _numeric_columns(profile)
    out: list[RequestFilter] = []
    toks = cues.toks
    ops = [
        h
        for h in cues.hits
        if h.kind == "filter" and h.label in ("gt", "ge", "lt", "le", "between", "ne")
    ]
    for h in ops:
        nums = [i for i in range(h.end, min(h.end + 2, len(toks))) if _NUMBER.match(toks[i].text)]
        if not nums:
            continue
        i = nums[0]
        if h.label == "between":
            j = i + 2 if i + 2 < len(toks) and toks[i + 1].lemma in ("and", "to") else -1
            if j < 0 or not _NUMBER.match(toks[j].text):
                continue
            lo, hi = sorted([_number(toks[i].text), _number(toks[j].text)])
            col = column_for_values(_nearest_mention(cues, h.start, numeric), [lo, hi], profile)
            if col:
                out += [_filter(col, "ge", lo), _filter(col, "le", hi)]
                consumed.add(col)
            continue
        op = h.label
        after_num = toks[i + 1].lemma if i + 1 < len(toks) else ""
        then = toks[i + 2].lemma if i + 2 < len(toks) else ""
        number_follows = i + 3 < len(toks) and bool(_NUMBER.match(toks[i + 3].text))
        if after_num in ("or", "and") and not number_follows:  # "50 or more", not "50 or below 46"
            if then in ("more", "above", "over", "greater", "higher"):
                op = "ge"
            elif then in ("less", "fewer", "below", "under", "lower"):
                op = "le"
        col = _comparison_column(cues, h, i, numeric, profile)
        col = column_for_values(col, [_number(toks[i].text)], profile)
        if col and not any(f.column == col and f.op == op for f in out):
            out.append(_filter(col, op, _number(toks[i].text)))
            consumed.add(col)
    return out


def _value_range(column: ColumnProfile) -> tuple[float, float] | None:
    """A column's smallest and largest value as numbers (a date column's as years)."""
    low, high = column.min, column.max
    try:
        if column.role == "temporal" and isinstance(low, str) and isinstance(high, str):
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
    outside the named column's range ("years
    the flow exceeded 1000", when the years run 1871-1970) belongs to the one number column
    whose range holds it. Otherwise the named column stands."""
    years = all(_looks_like_year(str(v)) for v in values)
    temporal = [c for c in profile.columns if c.role == "temporal" and _spans(c, values)]
    chosen = profile.column(col) if col else None
    # two years bounding a range are a period even when the measure could hold them
    period = len(values) == 2 or chosen is None or not _spans(chosen, values)
    if years and period and len(temporal) == 1 and (chosen is None or chosen.role != "temporal"):
        return temporal[0].name
    if chosen is None or _spans(chosen, values) or _value_range(chosen) is None:
        return col
    fitting = [c for c in profile.columns if c.role == "numeric" and _spans(c, values)]
    return fitting[0].name if len(fitting) == 1 else col


def _comparison_column(
    cues: Cues, hit: PhraseHit, num_index: int, numeric: set[str], profile: SchemaProfile
) -> str | None:
    """The column a comparison applies to: named right after the number, else right before the
    comparison (even weakly: "price greater than 700" for price_in_dollars), else nearest."""
    after = [m for m in cues.mentions if m.column in numeric and 0 <= m.start - num_index - 1 <= 1]
    if after:
        return after[0].column
    touching = [m for m in cues.all_mentions if m.column in numeric and 0 <= hit.start - m.end <= 1]
    if touching:
        return max(touching, key=lambda m: (m.score, -m.start)).column
    col = _nearest_mention(cues, hit.start, numeric, after=False)
    if col:
        return col
    word = cues.toks[hit.start].lemma
    described = _described_column(word, profile, numeric)
    if described:
        return described
    if word in ("after", "before", "since"):
        return next(iter(profile.names("temporal")), None)
    return None


def _described_column(word: str, profile: SchemaProfile, numeric: set[str]) -> str | None:
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


def _equality_filters(
    cues: Cues, profile: SchemaProfile, consumed: set[str]
) -> list[RequestFilter]:
    """'<column> in|of|is|= <number>' ("majored in 600", "rated 5"); negated -> 'ne'."""
    out: list[RequestFilter] = []
    toks = cues.toks
    for m in cues.mentions:
        col = profile.column(m.column)
        if col is None or col.role == "temporal" or m.column in consumed:
            continue
        if not col.dtype.lower().startswith(("int", "float", "uint")):
            continue  # "continent in 2007" is a period, not a continent
        i = m.end
        if i < len(toks) and toks[i].lemma in ("in", "of", "is", "=", "==", "equal", "equals"):
            i += 1
            if i < len(toks) and toks[i].lemma == "to":
                i += 1
        if i == m.end or i >= len(toks) or not _NUMBER.match(toks[i].text):
            continue
        if _looks_like_year(toks[i].text) and profile.names("temporal"):
            continue  # "temperature in 2022" is a period, read by _period_filters
        if any(o.start == i + 1 for o in cues.mentions):
            continue  # "weight of 8 cylinder cars": the number belongs to the next column
        if (
            i + 1 < len(toks)
            and toks[i + 1].lemma in ("or", "and")
            and i + 2 < len(toks)
            and toks[i + 2].lemma in ("more", "less", "above", "below")
        ):
            continue  # a comparison, read by _comparison_filters
        op = "ne" if _negated(cues, m.start) else "eq"
        out.append(_filter(m.column, op, _number(toks[i].text)))
        consumed.add(m.column)
    return out


def _looks_like_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100


def _counted_filters(cues: Cues, profile: SchemaProfile, consumed: set[str]) -> list[RequestFilter]:
    """'8 cylinder cars', '4 star hotels': a number right before a numeric column filters it."""
    out: list[RequestFilter] = []
    toks = cues.toks
    for m in cues.mentions:
        col = profile.column(m.column)
        if col is None or m.start == 0 or m.column in consumed or col.role == "temporal":
            continue
        if (
            not col.dtype.lower().startswith(("int", "float", "uint"))
            or col.cardinality > MAX_GROUPS
        ):
            continue
        prev = toks[m.start - 1].text
        before = toks[m.start - 2].lemma if m.start >= 2 else ""
        if (
            _NUMBER.match(prev)
            and not _looks_like_year(prev)
            and before not in ("top", "first", "bottom", "last")
        ):
            out.append(_filter(m.column, "eq", _number(prev)))
            consumed.add(m.column)
    return out


def _text_filters(cues: Cues, consumed: set[str]) -> list[RequestFilter]:
    """'contains X', 'starts with X' on the column named just before; X is no longer a value."""
    out: list[RequestFilter] = []
    used: set[int] = set()
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
            out.append(RequestFilter(column=col, op=h.label, value=value))  # type: ignore[arg-type]
            consumed.add(col)
            used.add(h.end)
    cues.values = [v for v in cues.values if not any(v.start <= i < v.end for i in used)]
    return out


def _negated(cues: Cues, start: int) -> bool:
    """A negation ('not', 'except', 'excluding', '!=') within four words before `start`."""
    return any(
        h.kind == "filter" and h.label == "ne" and 0 <= start - h.end <= 4 for h in cues.hits
    )


def _value_filters(cues: Cues, consumed: set[str]) -> list[RequestFilter]:
    """A named value filters its column; two values compared ('lunch vs dinner') group by it."""
    by_col: dict[str, list[ValueMention]] = {}
    for v in cues.values:
        by_col.setdefault(v.column, []).append(v)
    out: list[RequestFilter] = []
    compare = cues.has("intent", "comparative_analysis") and any(
        t.lemma in ("vs", "versus", "compared", "compare", "against", "and", "between")
        for t in cues.toks
    )
    for col, vals in by_col.items():
        distinct = list(dict.fromkeys(v.value for v in vals))
        negated = [v for v in vals if _negated(cues, v.start)]
        if negated:
            for v in negated:
                out.append(RequestFilter(column=col, op="ne", value=_num_or_text(v.value)))
            consumed.add(col)
            continue
        alternatives = any(t.lemma == "or" for t in cues.toks)
        if len(distinct) >= 2 and compare and not alternatives:
            continue  # the values are the groups to compare: the ranking groups by this column
        op = "in" if len(distinct) >= 2 else "eq"
        value: Any = distinct if op == "in" else _num_or_text(distinct[0])
        out.append(RequestFilter(column=col, op=op, value=value))  # type: ignore[arg-type]
        consumed.add(col)
    return out


def _boolean_state_filters(
    cues: Cues, profile: SchemaProfile, df: pd.DataFrame | None, consumed: set[str]
) -> list[RequestFilter]:
    """A yes/no column named as a state of the rows means 'where true': 'each dog that was
    abandoned', 'only for smokers', 'among smokers', 'smokers only'; 'non-smokers' means false."""
    out: list[RequestFilter] = []
    if df is None:
        return out
    both = _named_both_ways(cues)
    for m in cues.mentions:
        col = profile.column(m.column)
        if col is None or col.role != "boolean" or m.column in consumed | both:
            continue
        before = [t.lemma for t in cues.toks[max(0, m.start - 3) : m.start]]
        negated = bool(before) and before[-1] in NEGATIONS
        if negated:
            before = before[:-1]
        if not _named_as_state(cues, m.start, m.end, before):
            continue
        value = _state_value(df[m.column], truth=not negated)
        if value is not None:
            out.append(RequestFilter(column=m.column, op="eq", value=value))
            consumed.add(m.column)
    return out


NEGATIONS = ("non", "not", "no")


def _named_both_ways(cues: Cues) -> set[str]:
    """Columns named both plainly and negated ('smokers and non-smokers'): the two groups."""
    plain: set[str] = set()
    negated: set[str] = set()
    for m in cues.mentions:
        neg = m.start > 0 and cues.toks[m.start - 1].lemma in NEGATIONS
        (negated if neg else plain).add(m.column)
    return plain & negated


def _named_as_state(cues: Cues, start: int, end: int, before: list[str]) -> bool:
    """'that was X', 'only (for|among) Xs', 'among Xs', 'for Xs' (a plural), 'Xs only'."""
    after = cues.toks[end].lemma if end < len(cues.toks) else ""
    plural = cues.toks[end - 1].text != cues.toks[end - 1].lemma
    relative = (
        len(before) >= 2
        and before[-2] in ("that", "who", "which")
        and before[-1] in ("wa", "was", "were", "is", "are", "been")
    )
    only = after == "only" or (before[-1:] == ["only"]) or before[-2:-1] == ["only"]
    group = before[-1:] == ["among"] or (before[-1:] == ["for"] and plural)
    return relative or only or group


def _state_value(s: pd.Series, truth: bool) -> object | None:
    """The column's value that means yes (or no)."""
    words = ("1", "true", "yes", "y", "t") if truth else ("0", "false", "no", "n", "f")
    for v in s.dropna().unique():
        if str(v).lower() in words:
            return v.item() if hasattr(v, "item") else v
    return None


def _period_filters(
    cues: Cues, profile: SchemaProfile, df: pd.DataFrame | None, consumed: set[str]
) -> list[RequestFilter]:
    """'in 2007', '1855 only', 'since 1990', 'in July' on the table's date column."""
    temporal = [c for c in profile.columns if c.role == "temporal"]
    if not temporal:
        return []
    col = temporal[0]
    mentioned = [m.column for m in cues.mentions if m.column in {c.name for c in temporal}]
    if mentioned:
        col = profile.column(mentioned[0]) or col
    is_int = col.dtype.lower().startswith(("int", "float", "uint"))
    span = _year_span(cues)
    if span is not None and not any(f.column == col.name for f in cues.filters):
        consumed.add(col.name)  # "1990 through 1999", "the 1990s": every year of the span
        low, high = span
        if is_int:
            return [_filter(col.name, "ge", low), _filter(col.name, "le", high)]
        return [
            _filter(col.name, "ge", f"{low}-01-01"),
            _filter(col.name, "le", f"{high}-12-31 23:59:59"),
        ]
    years = _years(cues)
    month = _month(cues)
    out: list[RequestFilter] = []
    if years:
        op, year = years
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
        in_year = years[1] if years else _single_year(df[col.name])
        if in_year is not None:
            last = pd.Timestamp(year=in_year, month=month, day=1) + pd.offsets.MonthEnd(0)
            out = [f for f in out if f.column != col.name]
            out += [
                _filter(col.name, "ge", f"{in_year}-{month:02d}-01"),
                _filter(col.name, "le", f"{last.date()} 23:59:59"),
            ]
    if out:
        consumed.add(col.name)
    return out


SPAN_WORDS = frozenset(("through", "thru", "until", "till", "to"))


def _year_span(cues: Cues) -> tuple[int, int] | None:
    """A run of whole years: "1990 through 1999", "1990-1999", "the 1990s" (a decade)."""
    toks = cues.toks
    years = [i for i, t in enumerate(toks) if _looks_like_year(t.text)]
    for i in years:
        if i + 1 < len(toks) and toks[i + 1].text == "s" and toks[i].text.endswith("0"):
            return int(toks[i].text), int(toks[i].text) + 9
        dash = cues.text[toks[i].end : toks[i + 1].start].strip() if i + 1 < len(toks) else ""
        if i + 1 in years and dash in ("-", "–") and int(toks[i + 1].text) > int(toks[i].text):
            return int(toks[i].text), int(toks[i + 1].text)
        j = i + 2
        if j in years and toks[i + 1].lemma in SPAN_WORDS and int(toks[j].text) > int(toks[i].text):
            before = toks[i - 1].lemma if i > 0 else ""
            if before not in ("from", "between") or toks[i + 1].lemma != "to":
                return int(toks[i].text), int(toks[j].text)
    return None


def _years(cues: Cues) -> tuple[str, int] | None:
    toks = cues.toks
    for i, t in enumerate(toks):
        if not (t.text.isdigit() and len(t.text) == 4 and t.text[:2] in ("18", "19", "20")):
            continue
        prev = toks[i - 1].lemma if i > 0 else ""
        if prev in ("since", "after", "from") or (
            i + 1 < len(toks) and toks[i + 1].lemma in ("onward", "onwards")
        ):
            return ("ge", int(t.text))
        if prev in ("before", "until", "till"):
            return ("lt", int(t.text))
        if prev in ("in", "during", "for", "of", "year") or (
            i + 1 < len(toks) and toks[i + 1].lemma in ("only", "alone")
        ):
            return ("eq", int(t.text))
    return None


def _month(cues: Cues) -> int | None:
    for i, t in enumerate(cues.toks):
        word = t.lemma
        if word in MONTHS:
            month = MONTHS.index(word) + 1
        elif word in _MONTH_ABBR and t.orig[:1].isupper():
            month = _MONTH_ABBR[word]
        else:
            continue
        prev = cues.toks[i - 1].lemma if i > 0 else ""
        nxt = cues.toks[i + 1].lemma if i + 1 < len(cues.toks) else ""
        if word == "may" and not (prev in ("in", "of", "during") or nxt.isdigit()):
            continue  # the verb
        if prev in ("in", "during", "for", "of") or nxt in ("only", "alone") or nxt.isdigit():
            return month
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
