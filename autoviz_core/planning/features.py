"""Candidate requests for a question and the named features the ranking scores them by.

Features are generic facts about a (question, candidate) pair, never about a particular table:
"x is mentioned right after a grouping word", "y follows an averaging word", "the chart is a
pie and the question says 'proportion'". Their weights are fitted (scripts/fit_planner.py), so
this module decides what is looked at, not how much it counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

from autoviz_core.data.profiling import (
    MAX_GROUPS,
    ColumnProfile,
    SchemaProfile,
)
from autoviz_core.planning.cues import Cues
from autoviz_core.planning.lexicon import Lexicon, load_lexicon
from autoviz_core.planning.text import column_tokens
from autoviz_core.vocabulary import (
    AGGREGATIONS,
    CHART_KINDS,
    NUMBER_AGGREGATIONS,
    SEVERAL_MEASURE_CHART_KINDS,
)

MAX_POOL = 6  # columns per slot, strongest mentions first (keeps wide tables fast)
MAX_MEASURES = 4  # measures compared side by side in one chart


@dataclass(frozen=True)
class Candidate:
    """The core of a request: what is plotted, grouped and aggregated."""

    chart: str
    x: str | None
    y: str | None
    agg: str
    color: str | None = None
    more: tuple[str, ...] = ()  # more measures beside y, one series each ("A vs B vs C")

    def key(self) -> tuple[str, str, str, str, str, str]:
        return (
            self.chart,
            self.x or "",
            self.y or "",
            self.agg,
            self.color or "",
            ",".join(self.more),
        )


@dataclass
class ColumnEvidence:
    """What the question says about one column, and what the profile says it is."""

    name: str
    role: str
    cardinality: int
    numeric_like: bool
    temporal: bool
    groupable: bool
    name_like: bool
    count_like: bool
    additive: bool
    time_named: bool = False  # a number named like a period ("model_year", "hour")
    # the profile's column groups this column is in (data/profiling.py COLUMN_GROUPS)
    numeric: bool = False
    identifier: bool = False
    text: bool = False
    category: bool = False  # a category or a yes/no
    mention: float = 0.0
    shadow: float = 0.0
    fuzzy: bool = False
    synonym: bool = False
    via_period: bool = False  # named only by a period word ("top 5 days", "monthly")
    first_pos: int | None = None
    order: int | None = None
    group_before: bool = False
    series_before: bool = False
    agg_before: str | None = None
    sup_before: bool = False
    axis: str | None = None
    in_filter: bool = False
    filter_only: bool = False  # every mention lies inside the words of a kept filter
    pinned: bool = False  # filtered to one value: grouping by it would draw a single bar
    in_sort: bool = False
    values: int = 0
    values_grouped: bool = False
    fallback: str | None = None

    @property
    def mentioned(self) -> bool:
        return self.mention > 0 or self.values_grouped


@dataclass
class QuestionEvidence:
    """The question-level facts and the per-column evidence every candidate is scored on."""

    cues: Cues
    columns: dict[str, ColumnEvidence]
    words: set[str] = field(default_factory=set)  # "agg:mean", "chart:pie", "cue:trend", ...
    has_count_column: bool = False
    strong: list[str] = field(default_factory=list)  # clearly named, neither filter nor sort
    x_pool: list[str | None] = field(default_factory=list)
    y_pool: list[str | None] = field(default_factory=list)
    color_pool: list[str | None] = field(default_factory=list)
    measures: tuple[str, ...] = ()  # the numbers the question names together, in order
    parts: dict[str, frozenset[str]] = field(default_factory=dict)  # derived measure -> its columns
    counted: bool = False  # the measures are all of the table's, counted ("the 3 scores")


# ---------------------------------------------------------------- column facts
def _additive(col: ColumnProfile) -> bool:
    """Whether sums of this column mean something: decided once, in data/semantics.py."""
    return bool(col.additive)


def _column_evidence(col: ColumnProfile, lex: Lexicon) -> ColumnEvidence:
    words = set(column_tokens(col.name))
    return ColumnEvidence(
        name=col.name,
        role=col.role,
        cardinality=col.cardinality,
        numeric_like=col.in_group("numeric_like"),
        temporal=col.in_group("temporal"),
        groupable=col.in_group("asked_groups"),
        name_like=bool(words & lex.name_words) and col.in_group("names"),
        count_like=bool(words & lex.words.count_column_words) and col.in_group("numeric"),
        additive=_additive(col),
        time_named=(
            bool(words & lex.words.time_column_words)
            and col.cardinality <= 60
            and not col.in_group("text")
        ),
        numeric=col.in_group("numeric"),
        identifier=col.in_group("identifier"),
        text=col.in_group("text"),
        category=col.in_group("categorical"),
    )


_STATIC: dict[int, tuple[SchemaProfile, dict[str, ColumnEvidence]]] = {}


def _static_evidence(profile: SchemaProfile) -> dict[str, ColumnEvidence]:
    """What the profile alone says about each column, computed once per profile object."""
    cached = _STATIC.get(id(profile))
    if cached is None or cached[0] is not profile:
        lex = load_lexicon()
        if len(_STATIC) > 32:
            _STATIC.clear()
        cached = (profile, {c.name: _column_evidence(c, lex) for c in profile.columns})
        _STATIC[id(profile)] = cached
    return cached[1]


# ---------------------------------------------------------------- evidence
class _CopyOnWrite(dict[str, ColumnEvidence]):
    """Static per-column evidence, copied only for the columns a question touches."""

    def __init__(self, static: dict[str, ColumnEvidence]) -> None:
        super().__init__(static)
        self._own: set[str] = set()

    def own(self, name: str) -> ColumnEvidence:
        if name not in self._own:
            self[name] = dataclasses.replace(self[name])
            self._own.add(name)
        return self[name]


def question_evidence(cues: Cues, profile: SchemaProfile) -> QuestionEvidence:
    """Per-column evidence from the mentions and phrases, and the candidate pools."""
    cols = _CopyOnWrite(_static_evidence(profile))
    sort_start, sort_end = cues.sort_span
    order = 0
    for m in cues.mentions:
        ev = cols.own(m.column)
        if ev.first_pos is None:
            ev.first_pos, ev.order = m.start, order
            order += 1
        ev.mention = max(ev.mention, m.score)
        ev.fuzzy = ev.fuzzy or m.kind in ("prefix", "abbreviation", "typo", "initialism")
        ev.synonym = ev.synonym or m.kind in ("synonym", "concept")
        ev.via_period = ev.via_period or m.kind == "period"
        in_sort = sort_start <= m.start < sort_end
        if not in_sort:
            ev.group_before = ev.group_before or bool(cues.hits_before(m.start, "group", 1))
            ev.series_before = ev.series_before or bool(cues.hits_before(m.start, "series", 1))
            agg = cues.hits_before(m.start, "agg", 2)
            if agg and ev.agg_before is None:
                ev.agg_before = agg[-1].label
            ev.sup_before = ev.sup_before or bool(cues.hits_before(m.start, "superlative", 2))
        ev.in_sort = in_sort if ev.first_pos == m.start else (ev.in_sort and in_sort)
    for m in cues.all_mentions:
        if cols[m.column].mention == 0 and m.score > cols[m.column].shadow:
            cols.own(m.column).shadow = m.score
    if cues.x_hint:
        cols.own(cues.x_hint).axis = "x"
    if cues.y_hint:
        cols.own(cues.y_hint).axis = "y"
    for c in cues.filter_columns:
        if c in cols:
            cols.own(c).in_filter = True
            cols.own(c).filter_only = _named_only_to_filter(cues, c)
    filtered = {f.column for f in cues.filters}
    for f in cues.filters:
        if f.op == "eq" and f.column in cols:
            cols.own(f.column).pinned = True
    distinct: dict[str, set[str]] = {}
    for v in cues.values:
        cols.own(v.column).values += 1
        distinct.setdefault(v.column, set()).add(v.value)
    for name, vals in distinct.items():
        cols.own(name).values_grouped = len(vals) >= 2 and name not in filtered
    ev_all = QuestionEvidence(cues, cols, question_words(cues))
    ev_all.has_count_column = any(c.count_like for c in cols.values())
    ev_all.strong = [
        c.name for c in cols.values() if c.mention >= 0.5 and not c.in_filter and not c.in_sort
    ]
    ev_all.parts = {c.name: frozenset(c.derived_from) for c in profile.columns if c.derived_from}
    _pools(ev_all, profile)
    return ev_all


def _named_only_to_filter(cues: Cues, column: str) -> bool:
    """Whether every mention of `column` is part of a kept filter's words ("mountains higher
    than 5000 m" names height to filter, not to plot)."""
    spans = [(s.candidate.start, s.candidate.end) for s in cues.filter_readings if s.kept]
    named = [m for m in cues.mentions if m.column == column]
    return bool(named) and all(any(a <= m.start and m.end <= b for a, b in spans) for m in named)


def question_words(cues: Cues) -> set[str]:
    """Question-level indicator names: which classes of words occur (outside column mentions)."""
    start, end = cues.sort_span
    words: set[str] = set()
    for h in cues.hits:
        if h.kind == "agg" and start <= h.start < end:
            continue
        if h.kind in ("agg", "chart", "cue", "grain"):
            words.add(f"{h.kind}:{h.label}")
        elif h.kind == "superlative":
            words.add(f"sup:{h.label}")
        elif h.kind == "intent":
            words.add(f"intent:{h.label}")
    if cues.superlative:
        words.add("which_sup")
    if cues.limit:
        words.add("top_n")
    if cues.filters:
        words.add("filtered")
    if not any(w.startswith("agg:") for w in words):
        words.add("agg:none")
    if not any(w.startswith("chart:") for w in words):
        words.add("chart:none")
    return words


def _pools(ev: QuestionEvidence, profile: SchemaProfile) -> None:
    """Columns each slot may take: what was mentioned, plus a few fallbacks from the profile."""
    cols = ev.columns
    mentioned = [c for c in cols.values() if c.mention > 0 or c.values_grouped or c.shadow >= 0.5]
    strongest = sorted(
        mentioned, key=lambda c: (-max(c.mention, c.shadow, 0.9 * c.values_grouped), c.name)
    )
    mentioned = strongest[: 2 * MAX_POOL]
    mentioned.sort(key=lambda c: (c.first_pos if c.first_pos is not None else 10**6, c.name))
    x_named: list[str | None] = [c.name for c in mentioned if not c.text or c.name_like]
    x_pool = x_named[:MAX_POOL]
    names = [c for c in cols.values() if c.name_like and c.name not in x_pool]
    for fallback, pick in (
        ("name", names[0].name if names else None),
        ("group", _main_group(profile, set(x_pool))),
        (
            "time",
            next((c.name for c in cols.values() if c.temporal and c.name not in x_pool), None),
        ),
    ):
        if pick and pick not in x_pool:
            cols[pick].fallback = fallback
            x_pool.append(pick)
    x_pool.append(None)
    y_pool: list[str | None] = [None, *[c.name for c in mentioned if c.numeric_like][:MAX_POOL]]
    count_cols = [c.name for c in cols.values() if c.count_like and c.name not in y_pool]
    measure = _main_measure(profile, {n for n in y_pool if n})
    for fallback, pick in (("count", count_cols[0] if count_cols else None), ("measure", measure)):
        if pick and pick not in y_pool:
            cols[pick].fallback = cols[pick].fallback or fallback
            y_pool.append(pick)
    color_pool: list[str | None] = [None]
    grouping = [
        c.name
        for c in mentioned
        if c.groupable and c.cardinality <= MAX_GROUPS and not c.temporal and not c.numeric_like
    ]
    if len(grouping) >= 1:
        color_pool += grouping[:3]
    ev.x_pool, ev.y_pool, ev.color_pool = x_pool, y_pool, color_pool
    # measures named outright (not an id matched by its entity word, not a filter)
    numbers = [c.name for c in mentioned if c.numeric and c.mention >= 0.8 and not c.in_filter]
    ev.measures = tuple(numbers)[:MAX_MEASURES]
    if len(ev.measures) < 2 and (counted := _counted_measures(ev.cues, profile)):
        ev.measures, ev.counted = counted, True


def _counted_measures(cues: Cues, profile: SchemaProfile) -> tuple[str, ...]:
    """'compare the 3 scores', 'both prices': when the number the question counts equals
    the table's number of measures, it names them all."""
    numeric = profile.group("numeric")
    if not 2 <= len(numeric) <= MAX_MEASURES:
        return ()
    determiners = load_lexicon().words.counting_determiners
    for i, t in enumerate(cues.toks):
        counted = t.lemma == "both" or (
            t.text.isdigit() and i > 0 and cues.toks[i - 1].lemma in determiners
        )
        if counted and (2 if t.lemma == "both" else int(t.text)) == len(numeric):
            return tuple(numeric)
    return ()


def _main_group(profile: SchemaProfile, exclude: set[str | None]) -> str | None:
    cats = [
        c
        for c in profile.columns
        if c.in_group("categorical") and c.name not in exclude and 1 < c.cardinality <= MAX_GROUPS
    ]
    cats.sort(key=lambda c: c.cardinality)
    return cats[0].name if cats else None


def _main_measure(profile: SchemaProfile, exclude: set[str]) -> str | None:
    numeric = [c for c in profile.columns if c.in_group("numeric") and c.name not in exclude]
    additive = [c for c in numeric if c.additive]
    ranked = additive or numeric
    return ranked[0].name if ranked else None


# ---------------------------------------------------------------- candidates
def generate_candidates(ev: QuestionEvidence) -> Iterator[Candidate]:
    """Every valid combination of the pools (validity = the chart can be drawn at all)."""
    for c in chain(_single_measure_candidates(ev), _several_measure_candidates(ev)):
        if not _against_own_parts(c, ev.parts):
            yield c


def _against_own_parts(c: Candidate, parts: dict[str, frozenset[str]]) -> bool:
    """A derived measure drawn against a column it is made of (cost % of revenue against
    cost) says only how it was computed."""
    used = {n for n in (c.x, c.y, c.color, *c.more) if n}
    return any(name in used and used & own for name, own in parts.items())


def _several_measure_candidates(ev: QuestionEvidence) -> Iterator[Candidate]:
    """The numbers the question names together, as one chart with a series each."""
    if len(ev.measures) < 2:
        return
    first, more = ev.measures[0], tuple(ev.measures[1:])
    for x in dict.fromkeys([*(x for x in ev.x_pool if x not in ev.measures), None]):
        for agg in NUMBER_AGGREGATIONS:
            for chart in SEVERAL_MEASURE_CHART_KINDS:
                cand = Candidate(chart, x, first, agg, None, more)
                if valid(cand, ev.columns):
                    yield cand


def _single_measure_candidates(ev: QuestionEvidence) -> Iterator[Candidate]:
    cols = ev.columns
    heat = "chart:heatmap" in ev.words
    for x in ev.x_pool:
        for y in ev.y_pool:
            if x is not None and x == y:
                continue
            for agg in AGGREGATIONS:
                for chart in CHART_KINDS:
                    if chart == "heatmap" and not heat:
                        continue
                    for color in ev.color_pool:
                        if color is not None and color in (x, y):
                            continue
                        cand = Candidate(chart, x, y, agg, color)
                        if valid(cand, cols):
                            yield cand


def valid(c: Candidate, cols: dict[str, ColumnEvidence]) -> bool:
    """Whether a candidate can be drawn: roles fit the chart and the aggregation."""
    x = cols[c.x] if c.x else None
    y = cols[c.y] if c.y else None
    if (x is not None and x.pinned) or (c.color is not None and cols[c.color].pinned):
        return False  # "for the New York airports": one city is a filter, not a grouping
    if c.more:
        return _valid_several(c, x, y, cols)
    if c.agg == "count" and y is not None:
        return False
    if c.agg not in ("count", "none") and (y is None or not y.numeric_like):
        return False
    if c.agg == "sum" and y is not None and not y.additive and y.agg_before != "sum":
        return False  # a measure that does not add up is never summed unless asked to be
    if c.chart == "histogram":
        return (
            x is not None
            and x.numeric_like
            and not x.temporal
            and y is None
            and c.agg == "none"
            and c.color is None
        )
    if c.chart == "box":
        return (
            y is not None
            and y.numeric_like
            and not y.identifier  # the spread of row ids means nothing: an id groups the boxes
            and c.agg == "none"
            and c.color is None
            and (x is None or (x.groupable and x.cardinality <= MAX_GROUPS))
        )
    if x is None:
        return False
    if c.chart == "scatter":
        if c.agg == "count":
            return x.groupable  # "the id of each employee and the number of documents"
        if y is None or not y.numeric_like:
            return False
        if c.agg == "none":
            return x.numeric_like or x.temporal
        return x.groupable
    if c.chart == "line":
        if not (x.temporal or x.numeric_like):
            return False
        return c.agg == "count" or (y is not None and y.numeric_like)
    if c.chart == "heatmap":
        return c.color is not None and x.groupable
    if c.chart == "pie" and c.color is not None:
        return False
    if c.agg == "none":
        return y is not None and y.numeric_like
    return c.agg == "count" or x.groupable or x.numeric_like


def _valid_several(
    c: Candidate,
    x: ColumnEvidence | None,
    y: ColumnEvidence | None,
    cols: dict[str, ColumnEvidence],
) -> bool:
    """Several measures: numbers only, never summed unless they add up, a line needs time."""
    measures = [y, *(cols[m] for m in c.more)]
    if any(m is None or not m.numeric_like for m in measures) or c.color is not None:
        return False
    if c.agg == "sum" and not all(m is not None and m.additive for m in measures):
        return False
    if c.chart == "line":
        return x is not None and (x.temporal or x.time_named)
    return c.chart == "bar" and (x is None or x.groupable)


# ---------------------------------------------------------------- features
def _bucket(n: int) -> str:
    if n <= 2:
        return "2"
    if n <= 12:
        return "12"
    if n <= 50:
        return "50"
    return "many"


def slot_features(prefix: str, col: ColumnEvidence | None) -> dict[str, float]:
    """What one column brings to a slot (x, y or colour)."""
    if col is None:
        return {f"{prefix}:none": 1.0}
    f: dict[str, float] = {
        f"{prefix}:role:{col.role}": 1.0,
        f"{prefix}:card:{_bucket(col.cardinality)}": 1.0,
    }
    if col.mention:
        f[f"{prefix}:mention"] = col.mention
        f[f"{prefix}:mention_full"] = 1.0 if col.mention >= 0.999 else 0.0
        if col.fuzzy:
            f[f"{prefix}:fuzzy"] = 1.0
        if col.synonym:
            f[f"{prefix}:synonym"] = 1.0
        if col.via_period:
            f[f"{prefix}:via_period"] = 1.0
        if col.order == 0:
            f[f"{prefix}:first"] = 1.0
    elif col.shadow:
        f[f"{prefix}:shadow"] = col.shadow
    elif not col.values:
        f[f"{prefix}:unmentioned"] = 1.0
    for flag, on in (
        ("group_before", col.group_before),
        ("series_before", col.series_before),
        ("sup_before", col.sup_before),
        ("in_filter", col.in_filter),
        ("filter_only", col.filter_only),
        ("in_sort", col.in_sort and col.mention > 0),
        ("values_grouped", col.values_grouped),
        ("values_one", col.values == 1 and not col.values_grouped),
        ("name_like", col.name_like),
        ("count_like", col.count_like),
        ("time_named", col.time_named),
        ("additive", col.additive and col.numeric_like),
        ("numeric_like", col.numeric_like),
    ):
        if on:
            f[f"{prefix}:{flag}"] = 1.0
    if col.agg_before:
        f[f"{prefix}:agg_before"] = 1.0
        f[f"{prefix}:agg_before:{col.agg_before}"] = 1.0
    if col.axis:
        f[f"{prefix}:axis:{col.axis}"] = 1.0
    if col.fallback and not col.mention:
        f[f"{prefix}:fallback:{col.fallback}"] = 1.0
    return f


def candidate_features(c: Candidate, ev: QuestionEvidence) -> dict[str, float]:
    """The named features of one candidate against the question (what the fit sees)."""
    cols = ev.columns
    f: dict[str, float] = {}
    f.update(slot_features("x", cols[c.x] if c.x else None))
    f.update(slot_features("y", cols[c.y] if c.y else None))
    f.update(slot_features("color", cols[c.color] if c.color else None))
    f.update(word_features("agg", c.agg, ev))
    f.update(word_features("chart", c.chart, ev))
    f.update(rest_features(c, ev))
    return f


def word_features(kind: str, value: str, ev: QuestionEvidence) -> dict[str, float]:
    """The aggregation or chart paired with each class of words the question uses, plus (for
    charts) pooled agreement: the kind is, or is not, the one a word names."""
    f = {f"{kind}:{value}": 1.0}
    for w in ev.words:
        f[f"{kind}:{value}|{w}"] = 1.0
    named = _named(kind, ev)
    if kind == "chart" and named:
        f["chart:agrees" if value in named else "chart:contradicts"] = 1.0
    return f


def _named(kind: str, ev: QuestionEvidence) -> set[str]:
    return {w.split(":", 1)[1] for w in ev.words if w.startswith(kind + ":")} - {"none", "generic"}


def rest_features(c: Candidate, ev: QuestionEvidence) -> dict[str, float]:
    """Features that look at several slots at once (aggregation of this y, chart of this x...)."""
    cols = ev.columns
    x = cols[c.x] if c.x else None
    y = cols[c.y] if c.y else None
    f: dict[str, float] = {}
    named = _named("agg", ev)
    if named:
        # summing a column of counts is counting: "how many" agrees with sum(count column)
        counts = c.agg == "sum" and y is not None and y.count_like and "count" in named
        f["agg:agrees" if c.agg in named or counts else "agg:contradicts"] = 1.0
    if y is not None and y.sup_before:
        f[f"agg:{c.agg}|y_sup_before"] = 1.0
        f[f"agg:{c.agg}|y_sup_before|which:{int('which_sup' in ev.words)}"] = 1.0
    if y is not None and y.agg_before:
        f[f"agg:{c.agg}|y_agg_before:{y.agg_before}"] = 1.0
        f["agg:y_word_agrees" if y.agg_before == c.agg else "agg:y_word_differs"] = 1.0
    if x is not None and x.agg_before:
        f[f"agg:{c.agg}|x_agg_before:{x.agg_before}"] = 1.0
    if y is not None:
        f[f"agg:{c.agg}|y_additive:{int(y.additive)}"] = 1.0
        f[f"agg:{c.agg}|y_count_like:{int(y.count_like)}"] = 1.0
    if ev.has_count_column:
        f[f"agg:{c.agg}|precounted|y_count_like:{int(bool(y and y.count_like))}"] = 1.0
    if x is not None:
        f[f"chart:{c.chart}|x_role:{x.role}"] = 1.0
        if x.group_before:
            f[f"chart:{c.chart}|x_group_before"] = 1.0
        f[f"chart:{c.chart}|x_card:{_bucket(x.cardinality)}"] = 1.0
        f[f"agg:{c.agg}|x_card:{_bucket(x.cardinality)}"] = 1.0
        f[f"agg:{c.agg}|x_role:{x.role}"] = 1.0
    f[f"chart:{c.chart}|req_agg:{c.agg}"] = 1.0
    f[f"chart:{c.chart}|req_y:{'none' if y is None else 'set'}"] = 1.0
    if c.color is not None:
        f[f"chart:{c.chart}|req_color"] = 1.0
    f.update(_pair_features(c, x, y, ev))
    f["unused_mentions"] = float(_unused_mentions(c, ev))
    if c.more:
        f.update(_several_features(c, x, ev))
    return f


def _several_features(
    c: Candidate, x: ColumnEvidence | None, ev: QuestionEvidence
) -> dict[str, float]:
    """Several measures in one chart, read against the words ("compare", "vs", a trend...)."""
    f = {
        "several": 1.0,
        f"several:n:{min(1 + len(c.more), 4)}": 1.0,
        f"several:chart:{c.chart}": 1.0,
        f"several:x:{'none' if x is None else x.role}": 1.0,
    }
    if ev.counted:
        f["several:counted"] = 1.0
    for w in ev.words:
        f[f"several|{w}"] = 1.0
    return f


class Scorer:
    """w . candidate_features(c), computed from cached per-slot and per-word partial sums."""

    def __init__(self, ev: QuestionEvidence, weights: dict[str, float]) -> None:
        self.ev, self.w = ev, weights
        self._slots: dict[tuple[str, str | None], float] = {}
        self._words: dict[tuple[str, str], float] = {}

    def _dot(self, feats: dict[str, float]) -> float:
        w = self.w
        return sum(w.get(k, 0.0) * v for k, v in feats.items())

    def slot(self, prefix: str, name: str | None) -> float:
        key = (prefix, name)
        if key not in self._slots:
            self._slots[key] = self._dot(
                slot_features(prefix, self.ev.columns[name] if name else None)
            )
        return self._slots[key]

    def words(self, kind: str, value: str) -> float:
        key = (kind, value)
        if key not in self._words:
            self._words[key] = self._dot(word_features(kind, value, self.ev))
        return self._words[key]

    def score(self, c: Candidate) -> float:
        return (
            self.slot("x", c.x)
            + self.slot("y", c.y)
            + self.slot("color", c.color)
            + self.words("agg", c.agg)
            + self.words("chart", c.chart)
            + self._dot(rest_features(c, self.ev))
        )


def _pair_features(
    c: Candidate, x: ColumnEvidence | None, y: ColumnEvidence | None, ev: QuestionEvidence
) -> dict[str, float]:
    f: dict[str, float] = {}
    if x is not None and y is not None and x.first_pos is not None and y.first_pos is not None:
        order = "x_first" if x.first_pos < y.first_pos else "y_first"
        f[f"pair:{order}"] = 1.0
        f[f"pair:{c.chart}:{order}"] = 1.0
        f[f"pair:agg_{c.agg == 'none'}:{order}"] = 1.0
        lo, hi = sorted((x.first_pos, y.first_pos))
        rel = [
            h
            for h in ev.cues.hits
            if h.kind in ("cue", "group", "axis") and h.label in ("relation", "group")
        ]
        if any(lo < h.start < hi for h in rel):
            f[f"pair:{c.chart}:{order}|word_between"] = 1.0  # "A against B", "A by B"
        elif any(h.start < lo for h in rel):
            f[f"pair:{c.chart}:{order}|word_before"] = 1.0  # "relationship between A and B"
    if x is not None and y is not None:
        f[f"pair:mentioned:{int(x.mention > 0)}{int(y.mention > 0)}"] = 1.0
    return f


def _unused_mentions(c: Candidate, ev: QuestionEvidence) -> int:
    """Columns the question clearly named that the candidate neither plots nor filters on."""
    return sum(1 for name in ev.strong if name not in (c.x, c.y, c.color, *c.more))
