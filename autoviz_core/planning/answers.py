"""Which answer a question asks for: a chart, or a value of one kind, read with fitted weights.

A question asks for one kind of answer (vocabulary.ANSWER_KINDS): a chart (the request the
chart ranking builds), a statistic of a column, a relation of two columns, a distribution check,
a group-difference test, the extreme group or row, a change between two periods, or something
no kind expresses. As for the chart request, the plausible readings are generated from the
question's evidence and the profile (`generate_answers`), each is scored as a weighted sum of
named features, and the best wins. Two fitted models score a reading: which kind the question
asks for (`kind_features`: its words, paired with each kind) and which fields within that kind
(`slot_features`: which column follows which word, roles, named methods); the weights are fitted by
scripts/fit_planner.py on the repository's own answer questions (bench/train/answers.jsonl) and
on the chart questions, which all read as "chart". Nothing here decides from one phrase.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from autoviz_core.contracts import AnalysisRequest, AnswerRequest, RequestFilter
from autoviz_core.data.profiling import (
    MAX_GROUPS,
    SMALL_INT_GROUPS_MAX,
    ColumnProfile,
    SchemaProfile,
)
from autoviz_core.planning.cues import Cues
from autoviz_core.planning.features import (
    ColumnEvidence,
    QuestionEvidence,
    question_words,
)
from autoviz_core.planning.lexicon import PhraseHit, load_lexicon
from autoviz_core.planning.text import column_tokens
from autoviz_core.vocabulary import (
    DIFFERENCE_METHODS,
    NORMALITY_METHODS,
    NUMBER_STATISTICS,
    RELATION_METHODS,
    TIME_GRAINS,
)

# Below this confidence the runners-up are offered ("Did you mean"). On the own training
# questions (bench/train/answers.jsonl) the top reading is right 95% of the time above 0.9,
# 85-91% at 0.7-0.9, 62-72% at 0.4-0.7 and about a third below 0.3 (see bench/README.md).
CONFIDENT = 0.4
MAX_ALTERNATIVES = 3
MAX_COLUMNS = 4  # mentioned columns per slot, strongest first
STAT_WINDOW = 3  # a column this many tokens after a statistic's word is what it measures
_QUARTER = re.compile(r"^q([1-4])$")
EXTREME_AGGS = ("sum", "mean", "median", "max", "min", "count")
CHANGE_AGGS = ("none", "mean", "sum")


@dataclass(frozen=True)
class AnswerCandidate:
    """One reading of what value the question asks for (the fields its kind uses)."""

    kind: str
    stat: str = "none"
    column: str | None = None
    column2: str | None = None
    group_by: str | None = None
    agg: str = "none"
    time_grain: str = "none"
    quantile: int = 0
    method: str = "default"
    direction: str = "max"
    scope: str = "group"

    def key(self) -> tuple[str, ...]:
        return (
            self.kind, self.stat, self.column or "", self.column2 or "", self.group_by or "",
            self.agg, self.time_grain, str(self.quantile), self.method, self.direction, self.scope,
        )  # fmt: skip


@dataclass
class AnswerEvidence:
    """What the question says that bears on the answer kind, beside the chart evidence."""

    ev: QuestionEvidence
    profile: SchemaProfile
    hits: list[PhraseHit]
    words: set[str]
    numbers: list[str]  # mentioned numeric columns, strongest first
    groups: list[str]  # mentioned columns that can group
    others: list[str]  # every mentioned column, first mention first
    quantile: int = 0  # the percent a "25th percentile" / "first quartile" names
    periods: list[str] = field(default_factory=list)  # "1935", "september", "1959-Q1"
    period_kind: str = ""  # year | month | quarter
    later_first: bool = (
        False  # "warmer in September than in January": the change is from the second
    )


# ---------------------------------------------------------------- evidence
def answer_evidence(
    cues: Cues, ev: QuestionEvidence, profile: SchemaProfile, chart: AnalysisRequest | None = None
) -> AnswerEvidence:
    """Answer words outside column and value mentions, the column pools and the periods, and
    what the best chart reading groups by (a grouping the question names asks for a chart)."""
    taken = {i for m in cues.mentions for i in range(m.start, m.end)}
    taken |= {i for v in cues.values for i in range(v.start, v.end)}
    lex = load_lexicon()
    hits = lex.find_answer_words(cues.toks, skip=taken)
    words = set(question_words(cues))
    words |= {_word(h) for h in hits}
    if not any(w.startswith("sw:") for w in words):
        words.add("no_stat_word")
    asking = ("sw:", "m:", "c:relation", "c:normality", "c:significance", "c:change", "c:quantity")
    if not any(w.startswith(asking) for w in words):
        words.add("no_answer_word")  # nothing asks for a value: a chart, or nothing we know
    first = cues.toks[0].lemma if cues.toks else ""
    if first in lex.words.yes_no_openers:
        words.add("yes_no")
    cols = ev.columns
    mentioned = sorted(
        (c for c in cols.values() if c.mention > 0 or c.values_grouped),
        key=lambda c: (c.first_pos if c.first_pos is not None else 10**6, c.name),
    )
    numbers = [c.name for c in mentioned if _measure_like(c)]
    groups = [c.name for c in mentioned if _group_like(c, profile.n_rows)]
    words.add(f"n_num:{min(len(numbers), 3)}")
    words.add(f"n_group:{min(len(groups), 2)}")
    if any(c.group_before for c in mentioned):
        words.add("group_word")
    if any(h.kind == "group" for h in cues.hits):
        words.add("grouping")  # "by", "per", "for each", "in different" anywhere
    native = native_grain(profile)
    for h in cues.hits:
        if h.kind == "grain":  # "monthly", "by decade", "each year"; "days" alone names rows
            bare = h.end - h.start == 1 and cues.toks[h.start].lemma in lex.words.period_nouns
            coarser = GRAIN_ORDER.get(h.label, 0) > GRAIN_ORDER.get(native, 0)
            # "monthly" on hourly readings groups them; "hourly" on hourly readings names them
            words.add("period_noun" if bare else "per_period" if coarser else "native_period")
    if any(h.kind == "stat" and _column_after(h, mentioned) for h in hits):
        words.add("stat_before_column")  # "average price": a statistic, or a chart's measure
    plural = _plural_positions(cues, set(groups))
    if any(h.kind == "stat" and h.label == "count" and _named_after(h, plural) for h in hits):
        words.add("count_of_plural_group")  # "the number of the countries": a count per country
    if chart is not None:
        words |= chart_words(chart, ev)
    periods, period_kind, later_first = _periods(cues)
    if len(periods) >= 2:
        words.add(f"periods:{period_kind}")
    aev = AnswerEvidence(
        ev, profile, hits, words, numbers[:MAX_COLUMNS], groups[:MAX_COLUMNS],
        [c.name for c in mentioned], _quantile(cues, hits), periods, period_kind, later_first,
    )  # fmt: skip
    if aev.quantile:
        words.add("quantile_number")
    return aev


def chart_words(chart: AnalysisRequest, ev: QuestionEvidence) -> set[str]:
    """The best chart reading's shape: whether the question names its grouping."""
    out = {f"req:{chart.chart}"}
    x = ev.columns.get(chart.x or "")
    if x is not None and x.mention > 0:
        out.add("req:x_named")
        if x.group_before:
            out.add("req:x_after_group_word")
        if x.via_period:
            out.add("req:x_period")
    if chart.time_grain not in ("none", None):
        out.add("req:grain")
    if chart.color:
        out.add("req:color")
    if chart.limit:
        out.add("req:top_n")
    return out


GRAIN_ORDER = {"hour": 1, "day": 2, "week": 3, "month": 4, "quarter": 5, "year": 6, "decade": 7}
# the grain a date column's values are spaced at, from its span and number of values (days)
SPACING_GRAINS = ((0.5, "hour"), (3.5, "day"), (15, "week"), (60, "month"), (200, "quarter"))


def native_grain(profile: SchemaProfile) -> str:
    """How often the table's dates come: hourly readings, daily, ... ("" without dates); a
    whole-number year column comes yearly."""
    for c in profile.columns:
        if not c.in_group("temporal") or c.cardinality < 2:
            continue
        if not c.dtype.startswith("datetime"):
            return "year" if _holds_years(c.min, c.max) else ""
        try:
            span = (pd.Timestamp(str(c.max)) - pd.Timestamp(str(c.min))).total_seconds() / 86400
        except (ValueError, TypeError):
            continue
        spacing = span / (c.cardinality - 1)
        return next((g for limit, g in SPACING_GRAINS if spacing < limit), "year")
    return ""


def _plural_positions(cues: Cues, names: set[str]) -> list[int]:
    """Where the question names a column of `names` in the plural ("the countries")."""
    return [
        m.start
        for m in cues.mentions
        if m.column in names and cues.toks[m.end - 1].text != cues.toks[m.end - 1].lemma
    ]


def _named_after(h: PhraseHit, positions: Sequence[int]) -> bool:
    return any(0 <= p - h.end <= STAT_WINDOW for p in positions)


def _column_after(h: PhraseHit, mentioned: Sequence[ColumnEvidence]) -> bool:
    return any(
        c.first_pos is not None and 0 <= c.first_pos - h.end <= STAT_WINDOW for c in mentioned
    )


def _word(h: PhraseHit) -> str:
    prefix = {"stat": "sw", "method": "m", "class": "c"}[h.kind]
    return f"{prefix}:{h.label}"


def _measure_like(c: ColumnEvidence) -> bool:
    """A number that can be measured (an identifier only when the question names it outright)."""
    if c.identifier:
        return c.numeric_like and c.mention >= 0.8
    return c.numeric_like and not c.temporal


def _group_like(c: ColumnEvidence, n_rows: int) -> bool:
    """A column whose values name groups: categories, dates, and numbers only when they are
    few codes (a rating, a quarter) rather than a measure that happens to repeat."""
    if not c.groupable or (c.identifier and c.mention < 0.8):
        return False
    if c.numeric and not c.time_named:
        return c.cardinality <= SMALL_INT_GROUPS_MAX and c.cardinality * 2 <= n_rows
    return True


def _quantile(cues: Cues, hits: Sequence[PhraseHit]) -> int:
    """The percent of a quantile word: "25th percentile" 25, "first quartile" 25, "median" 50."""
    lemmas = [t.lemma for t in cues.toks]
    ordinals = load_lexicon().ordinals
    for h in hits:
        if h.kind != "stat" or h.label != "quantile":
            continue
        word = lemmas[h.start]
        before = lemmas[max(0, h.start - 3) : h.start]
        number = next((int(w) for w in reversed(before) if w.isdigit() and 0 < int(w) < 100), None)
        ordinal = next((ordinals[w] for w in reversed(before) if w in ordinals), None)
        if word.startswith("quartile"):
            k = ordinal or number
            if k in (1, 2, 3):
                return 25 * k
        elif word.startswith("decile"):
            k = ordinal or number
            if k is not None and 0 < k < 10:
                return 10 * k
        elif number is not None:
            return number
    return 0


def _periods(cues: Cues) -> tuple[list[str], str, bool]:
    """Two or more different periods the question names, in order (years, months, or
    year-quarters), their kind, and whether the first is compared with the second ("warmer in
    September than in January": the change runs from the second to the first)."""
    toks = cues.toks
    months = load_lexicon().months
    out: list[str] = []
    at: list[int] = []
    kinds: set[str] = set()
    for i, t in enumerate(toks):
        if t.text.isdigit() and len(t.text) == 4 and 1700 <= int(t.text) <= 2200:
            nxt = toks[i + 1].text if i + 1 < len(toks) else ""
            quarter = _QUARTER.match(nxt)
            if quarter:
                out.append(f"{t.text}-Q{quarter.group(1)}")
                kinds.add("quarter")
            else:
                out.append(t.text)
                kinds.add("year")
            at.append(i)
        elif t.lemma in months:
            out.append(t.lemma)
            kinds.add("month")
            at.append(i)
    if len(set(out)) < 2:
        return [], "", False
    kind = kinds.pop() if len(kinds) == 1 else "mixed"
    than = any(t.lemma == "than" for t in toks[at[0] : at[-1]])
    return out, kind, than


# ---------------------------------------------------------------- candidates
def generate_answers(aev: AnswerEvidence, profile: SchemaProfile) -> Iterator[AnswerCandidate]:
    """Every plausible reading: the chart, each statistic of each measured column, each pair,
    test, extreme and change the mentioned columns allow, and "cannot be expressed"."""
    yield AnswerCandidate("chart")
    yield AnswerCandidate("unsupported")
    yield from _statistics(aev, profile)
    yield from _relations(aev)
    yield from _distributions(aev, profile)
    yield from _differences(aev, profile)
    yield from _extremes(aev, profile)
    yield from _changes(aev, profile)


def _measures(aev: AnswerEvidence, profile: SchemaProfile) -> list[str]:
    """The measured columns: those named, else the table's main measure."""
    if aev.numbers:
        return aev.numbers
    main = next(iter(profile.group("additive") or profile.group("numeric")), None)
    return [main] if main else []


def _statistics(aev: AnswerEvidence, profile: SchemaProfile) -> Iterator[AnswerCandidate]:
    for column in _measures(aev, profile):
        for stat in NUMBER_STATISTICS:
            q = (aev.quantile or 50) if stat == "quantile" else 0
            yield AnswerCandidate("statistic", stat, column, quantile=q)
    yield AnswerCandidate("statistic", "count")
    if aev.ev.cues.filters:
        yield AnswerCandidate("statistic", "share")
        for column in _measures(aev, profile):
            if aev.ev.columns[column].additive or aev.ev.columns[column].count_like:
                yield AnswerCandidate("statistic", "share", column)
    for column in aev.others[:MAX_COLUMNS]:
        yield AnswerCandidate("statistic", "count_distinct", column)
        yield AnswerCandidate("statistic", "missing", column)
        if aev.ev.columns[column].groupable:
            yield AnswerCandidate("statistic", "mode", column)


def _relations(aev: AnswerEvidence) -> Iterator[AnswerCandidate]:
    nums = aev.numbers
    for i, a in enumerate(nums):
        for b in nums[i + 1 :]:
            for method in RELATION_METHODS:
                yield AnswerCandidate("relation", column=a, column2=b, method=method)


def _distributions(aev: AnswerEvidence, profile: SchemaProfile) -> Iterator[AnswerCandidate]:
    for column in _measures(aev, profile):
        for method in NORMALITY_METHODS:
            yield AnswerCandidate("distribution", column=column, method=method)


def _differences(aev: AnswerEvidence, profile: SchemaProfile) -> Iterator[AnswerCandidate]:
    groups = aev.groups
    for g in groups:
        col = aev.ev.columns[g]
        if col.cardinality < 2 or col.cardinality > MAX_GROUPS:
            continue
        for y in _measures(aev, profile):
            if y == g:
                continue
            for method in DIFFERENCE_METHODS[:-1]:  # chi-square is for two categories
                yield AnswerCandidate("group_difference", column=y, group_by=g, method=method)
        for other in groups:
            if other != g and aev.ev.columns[other].cardinality <= MAX_GROUPS:
                yield AnswerCandidate("group_difference", column=other, group_by=g, method="chi2")


def _extremes(aev: AnswerEvidence, profile: SchemaProfile) -> Iterator[AnswerCandidate]:
    cues = aev.ev.cues
    directions = ("max", "min")
    measures = _measures(aev, profile)
    for g in aev.groups:
        grains = ["none"]
        if profile.in_group(g, "datetime"):  # every period the question names is a reading
            grains += [h.label for h in cues.hits if h.kind == "grain" and h.label in TIME_GRAINS]
        grains = list(dict.fromkeys(grains))
        for grain in grains:
            for d in directions:
                yield AnswerCandidate(
                    "extreme", group_by=g, agg="count", time_grain=grain, direction=d
                )
                for y in measures:
                    if y == g:
                        continue
                    for agg in EXTREME_AGGS[:-1]:
                        yield AnswerCandidate(
                            "extreme", column=y, group_by=g, agg=agg, time_grain=grain, direction=d
                        )
    for y in measures:
        for d in directions:
            yield AnswerCandidate("extreme", column=y, direction=d, scope="row")


def _changes(aev: AnswerEvidence, profile: SchemaProfile) -> Iterator[AnswerCandidate]:
    if len(aev.periods) < 2 or aev.period_kind not in ("year", "month", "quarter"):
        return
    for period, grain, within in _period_columns(aev, profile):
        for y in _measures(aev, profile):
            if y in (period, within):
                continue
            for agg in CHANGE_AGGS:
                yield AnswerCandidate(
                    "change", column=y, column2=within, group_by=period, time_grain=grain, agg=agg
                )


def _period_columns(
    aev: AnswerEvidence, profile: SchemaProfile
) -> list[tuple[str, str, str | None]]:
    """(column, grain, column of the quarter within the year) triples that can hold the named
    periods: a date column at the periods' grain, or a year column (with a quarter column
    beside it for "1959 Q1")."""
    out: list[tuple[str, str, str | None]] = []
    years = [c for c in profile.columns if _year_column(c, aev)]
    for c in profile.columns:
        if c.in_group("datetime"):
            grain = {"year": "year", "month": "month_of_year", "quarter": "quarter"}[
                aev.period_kind
            ]
            out.append((c.name, grain, None))
    if aev.period_kind == "year":
        out += [(c.name, "none", None) for c in years]
    elif aev.period_kind == "quarter":
        quarters = [c.name for c in profile.columns if _quarter_column(c)]
        out += [(c.name, "none", q) for c in years for q in quarters[:1]]
    return out


def _year_column(c: ColumnProfile, aev: AnswerEvidence) -> bool:
    named = c.name in aev.ev.columns and aev.ev.columns[c.name].time_named
    return (
        (c.in_group("temporal") or named)
        and not c.dtype.startswith("datetime")
        and _holds_years(c.min, c.max)
    )


def _quarter_column(c: ColumnProfile) -> bool:
    """Whole numbers 1-4 in a column named as a quarter ("quarter", "qtr", "q")."""
    words = set(column_tokens(c.name))
    try:
        fits = float(c.min) >= 1 and float(c.max) <= 4  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return fits and bool(words & load_lexicon().words.quarter_column_words)


def _holds_years(low: Any, high: Any) -> bool:
    try:
        return float(low) >= 1700 and float(high) <= 2200
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------- features
def _bucket(n: int) -> str:
    return "2" if n <= 2 else "12" if n <= 12 else "50" if n <= 50 else "many"


def column_features(
    prefix: str, col: ColumnEvidence | None, aev: AnswerEvidence
) -> dict[str, float]:
    """What one column brings to a slot of an answer."""
    if col is None:
        return {f"{prefix}:none": 1.0}
    f = {f"{prefix}:role:{col.role}": 1.0, f"{prefix}:card:{_bucket(col.cardinality)}": 1.0}
    if col.mention > 0:
        f[f"{prefix}:mention"] = col.mention
        if col.order == 0:
            f[f"{prefix}:first"] = 1.0
        if col.synonym or col.fuzzy:
            f[f"{prefix}:weak"] = 1.0
    elif col.values_grouped:
        f[f"{prefix}:values"] = 1.0
    else:
        f[f"{prefix}:unmentioned"] = 1.0
    for flag, on in (
        ("in_filter", col.in_filter),
        ("group_before", col.group_before),
        ("sup_before", col.sup_before),
        ("count_like", col.count_like),
        ("additive", col.additive and col.numeric_like),
        ("time_named", col.time_named),
        ("temporal", col.temporal),
        ("values_grouped", col.values_grouped),
        ("pinned", col.pinned),
    ):
        if on:
            f[f"{prefix}:{flag}"] = 1.0
    if col.agg_before:
        f[f"{prefix}:agg_before:{col.agg_before}"] = 1.0
    return f


def _unused(c: AnswerCandidate, aev: AnswerEvidence) -> int:
    """Columns the question clearly names that the reading neither measures, groups nor
    filters by ("the number of the countries of ..." is not a count of rows)."""
    used = {c.column, c.column2, c.group_by}
    return sum(1 for name in aev.ev.strong if name not in used)


def _stat_before(aev: AnswerEvidence, col: ColumnEvidence | None, stat: str) -> bool:
    """A word of `stat` ends at most STAT_WINDOW tokens before the column's first mention."""
    if col is None or col.first_pos is None:
        return False
    return any(
        h.kind == "stat" and h.label == stat and 0 <= col.first_pos - h.end <= STAT_WINDOW
        for h in aev.hits
    )


def kind_features(
    kind: str, aev: AnswerEvidence, best: AnswerCandidate | None = None
) -> dict[str, float]:
    """What the question says about the kind of answer: its words, paired with the kind, and
    the columns it names that the kind's best reading leaves unused."""
    f: dict[str, float] = {f"k:{kind}": 1.0}
    for w in aev.words:
        if not w.endswith(":none"):  # no chart word is no evidence: most questions have none
            f[f"k:{kind}|{w}"] = 1.0
    if best is not None and kind not in ("chart", "unsupported"):
        unused = _unused(best, aev)
        if unused:
            f[f"k:{kind}|unused"] = float(unused)
    return f


def slot_features(c: AnswerCandidate, aev: AnswerEvidence) -> dict[str, float]:
    """What the question says about one reading's fields, compared within its kind."""
    cols = aev.ev.columns
    f: dict[str, float] = {}
    col = cols.get(c.column) if c.column else None
    if c.kind == "statistic":
        f[f"s:{c.stat}"] = 1.0
        for w in aev.words:
            if w.startswith(("sw:", "c:", "agg:", "sup:", "m:")) or w in ("which_sup", "filtered"):
                f[f"s:{c.stat}|{w}"] = 1.0
        f.update(column_features(f"s:{c.stat}:col", col, aev))
        f.update(column_features("s:col", col, aev))
        if _stat_before(aev, col, c.stat):
            f[f"s:{c.stat}|after_word"] = 1.0
            f["s:after_word"] = 1.0
        if c.stat == "quantile" and aev.quantile:
            f["s:quantile|percent_named"] = 1.0
    elif c.kind == "relation":
        f[f"r:{c.method}"] = 1.0
        f.update(_method_features("r", c.method, aev))
        f.update(column_features("r:a", col, aev))
        f.update(column_features("r:b", cols.get(c.column2 or ""), aev))
    elif c.kind == "distribution":
        f.update(_method_features("d", c.method, aev))
        f.update(column_features("d:col", col, aev))
        n = aev.ev.columns[c.column].cardinality if c.column else 0
        f[f"d:{c.method}|many_values:{int(n > 5000)}"] = 1.0
    elif c.kind == "group_difference":
        f.update(_difference_features(c, col, aev))
    elif c.kind == "extreme":
        f.update(_extreme_features(c, col, aev))
    elif c.kind == "change":
        f[f"ch:agg:{c.agg}"] = 1.0
        for w in aev.words:
            if w.startswith(("agg:", "sw:")):
                f[f"ch:agg:{c.agg}|{w}"] = 1.0
        f[f"ch:grain:{c.time_grain}|periods:{aev.period_kind}"] = 1.0
        f.update(column_features("ch:y", col, aev))
        f.update(column_features("ch:t", cols.get(c.group_by or ""), aev))
        if col is not None:
            f[f"ch:agg:{c.agg}|y_additive:{int(col.additive)}"] = 1.0
    return f


def _after_which(aev: AnswerEvidence, col: ColumnEvidence | None) -> bool:
    """The column is named right after a "which" word ("which firm", "what day")."""
    if col is None or col.first_pos is None:
        return False
    return any(
        h.kind == "class" and h.label == "which" and 0 <= col.first_pos - h.end <= 1
        for h in aev.hits
    )


def _asked_period(aev: AnswerEvidence, grain: str) -> bool:
    """The question asks which period of this grain: a "which" word right before it."""
    which = [h.end for h in aev.hits if h.kind == "class" and h.label == "which"]
    return any(
        h.kind == "grain" and h.label == grain and any(0 <= h.start - end <= 2 for end in which)
        for h in aev.ev.cues.hits
    )


def _method_features(prefix: str, method: str, aev: AnswerEvidence) -> dict[str, float]:
    named = {w[2:] for w in aev.words if w.startswith("m:")}
    f = {f"{prefix}:{method}": 1.0}
    if named:
        f[f"{prefix}:method_named" if method in named else f"{prefix}:method_other"] = 1.0
    else:
        f[f"{prefix}:{method}|unnamed"] = 1.0
    return f


def _difference_features(
    c: AnswerCandidate, col: ColumnEvidence | None, aev: AnswerEvidence
) -> dict[str, float]:
    g = aev.ev.columns.get(c.group_by or "")
    f = _method_features("gd", c.method, aev)
    n_groups = g.cardinality if g is not None else 0
    f[f"gd:{c.method}|groups:{'2' if n_groups == 2 else 'many'}"] = 1.0
    if g is not None and g.values_grouped:
        f[f"gd:{c.method}|values_named"] = 1.0
    f.update(column_features("gd:y", col, aev))
    f.update(column_features("gd:g", g, aev))
    return f


def _extreme_features(
    c: AnswerCandidate, col: ColumnEvidence | None, aev: AnswerEvidence
) -> dict[str, float]:
    f: dict[str, float] = {f"e:{c.scope}": 1.0}
    for w in aev.words:
        f[f"e:{c.scope}|{w}"] = 1.0
    sups = {w[4:] for w in aev.words if w.startswith("sup:")} | {
        "high" if w == "sw:max" else "low" for w in aev.words if w in ("sw:max", "sw:min")
    }
    if sups:
        wanted = "max" if "high" in sups else "min"
        f["e:direction_agrees" if c.direction == wanted else "e:direction_differs"] = 1.0
    f.update(column_features(f"e:{c.scope}:y", col, aev))
    if c.scope == "row":
        labels = [n for n in aev.others if n != c.column]
        f[f"e:row|labels:{min(len(labels), 2)}"] = 1.0
        return f
    g = aev.ev.columns.get(c.group_by or "")
    f.update(column_features("e:g", g, aev))
    if _after_which(aev, g):
        f["e:g:after_which"] = 1.0  # "which PID group ...": the groups are what is asked for
    if _after_which(aev, col):
        f["e:y:after_which"] = 1.0
    f[f"e:agg:{c.agg}"] = 1.0
    for w in aev.words:
        if w.startswith(("agg:", "sw:", "c:all", "sup:")):
            f[f"e:agg:{c.agg}|{w}"] = 1.0
    if col is not None:
        f[f"e:agg:{c.agg}|y_additive:{int(col.additive)}"] = 1.0
        f[f"e:agg:{c.agg}|y_count_like:{int(col.count_like)}"] = 1.0
        if col.agg_before:
            f[f"e:agg:{c.agg}|y_agg_before:{col.agg_before}"] = 1.0
    f[f"e:grain:{c.time_grain}"] = 1.0
    if c.time_grain != "none" and _asked_period(aev, c.time_grain):
        f["e:grain_asked"] = 1.0  # "which month", "what day of the week"
    if g is not None:
        f[f"e:agg:{c.agg}|g_card:{_bucket(g.cardinality)}"] = 1.0
    return f


# ---------------------------------------------------------------- ranking
@dataclass
class ScoredAnswer:
    candidate: AnswerCandidate
    score: float


@dataclass
class AnswerReading:
    """The chosen reading as a request, its confidence and the runners-up."""

    answer: AnswerRequest
    confidence: float
    alternatives: list[tuple[AnswerRequest, float]] = field(default_factory=list)
    ranked: list[ScoredAnswer] = field(default_factory=list)


def _dot(weights: dict[str, float], feats: dict[str, float]) -> float:
    return sum(weights.get(k, 0.0) * v for k, v in feats.items())


def best_by_kind(
    aev: AnswerEvidence, profile: SchemaProfile, slot_weights: dict[str, float]
) -> dict[str, list[ScoredAnswer]]:
    """Each kind's readings scored by their fields, best first (ties by a stable key)."""
    out: dict[str, list[ScoredAnswer]] = {}
    for c in dict.fromkeys(generate_answers(aev, profile)):
        out.setdefault(c.kind, []).append(
            ScoredAnswer(c, _dot(slot_weights, slot_features(c, aev)))
        )
    for readings in out.values():
        readings.sort(key=lambda s: (-s.score, s.candidate.key()))
    return out


def score_answers(
    aev: AnswerEvidence, profile: SchemaProfile, weights: dict[str, dict[str, float]]
) -> list[ScoredAnswer]:
    """Every reading, best first: kinds by their own score, then readings within each kind.

    Two fitted models: which kind (the question's words, "kind" weights), and which fields
    within a kind ("slots" weights). A reading's score is its kind's log-probability plus its
    own within the kind, so a word that picks a statistic's column cannot pick the kind too.
    """
    by_kind = best_by_kind(aev, profile, weights.get("slots", {}))
    kinds = sorted(by_kind)
    kind_scores = [
        _dot(weights.get("kind", {}), kind_features(k, aev, by_kind[k][0].candidate)) for k in kinds
    ]
    kind_logp = dict(zip(kinds, _log_softmax(kind_scores), strict=True))
    scored = []
    for kind, readings in by_kind.items():
        slot_logp = _log_softmax([r.score for r in readings])
        scored += [
            ScoredAnswer(r.candidate, kind_logp[kind] + lp)
            for r, lp in zip(readings, slot_logp, strict=True)
        ]
    scored.sort(key=lambda s: (-s.score, s.candidate.key()))
    return scored


def _log_softmax(scores: list[float]) -> list[float]:
    hi = max(scores)
    log_total = hi + math.log(sum(math.exp(s - hi) for s in scores))
    return [s - log_total for s in scores]


def read_answer(
    cues: Cues,
    ev: QuestionEvidence,
    profile: SchemaProfile,
    weights: dict[str, dict[str, float]],
    chart: AnalysisRequest | None = None,
) -> AnswerReading:
    """The best reading of the question's answer kind, completed from the cues; `chart` is
    the chart ranking's best request (evidence for the kind, and the "chart" reading)."""
    aev = answer_evidence(cues, ev, profile, chart)
    scored = score_answers(aev, profile, weights)
    top = scored[: 1 + MAX_ALTERNATIVES * 3]
    probs = [math.exp(s.score) for s in top]  # scores are log-probabilities
    best = complete_answer(scored[0].candidate, aev)
    alternatives: list[tuple[AnswerRequest, float]] = []
    seen = {best.signature()}
    confidence = probs[0]
    for s, p in zip(top[1:], probs[1:], strict=False):
        alt = complete_answer(s.candidate, aev)
        if alt.signature() == best.signature():
            confidence += p  # the same answer reached another way (a method left to default)
        if alt.signature() in seen:
            continue
        seen.add(alt.signature())
        if len(alternatives) < MAX_ALTERNATIVES:
            alternatives.append((alt, round(p, 4)))
    return AnswerReading(best, round(min(confidence, 1.0), 4), alternatives, scored)


def complete_answer(c: AnswerCandidate, aev: AnswerEvidence) -> AnswerRequest:
    """A candidate plus what the cues fix directly: the rows it is computed on, the groups
    compared, the periods, the columns that name a row."""
    cues = aev.ev.cues
    filters = list(cues.filters)
    named = {w[2:] for w in aev.words if w.startswith("m:")}
    req = AnswerRequest(
        kind=c.kind, stat=c.stat, column=c.column, column2=c.column2, group_by=c.group_by,
        agg=c.agg, time_grain=c.time_grain, quantile=c.quantile,
        method=c.method if c.method in named else "default", direction=c.direction,
        scope=c.scope,
    )  # fmt: skip
    if c.kind == "statistic" and c.stat in ("count", "share"):
        return replace_fields(req, conditions=filters)
    if c.kind == "group_difference" and c.group_by:
        listed = [f for f in filters if f.column == c.group_by and f.op == "in"]
        values = [v.value for v in cues.values if v.column == c.group_by]
        groups = list(listed[0].value) if listed else list(dict.fromkeys(values))
        filters = [f for f in filters if f.column != c.group_by]
        centre = next((a for a in ("mean", "median") if f"sw:{a}" in aev.words), "none")
        return replace_fields(
            req, filters=filters, groups=groups if len(groups) >= 2 else [], agg=centre
        )
    if c.kind == "change":
        filters = [f for f in filters if f.column != c.group_by]
        periods = aev.periods[:1] + aev.periods[-1:]
        named_periods = {str(p).lower() for p in aev.periods} | {str(p)[:4] for p in aev.periods}
        filters = [f for f in filters if not _names_periods(f, named_periods)]
        return replace_fields(
            req, filters=filters, periods=periods[::-1] if aev.later_first else periods
        )
    if c.kind == "extreme" and c.scope == "row":
        labels = [n for n in aev.others if n != c.column and n not in cues.filter_columns]
        return replace_fields(req, filters=filters, labels=labels)
    if c.kind == "extreme":
        filters = [f for f in filters if f.column != c.group_by]
    return replace_fields(req, filters=filters)


def _names_periods(f: RequestFilter, periods: set[str]) -> bool:
    """A filter the question's periods made ("from 1871" read as year >= 1871): the change's
    own periods, not a restriction of its rows."""
    values = f.value if isinstance(f.value, list) else [f.value]
    return any(str(v)[:4] in periods or str(v).lower() in periods for v in values)


def replace_fields(req: AnswerRequest, **changes: Any) -> AnswerRequest:
    return req.model_copy(update=changes, deep=True)


# ---------------------------------------------------------------- the evidence chart
def evidence_request(answer: AnswerRequest, chart: AnalysisRequest) -> AnalysisRequest:
    """The chart shown beside an answer: what the answer was computed from, drawn.

    A statistic: the column's distribution; a relation: the scatter; a test: a box per group;
    an extreme: every group's value, ranked; a change: the measure over the periods. For a
    chart question (and what cannot be expressed: the closest chart) the chart request."""
    filters = [RequestFilter.model_validate(f.model_dump()) for f in answer.filters]
    kind = answer.kind
    if kind in ("chart", "unsupported"):
        return chart
    if kind == "statistic":
        return _statistic_chart(answer, filters, chart)
    if kind == "relation":
        return AnalysisRequest(chart="scatter", x=answer.column, y=answer.column2, filters=filters)
    if kind == "distribution":
        return AnalysisRequest(chart="histogram", x=answer.column, filters=filters)
    if kind == "group_difference":
        if answer.method == "chi2":
            return AnalysisRequest(
                chart="bar", x=answer.group_by, agg="count", color=answer.column, filters=filters
            )
        if answer.groups:
            filters.append(
                RequestFilter(column=answer.group_by or "", op="in", value=list(answer.groups))
            )
        if answer.agg in ("mean", "median"):  # "the same average": the averages, side by side
            return AnalysisRequest(
                chart="bar", x=answer.group_by, y=answer.column, agg=answer.agg, filters=filters
            )
        return AnalysisRequest(chart="box", x=answer.group_by, y=answer.column, filters=filters)
    if kind == "extreme" and answer.scope == "group":
        return AnalysisRequest(
            chart="bar", x=answer.group_by, y=answer.column,
            agg="count" if answer.column is None else answer.agg, time_grain=answer.time_grain,
            filters=filters, sort_by="y", sort_dir="desc" if answer.direction == "max" else "asc",
        )  # fmt: skip
    if kind == "extreme":
        return AnalysisRequest(chart="histogram", x=answer.column, filters=filters)
    return AnalysisRequest(
        chart="line", x=answer.group_by, y=answer.column,
        agg="sum" if answer.agg == "sum" else "mean",
        time_grain=answer.time_grain if answer.time_grain != "month_of_year" else "month_of_year",
        filters=filters, sort_by="x", sort_dir="asc",
    )  # fmt: skip


def _statistic_chart(
    answer: AnswerRequest, filters: list[RequestFilter], chart: AnalysisRequest
) -> AnalysisRequest:
    """A count of rows meeting conditions, when the question also names a grouping ("the
    countries of the airlines whose names start with O"): those rows counted per group.
    Otherwise the counted or measured column's distribution."""
    if answer.stat in ("count", "share") and answer.conditions:
        cond = answer.conditions[0].column
        conditions = [RequestFilter.model_validate(f.model_dump()) for f in answer.conditions]
        group = chart.x if chart.x not in {f.column for f in conditions} else None
        if group is not None and answer.stat == "count" and answer.column is None:
            return AnalysisRequest(
                chart=chart.chart if chart.chart in ("bar", "pie") else "bar",
                x=group, agg="count", time_grain=chart.time_grain,
                filters=[*filters, *conditions],
            )  # fmt: skip
        if answer.column is not None:
            return AnalysisRequest(chart="bar", x=cond, y=answer.column, agg="sum", filters=filters)
        return AnalysisRequest(chart="histogram", x=cond, filters=filters)
    if answer.stat in ("count_distinct", "mode", "missing", "count") or answer.column is None:
        x = answer.column or next((f.column for f in answer.conditions), None)
        return AnalysisRequest(
            chart="bar", x=x, agg="count", filters=filters, sort_by="y", sort_dir="desc", limit=20
        )
    return AnalysisRequest(chart="histogram", x=answer.column, filters=filters)


# ---------------------------------------------------------------- the answer step
ANSWER_ID = "value"


def answer_call(answer: AnswerRequest) -> tuple[str, dict[str, Any]] | None:
    """The registry tool and parameters that compute `answer` (None: the chart answers)."""
    filters = [f.model_dump() for f in answer.filters]
    kind = answer.kind
    if kind == "statistic":
        params: dict[str, Any] = {
            "stat": answer.stat, "column": answer.column, "filters": filters,
            "counted": [f.model_dump() for f in answer.conditions],
        }  # fmt: skip
        if answer.stat == "quantile":
            params["quantile"] = answer.quantile or 50
        return "answer_statistic", params
    if kind == "relation":
        return "answer_relation", {
            "x": answer.column, "y": answer.column2, "filters": filters,
            "method": answer.method if answer.method in RELATION_METHODS else "default",
        }  # fmt: skip
    if kind == "distribution":
        method = answer.method if answer.method in NORMALITY_METHODS else "default"
        return "answer_distribution", {
            "column": answer.column,
            "method": method,
            "filters": filters,
        }
    if kind == "group_difference":
        return "answer_group_difference", {
            "measure": answer.column, "group_by": answer.group_by, "groups": list(answer.groups),
            "method": answer.method, "filters": filters,
        }  # fmt: skip
    if kind == "extreme":
        return "answer_extreme", {
            "measure": answer.column, "by": answer.group_by if answer.scope == "group" else None,
            "agg": answer.agg if answer.agg in EXTREME_AGGS else "sum",
            "time_grain": answer.time_grain, "direction": answer.direction,
            "labels": list(answer.labels), "filters": filters,
        }  # fmt: skip
    if kind == "change" and len(answer.periods) == 2:
        return "answer_change", {
            "measure": answer.column, "period": answer.group_by, "quarter": answer.column2,
            "time_grain": answer.time_grain, "start": answer.periods[0], "end": answer.periods[1],
            "agg": answer.agg if answer.agg in ("mean", "sum") else None, "filters": filters,
        }  # fmt: skip
    return None


STAT_LABELS = {"count_distinct": "number of different values", "missing": "missing values of"}


def answer_label(answer: AnswerRequest) -> str:
    """A reading in plain words, e.g. "the median of tip", "is tip normally distributed?"."""
    kind = answer.kind
    if kind == "statistic":
        if answer.stat in ("count", "share"):
            what = "number" if answer.stat == "count" else "share"
            cond = " and ".join(f"{f.column} {f.op} {f.value}" for f in answer.conditions)
            return f"the {what} of rows" + (f" where {cond}" if cond else "")
        name = f"{answer.quantile}th percentile" if answer.stat == "quantile" else answer.stat
        return f"the {STAT_LABELS.get(answer.stat, name)} of {answer.column}"
    if kind == "relation":
        return f"the correlation of {answer.column} and {answer.column2}"
    if kind == "distribution":
        return f"whether {answer.column} is normally distributed"
    if kind == "group_difference":
        return f"whether {answer.column} differs between {answer.group_by} groups"
    if kind == "extreme":
        word = "highest" if answer.direction == "max" else "lowest"
        if answer.scope == "row":
            return f"the row with the {word} {answer.column}"
        what = "number of rows" if answer.column is None else f"{answer.agg} of {answer.column}"
        return f"the {answer.group_by} with the {word} {what}"
    if kind == "change":
        return f"the change of {answer.column} from {' to '.join(answer.periods)}"
    return "a chart"
