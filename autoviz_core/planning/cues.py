"""Evidence read from a question, deterministically: column and value mentions with their spans,
lexicon phrases outside those mentions, filters, sort, top-N and time grain.

Nothing here chooses the request: `planning/request.py` generates candidate requests and scores
them with fitted weights against this evidence. The few single-valued fields (`agg`, `chart`,
`group_hint` ...) are summaries kept for provenance, follow-ups and the hybrid prompt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from autoviz_core.contracts import AnalysisRequest, RequestFilter
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.planning.filters import ScoredFilter, described_column, read_filters
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


@dataclass(frozen=True)
class Evidence:
    """One thing the question says, as a record: what it is, the tokens that say it, how
    strongly (0..1), and what produced it (the way a name matched, the lexicon, or the filter
    reader, whose strength is the fitted filter model's probability)."""

    kind: str  # column | value | phrase | filter
    what: str
    span: tuple[int, int]
    strength: float
    source: str


@dataclass(frozen=True)
class Cues:
    """Everything the question says, with positions, read without a model. Immutable: the
    reader builds it step by step (each step a new value); every later stage only reads it.
    Each piece of evidence keeps its token span and strength (`evidence()` lists them)."""

    question: str
    text: str = ""
    toks: tuple[Token, ...] = ()
    all_mentions: tuple[Mention, ...] = ()
    mentions: tuple[Mention, ...] = ()
    values: tuple[ValueMention, ...] = ()
    hits: tuple[PhraseHit, ...] = ()
    filters: tuple[RequestFilter, ...] = ()
    filter_columns: frozenset[str] = frozenset()
    filter_readings: tuple[ScoredFilter, ...] = ()  # every candidate filter
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
    intent_words: Mapping[str, int] = field(default_factory=dict)
    # a follow-up's previous chart: its x and y columns, which a comparison naming no column
    # ("just 3 or more") may compare
    on_chart: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        """Mentioned columns, first mention order, no repeats."""
        return list(dict.fromkeys(m.column for m in self.mentions))

    def evidence(self) -> tuple[Evidence, ...]:
        """Every piece of evidence in token order: column and value mentions, lexicon phrases
        and the filters kept."""
        found = [
            *(
                Evidence("column", m.column, (m.start, m.end), m.score, m.kind)
                for m in self.mentions
            ),
            *(
                Evidence("value", f"{v.column} = {v.value}", (v.start, v.end), v.score, v.kind)
                for v in self.values
            ),
            *(
                Evidence("phrase", f"{h.kind}: {h.label}", (h.start, h.end), 1.0, "lexicon")
                for h in self.hits
            ),
            *(
                Evidence(
                    "filter",
                    s.candidate.words(self.toks),
                    (s.candidate.start, s.candidate.end),
                    round(s.probability, 4),
                    f"{s.candidate.source} reader",
                )
                for s in self.filter_readings
                if s.kept
            ),
        ]
        return tuple(sorted(found, key=lambda e: (e.span, e.kind)))

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
    previous: AnalysisRequest | None = None,
) -> Cues:
    """Read every deterministic cue from the question; `extra_mentions` name columns the
    table did not have (derived measures, planning/derive.py) by the words that ask for them;
    a follow-up reads the x and y of the `previous` chart, which a bare comparison may compare."""
    lex = load_lexicon()
    text = normalise_question(question)
    toks = tuple(tokenize(text))
    all_mentions, mentions = question_mentions(toks, profile, extra_mentions)
    quoted = {q.lower() for q in re.findall(r"['\"]([^'\"]{1,60})['\"]", question)}
    values = find_values(toks, build_value_index(profile, df, lex), lex, quoted, text)
    mentions = _yield_to_coordinated_values(mentions, values, toks)
    taken = {i for m in mentions for i in range(m.start, m.end)}
    values = _assign_values(values, taken)
    taken |= {i for v in values for i in range(v.start, v.end)}
    compass = direction_mentions(toks, taken, profile, lex)
    taken |= {m.start for m in compass}
    cues = Cues(
        question=question,
        text=text.lower(),
        toks=toks,
        all_mentions=tuple(all_mentions),
        mentions=(*mentions, *compass),
        values=tuple(values),
        hits=tuple(lex.find(toks, skip=taken)),
        on_chart=(previous.x or "", previous.y or "") if previous is not None else (),
    )
    cues = replace(cues, mentions=(*cues.mentions, *_period_mentions(cues, profile)))
    cues = replace(cues, mentions=(*cues.mentions, *_superlative_mentions(cues, profile)))
    cues = replace(cues, mentions=tuple(sorted(cues.mentions, key=lambda m: m.start)))
    cues = _summaries(cues, profile, lex)
    found = read_filters(cues, profile, df, lex)
    cues = replace(
        cues,
        filters=tuple(found.filters),
        filter_columns=frozenset(found.columns),
        filter_readings=tuple(found.scored),
        values=tuple(found.values),
    )
    cues = _every_value_compared(cues, profile)
    if cues.group_hint is None:
        cues = replace(cues, group_hint=_compared_values_column(cues))
    return cues


def coordinate_columns(profile: SchemaProfile, lex: Lexicon) -> dict[str, str]:
    """The latitude and longitude columns: numeric, named so, values within the axis' range
    (an axis with two candidates names none)."""
    found: dict[str, list[str]] = {}
    for c in profile.columns:
        axes = {lex.coordinate_names[w] for w in column_tokens(c.name) if w in lex.coordinate_names}
        if not c.in_group("numeric") or len(axes) != 1:
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


def _every_value_compared(cues: Cues, profile: SchemaProfile) -> Cues:
    """A list of every value a column has ("buyers than sellers", when those are all) keeps no
    row out: the values are compared, so the column groups instead of filtering."""
    filters, columns, group = list(cues.filters), set(cues.filter_columns), cues.group_hint
    for f in list(filters):
        col = profile.column(f.column)
        if f.op == "in" and col is not None and len(set(map(str, f.value))) >= col.cardinality:
            filters.remove(f)
            columns.discard(f.column)
            group = group or f.column
    return replace(
        cues, filters=tuple(filters), filter_columns=frozenset(columns), group_hint=group
    )


def _compared_values_column(cues: Cues) -> str | None:
    """'lunch versus dinner': the column whose values are compared (not filtered) groups."""
    filtered = {f.column for f in cues.filters}
    for v in cues.values:
        distinct = {o.value for o in cues.values if o.column == v.column}
        if len(distinct) >= 2 and v.column not in filtered:
            return v.column
    return None


DESCRIBED = "described"  # a mention made by an adjective that names its measure


def _superlative_mentions(cues: Cues, profile: SchemaProfile) -> list[Mention]:
    """A superlative that names its measure ("the heaviest parcels": weight) mentions that
    column, when the question names no other measure: the rows are ranked by it."""
    numeric = set(profile.names("numeric"))
    if any(m.column in numeric for m in cues.mentions):
        return []
    out = []
    for h in cues.hits:
        if h.kind != "superlative":
            continue
        col = described_column(cues.toks[h.start].lemma, profile, numeric)
        if col is not None:
            out.append(Mention(col, h.start, h.end, 0.8, DESCRIBED, 1.0))
    return out[:1]


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
        modifier = nxt in lex.words.quantity_nouns or nxt.isdigit() or before_column
        verb_first = i == 0 and nxt in lex.words.verb_objects
        if m.kind != "exact" or modifier or (verb_first and prev == ""):
            out.add(i)
    return out


def _yield_to_coordinated_values(
    mentions: Sequence[Mention], values: Sequence[ValueMention], toks: Sequence[Token]
) -> list[Mention]:
    """A word that is a value of a column written exactly, or coordinated with another value of
    the same column ("Clinton and Dole voters"), is that value, not a partial mention of a
    column whose name starts with it (DoleLR)."""
    out = []
    for m in mentions:
        here = [v for v in values if (v.start, v.end) == (m.start, m.end)]
        partial = m.coverage < 0.999
        if partial and any(_coordinated(v, values, toks) or v.kind == "exact" for v in here):
            continue  # "Dole voters": the value Dole, not part of the column DoleLR
        if any(_within_longer_value(m, v) for v in values):
            continue  # "Hill Town": the value, not the column "city" named by "town"
        out.append(m)
    return out


def _within_longer_value(m: Mention, v: ValueMention) -> bool:
    """A mention inside a longer value written exactly (a value of several words)."""
    longer = (v.end - v.start) > (m.end - m.start)
    return v.kind == "exact" and longer and v.start <= m.start and m.end <= v.end


def _coordinated(v: ValueMention, values: Sequence[ValueMention], toks: Sequence[Token]) -> bool:
    coordinators = load_lexicon().words.coordinators
    for w in values:
        if w.column != v.column or w.value == v.value:
            continue
        gap = toks[w.end : v.start] if w.end <= v.start else toks[v.end : w.start]
        if len(gap) == 1 and gap[0].lemma in coordinators:
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
def _summaries(cues: Cues, profile: SchemaProfile, lex: Lexicon) -> Cues:
    """The single-valued summaries, each read from the evidence and the summaries before it."""
    chart = next((h.label for h in cues.hits if h.kind == "chart" and h.label != "generic"), None)
    grain = next((h.label for h in cues.hits if h.kind == "grain"), None)
    has_temporal = bool(profile.names("temporal"))
    trend = has_temporal and (cues.has("cue", "trend") or grain is not None)
    cues = replace(cues, chart=chart, time_grain=grain, temporal=trend)
    limit, limit_dir = detect_limit(cues)
    cues = replace(cues, limit=limit)
    sort_dir, sort_span = detect_sort(cues)
    cues = replace(cues, sort_dir=sort_dir, sort_span=sort_span)
    if cues.sort_dir:
        sort_by, sort_column = sort_target(cues, lex)
        cues = replace(cues, sort_by=sort_by, sort_column=sort_column)
    if cues.limit and not cues.sort_dir:
        cues = replace(cues, sort_by="y", sort_dir=limit_dir)
    cues = replace(cues, superlative=_superlative(cues))
    agg, agg_target = _aggregation(cues)
    cues = replace(cues, agg=agg, agg_target=agg_target)
    x_hint, y_hint = axis_hints(cues)
    cues = replace(cues, x_hint=x_hint, y_hint=y_hint)
    cues = replace(cues, group_hint=group_hint(cues))
    counts = {
        label: sum(1 for h in cues.hits if h.kind == "intent" and h.label == label)
        for label in lex.raw.intents
    }
    return replace(cues, intent_words=counts)


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
    sort_by_verbs = load_lexicon().words.sort_by_verbs
    for v in verbs:
        if (
            v.end < len(lemmas)
            and lemmas[v.end] == "by"
            and cues.toks[v.start].lemma in sort_by_verbs
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
    if lemmas & lex.words.sort_by_x:
        return "x", column
    if lemmas & {"y"} or any(h.kind == "agg" for h in in_clause):
        return "y", column
    return None, column


def _superlative(cues: Cues) -> str | None:
    """'high'/'low' when a which/what/who question asks for the extreme group."""
    wh_words = load_lexicon().words.wh_words
    asks = any(t.lemma in wh_words for t in cues.toks)
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
