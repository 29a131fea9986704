"""The answer tools: the one value, verdict or name a question asks for, computed and said first.

Each tool returns its sentence first (`findings[0]`, the headline) and the answer object in
`metrics["answer"]` (kind, value or values, method, n, columns, filters, verdict). The sentence
is written from the computed object, never the other way round, as scipy.stats' result objects
carry their statistic, p-value and n. Methods follow the usual conventions unless the question
names one: an unqualified two-group test is Welch's t-test, more groups a one-way ANOVA, two
categorical columns a chi-square test; normality is Shapiro–Wilk (D'Agostino's K² above 5,000
values); a verdict is taken at alpha 0.05. What cannot be computed (too few values, a constant
column) is said in words; a NaN never reaches a sentence.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from autoviz_core.tools.claims import (
    MIN_ABS_R,
    Claim,
    Correlated,
    Ranked,
    Summed,
    fact,
    failures,
    settle_one,
)
from autoviz_core.tools.common import (
    MONTHS,
    FilterCondition,
    FilteredParams,
    ToolInputError,
    apply_filters,
    bucket_column,
    datetime_values,
    filtered_rows,
    is_numeric,
    is_temporal,
    label,
    numeric_values,
    p_text,
    require_columns,
    to_json_value,
)
from autoviz_core.tools.measures import both_drift, part_of_total, summed
from autoviz_core.tools.periods import calendar_grain, period_id, period_label
from autoviz_core.tools.registry import ToolContext, ToolResult, column_param, tool
from autoviz_core.vocabulary import (
    PERIOD_GRAINS,
    Direction,
    GroupAggregation,
    Statistic,
    TimeGrain,
)
from autoviz_core.wording import AGG_LEADS, FILTER_OP_SYMBOLS, said

ALPHA = 0.05
SHAPIRO_MAX_N = 5000  # scipy's Shapiro–Wilk p-value is not accurate above this
MIN_VALUES = {"std": 2, "var": 2, "skewness": 3, "kurtosis": 4}
STAT_WORDS = {
    "mean": "mean",
    "median": "median",
    "sum": "total",
    "min": "lowest",
    "max": "highest",
    "std": "standard deviation",
    "var": "variance",
    "range": "range",
    "iqr": "interquartile range",
    "skewness": "skewness",
    "kurtosis": "excess kurtosis",
}
# "lowest price", "number of rows": a step sentence's leading words (wording.py), mid-sentence.
AGG_WORDS: dict[str, str] = {agg: lead.lower() for agg, lead in AGG_LEADS.items()}


def scipy_stats() -> Any:
    """scipy.stats, loaded by the steps that test or correlate (50 MB, about a second)."""
    from scipy import stats

    return stats


# ---------------------------------------------------------------- the answer object
@dataclass
class Answer:
    """What a question asked for, as computed: the object the sentence is written from."""

    kind: str
    text: str
    method: str
    n: int
    columns: list[str]
    filters: list[dict[str, Any]] = field(default_factory=list)
    value: Any = None
    values: dict[str, Any] = field(default_factory=dict)
    verdict: str | None = None
    p_value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "value": to_json_value(self.value),
            "values": {k: to_json_value(v) for k, v in self.values.items()},
            "method": self.method,
            "n": int(self.n),
            "columns": list(self.columns),
            "filters": list(self.filters),
            "verdict": self.verdict,
            "p_value": to_json_value(self.p_value),
        }


def answered(
    answer: Answer,
    table: pd.DataFrame | None = None,
    more: Sequence[str] = (),
    claim: Claim | None = None,
) -> ToolResult:
    """The tool result of an answer: its sentence first, then any supporting sentences.

    With `claim` (what the sentence asserts), the sentence is the one the validator lets say:
    the asked value is always stated, worded as what holds (tools/claims.py)."""
    said = settle_one(dataclasses.replace(claim, asked=True)) if claim is not None else None
    if said is not None:
        answer.text = said.text
    return ToolResult(
        summary=answer.text,
        table=table,
        claims=[said or fact(answer.text), *(fact(m) for m in more)],
        metrics={"answer": answer.to_dict(), "rows": answer.n},
    )


def computed_on_sample(result: ToolResult, how: str) -> ToolResult:
    """Say in the answer's own sentence (the headline, the answer object, the summary) that
    it was computed on a sample, and which: a test that needs every value of a table too big
    to read runs on a seeded sample of it."""
    note = f" Computed on {how}."
    answer = result.metrics.get("answer")
    if answer is not None:
        answer["text"] = answer["text"] + note
    if result.findings:
        result.findings[0] += note
    if result.claims:  # the findings are the claims' sentences: the note goes with the claim
        first = result.claims[0]
        result.claims[0] = dataclasses.replace(first, text=first.text + note)
    result.summary += note
    result.metrics["sample"] = how
    return result


# ---------------------------------------------------------------- formatting
def num(value: Any) -> str:
    """A value stated as an answer: whole numbers as they are, others to two decimals
    (three significant digits below 0.01), thousands separated; missing -> "n/a"."""
    v = to_json_value(value)
    if v is None:
        return "n/a"
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, int) or float(v).is_integer():
        return f"{int(v):,}"
    if v != 0 and abs(v) < 0.01:
        return f"{v:.3g}"
    return f"{v:,.2f}"


def count_text(n: int, noun: str = "value") -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def condition_text(conditions: Sequence[FilterCondition]) -> str:
    """Conditions as a phrase: "size ≥ 4 and day = Sun"."""
    parts = []
    for c in conditions:
        value = c.value
        if isinstance(value, (list, tuple)):
            shown = ", ".join(label(v) for v in value)
            shown = f"[{shown}]" if c.op in ("between", "outside") else shown
        else:
            shown = label(value)
        parts.append(f"{c.column} {said(FILTER_OP_SYMBOLS, c.op, c.op.replace('_', ' '))} {shown}")
    return " and ".join(parts)


def scope(filters: Sequence[FilterCondition]) -> str:
    """ " where smoker = Yes" (or nothing)."""
    return f" where {condition_text(filters)}" if filters else ""


def filter_dicts(filters: Sequence[FilterCondition]) -> list[dict[str, Any]]:
    return [f.model_dump(mode="json") for f in filters]


def missing_note(dropped: int) -> str:
    return f"; {count_text(dropped, 'missing value')} left out" if dropped else ""


# ---------------------------------------------------------------- statistic of one column
class StatisticParams(FilteredParams):
    """One statistic of one column, on the rows the filters keep."""

    stat: Statistic = "mean"
    column: str | None = column_param(None, role="any", description="the column measured")
    quantile: int = Field(50, ge=0, le=100, description="percent, for stat = quantile")
    counted: list[FilterCondition] = Field(
        default_factory=list, description="count / share: the rows counted"
    )


@tool(
    "answer_statistic",
    family="answers",
    description="One statistic of one column (count, mean, median, quantile, skewness, share...).",
    params=StatisticParams,
    produces="stats",
)
def answer_statistic(df: pd.DataFrame, params: StatisticParams, ctx: ToolContext) -> ToolResult:
    """The asked statistic, with n, the method and what was left out."""
    rows = filtered_rows(df, params)
    require_columns(rows, [params.column, *(c.column for c in params.counted)])
    if params.stat in ("count", "share"):
        return answered(_counted(rows, params))
    if params.column is None:
        raise ToolInputError(f"the statistic {params.stat!r} needs a column")
    s = rows[params.column]
    if params.stat == "count_distinct":
        return answered(_distinct(s, params))
    if params.stat == "missing":
        return answered(_missing(s, params))
    if params.stat == "mode":
        return answered(_mode(s, params))
    return answered(_number_statistic(s, params))


def _counted(rows: pd.DataFrame, p: StatisticParams) -> Answer:
    """Rows meeting the conditions: how many, or what share (of rows, or of a measure's total)."""
    kept, _ = apply_filters(rows, p.counted) if p.counted else (rows, [])
    sums = None
    if p.stat == "share" and p.column is not None and is_numeric(rows[p.column]):
        sums = (
            float(numeric_values(kept[p.column]).sum()),
            float(numeric_values(rows[p.column]).sum()),
        )
    return counted_answer(p, len(rows), len(kept), sums)


def counted_answer(
    p: StatisticParams, rows: int, kept: int, sums: tuple[float, float] | None
) -> Answer:
    """The count or share sentence from its figures: `rows` in scope, `kept` meeting the
    conditions, and for a share of a number column (part, total) of its sums."""
    what = condition_text(p.counted)
    base = scope(p.filters)
    common: dict[str, Any] = dict(columns=_columns(p), filters=filter_dicts(p.filters))
    if p.stat == "count":
        text = (
            f"{kept:,} of {rows:,} rows{base} have {what}."
            if p.counted
            else f"There are {rows:,} rows{base}."
        )
        method = "count of rows meeting the condition" if p.counted else "count of rows"
        return Answer("statistic", text, method, rows, value=kept, **common)
    if sums is not None:
        part, total = sums
        if total == 0:
            return Answer(
                "statistic",
                f"The share of {p.column} cannot be computed: its total{base} is 0.",
                "share of the total",
                rows,
                **common,
            )
        pct = part / total * 100
        text = (
            f"Rows with {what} hold {num(pct)}% of the total {p.column}{base} "
            f"({num(part)} of {num(total)})."
        )
        values = {"part": part, "total": total, "percent": pct}
        return Answer(
            "statistic", text, f"sum of {p.column} where {what} / sum of {p.column}",
            rows, value=pct, values=values, **common,
        )  # fmt: skip
    if not rows:
        return Answer("statistic", f"No rows{base} to count.", "share of rows", 0, **common)
    pct = kept / rows * 100
    text = f"{num(pct)}% of the rows{base} have {what} ({kept:,} of {rows:,})."
    values = {"part": kept, "total": rows, "percent": pct}
    return Answer(
        "statistic", text, "share of rows meeting the condition", rows, value=pct,
        values=values, **common,
    )  # fmt: skip


def _columns(p: StatisticParams) -> list[str]:
    cols = [p.column] if p.column else []
    return list(dict.fromkeys([*cols, *(c.column for c in p.counted)]))


def _distinct(s: pd.Series, p: StatisticParams) -> Answer:
    return distinct_answer(p, int(s.nunique(dropna=True)), int(s.notna().sum()))


def distinct_answer(p: StatisticParams, k: int, present: int) -> Answer:
    """`k` different values among `present` rows with a value."""
    text = f"{p.column} has {k:,} different values{scope(p.filters)} ({count_text(present, 'row')} with a value)."
    return Answer(
        "statistic", text, "count of distinct non-missing values", present,
        _columns(p), filter_dicts(p.filters), value=k,
    )  # fmt: skip


def _missing(s: pd.Series, p: StatisticParams) -> Answer:
    return missing_answer(p, int(s.isna().sum()), len(s))


def missing_answer(p: StatisticParams, k: int, rows: int) -> Answer:
    """`k` of `rows` rows without a value."""
    share = k / rows * 100 if rows else 0.0
    text = f"{p.column} is missing in {k:,} of {rows:,} rows{scope(p.filters)} ({num(share)}%)."
    return Answer(
        "statistic", text, "count of missing values", rows, _columns(p),
        filter_dicts(p.filters), value=k, values={"percent": share},
    )  # fmt: skip


def _mode(s: pd.Series, p: StatisticParams) -> Answer:
    present = s.dropna()
    if present.empty:
        return mode_answer(p, [], 0, 0)
    counts = present.value_counts()
    top = counts[counts == counts.iloc[0]]
    return mode_answer(p, list(top.index), int(counts.iloc[0]), len(present))


def mode_answer(p: StatisticParams, tied: list[Any], k: int, present: int) -> Answer:
    """The most frequent value (`tied`: every value seen `k` times, the most) of `present`."""
    if not present:
        return Answer(
            "statistic", f"{p.column} has no values{scope(p.filters)}.", "mode", 0, _columns(p)
        )
    names = [label(v) for v in sorted(tied, key=str)]
    if len(names) > 1:
        text = (
            f"No single {p.column} is the most common{scope(p.filters)}: "
            f"{', '.join(names[:5])} tie with {k:,} rows each (of {present:,})."
        )
        value: Any = None
    else:
        text = f"The most common {p.column}{scope(p.filters)} is {names[0]} ({k:,} of {present:,} rows)."
        value = names[0]
    return Answer(
        "statistic", text, "most frequent value", present, _columns(p),
        filter_dicts(p.filters), value=value, values={"count": k, "tied": names},
    )  # fmt: skip


@dataclass
class NumberFigures:
    """What a number statistic's sentence reads besides the value: the values counted, those
    left out as missing, and the median, lowest and highest value where the sentence names
    them (all equal values are stated as `low`)."""

    n: int
    dropped: int
    median: Any = None
    low: Any = None
    high: Any = None


def require_number(p: StatisticParams, numeric: bool) -> None:
    """A number statistic of a column that holds no numbers is a clear error."""
    if not numeric:
        raise ToolInputError(
            f"{p.column!r} is not a number column: its {p.stat} cannot be computed"
        )


def needs_median(p: StatisticParams) -> bool:
    """Whether the sentence of `p.stat` names the median beside it."""
    return p.stat in ("mean", "sum", "std", "var")


def _number_statistic(s: pd.Series, p: StatisticParams) -> Answer:
    require_number(p, is_numeric(s))
    values = numeric_values(s).dropna()
    n = len(values)
    if n < MIN_VALUES.get(p.stat, 1):
        return number_answer(p, None, {}, NumberFigures(n, len(s) - n))
    value, extra = _compute(values, p)
    figures = NumberFigures(
        n,
        len(s) - n,
        median=values.median() if needs_median(p) else None,
        low=values.min(),
        high=values.max(),
    )
    return number_answer(p, value, extra, figures)


def number_answer(
    p: StatisticParams, value: Any, extra: dict[str, Any], f: NumberFigures
) -> Answer:
    """The number statistic's sentence: too few values, undefined (all equal), or its value
    with n, what was left out and the figures its kind names."""
    where = scope(p.filters)
    common: dict[str, Any] = dict(columns=_columns(p), filters=filter_dicts(p.filters))
    name = _stat_name(p)
    need = MIN_VALUES.get(p.stat, 1)
    n = f.n
    if n < need:
        text = f"The {name} of {p.column}{where} needs at least {count_text(need)}; there {'is' if n == 1 else 'are'} {n}."
        return Answer("statistic", text, name, n, **common)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        text = f"The {name} of {p.column}{where} is undefined: all {count_text(n)} are equal ({num(f.low)})."
        return Answer("statistic", text, name, n, **common)
    detail = f"{count_text(n)}{missing_note(f.dropped)}"
    if needs_median(p):
        detail += f"; median {num(f.median)}"
    if p.stat == "iqr":
        detail = f"25th percentile {num(extra['q25'])}, 75th {num(extra['q75'])}; " + detail
    if p.stat == "range":
        detail = f"from {num(f.low)} to {num(f.high)}; " + detail
    text = f"The {name} of {p.column}{where} is {num(value)} ({detail})."
    if p.stat == "skewness":
        text = f"{p.column}{where} has a skewness of {num(value)}: {_skew_words(value)} ({detail})."
    return Answer("statistic", text, name, n, value=value, values=extra, **common)


def _stat_name(p: StatisticParams) -> str:
    if p.stat == "quantile":
        return "median" if p.quantile == 50 else f"{_ordinal(p.quantile)} percentile"
    return STAT_WORDS.get(p.stat, p.stat)


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _compute(values: pd.Series, p: StatisticParams) -> tuple[Any, dict[str, Any]]:
    """The statistic (pandas' conventions: sample std, linear quantiles, bias-corrected skew)."""
    stat = p.stat
    if stat == "quantile":
        return float(values.quantile(p.quantile / 100)), {"percent": p.quantile}
    if stat == "iqr":
        q25, q75 = float(values.quantile(0.25)), float(values.quantile(0.75))
        return q75 - q25, {"q25": q25, "q75": q75}
    if stat == "range":
        return float(values.max() - values.min()), {"min": values.min(), "max": values.max()}
    if stat in ("skewness", "kurtosis"):
        if values.nunique() < 2:
            return None, {}
        return float(values.skew() if stat == "skewness" else values.kurt()), {}
    if stat in ("min", "max", "sum"):
        return values.agg(stat), {}
    if stat in ("mean", "median", "std", "var"):
        return float(values.agg(stat)), {}
    raise ToolInputError(f"unknown statistic {stat!r}")


def _skew_words(value: float) -> str:
    size = abs(value)
    if size < 0.5:
        return "roughly symmetric"
    side = (
        "right-skewed (a longer tail of high values)"
        if value > 0
        else "left-skewed (a longer tail of low values)"
    )
    return ("strongly " if size >= 1 else "moderately ") + side


# ---------------------------------------------------------------- relation of two columns
class RelationParams(FilteredParams):
    """How two number columns move together."""

    x: str = column_param(role="numeric", description="the first column")
    y: str = column_param(role="numeric", description="the second column")
    method: Literal["default", "pearson", "spearman", "kendall"] = "default"


@tool(
    "answer_relation",
    family="answers",
    description="Correlation of two named columns (Pearson, Spearman or Kendall) with p and n.",
    params=RelationParams,
    produces="stats",
)
def answer_relation(df: pd.DataFrame, params: RelationParams, ctx: ToolContext) -> ToolResult:
    """r, p and n on the rows where both columns have a value; direction and strength in words."""
    rows = filtered_rows(df, params)
    require_columns(rows, [params.x, params.y])
    return relation_on_rows(rows, params)


def relation_on_rows(rows: pd.DataFrame, params: RelationParams) -> ToolResult:
    """The correlation of the two columns on `rows` (the filters already applied), with what
    its claim must know of the table: a part against its total, two series drifting in time
    (then the correlation of their changes from one row to the next)."""
    a, b = numeric_values(rows[params.x]), numeric_values(rows[params.y])
    pair = pd.DataFrame({"a": a, "b": b}).dropna()
    n = len(pair)
    constant = [c for c, s in ((params.x, pair["a"]), (params.y, pair["b"])) if s.nunique() < 2]
    if n < 3 or constant:
        return relation_answer(params, n, constant)
    method = relation_method(params)
    fit = _correlation(pair["a"], pair["b"], method)
    rank = _correlation(pair["a"], pair["b"], "spearman") if method == "pearson" else None
    part = part_of_total(rows, params.x, params.y)
    order = both_drift(rows, params.x, params.y) if not part else None
    changes = None
    if order is not None:
        steps = pair.reindex(order).dropna().diff().dropna()
        changes = (*_correlation(steps["a"], steps["b"], method), len(steps))
    table = pair.rename(columns={"a": params.x, "b": params.y})
    return relation_answer(params, n, [], fit, rank, table, part=part, changes=changes)


def relation_method(params: RelationParams) -> str:
    """The method asked for, Pearson's r unless the question names another."""
    return "pearson" if params.method == "default" else params.method


def relation_answer(
    params: RelationParams,
    n: int,
    constant: Sequence[str],
    fit: tuple[float, float] | None = None,
    rank: tuple[float, float] | None = None,
    table: pd.DataFrame | None = None,
    rank_on: str = "",
    part: bool = False,
    changes: tuple[float, float, int] | None = None,
) -> ToolResult:
    """The relation's sentence from (r, p) on `n` pairs; too few pairs or a `constant` column
    said in words; with Pearson's r the rank correlation (`rank`, computed `rank_on` a
    sample when that is not every row) follows it. The sentence is a claim (tools/claims.py):
    a relation is said only when significant, not negligible, not of a part with its total
    (`part`) and not of two series drifting over time (`changes`: r, p and n of their changes
    from one row to the next); otherwise what holds is said, with the same figures."""
    method = relation_method(params)
    name = {"pearson": "Pearson's r", "spearman": "Spearman's rho", "kendall": "Kendall's tau"}[
        method
    ]
    common: dict[str, Any] = dict(
        columns=[params.x, params.y], filters=filter_dicts(params.filters)
    )
    subject = f"{params.x} and {params.y}{scope(params.filters)}"
    if n < 3:
        text = (
            f"The correlation of {subject} needs at least 3 rows with both values; there are {n}."
        )
        return answered(Answer("relation", text, name, n, **common))
    if constant or fit is None:
        text = f"The correlation of {subject} is undefined: {constant[0]} has one value only."
        return answered(Answer("relation", text, name, n, **common))
    r, p = fit
    verdict = "significant" if p < ALPHA else "not significant"
    kind = "linear" if method == "pearson" else "monotonic"
    figures = f"{name} = {num(round(r, 2) + 0.0)} ({p_text(p)}, n = {n:,})"
    text = f"Between {subject} there is {_strength(r, 0.0)} {kind} relation: {figures}."
    relation = Correlated(
        params.x, params.y, r, p, n, method, part, tuple(filter_dicts(params.filters)),
        changes is not None,
    )  # fmt: skip
    if changes is not None:
        rc, pc, nc = changes
        holds = (
            f"{subject[0].upper()}{subject[1:]} both drift over time, which alone makes levels "
            f"correlate: {figures} on their levels; their changes from one row to the next give "
            f"{name} = {num(round(rc, 2) + 0.0)} ({p_text(pc)}, n = {nc:,})."
        )
    elif part:
        holds = (
            f"Between {subject} the relation is by construction, one being a total that "
            f"contains the other: {figures}."
        )
    else:
        holds = f"Between {subject} there is {_strength(r, p)} {kind} relation: {figures}."
    claim = Claim(text, (relation,), Claim(holds, denies=(relation,)))
    more = []
    if rank is not None and changes is None and not part:
        rho, p_rho = rank
        on = f" on {rank_on}" if rank_on else ""
        more.append(
            f"The rank (monotonic) correlation{on} is Spearman's rho = {num(round(rho, 2) + 0.0)} ({p_text(p_rho)})."
        )
    answer = Answer(
        "relation", text, name, n, value=r, values={"r": r, "direction": "positive" if r > 0 else "negative"},
        verdict=verdict, p_value=p, **common,
    )  # fmt: skip
    return answered(answer, table, more, claim)


def _correlation(a: pd.Series, b: pd.Series, method: str) -> tuple[float, float]:
    fn = {
        "pearson": scipy_stats().pearsonr,
        "spearman": scipy_stats().spearmanr,
        "kendall": scipy_stats().kendalltau,
    }[method]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant-input warnings are handled before
        result = fn(a.to_numpy(dtype=float), b.to_numpy(dtype=float))
    return float(result.statistic), float(result.pvalue)


def _strength(r: float, p: float) -> str:
    size = abs(r)
    if p >= ALPHA or size < MIN_ABS_R:
        return "no clear" if p >= ALPHA else "a negligible (though significant)"
    word = "a weak" if size < 0.3 else "a moderate" if size < 0.5 else "a strong"
    return f"{word} {'positive' if r > 0 else 'negative'}"


# ---------------------------------------------------------------- normality
class DistributionParams(FilteredParams):
    """Whether one number column is normally distributed."""

    column: str = column_param(role="numeric", description="the column tested")
    method: Literal["default", "shapiro", "dagostino"] = "default"


@tool(
    "answer_distribution",
    family="answers",
    description="Normality test of one column (Shapiro–Wilk, or D'Agostino's K² for large n).",
    params=DistributionParams,
    produces="stats",
)
def answer_distribution(
    df: pd.DataFrame, params: DistributionParams, ctx: ToolContext
) -> ToolResult:
    """A verdict at 0.05 with the test, its statistic, p and n, and the skewness in words."""
    rows = filtered_rows(df, params)
    require_columns(rows, [params.column])
    return distribution_on_rows(rows, params)


def distribution_on_rows(rows: pd.DataFrame, params: DistributionParams) -> ToolResult:
    """The normality test of the column on `rows` (the filters already applied)."""
    values = numeric_values(rows[params.column]).dropna()
    n = len(values)
    method = params.method
    if method == "default":
        method = "shapiro" if n <= SHAPIRO_MAX_N else "dagostino"
    name = "Shapiro–Wilk test" if method == "shapiro" else "D'Agostino's K² test"
    common: dict[str, Any] = dict(columns=[params.column], filters=filter_dicts(params.filters))
    subject = f"{params.column}{scope(params.filters)}"
    need = 3 if method == "shapiro" else 8
    if n < need:
        text = f"The {name} of {subject} needs at least {need} values; there are {n}."
        return answered(Answer("distribution", text, name, n, **common))
    if values.nunique() < 2:
        text = f"{subject} is not normally distributed: all {n:,} values are {num(values.iloc[0])}."
        return answered(Answer("distribution", text, name, n, verdict="not normal", **common))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on small n for kurtosis; the note says so
        result = (
            scipy_stats().shapiro(values)
            if method == "shapiro"
            else scipy_stats().normaltest(values)
        )
    stat, p = float(result.statistic), float(result.pvalue)
    normal = p >= ALPHA
    symbol = "W" if method == "shapiro" else "K²"
    skew = float(values.skew())
    shape = _skew_words(skew)
    if normal:
        text = (
            f"The distribution of {subject} looks normal: the {name} finds no evidence against "
            f"normality ({symbol} = {num(round(stat, 3))}, {p_text(p)}, n = {n:,})."
        )
    else:
        text = (
            f"The distribution of {subject} is not normal: {name} "
            f"{symbol} = {num(round(stat, 3))}, {p_text(p)} (n = {n:,}); it is {shape} "
            f"(skewness {num(skew)})."
        )
    more: list[str] = []
    if method == "dagostino" and n < 20:
        more.append(f"With {n} values the kurtosis part of D'Agostino's test is unreliable.")
    answer = Answer(
        "distribution", text, name, n, value="normal" if normal else "not normal",
        values={"statistic": stat, "skewness": skew}, verdict="normal" if normal else "not normal",
        p_value=p, **common,
    )  # fmt: skip
    return answered(answer, more=more)


# ---------------------------------------------------------------- group difference
class GroupDifferenceParams(FilteredParams):
    """Whether a measure differs between groups (or two categorical columns are related)."""

    measure: str = column_param(role="any", description="the value compared")
    group_by: str = column_param(role="groupable", description="the groups")
    groups: list[str | int | float] = Field(
        default_factory=list, description="the groups compared; empty = every group"
    )
    method: Literal["default", "welch", "student", "mannwhitney", "anova", "kruskal", "chi2"] = (
        "default"
    )


TEST_NAMES = {
    "welch": "Welch's t-test",
    "student": "Student's t-test",
    "mannwhitney": "Mann–Whitney U test",
    "anova": "one-way ANOVA",
    "kruskal": "Kruskal–Wallis test",
    "chi2": "chi-square test of independence",
}


@tool(
    "answer_group_difference",
    family="answers",
    description="Significance test of a difference between groups (t, Mann–Whitney, ANOVA, "
    "Kruskal–Wallis, chi-square) with p and an effect size.",
    params=GroupDifferenceParams,
    produces="stats",
)
def answer_group_difference(
    df: pd.DataFrame, params: GroupDifferenceParams, ctx: ToolContext
) -> ToolResult:
    """The verdict at 0.05, the test, p, an effect size and each group's centre and n."""
    rows = filtered_rows(df, params)
    require_columns(rows, [params.measure, params.group_by])
    return group_difference_on_rows(rows, params)


def group_difference_on_rows(rows: pd.DataFrame, params: GroupDifferenceParams) -> ToolResult:
    """The test of the groups of `rows` (the filters already applied)."""
    frame = pd.DataFrame({"g": rows[params.group_by], "v": rows[params.measure]}).dropna()
    if params.groups:
        wanted = {_key(v) for v in params.groups}
        frame = frame[frame["g"].map(_key).isin(wanted)]
    numeric = is_numeric(rows[params.measure]) and params.method != "chi2"
    if not numeric:
        return _chi_square(frame, params)
    frame["v"] = numeric_values(frame["v"])
    groups = [(g, part["v"].to_numpy(dtype=float)) for g, part in frame.groupby("g", sort=True)]
    groups = [(g, v) for g, v in groups if len(v)]
    common: dict[str, Any] = dict(
        columns=[params.measure, params.group_by], filters=filter_dicts(params.filters)
    )
    method = params.method
    if method == "default":
        method = "welch" if len(groups) == 2 else "anova"
    if method in ("welch", "student", "mannwhitney") and len(groups) > 2:
        method = "anova" if method != "mannwhitney" else "kruskal"
    name = TEST_NAMES[method]
    n = sum(len(v) for _, v in groups)
    subject = (
        f"{params.measure} between {_group_list(params.group_by, groups)}{scope(params.filters)}"
    )
    small = [label(g) for g, v in groups if len(v) < 2]
    if len(groups) < 2 or small:
        why = (
            f"only {len(groups)} group has values"
            if len(groups) < 2
            else f"{', '.join(small)} has fewer than 2 values"
        )
        text = f"The difference in {subject} cannot be tested: {why}."
        return answered(Answer("group_difference", text, name, n, **common))
    if all(np.ptp(v) == 0 for _, v in groups) and len({float(v[0]) for _, v in groups}) == 1:
        text = f"There is no difference in {subject}: every value is {num(groups[0][1][0])}."
        return answered(
            Answer("group_difference", text, name, n, verdict="not significant", **common)
        )
    stat, p, effect = _test(method, [v for _, v in groups])
    verdict = "significant" if p < ALPHA else "not significant"
    centre = "median" if method in ("mannwhitney", "kruskal") else "mean"
    parts = [
        f"{label(g)}: {centre} {num(np.median(v) if centre == 'median' else np.mean(v))}, n = {len(v):,}"
        for g, v in groups
    ]
    shown = "; ".join(parts[:6]) + ("; …" if len(parts) > 6 else "")
    text = (
        f"The difference in {subject} is {verdict} at the 0.05 level: {name}, "
        f"{p_text(p)}, {effect[0]} = {num(round(effect[1], 2) + 0.0)} ({shown})."
    )
    table = pd.DataFrame(
        [
            {
                params.group_by: to_json_value(g),
                "n": len(v),
                "mean": float(np.mean(v)),
                "median": float(np.median(v)),
            }
            for g, v in groups
        ]
    )
    answer = Answer(
        "group_difference", text, name, n, value=verdict, verdict=verdict, p_value=p,
        values={"statistic": stat, effect[0]: effect[1]}, **common,
    )  # fmt: skip
    return answered(answer, table)


def _key(value: Any) -> str:
    v = to_json_value(value)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip().lower()


def _group_list(column: str, groups: Sequence[tuple[Any, Any]]) -> str:
    names = [label(g) for g, _ in groups]
    if len(names) == 2:
        return f"{column} {names[0]} and {names[1]}"
    return f"the {len(names)} {column} groups"


def _test(method: str, samples: list[np.ndarray]) -> tuple[float, float, tuple[str, float]]:
    """(statistic, p, (effect size name, value)) of one test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method in ("welch", "student"):
            a, b = samples
            r = scipy_stats().ttest_ind(a, b, equal_var=method == "student")
            pooled = math.sqrt(
                ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1))
                / (len(a) + len(b) - 2)
            )
            d = (a.mean() - b.mean()) / pooled if pooled else 0.0
            return float(r.statistic), float(r.pvalue), ("Cohen's d", float(d))
        if method == "mannwhitney":
            a, b = samples
            r = scipy_stats().mannwhitneyu(a, b, alternative="two-sided")
            rb = 1 - 2 * float(r.statistic) / (len(a) * len(b))
            return float(r.statistic), float(r.pvalue), ("rank-biserial r", rb)
        if method == "anova":
            r = scipy_stats().f_oneway(*samples)
            allv = np.concatenate(samples)
            between = sum(len(s) * (s.mean() - allv.mean()) ** 2 for s in samples)
            total = float(((allv - allv.mean()) ** 2).sum())
            return (
                float(r.statistic),
                float(r.pvalue),
                ("eta squared", between / total if total else 0.0),
            )
        r = scipy_stats().kruskal(*samples)
        n = sum(len(s) for s in samples)
        eps = float(r.statistic) / ((n * n - 1) / (n + 1)) if n > 1 else 0.0
        return float(r.statistic), float(r.pvalue), ("epsilon squared", eps)


def _chi_square(frame: pd.DataFrame, p: GroupDifferenceParams) -> ToolResult:
    """Two categorical columns: chi-square of their table, Cramér's V."""
    table = pd.crosstab(frame["g"], frame["v"])
    n = int(table.to_numpy().sum())
    name = TEST_NAMES["chi2"]
    common: dict[str, Any] = dict(columns=[p.measure, p.group_by], filters=filter_dicts(p.filters))
    subject = f"{p.measure} and {p.group_by}{scope(p.filters)}"
    if min(table.shape) < 2:
        text = f"The relation between {subject} cannot be tested: one of them has a single value."
        return answered(Answer("group_difference", text, name, n, **common))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = scipy_stats().chi2_contingency(table.to_numpy())
    v = math.sqrt(float(r.statistic) / (n * (min(table.shape) - 1)))
    verdict = "significant" if r.pvalue < ALPHA else "not significant"
    related = (
        "is a significant relation" if verdict == "significant" else "is no significant relation"
    )
    text = (
        f"Between {subject} there {related} at the 0.05 level: {name}, "
        f"chi² = {num(round(float(r.statistic), 2))}, {p_text(float(r.pvalue))}, "
        f"Cramér's V = {num(round(v, 2) + 0.0)} (n = {n:,})."
    )
    answer = Answer(
        "group_difference", text, name, n, value=verdict, verdict=verdict,
        p_value=float(r.pvalue), values={"statistic": float(r.statistic), "Cramér's V": v},
        **common,
    )  # fmt: skip
    return answered(answer, table.reset_index())


# ---------------------------------------------------------------- extreme row or group
class ExtremeParams(FilteredParams):
    """The group (or the single row) with the highest or lowest value."""

    measure: str | None = column_param(None, role="numeric", description="None: count rows")
    by: str | None = column_param(None, role="groupable", description="None: the single row")
    agg: GroupAggregation = "sum"
    time_grain: TimeGrain = "none"
    direction: Direction = "max"
    labels: list[str] = column_param(
        [], role="any", multiple=True, description="row: the columns that name it"
    )


@tool(
    "answer_extreme",
    family="answers",
    description="Which group (or row) has the highest or lowest value, over every group.",
    params=ExtremeParams,
    produces="stats",
)
def answer_extreme(df: pd.DataFrame, params: ExtremeParams, ctx: ToolContext) -> ToolResult:
    """The winner over every group (never a drawn subset), its value, the runner-up; ties said."""
    rows = filtered_rows(df, params)
    require_columns(rows, [params.measure, params.by, *params.labels])
    return extreme_on_rows(rows, params)


def extreme_on_rows(rows: pd.DataFrame, params: ExtremeParams) -> ToolResult:
    """The extreme row or group of `rows` (the filters already applied)."""
    if params.by is None:
        return answered(_extreme_row(rows, params))
    return _extreme_group(rows, params)


def _extreme_row(rows: pd.DataFrame, p: ExtremeParams) -> Answer:
    if p.measure is None:
        raise ToolInputError("the highest row needs a measure column")
    present = numeric_values(rows[p.measure]).dropna()
    if present.empty:
        return row_extreme_answer(p, None, 0, rows.iloc[:0], 0, [])
    best = present.max() if p.direction == "max" else present.min()
    winners = rows.loc[present[present == best].index]
    return row_extreme_answer(
        p, best, len(present), winners.head(5), len(winners), _row_labels(rows, p)
    )


def row_extreme_answer(
    p: ExtremeParams,
    best: Any,
    present: int,
    winners: pd.DataFrame,
    n_winners: int,
    names: list[str],
) -> Answer:
    """The extreme row's sentence: the `best` value over `present` values, held by `n_winners`
    rows, the first of which are `winners` (in table order), named by their `names` columns."""
    word = "highest" if p.direction == "max" else "lowest"
    common: dict[str, Any] = dict(columns=[p.measure, *p.labels], filters=filter_dicts(p.filters))
    if not present:
        return Answer(
            "extreme", f"{p.measure} has no values{scope(p.filters)}.", f"{word} row", 0, **common
        )
    described = [
        ", ".join(f"{c} = {_cell(r[c])}" for c in names) for _, r in winners.head(5).iterrows()
    ]
    where = scope(p.filters)
    if n_winners > 1:
        text = (
            f"The {word} {p.measure}{where} is {num(best)}, shared by {n_winners:,} rows: "
            f"{'; '.join(described)}."
        )
    else:
        text = f"The {word} {p.measure}{where} is {num(best)}, in the row where {described[0]}."
    first = winners.iloc[0]
    values = {c: to_json_value(first[c]) for c in names}
    values[str(p.measure)] = to_json_value(best)
    return Answer(
        "extreme", text, f"{word} value of {p.measure} over {present:,} rows", present,
        value=to_json_value(best), values=values, **common,
    )  # fmt: skip


def _row_labels(rows: pd.DataFrame, p: ExtremeParams) -> list[str]:
    """The columns that name a row: those asked for, else every column that is not a measure."""
    if p.labels:
        return [c for c in p.labels if c != p.measure]
    out = []
    for c in rows.columns:
        if c == p.measure:
            continue
        s = rows[c]
        if is_temporal(s) or not is_numeric(s) or _whole_and_few(s):
            out.append(str(c))
    return out[:6]


def _whole_and_few(s: pd.Series) -> bool:
    """Small whole numbers that label rather than measure (a year, a quarter, a code)."""
    present = numeric_values(s).dropna()
    return bool(
        len(present)
        and (present % 1 == 0).all()
        and present.nunique() <= max(60, len(present) // 2)
    )


def _cell(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return period_label(value, "day")
    return label(value)


def _extreme_group(rows: pd.DataFrame, p: ExtremeParams) -> ToolResult:
    keys = _keys(rows, str(p.by), p.time_grain)
    agg = extreme_agg(p)
    frame = pd.DataFrame({"g": keys})
    if p.measure is not None:
        frame["v"] = numeric_values(rows[p.measure])
    frame = frame[frame["g"].notna()]
    grouped = frame.groupby("g", sort=True, observed=True)
    totals = grouped.size() if agg == "count" else grouped["v"].agg(agg)
    totals = totals.dropna()
    ordered = totals.sort_values(ascending=p.direction == "min", kind="stable")
    total = summed(rows, p.measure, [keys]) if agg == "sum" and p.measure else None
    return group_extreme_answer(p, ordered, len(totals), len(frame), total)


def extreme_agg(p: ExtremeParams) -> str:
    """How a group's rows combine: a count of rows without a measure."""
    return "count" if p.measure is None else p.agg


def group_extreme_answer(
    p: ExtremeParams, ordered: pd.Series, k: int, rows: int, summed_by: Summed | None = None
) -> ToolResult:
    """The extreme group's sentence from every group's value, best first (`ordered`: ties in
    ascending key order; it may stop after the best groups when `k`, the number of groups
    with a value, is larger), over `rows` rows with a group. A total (`summed_by`: the axes it
    runs along) of a measure that does not add up there is still stated, with why it misleads."""
    by = str(p.by)
    agg = extreme_agg(p)
    word = "highest" if p.direction == "max" else "lowest"
    what = _agg_phrase(agg, p.measure)
    common: dict[str, Any] = dict(
        columns=[c for c in (p.measure, by) if c], filters=filter_dicts(p.filters)
    )
    group_noun = _group_noun(by, p.time_grain)
    if ordered.empty:
        text = f"No {group_noun} has a value of {p.measure or 'rows'}{scope(p.filters)}."
        return answered(Answer("extreme", text, f"{word} {what}", 0, **common))
    best = ordered.iloc[0]
    tied = ordered[ordered == best]
    grain: str = p.time_grain
    if grain == "none" and isinstance(ordered.index[0], pd.Timestamp):
        grain = calendar_grain(ordered.index)
    names = [_group_label(key, grain) for key in tied.index]
    where = scope(p.filters)
    runner = ordered[ordered != best]
    tie_text = (
        f"{_join(names)} tie for the {word} {what}{where}: {num(best)} each "
        f"(of {k:,} {group_noun}s)."
    )
    text = f"{names[0]} has the {word} {what}{where}: {num(best)} (of {k:,} {group_noun}s"
    if len(runner):
        text += f"; next is {_group_label(runner.index[0], grain)} with {num(runner.iloc[0])}"
    text += ")."
    ranking = Ranked(
        tuple(names), k, k, measure=p.measure, by=by, agg=agg, direction=p.direction,
        grain=p.time_grain, filters=tuple(filter_dicts(p.filters)),
    )  # fmt: skip
    total = (summed_by,) if summed_by is not None else ()
    applicable = tie_text if len(tied) > 1 else text
    level = None
    if total and (why := failures(Claim("", total))):
        level = Claim(
            f"{applicable.rstrip('.')} ({'; '.join(why)}, so this total adds up every moment "
            f"of each {group_noun} and counts the same {p.measure} again).",
            denies=total,
        )
    tie = Claim(tie_text, (dataclasses.replace(ranking, says_tie=True), *total), level)
    claim = Claim(text, (ranking, *total), tie)
    text = tie_text if len(tied) > 1 else text
    table = ordered.rename(what).reset_index().rename(columns={"g": by})
    table[by] = [_group_label(v, grain) for v in table[by]]
    values = {by: names[0] if len(names) == 1 else names, what: to_json_value(best)}
    answer = Answer(
        "extreme", text, f"{agg} of {p.measure or 'rows'} per {group_noun}, {word} of {k:,}",
        rows, value=names[0] if len(names) == 1 else None, values=values,
        **common,
    )  # fmt: skip
    return answered(answer, table, claim=claim)


def _keys(rows: pd.DataFrame, column: str, grain: str) -> pd.Series:
    if grain != "none":
        if not (is_temporal(rows[column]) or _looks_dates(rows[column])):
            raise ToolInputError(f"{column!r} holds no dates: it cannot be read per {grain}")
        return bucket_column(rows, column, grain)
    return rows[column]


def _looks_dates(s: pd.Series) -> bool:
    try:
        datetime_values(s)
    except ToolInputError:
        return False
    return True


def _group_label(key: Any, grain: str) -> str:
    if grain in PERIOD_GRAINS and isinstance(key, (pd.Timestamp, np.datetime64)):
        text = period_label(key, grain)
        if grain == "month":
            text += f" ({MONTHS[pd.Timestamp(key).month - 1]} {pd.Timestamp(key).year})"
        return text
    if isinstance(key, pd.Timestamp):
        return period_label(key, "day")
    return label(key)


def _group_noun(column: str, grain: str) -> str:
    if grain in ("none",):
        return f"{column} group"
    return {"month_of_year": "month", "weekday": "weekday", "hour": "hour"}.get(grain, grain)


def _agg_phrase(agg: str, measure: str | None) -> str:
    if agg == "count" or measure is None:
        return "number of rows"
    return f"{AGG_WORDS.get(agg, agg)} of {measure}"


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    shown = names[:5] + ([f"{len(names) - 5} more"] if len(names) > 5 else [])
    return ", ".join(shown[:-1]) + " and " + shown[-1]


# ---------------------------------------------------------------- change between two periods
class ChangeParams(FilteredParams):
    """How much a measure changed from one period to another."""

    measure: str = column_param(role="numeric", description="the value that changed")
    period: str = column_param(role="any", description="the column holding the periods")
    quarter: str | None = column_param(
        None, role="numeric", description="the quarter within the period's year (1959-Q1)"
    )
    time_grain: TimeGrain = "none"
    start: str = Field(description="the first period, as the column or its grain writes it")
    end: str = Field(description="the second period")
    agg: Literal["sum", "mean", "median", "min", "max"] | None = Field(
        None, description="how a period's rows combine; none: its one row, or their mean"
    )


@tool(
    "answer_change",
    family="answers",
    description="Change of a measure between two periods, absolute and in percent.",
    params=ChangeParams,
    produces="stats",
)
def answer_change(df: pd.DataFrame, params: ChangeParams, ctx: ToolContext) -> ToolResult:
    """Each period's value (its one row, or its rows combined), then the change and its %."""
    rows = filtered_rows(df, params)
    require_columns(rows, [params.measure, params.period, params.quarter])
    return change_on_rows(rows, params)


def change_on_rows(rows: pd.DataFrame, params: ChangeParams) -> ToolResult:
    """The change between the two periods of `rows` (the filters already applied)."""
    labels = period_labels(rows, params)
    values = numeric_values(rows[params.measure])
    found: dict[str, Any] = {}
    counts: dict[str, int] = {}
    agg: str | None = params.agg
    for side in (params.start, params.end):
        mask = labels == _period_key(side, params.time_grain)
        counts[side] = int(mask.sum())
        agg = agg or period_agg(counts[side])
        found[side] = values[mask].dropna().agg(agg) if mask.any() else None
    return change_answer(params, found, counts, agg)


def period_labels(rows: pd.DataFrame, params: ChangeParams) -> pd.Series:
    """Each row's period in one spelling ("1959-q1" with a quarter column)."""
    keys = _keys(rows, params.period, params.time_grain)
    labels = keys.map(lambda k: _period_key(k, params.time_grain))
    if params.quarter is not None:  # a year column and a quarter column: "1959-q1"
        quarter = numeric_values(rows[params.quarter]).map(
            lambda q: "" if pd.isna(q) else f"-q{int(q)}"
        )
        labels = labels + quarter
    return labels


def period_agg(rows: int) -> str:
    """How a period's rows combine when the question does not say (set by the first period):
    the mean of several rows, else the one row's value."""
    return "mean" if rows > 1 else "sum"


def change_answer(
    params: ChangeParams, found: dict[str, Any], counts: dict[str, int], agg: str | None
) -> ToolResult:
    """The change's sentence from each period's value (`found`, None where the period has no
    rows) and row count, its rows combined by `agg`."""
    columns = [c for c in (params.measure, params.period, params.quarter) if c]
    common: dict[str, Any] = dict(columns=columns, filters=filter_dicts(params.filters))
    where = scope(params.filters)
    missing = [s for s in (params.start, params.end) if found[s] is None or not _finite(found[s])]
    if missing:
        text = f"{params.measure}{where} has no value for {params.period} {' or '.join(missing)}."
        return answered(Answer("change", text, "change between two periods", 0, **common))
    v0, v1 = float(found[params.start]), float(found[params.end])
    change = v1 - v0
    pct = change / v0 * 100 if v0 else None
    verb = "rose" if change > 0 else "fell" if change < 0 else "stayed"
    how = (
        ""
        if max(counts.values()) <= 1
        else f" ({AGG_WORDS.get(agg or '', agg)} of each period's rows)"
    )
    pct_text = (
        f" ({'+' if pct is not None and pct > 0 else ''}{num(pct)}%)"
        if pct is not None
        else " (no % change: it started at 0)"
    )
    text = (
        f"{params.measure}{where} {verb} from {num(v0)} in {params.start} to {num(v1)} in "
        f"{params.end}{how}: a change of {'+' if change > 0 else ''}{num(change)}{pct_text}."
    )
    answer = Answer(
        "change", text, f"{params.end} minus {params.start}" + (f", {agg} per period" if how else ""),
        sum(counts.values()), value=change,
        values={"start": v0, "end": v1, "change": change, "percent_change": pct},
        **common,
    )  # fmt: skip
    return answered(answer)


def _finite(v: Any) -> bool:
    x = to_json_value(v)
    return isinstance(x, (int, float)) and math.isfinite(x)


def _period_key(key: Any, grain: str) -> str:
    """One spelling for a period, whichever side wrote it: "1935", "2015-07", "september"."""
    if isinstance(key, str):
        text = key.strip().lower()
        if grain == "month_of_year":
            for i, m in enumerate(MONTHS):
                if text in (m.lower(), m.lower()[:3]) or text == str(i + 1):
                    return m.lower()
        try:
            f = float(text)
            return str(int(f)) if f.is_integer() else str(f)
        except ValueError:
            pass
        if grain in PERIOD_GRAINS:
            try:
                return period_id(_period_start(text), grain).lower()
            except (ValueError, TypeError):
                return text
        return text
    if isinstance(key, (pd.Timestamp, np.datetime64)):
        return period_id(key, grain if grain in PERIOD_GRAINS else "day").lower()
    return label(key).lower()


_QUARTER_TEXT = re.compile(r"(\d{4})-?q([1-4])")


def _period_start(text: str) -> pd.Timestamp:
    """The first moment of a period written as text; "2015-q3" read as its quarter directly
    (pandas deprecates reading quarter strings as timestamps)."""
    quarter = _QUARTER_TEXT.fullmatch(text)
    if quarter:
        return pd.Timestamp(year=int(quarter[1]), month=3 * int(quarter[2]) - 2, day=1)
    return pd.Timestamp(text)
